#include "vm/store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

namespace uicc::store {

namespace {

// Image file layout, all integers big-endian:
//   file header: magic "UICCIMG1", u32 format version, u32 reserved, u64 generation
//   snapshot block: u32 length, u32 CRC-32, payload
//   journal batches, each: u32 length, u32 CRC-32, records
constexpr std::uint8_t kMagic[8] = {'U', 'I', 'C', 'C', 'I', 'M', 'G', '1'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::size_t kFileHeaderSize = 24;
constexpr std::size_t kBlockHeaderSize = 8;
constexpr std::size_t kObjectHeaderSize = 8;

// Journal record types. kInTransaction marks a record that abort and power loss undo.
enum Record : std::uint8_t {
  kAllocate = 0x01,
  kRelease = 0x02,
  kWrite = 0x03,
  kSetHeader = 0x04,
  kSetRoot = 0x05,
  kBegin = 0x06,
  kCommit = 0x07,
  kAbort = 0x08,
  kFill = 0x09,
};
constexpr std::uint8_t kInTransaction = 0x80;

// Bounds that keep a damaged or crafted image from making the loader allocate without limit.
constexpr std::uint32_t kMaxHandles = 0x01000000;
constexpr std::uint32_t kMaxObjectSize = 16 * 1024 * 1024;

// The journal is folded into a new snapshot once it outgrows both of these.
constexpr std::size_t kMinCompactionJournal = 64 * 1024;
constexpr std::size_t kCompactionFactor = 2;

std::uint32_t crc32_of(ByteView bytes) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, bytes.data(), static_cast<uInt>(bytes.size())));
}

void put_header(Bytes& out, const ObjectHeader& header) {
  out.push_back(header.kind);
  out.push_back(header.flags);
  append_u16(out, header.owner);
  append_u32(out, header.type);
}

ObjectHeader get_header(ByteView bytes, std::size_t offset) {
  return ObjectHeader{bytes[offset], bytes[offset + 1], get_u16(bytes, offset + 2),
                      get_u32(bytes, offset + 4)};
}

std::size_t charge(const ObjectHeader& header, std::uint32_t size) {
  return (header.flags & kVolatile) ? kObjectOverhead : kObjectOverhead + size;
}

void write_all(int fd, ByteView bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(),
                              fmt::format("writing card image {}", path.string()));
    }
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
}

// Reads bounded fields from a byte range and reports running past its end.
class Reader {
 public:
  explicit Reader(ByteView bytes) : bytes_(bytes) {}
  bool has(std::size_t n) const { return bytes_.size() - pos_ >= n; }
  bool at_end() const { return pos_ == bytes_.size(); }
  std::uint8_t u8() { need(1); return bytes_[pos_++]; }
  std::uint32_t u32() { need(4); auto v = get_u32(bytes_, pos_); pos_ += 4; return v; }
  ObjectHeader header() { need(kObjectHeaderSize); auto h = get_header(bytes_, pos_); pos_ += kObjectHeaderSize; return h; }
  ByteView take(std::size_t n) { need(n); auto v = bytes_.subspan(pos_, n); pos_ += n; return v; }

 private:
  void need(std::size_t n) const {
    if (!has(n)) throw ImageError("card image record runs past the end of its block");
  }
  ByteView bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

struct Store::UndoEntry {
  enum class Kind : std::uint8_t { bytes, allocation, header, root } kind;
  Handle handle = kNull;
  std::uint32_t offset = 0;  // for bytes; the root index for root
  Bytes before;              // for bytes
  ObjectHeader old_header;   // for header
  Handle old_root = kNull;   // for root
};

Store::Store(Limits limits) : limits_(limits), objects_(1), created_(true) {}

Store::~Store() {
  if (fd_ >= 0) {
    if (!powered_off_) {
      try {
        flush();
      } catch (...) {  // a failing disk at shutdown must not terminate the process
      }
    }
    ::close(fd_);
  }
}

std::unique_ptr<Store> Store::open(const std::filesystem::path& path, Limits limits) {
  auto store = std::make_unique<Store>(limits);
  store->path_ = path;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ImageError(fmt::format("cannot read card image {}", path.string()));
    Bytes image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    store->created_ = false;
    store->load(image);
  } else {
    store->generation_ = 1;
    store->write_image_file();
  }
  return store;
}

Usage Store::usage() const {
  return Usage{persistent_used_, volatile_used_, live_objects_, journal_bytes_ + pending_.size()};
}

// --- object access -------------------------------------------------------------------------

void Store::throw_missing(Handle handle) {
  throw std::out_of_range(fmt::format("no object with handle {}", handle));
}

void Store::check_powered() const {
  if (powered_off_) throw PowerLoss();
}

void Store::check_range(Handle handle, std::uint32_t offset, std::size_t length) const {
  const Object& o = object(handle);
  if (offset > o.size || length > o.size - offset) {
    throw std::out_of_range(fmt::format("write of {} bytes at offset {} outside object {} of {} bytes",
                                        length, offset, handle, o.size));
  }
}

// --- journal -------------------------------------------------------------------------------

void Store::append_record(ByteView record) {
  if (path_) append(pending_, record);
  ++write_count_;
  if (cut_at_ != 0 && write_count_ >= cut_at_) {
    cut_at_ = 0;
    flush();
    powered_off_ = true;
    throw PowerLoss();
  }
}

void Store::cut_power_after(std::uint64_t writes) {
  cut_at_ = writes == 0 ? 0 : write_count_ + writes;
}

void Store::flush() {
  if (!path_ || pending_.empty()) return;
  Bytes batch;
  batch.reserve(kBlockHeaderSize + pending_.size());
  append_u32(batch, static_cast<std::uint32_t>(pending_.size()));
  append_u32(batch, crc32_of(pending_));
  append(batch, pending_);
  write_all(fd_, batch, *path_);
  journal_bytes_ += batch.size();
  pending_.clear();
  if (!in_transaction_ && !powered_off_ && journal_bytes_ > kMinCompactionJournal &&
      journal_bytes_ > kCompactionFactor * (persistent_used_ + kFileHeaderSize)) {
    compact();
  }
}

void Store::compact() {
  check_powered();
  if (in_transaction_) throw std::logic_error("compact() inside a transaction");
  if (!path_) return;
  pending_.clear();
  ++generation_;
  write_image_file();
}

Bytes Store::encode_snapshot() const {
  Bytes out;
  append_u32(out, static_cast<std::uint32_t>(objects_.size()));
  for (Handle root : roots_) append_u32(out, root);
  append_u32(out, static_cast<std::uint32_t>(live_objects_));
  for (Handle h = 1; h < objects_.size(); ++h) {
    const auto& o = objects_[h];
    if (!o) continue;
    append_u32(out, h);
    put_header(out, o->header);
    append_u32(out, o->size);
    if (!(o->header.flags & kVolatile)) append(out, ByteView(o->bytes.get(), o->size));
  }
  return out;
}

// Writes header and snapshot to a temporary file, syncs it and renames it over the image, so
// the image on disk is always either the old one or the new one.
void Store::write_image_file() {
  Bytes file(kMagic, kMagic + sizeof kMagic);
  append_u32(file, kFormatVersion);
  append_u32(file, 0);
  append_u32(file, static_cast<std::uint32_t>(generation_ >> 32));
  append_u32(file, static_cast<std::uint32_t>(generation_));
  Bytes snapshot = encode_snapshot();
  append_u32(file, static_cast<std::uint32_t>(snapshot.size()));
  append_u32(file, crc32_of(snapshot));
  append(file, snapshot);

  auto temp = *path_;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(),
                            fmt::format("creating card image {}", temp.string()));
  }
  try {
    write_all(fd, file, temp);
    if (::fsync(fd) != 0) {
      throw std::system_error(errno, std::generic_category(), "syncing card image");
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  std::filesystem::rename(temp, *path_);

  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_->c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) {
    throw std::system_error(errno, std::generic_category(),
                            fmt::format("opening card image {}", path_->string()));
  }
  journal_bytes_ = 0;
}

void Store::load(ByteView image) {
  const std::string name = path_->string();
  if (image.size() < kFileHeaderSize || !std::equal(kMagic, kMagic + sizeof kMagic, image.begin())) {
    throw ImageError(fmt::format("{} is not a card image (magic UICCIMG1 missing)", name));
  }
  std::uint32_t version = get_u32(image, 8);
  if (version != kFormatVersion) {
    throw ImageError(fmt::format("{} has image format {}, this build reads format {}", name,
                                 version, kFormatVersion));
  }
  generation_ = (std::uint64_t{get_u32(image, 16)} << 32) | get_u32(image, 20);

  std::size_t pos = kFileHeaderSize;
  if (image.size() - pos < kBlockHeaderSize) throw ImageError(fmt::format("{}: snapshot missing", name));
  std::uint32_t snapshot_size = get_u32(image, pos);
  std::uint32_t snapshot_crc = get_u32(image, pos + 4);
  pos += kBlockHeaderSize;
  if (snapshot_size > image.size() - pos || crc32_of(image.subspan(pos, snapshot_size)) != snapshot_crc) {
    throw ImageError(fmt::format("{}: snapshot damaged (length or CRC-32 mismatch)", name));
  }

  try {
    Reader in(image.subspan(pos, snapshot_size));
    std::uint32_t slots = in.u32();
    if (slots == 0 || slots > kMaxHandles) throw ImageError("card image has an impossible handle count");
    objects_.clear();
    objects_.resize(slots);
    for (Handle& root : roots_) root = in.u32();
    std::uint32_t count = in.u32();
    for (std::uint32_t i = 0; i < count; ++i) {
      Handle handle = in.u32();
      ObjectHeader header = in.header();
      std::uint32_t size = in.u32();
      if (handle == kNull || handle >= slots || objects_[handle]) {
        throw ImageError(fmt::format("card image snapshot lists handle {} twice or out of range", handle));
      }
      if (size > kMaxObjectSize || (!(header.flags & kVolatile) && !in.has(size))) {
        throw ImageError(fmt::format("card image object {} has an impossible size {}", handle, size));
      }
      place_object(handle, header, size);
      if (!(header.flags & kVolatile)) {
        ByteView content = in.take(size);
        std::copy(content.begin(), content.end(), objects_[handle]->bytes.get());
      }
    }
    if (!in.at_end()) throw ImageError("card image snapshot has trailing bytes");
    for (Handle root : roots_) {
      if (root != kNull && !valid(root)) throw ImageError("card image root refers to a missing object");
    }
  } catch (const ImageError& e) {
    throw ImageError(fmt::format("{}: {}", name, e.what()));
  }
  pos += snapshot_size;

  // Journal batches: a batch that is short or fails its CRC is the tail torn by a kill, and it
  // and everything after it are discarded.
  std::size_t valid_end = pos;
  while (image.size() - pos >= kBlockHeaderSize) {
    std::uint32_t length = get_u32(image, pos);
    std::uint32_t crc = get_u32(image, pos + 4);
    if (length > image.size() - pos - kBlockHeaderSize) break;
    ByteView records = image.subspan(pos + kBlockHeaderSize, length);
    if (crc32_of(records) != crc) break;
    try {
      replay_batch(records);
    } catch (const std::exception& e) {
      throw ImageError(fmt::format("{}: journal record invalid: {}", name, e.what()));
    }
    pos += kBlockHeaderSize + length;
    valid_end = pos;
  }
  journal_bytes_ = valid_end - kFileHeaderSize - kBlockHeaderSize - snapshot_size;

  // A transaction still open at the end of the journal was cut by a power loss: roll it back.
  bool rolled_back = in_transaction_;
  if (in_transaction_) {
    apply_undo();
    in_transaction_ = false;
  }

  free_handles_.clear();
  for (Handle h = 1; h < objects_.size(); ++h) {
    if (!objects_[h]) free_handles_.push_back(h);
  }

  // Drop the torn tail, then record the rollback so that later batches do not continue it.
  if (valid_end != image.size()) std::filesystem::resize_file(*path_, valid_end);
  fd_ = ::open(path_->c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), fmt::format("opening card image {}", name));
  }
  if (rolled_back) {
    pending_.push_back(kAbort);
    flush();
  }
}

bool Store::replay_batch(ByteView records) {
  Reader in(records);
  while (!in.at_end()) {
    std::uint8_t type = in.u8();
    bool transactional = (type & kInTransaction) != 0;
    if (transactional && !in_transaction_) throw ImageError("transactional record outside a transaction");
    switch (type & ~kInTransaction) {
      case kAllocate: {
        Handle handle = in.u32();
        ObjectHeader header = in.header();
        std::uint32_t size = in.u32();
        if (handle == kNull || handle >= kMaxHandles || valid(handle) || size > kMaxObjectSize) {
          throw ImageError(fmt::format("allocation of handle {} that is in use or out of range", handle));
        }
        if (handle >= objects_.size()) objects_.resize(handle + 1);
        place_object(handle, header, size);
        if (transactional) {
          objects_[handle]->allocated_in_transaction = true;
          undo_.push_back(UndoEntry{UndoEntry::Kind::allocation, handle, 0, {}, {}, kNull});
        }
        break;
      }
      case kRelease: {
        Handle handle = in.u32();
        object(handle);
        drop_object(handle);
        break;
      }
      case kWrite: {
        Handle handle = in.u32();
        std::uint32_t offset = in.u32();
        std::uint32_t length = in.u32();
        ByteView bytes = in.take(length);
        check_range(handle, offset, length);
        if (transactional) save_undo_bytes(handle, offset, length);
        std::copy(bytes.begin(), bytes.end(), object(handle).bytes.get() + offset);
        break;
      }
      case kFill: {
        Handle handle = in.u32();
        std::uint32_t offset = in.u32();
        std::uint32_t length = in.u32();
        std::uint8_t value = in.u8();
        check_range(handle, offset, length);
        std::fill_n(object(handle).bytes.get() + offset, length, value);
        break;
      }
      case kSetHeader: {
        Handle handle = in.u32();
        ObjectHeader header = in.header();
        Object& o = object(handle);
        if ((header.flags & kVolatile) != (o.header.flags & kVolatile)) {
          throw ImageError("header change between volatile and persistent");
        }
        if (transactional) {
          undo_.push_back(UndoEntry{UndoEntry::Kind::header, handle, 0, {}, o.header, kNull});
        }
        o.header = header;
        break;
      }
      case kSetRoot: {
        std::uint8_t index = in.u8();
        Handle handle = in.u32();
        if (index >= kRootCount || (handle != kNull && !valid(handle))) throw ImageError("invalid root record");
        if (transactional) {
          undo_.push_back(UndoEntry{UndoEntry::Kind::root, kNull, index, {}, {}, roots_[index]});
        }
        roots_[index] = handle;
        break;
      }
      case kBegin:
        if (in_transaction_) throw ImageError("nested transaction");
        in_transaction_ = true;
        break;
      case kCommit:
        if (!in_transaction_) throw ImageError("commit outside a transaction");
        for (auto& entry : undo_) {
          if (entry.kind == UndoEntry::Kind::allocation && valid(entry.handle)) {
            objects_[entry.handle]->allocated_in_transaction = false;
          }
        }
        undo_.clear();
        undo_bytes_ = 0;
        in_transaction_ = false;
        break;
      case kAbort:
        // Also written after a rollback done at open time, when no transaction is open.
        if (in_transaction_) apply_undo();
        in_transaction_ = false;
        break;
      default:
        throw ImageError(fmt::format("unknown journal record type {:02X}", type));
    }
  }
  return true;
}

// --- allocation ----------------------------------------------------------------------------

void Store::place_object(Handle handle, const ObjectHeader& header, std::uint32_t size) {
  auto o = std::make_unique<Object>();
  o->header = header;
  o->size = size;
  o->bytes = std::make_unique<std::uint8_t[]>(size == 0 ? 1 : size);  // zero-filled
  if (header.flags & kVolatile) {
    volatile_used_ += size;
  }
  persistent_used_ += charge(header, size);
  ++live_objects_;
  objects_[handle] = std::move(o);
}

void Store::drop_object(Handle handle) {
  const Object& o = *objects_[handle];
  if (o.header.flags & kVolatile) volatile_used_ -= o.size;
  persistent_used_ -= charge(o.header, o.size);
  --live_objects_;
  objects_[handle].reset();
  free_handles_.push_back(handle);
}

Handle Store::next_free_handle() {
  // Lowest free handle first keeps images compact and replay deterministic.
  if (!free_handles_.empty()) {
    auto lowest = std::min_element(free_handles_.begin(), free_handles_.end());
    Handle handle = *lowest;
    *lowest = free_handles_.back();
    free_handles_.pop_back();
    return handle;
  }
  if (objects_.size() > limits_.max_objects) return kNull;
  objects_.emplace_back();
  return static_cast<Handle>(objects_.size() - 1);
}

Handle Store::allocate(const ObjectHeader& header, std::uint32_t size) {
  check_powered();
  bool is_volatile = (header.flags & kVolatile) != 0;
  if (size > kMaxObjectSize) throw OutOfMemory(fmt::format("object of {} bytes exceeds the maximum object size", size));
  if (persistent_used_ + charge(header, size) > limits_.persistent_bytes) {
    throw OutOfMemory(fmt::format("persistent memory exhausted: {} bytes requested, {} of {} in use",
                                  size, persistent_used_, limits_.persistent_bytes));
  }
  if (is_volatile && volatile_used_ + size > limits_.volatile_bytes) {
    throw OutOfMemory(fmt::format("transient memory exhausted: {} bytes requested, {} of {} in use",
                                  size, volatile_used_, limits_.volatile_bytes));
  }
  Handle handle = next_free_handle();
  if (handle == kNull) throw OutOfMemory("object table full");

  place_object(handle, header, size);
  if (in_transaction_) {
    objects_[handle]->allocated_in_transaction = true;
    undo_.push_back(UndoEntry{UndoEntry::Kind::allocation, handle, 0, {}, {}, kNull});
  }

  std::uint8_t record[18];
  record[0] = static_cast<std::uint8_t>(kAllocate | (in_transaction_ ? kInTransaction : 0));
  put_u32(record, 1, handle);
  record[5] = header.kind;
  record[6] = header.flags;
  put_u16(record, 7, header.owner);
  put_u32(record, 9, header.type);
  put_u32(record, 13, size);
  append_record(ByteView(record, 17));
  return handle;
}

void Store::release(Handle handle) {
  check_powered();
  if (in_transaction_) throw std::logic_error("release() inside a transaction");
  object(handle);
  for (Handle root : roots_) {
    if (root == handle) throw std::logic_error("release() of an object that is a root");
  }
  drop_object(handle);
  std::uint8_t record[5] = {kRelease};
  put_u32(record, 1, handle);
  append_record(record);
}

// --- writes --------------------------------------------------------------------------------

void Store::save_undo_bytes(Handle handle, std::uint32_t offset, std::size_t length) {
  Object& o = object(handle);
  if (o.allocated_in_transaction) return;  // abort frees the whole object anyway
  const std::uint8_t* start = o.bytes.get() + offset;
  undo_.push_back(UndoEntry{UndoEntry::Kind::bytes, handle, offset, Bytes(start, start + length), {}, kNull});
  undo_bytes_ += length;
}

void Store::write(Handle handle, std::uint32_t offset, ByteView bytes) {
  check_powered();
  check_range(handle, offset, bytes.size());
  Object& o = object(handle);
  if (o.header.flags & kVolatile) {
    std::copy(bytes.begin(), bytes.end(), o.bytes.get() + offset);
    return;
  }
  bool transactional = in_transaction_;
  if (transactional) {
    if (!o.allocated_in_transaction && undo_bytes_ + bytes.size() > limits_.commit_capacity) {
      throw CommitCapacityExceeded(fmt::format("transaction needs {} more bytes, {} of {} used",
                                               bytes.size(), undo_bytes_, limits_.commit_capacity));
    }
    save_undo_bytes(handle, offset, bytes.size());
  }
  std::copy(bytes.begin(), bytes.end(), o.bytes.get() + offset);

  if (path_) {
    pending_.push_back(static_cast<std::uint8_t>(kWrite | (transactional ? kInTransaction : 0)));
    append_u32(pending_, handle);
    append_u32(pending_, offset);
    append_u32(pending_, static_cast<std::uint32_t>(bytes.size()));
    append(pending_, bytes);
  }
  append_record({});
}

void Store::write_non_atomic(Handle handle, std::uint32_t offset, ByteView bytes) {
  check_powered();
  check_range(handle, offset, bytes.size());
  Object& o = object(handle);
  std::copy(bytes.begin(), bytes.end(), o.bytes.get() + offset);
  if (o.header.flags & kVolatile) return;
  if (path_) {
    pending_.push_back(kWrite);
    append_u32(pending_, handle);
    append_u32(pending_, offset);
    append_u32(pending_, static_cast<std::uint32_t>(bytes.size()));
    append(pending_, bytes);
  }
  append_record({});
}

void Store::fill_non_atomic(Handle handle, std::uint32_t offset, std::uint32_t length, std::uint8_t value) {
  check_powered();
  check_range(handle, offset, length);
  Object& o = object(handle);
  std::fill_n(o.bytes.get() + offset, length, value);
  if (o.header.flags & kVolatile) return;
  std::uint8_t record[14] = {kFill};
  put_u32(record, 1, handle);
  put_u32(record, 5, offset);
  put_u32(record, 9, length);
  record[13] = value;
  append_record(record);
}

void Store::set_header(Handle handle, const ObjectHeader& header) {
  check_powered();
  Object& o = object(handle);
  if ((header.flags & kVolatile) != (o.header.flags & kVolatile)) {
    throw std::logic_error("set_header() cannot switch an object between volatile and persistent");
  }
  if (in_transaction_) undo_.push_back(UndoEntry{UndoEntry::Kind::header, handle, 0, {}, o.header, kNull});
  o.header = header;
  std::uint8_t record[13];
  record[0] = static_cast<std::uint8_t>(kSetHeader | (in_transaction_ ? kInTransaction : 0));
  put_u32(record, 1, handle);
  record[5] = header.kind;
  record[6] = header.flags;
  put_u16(record, 7, header.owner);
  put_u32(record, 9, header.type);
  append_record(record);
}

Handle Store::root(std::size_t index) const {
  if (index >= kRootCount) throw std::out_of_range("root index");
  return roots_[index];
}

void Store::set_root(std::size_t index, Handle handle) {
  check_powered();
  if (index >= kRootCount) throw std::out_of_range("root index");
  if (handle != kNull) object(handle);
  if (in_transaction_) {
    undo_.push_back(UndoEntry{UndoEntry::Kind::root, kNull, static_cast<std::uint32_t>(index), {}, {}, roots_[index]});
  }
  roots_[index] = handle;
  std::uint8_t record[6];
  record[0] = static_cast<std::uint8_t>(kSetRoot | (in_transaction_ ? kInTransaction : 0));
  record[1] = static_cast<std::uint8_t>(index);
  put_u32(record, 2, handle);
  append_record(record);
}

// --- transactions --------------------------------------------------------------------------

void Store::begin_transaction() {
  check_powered();
  if (in_transaction_) throw std::logic_error("begin_transaction() inside a transaction");
  in_transaction_ = true;
  std::uint8_t record[1] = {kBegin};
  append_record(record);
}

void Store::commit_transaction() {
  check_powered();
  if (!in_transaction_) throw std::logic_error("commit_transaction() without a transaction");
  std::uint8_t record[1] = {kCommit};
  append_record(record);  // the commit point: after this record the transaction survives
  for (auto& entry : undo_) {
    if (entry.kind == UndoEntry::Kind::allocation && valid(entry.handle)) {
      objects_[entry.handle]->allocated_in_transaction = false;
    }
  }
  undo_.clear();
  undo_bytes_ = 0;
  in_transaction_ = false;
}

void Store::abort_transaction() {
  if (powered_off_) return;  // the image already ends inside the transaction
  if (!in_transaction_) throw std::logic_error("abort_transaction() without a transaction");
  apply_undo();
  in_transaction_ = false;
  std::uint8_t record[1] = {kAbort};
  append_record(record);
}

void Store::apply_undo() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    switch (it->kind) {
      case UndoEntry::Kind::bytes:
        if (valid(it->handle)) {
          std::copy(it->before.begin(), it->before.end(), objects_[it->handle]->bytes.get() + it->offset);
        }
        break;
      case UndoEntry::Kind::allocation:
        if (valid(it->handle)) drop_object(it->handle);
        break;
      case UndoEntry::Kind::header:
        if (valid(it->handle)) objects_[it->handle]->header = it->old_header;
        break;
      case UndoEntry::Kind::root:
        roots_[it->offset] = it->old_root;
        break;
    }
  }
  undo_.clear();
  undo_bytes_ = 0;
}

std::vector<Handle> Store::transaction_allocations() const {
  std::vector<Handle> handles;
  for (const auto& entry : undo_) {
    if (entry.kind == UndoEntry::Kind::allocation) handles.push_back(entry.handle);
  }
  return handles;
}

void Store::for_each(const std::function<void(Handle)>& f) const {
  for (Handle h = 1; h < objects_.size(); ++h) {
    if (objects_[h]) f(h);
  }
}

}  // namespace uicc::store
