// The UICC file system of ETSI TS 102 221 V17.1.0 §8: MF, DFs, ADFs and EFs (transparent,
// linear fixed, cyclic, BER-TLV), kept in the card's persistent store.
//
// Each file is a store object (its node) with a fixed header, its security attributes and
// links to parent, first child and next sibling; an EF's content is a second object. Nodes
// change rarely (life cycle, cyclic record pointer); content writes are single atomic store
// writes, so a power loss never leaves a half-updated record.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "util/bytes.h"
#include "vm/store/store.h"

namespace uicc::card {

using store::Handle;

enum class FileType : std::uint8_t { mf = 1, df = 2, adf = 3, ef = 4 };

// The EF structures of ETSI TS 102 221 §8.2.2 (values are ours, not a wire coding).
enum class EfStructure : std::uint8_t { none = 0, transparent = 1, linear_fixed = 2, cyclic = 3, ber_tlv = 4 };

// Life cycle status byte, ISO/IEC 7816-4:2020 §7.4.10 Table 15.
namespace lcs {
inline constexpr std::uint8_t operational_activated = 0x05;
inline constexpr std::uint8_t operational_deactivated = 0x04;
inline constexpr std::uint8_t terminated = 0x0C;
}  // namespace lcs

// Security attributes in the three forms of ETSI TS 102 221 §9.2: a reference to a record of
// EF.ARR (tag 8B), the compact form (8C) or the expanded form (AB). `value` is the content of
// that data object.
struct SecurityAttributes {
  enum class Form : std::uint8_t { none = 0, referenced = 0x8B, compact = 0x8C, expanded = 0xAB };
  Form form = Form::none;
  Bytes value;
};

// What the profile loader passes to create a file.
struct FileSpec {
  FileType type = FileType::ef;
  EfStructure structure = EfStructure::transparent;
  std::uint16_t fid = 0;
  std::uint8_t sfi = 0;               // 1-30, or 0 for none
  Bytes aid;                          // ADF only, 5-16 bytes
  std::uint16_t size = 0;             // transparent and BER-TLV EF: bytes
  std::uint8_t record_length = 0;     // record EF
  std::uint8_t record_count = 0;      // record EF
  std::uint8_t life_cycle = lcs::operational_activated;
  SecurityAttributes security;
  std::vector<std::uint8_t> pin_references;  // DF and ADF: key references for the PS_DO
  Bytes content;  // initial content; records concatenated; missing bytes are FF
};

// A read-only view of a node's fields.
struct FileInfo {
  Handle handle = store::kNull;
  FileType type = FileType::ef;
  EfStructure structure = EfStructure::none;
  std::uint16_t fid = 0;
  std::uint8_t sfi = 0;
  std::uint8_t life_cycle = 0;
  std::uint16_t record_length = 0;
  std::uint16_t record_count = 0;
  std::uint16_t size = 0;  // transparent: bytes; record EF: record_length * record_count
  std::uint16_t cyclic_current = 0;  // cyclic EF: index of record 1 (the newest) in the content
  Handle content = store::kNull;
  Handle parent = store::kNull;
  Handle first_child = store::kNull;
  Handle next_sibling = store::kNull;
  Bytes aid;
  SecurityAttributes security;
  std::vector<std::uint8_t> pin_references;

  bool is_df() const { return type != FileType::ef; }
  bool is_record_ef() const {
    return structure == EfStructure::linear_fixed || structure == EfStructure::cyclic;
  }
  bool activated() const { return life_cycle == lcs::operational_activated; }
};

class FileSystem {
 public:
  explicit FileSystem(store::Store& store);

  bool has_mf() const;
  Handle mf() const;

  // Creates the MF (only once) or a file under `parent`. Throws std::invalid_argument with a
  // message naming the FID and the problem: a duplicate FID or SFI in the DF, an EF as
  // parent, sizes out of range, content longer than the file.
  Handle create_mf(const FileSpec& spec);
  Handle create(Handle parent, const FileSpec& spec);

  FileInfo info(Handle node) const;
  ByteView content(Handle node) const;

  std::optional<Handle> child_by_fid(Handle df, std::uint16_t fid) const;
  std::optional<Handle> child_by_sfi(Handle df, std::uint8_t sfi) const;
  std::vector<Handle> children(Handle df) const;
  // All ADFs, in creation order, for selection by AID.
  std::vector<Handle> adfs() const;

  // Content writes. Each is one atomic store write.
  void write_content(Handle node, std::uint32_t offset, ByteView bytes);
  void set_life_cycle(Handle node, std::uint8_t life_cycle);
  void set_cyclic_current(Handle node, std::uint16_t index);

  // The store, for commands that group several writes into one transaction.
  store::Store& store() { return store_; }

 private:
  Handle create_node(Handle parent, const FileSpec& spec);

  store::Store& store_;
};

}  // namespace uicc::card
