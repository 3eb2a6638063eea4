// The card's persistent memory: an object store kept in RAM and mirrored to an image file
// through a write-ahead journal, with single-level transactions and power-loss injection.
//
// Every persistent mutation becomes one journal record. Records are buffered and appended to
// the image in one write() per flush(); the card flushes before each response leaves it, so a
// process killed at any moment loses at most the command in progress, which is the state the
// card had at that command's start. A batch carries a CRC-32, so a batch torn by a kill is
// recognised and dropped when the image is next opened. Transactions follow the Java Card 3.0.5
// Runtime Environment §7: all of a committed transaction or none of it survives a power loss.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/bytes.h"

namespace uicc::store {

using Handle = std::uint32_t;
inline constexpr Handle kNull = 0;
inline constexpr std::size_t kRootCount = 16;

// Stored with each object. The store reads only `flags`; kind, owner and type belong to the
// layer that created the object (the VM's object model, the file system, the registry).
struct ObjectHeader {
  std::uint8_t kind = 0;
  std::uint8_t flags = 0;
  std::uint16_t owner = 0;
  std::uint32_t type = 0;

  friend bool operator==(const ObjectHeader&, const ObjectHeader&) = default;
};

// The object's contents live in RAM only: never journaled, never part of a transaction, and
// zero after the image is opened. Java Card transient arrays use it.
inline constexpr std::uint8_t kVolatile = 0x01;

struct Limits {
  std::size_t persistent_bytes = 512 * 1024;  // a typical UICC's free EEPROM or flash
  std::size_t volatile_bytes = 8 * 1024;      // RAM for transient arrays
  std::size_t commit_capacity = 8 * 1024;     // before-images a transaction may hold
  std::size_t max_objects = 65535;
};

// Per-object bookkeeping charged against Limits::persistent_bytes, as on a real card where
// every object has a header in non-volatile memory.
inline constexpr std::size_t kObjectOverhead = 16;

class OutOfMemory : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CommitCapacityExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The image file is unreadable: wrong magic, unsupported version, or a damaged snapshot.
class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by the write that reaches the cut point set with cut_power_after(). The records up
// to and including that write are in the image; the Store must not be used afterwards.
class PowerLoss : public std::exception {
 public:
  const char* what() const noexcept override { return "power lost (injected fault)"; }
};

struct Usage {
  std::size_t persistent_bytes = 0;
  std::size_t volatile_bytes = 0;
  std::size_t objects = 0;
  std::size_t journal_bytes = 0;  // bytes appended since the last snapshot
};

class Store {
 public:
  // A store with no image file: state lives as long as the object.
  explicit Store(Limits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Opens the image at `path`, replaying its journal, or creates an empty image there.
  // Throws ImageError if the file exists but is not a readable image.
  static std::unique_ptr<Store> open(const std::filesystem::path& path, Limits limits = {});

  // True if open() created the image, or for a store without an image, until the first flush.
  bool created() const { return created_; }
  const Limits& limits() const { return limits_; }
  Usage usage() const;

  // Allocates a zero-filled object. Throws OutOfMemory when the persistent or volatile budget
  // (or the handle space) is exhausted. Inside a transaction the allocation is undone by abort.
  Handle allocate(const ObjectHeader& header, std::uint32_t size);
  // Frees an object. Not allowed inside a transaction.
  void release(Handle handle);

  // The accessors below are inline: the VM calls them for every field and array access.
  // A handle that names no object throws std::out_of_range.
  bool valid(Handle handle) const noexcept {
    return handle != kNull && handle < objects_.size() && objects_[handle] != nullptr;
  }
  const ObjectHeader& header(Handle handle) const { return object(handle).header; }
  std::uint32_t size(Handle handle) const { return object(handle).size; }
  const std::uint8_t* data(Handle handle) const { return object(handle).bytes.get(); }
  ByteView view(Handle handle) const {
    const Object& o = object(handle);
    return {o.bytes.get(), o.size};
  }

  // Writes bytes atomically. Inside a transaction the write is undone by abort or power loss.
  // Throws CommitCapacityExceeded, leaving the object unchanged, when the transaction's
  // before-images would exceed Limits::commit_capacity.
  void write(Handle handle, std::uint32_t offset, ByteView bytes);
  // Writes bytes that no transaction undoes (Util.arrayCopyNonAtomic and friends).
  void write_non_atomic(Handle handle, std::uint32_t offset, ByteView bytes);
  void fill_non_atomic(Handle handle, std::uint32_t offset, std::uint32_t length, std::uint8_t value);
  void set_header(Handle handle, const ObjectHeader& header);

  // Named entry points into the object graph, e.g. the root of the file system.
  Handle root(std::size_t index) const;
  void set_root(std::size_t index, Handle handle);

  void begin_transaction();
  void commit_transaction();
  void abort_transaction();
  bool in_transaction() const { return in_transaction_; }
  // Bytes of before-images held by the open transaction, against Limits::commit_capacity.
  std::size_t transaction_bytes() const { return undo_bytes_; }
  // Handles allocated by the open transaction (the VM clears references to them on abort).
  std::vector<Handle> transaction_allocations() const;

  // Appends the buffered records to the image. Cheap when nothing is pending.
  void flush();
  // Writes a fresh snapshot and empties the journal. Not allowed inside a transaction.
  void compact();
  // Calls f(handle) for every live object, in handle order.
  void for_each(const std::function<void(Handle)>& f) const;

  // Makes the n-th persistent write from now throw PowerLoss after reaching the image. 0 clears.
  void cut_power_after(std::uint64_t writes);
  std::uint64_t write_count() const { return write_count_; }

 private:
  struct Object {
    ObjectHeader header;
    std::uint32_t size = 0;
    std::unique_ptr<std::uint8_t[]> bytes;
    bool allocated_in_transaction = false;
  };
  struct UndoEntry;

  Object& object(Handle handle) {
    if (!valid(handle)) [[unlikely]] throw_missing(handle);
    return *objects_[handle];
  }
  const Object& object(Handle handle) const {
    if (!valid(handle)) [[unlikely]] throw_missing(handle);
    return *objects_[handle];
  }
  [[noreturn]] static void throw_missing(Handle handle);
  void check_powered() const;
  void check_range(Handle handle, std::uint32_t offset, std::size_t length) const;
  void append_record(ByteView record);
  void apply_undo();
  Handle next_free_handle();

  // Mutations shared by the live operations and journal replay.
  void place_object(Handle handle, const ObjectHeader& header, std::uint32_t size);
  void drop_object(Handle handle);
  void save_undo_bytes(Handle handle, std::uint32_t offset, std::size_t length);

  void load(ByteView image);
  bool replay_batch(ByteView records);
  Bytes encode_snapshot() const;
  void write_image_file();

  Limits limits_;
  std::vector<std::unique_ptr<Object>> objects_;  // index = handle; slot 0 unused
  std::vector<Handle> free_handles_;
  Handle roots_[kRootCount] = {};
  std::size_t persistent_used_ = 0;
  std::size_t volatile_used_ = 0;
  std::size_t live_objects_ = 0;

  bool in_transaction_ = false;
  std::vector<UndoEntry> undo_;
  std::size_t undo_bytes_ = 0;

  std::optional<std::filesystem::path> path_;
  int fd_ = -1;
  std::uint64_t generation_ = 0;
  std::size_t journal_bytes_ = 0;
  Bytes pending_;
  bool created_ = false;

  std::uint64_t write_count_ = 0;
  std::uint64_t cut_at_ = 0;
  bool powered_off_ = false;  // set by an injected power loss; mutations then throw PowerLoss
};

// Runs `f` inside a store transaction that commits when f returns and aborts when it throws.
template <typename F>
void atomically(Store& store, F&& f) {
  store.begin_transaction();
  try {
    f();
  } catch (...) {
    if (store.in_transaction()) store.abort_transaction();
    throw;
  }
  store.commit_transaction();
}

}  // namespace uicc::store
