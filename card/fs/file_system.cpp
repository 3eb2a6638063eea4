#include "card/fs/file_system.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "card/fs/data_objects.h"
#include "card/roots.h"

namespace uicc::card {

namespace {

// Store object kinds of the file system.
constexpr std::uint8_t kNodeKind = 0x10;
constexpr std::uint8_t kContentKind = 0x11;

// Node layout (offsets into the node object).
constexpr std::uint32_t kType = 0;
constexpr std::uint32_t kStructure = 1;
constexpr std::uint32_t kFid = 2;
constexpr std::uint32_t kSfi = 4;
constexpr std::uint32_t kLifeCycle = 5;
constexpr std::uint32_t kRecordLength = 6;
constexpr std::uint32_t kRecordCount = 8;
constexpr std::uint32_t kCyclicCurrent = 10;
constexpr std::uint32_t kContent = 12;
constexpr std::uint32_t kParent = 16;
constexpr std::uint32_t kFirstChild = 20;
constexpr std::uint32_t kNextSibling = 24;
constexpr std::uint32_t kAidLength = 28;
constexpr std::uint32_t kAid = 29;
constexpr std::uint32_t kSecurityForm = 45;
constexpr std::uint32_t kPinCount = 46;
constexpr std::uint32_t kPins = 47;
constexpr std::uint32_t kMaxPins = 8;
constexpr std::uint32_t kSecurityLength = 55;
constexpr std::uint32_t kSecurity = 56;
constexpr std::size_t kMaxSecurityLength = 255;

// ETSI TS 102 221 §8.3: reserved identifiers that no file may take.
bool reserved_fid(std::uint16_t fid) { return fid == 0x3FFF || fid == 0xFFFF || fid == 0x7FFF; }

Bytes u32_bytes(std::uint32_t value) {
  Bytes b(4);
  put_u32(b, 0, value);
  return b;
}

}  // namespace

FileSystem::FileSystem(store::Store& store) : store_(store) {}

bool FileSystem::has_mf() const { return store_.root(roots::kFileSystem) != store::kNull; }

Handle FileSystem::mf() const {
  Handle handle = store_.root(roots::kFileSystem);
  if (handle == store::kNull) throw std::logic_error("the file system has no MF");
  return handle;
}

FileInfo FileSystem::info(Handle node) const {
  ByteView n = store_.view(node);
  FileInfo f;
  f.handle = node;
  f.type = static_cast<FileType>(n[kType]);
  f.structure = static_cast<EfStructure>(n[kStructure]);
  f.fid = get_u16(n, kFid);
  f.sfi = n[kSfi];
  f.life_cycle = n[kLifeCycle];
  f.record_length = get_u16(n, kRecordLength);
  f.record_count = get_u16(n, kRecordCount);
  f.cyclic_current = get_u16(n, kCyclicCurrent);
  f.content = get_u32(n, kContent);
  f.parent = get_u32(n, kParent);
  f.first_child = get_u32(n, kFirstChild);
  f.next_sibling = get_u32(n, kNextSibling);
  f.aid.assign(n.begin() + kAid, n.begin() + kAid + n[kAidLength]);
  f.security.form = static_cast<SecurityAttributes::Form>(n[kSecurityForm]);
  f.security.value.assign(n.begin() + kSecurity, n.begin() + kSecurity + n[kSecurityLength]);
  f.pin_references.assign(n.begin() + kPins, n.begin() + kPins + n[kPinCount]);
  f.size = f.content == store::kNull ? 0 : static_cast<std::uint16_t>(store_.size(f.content));
  return f;
}

ByteView FileSystem::content(Handle node) const {
  Handle content = get_u32(store_.view(node), kContent);
  if (content == store::kNull) return {};
  return store_.view(content);
}

std::vector<Handle> FileSystem::children(Handle df) const {
  std::vector<Handle> result;
  for (Handle child = get_u32(store_.view(df), kFirstChild); child != store::kNull;
       child = get_u32(store_.view(child), kNextSibling)) {
    result.push_back(child);
  }
  return result;
}

std::optional<Handle> FileSystem::child_by_fid(Handle df, std::uint16_t fid) const {
  for (Handle child : children(df)) {
    if (get_u16(store_.view(child), kFid) == fid) return child;
  }
  return std::nullopt;
}

std::optional<Handle> FileSystem::child_by_sfi(Handle df, std::uint8_t sfi) const {
  if (sfi == 0) return std::nullopt;
  for (Handle child : children(df)) {
    ByteView n = store_.view(child);
    if (n[kType] == static_cast<std::uint8_t>(FileType::ef) && n[kSfi] == sfi) return child;
  }
  return std::nullopt;
}

std::vector<Handle> FileSystem::adfs() const {
  std::vector<Handle> result;
  if (!has_mf()) return result;
  for (Handle child : children(mf())) {
    if (store_.view(child)[kType] == static_cast<std::uint8_t>(FileType::adf)) result.push_back(child);
  }
  return result;
}

Handle FileSystem::create_mf(const FileSpec& spec) {
  if (has_mf()) throw std::invalid_argument("the MF exists already");
  if (spec.type != FileType::mf || spec.fid != 0x3F00) {
    throw std::invalid_argument("the MF must have type MF and FID 3F00");
  }
  Handle node = create_node(store::kNull, spec);
  store_.set_root(roots::kFileSystem, node);
  return node;
}

Handle FileSystem::create(Handle parent, const FileSpec& spec) {
  FileInfo p = info(parent);
  std::string name = fmt::format("file {:04X}", spec.fid);
  if (!p.is_df()) throw std::invalid_argument(name + ": parent is an EF");
  if (spec.type == FileType::mf) throw std::invalid_argument(name + ": only one MF");
  if (spec.type == FileType::adf && p.type != FileType::mf) {
    throw std::invalid_argument(name + ": an ADF must sit under the MF");
  }
  if (reserved_fid(spec.fid) || spec.fid == 0x3F00) {
    throw std::invalid_argument(name + ": reserved file identifier");
  }
  if (spec.type != FileType::adf && child_by_fid(parent, spec.fid)) {
    throw std::invalid_argument(name + ": a file with this FID exists in the DF already");
  }
  if (spec.sfi != 0 && child_by_sfi(parent, spec.sfi)) {
    throw std::invalid_argument(fmt::format("{}: SFI {:02X} is taken in the DF", name, spec.sfi));
  }
  return create_node(parent, spec);
}

Handle FileSystem::create_node(Handle parent, const FileSpec& spec) {
  std::string name = fmt::format("file {:04X}", spec.fid);
  bool is_ef = spec.type == FileType::ef;
  if (spec.type == FileType::adf && (spec.aid.size() < 5 || spec.aid.size() > 16)) {
    throw std::invalid_argument(fmt::format("{}: AID of {} bytes, expected 5 to 16", name, spec.aid.size()));
  }
  if (spec.sfi > 30) throw std::invalid_argument(fmt::format("{}: SFI {} above 30", name, spec.sfi));
  if (spec.pin_references.size() > kMaxPins) throw std::invalid_argument(name + ": more than 8 PIN references");
  if (spec.security.value.size() > kMaxSecurityLength) throw std::invalid_argument(name + ": security attributes too long");

  std::size_t content_size = 0;
  if (is_ef) {
    switch (spec.structure) {
      case EfStructure::transparent:
      case EfStructure::ber_tlv:
        content_size = spec.size;
        break;
      case EfStructure::linear_fixed:
      case EfStructure::cyclic:
        if (spec.record_length == 0 || spec.record_count == 0) {
          throw std::invalid_argument(name + ": a record EF needs a record length and count");
        }
        content_size = std::size_t{spec.record_length} * spec.record_count;
        break;
      case EfStructure::none:
        throw std::invalid_argument(name + ": an EF needs a structure");
    }
    if (spec.content.size() > content_size) {
      throw std::invalid_argument(fmt::format("{}: content of {} bytes exceeds the file size {}", name,
                                              spec.content.size(), content_size));
    }
    if (spec.structure == EfStructure::ber_tlv && !stored_objects(spec.content)) {
      throw std::invalid_argument(name + ": the content of a BER-TLV EF must be DER objects with distinct tags "
                                         "other than 5C, then FF padding");
    }
  }

  // Node, content and the link from the parent are created in one transaction, so a power
  // loss while a profile is loaded never leaves a dangling file.
  Handle node = store::kNull;
  store::atomically(store_, [&] {
    node = store_.allocate(store::ObjectHeader{kNodeKind, 0, 0, 0},
                           static_cast<std::uint32_t>(kSecurity + spec.security.value.size()));
    Bytes n(kSecurity + spec.security.value.size(), 0);
    n[kType] = static_cast<std::uint8_t>(spec.type);
    n[kStructure] = static_cast<std::uint8_t>(is_ef ? spec.structure : EfStructure::none);
    put_u16(n, kFid, spec.fid);
    n[kSfi] = spec.sfi;
    n[kLifeCycle] = spec.life_cycle;
    put_u16(n, kRecordLength, spec.record_length);
    put_u16(n, kRecordCount, spec.record_count);
    put_u32(n, kParent, parent);
    n[kAidLength] = static_cast<std::uint8_t>(spec.aid.size());
    std::copy(spec.aid.begin(), spec.aid.end(), n.begin() + kAid);
    n[kSecurityForm] = static_cast<std::uint8_t>(spec.security.form);
    n[kPinCount] = static_cast<std::uint8_t>(spec.pin_references.size());
    std::copy(spec.pin_references.begin(), spec.pin_references.end(), n.begin() + kPins);
    n[kSecurityLength] = static_cast<std::uint8_t>(spec.security.value.size());
    std::copy(spec.security.value.begin(), spec.security.value.end(), n.begin() + kSecurity);

    if (is_ef) {
      Handle content = store_.allocate(store::ObjectHeader{kContentKind, 0, 0, 0},
                                       static_cast<std::uint32_t>(content_size));
      Bytes initial(content_size, 0xFF);
      std::copy(spec.content.begin(), spec.content.end(), initial.begin());
      store_.write(content, 0, initial);
      put_u32(n, kContent, content);
    }
    store_.write(node, 0, n);

    if (parent != store::kNull) {
      // Append as the last child, keeping creation order for listings and AID selection.
      Handle first = get_u32(store_.view(parent), kFirstChild);
      if (first == store::kNull) {
        store_.write(parent, kFirstChild, u32_bytes(node));
      } else {
        Handle last = first;
        while (get_u32(store_.view(last), kNextSibling) != store::kNull) {
          last = get_u32(store_.view(last), kNextSibling);
        }
        store_.write(last, kNextSibling, u32_bytes(node));
      }
    }
  });
  return node;
}

void FileSystem::write_content(Handle node, std::uint32_t offset, ByteView bytes) {
  Handle content = get_u32(store_.view(node), kContent);
  if (content == store::kNull) throw std::logic_error("write to a file without content");
  store_.write(content, offset, bytes);
}

void FileSystem::set_life_cycle(Handle node, std::uint8_t life_cycle) {
  store_.write(node, kLifeCycle, Bytes{life_cycle});
}

void FileSystem::set_cyclic_current(Handle node, std::uint16_t index) {
  Bytes b(2);
  put_u16(b, 0, index);
  store_.write(node, kCyclicCurrent, b);
}

}  // namespace uicc::card
