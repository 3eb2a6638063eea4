// The runtime's tables in the store, under one root: the packages on the card (with their CAP
// image and static fields) and the registered applet instances. Each entry is a fixed-size
// slot written in one store write, so adding or removing a package or an applet is atomic
// with respect to power loss: the slot written last is the commit point.
#include <fmt/format.h>

#include "vm/runtime/machine.h"

namespace uicc::vm::detail {

namespace {

// Table layout, integers big-endian:
//   u16 format, u16 package slots, u16 applet slots, u16 reserved
//   package slots, 32 bytes each: u8 used, u8 flags, u16 package index, u32 CAP image,
//     u32 static image, u8 AID length, AID (16 bytes), 3 bytes reserved
//   applet slots, 32 bytes each: u8 used, u8 flags, u16 package index, u16 applet class
//     index, u32 applet object, u8 AID length, AID (16 bytes), u32 AID object, 1 byte reserved
constexpr std::uint16_t kTableFormat = 1;
constexpr std::uint32_t kTableHeader = 8;
constexpr std::uint32_t kSlotSize = 32;
constexpr std::uint16_t kDefaultSlots = 64;
constexpr std::uint8_t kPackageNative = 0x01;

Aid read_aid(const std::uint8_t* p) {
  std::uint8_t length = p[0];
  if (length < Aid::kMinLength || length > Aid::kMaxLength) return Aid();
  return Aid(ByteView(p + 1, length));
}

void write_aid(std::uint8_t* p, const Aid& aid) {
  p[0] = static_cast<std::uint8_t>(aid.size());
  std::copy(aid.bytes().begin(), aid.bytes().end(), p + 1);
}

}  // namespace

std::uint16_t Machine::package_slot_count() const {
  return get_u16(store_.view(table_), 2);
}
std::uint16_t Machine::applet_slot_count() const {
  return get_u16(store_.view(table_), 4);
}

std::uint32_t Machine::package_slot_offset(std::uint16_t slot) const {
  return kTableHeader + std::uint32_t{slot} * kSlotSize;
}

std::uint32_t Machine::applet_slot_offset(std::uint16_t slot) const {
  return kTableHeader + (std::uint32_t{package_slot_count()} + slot) * kSlotSize;
}

void Machine::open_tables() {
  table_ = store_.root(config_.store_root);
  if (table_ != kNullRef && store_.valid(table_) &&
      store_.header(table_).kind == object_kind::kRuntimeTable &&
      store_.size(table_) >= kTableHeader && get_u16(store_.view(table_), 0) == kTableFormat) {
    return;
  }
  if (table_ != kNullRef) {
    throw std::runtime_error(
        fmt::format("store root {} does not hold a runtime table", config_.store_root));
  }
  // A fresh card. A power loss between the two steps leaves an unreferenced table, which the
  // sweep at the next power-up releases.
  table_ = store_.allocate(store::ObjectHeader{object_kind::kRuntimeTable, 0, kJcreContext, 0},
                           kTableHeader + 2u * kDefaultSlots * kSlotSize);
  Bytes header;
  append_u16(header, kTableFormat);
  append_u16(header, kDefaultSlots);
  append_u16(header, kDefaultSlots);
  append_u16(header, 0);
  store_.write(table_, 0, header);
  store_.set_root(config_.store_root, table_);
}

std::vector<PackageSlot> Machine::read_package_slots() const {
  std::vector<PackageSlot> slots;
  const std::uint8_t* base = store_.data(table_);
  for (std::uint16_t i = 0; i < package_slot_count(); ++i) {
    const std::uint8_t* p = base + package_slot_offset(i);
    if (p[0] == 0) continue;
    PackageSlot slot;
    slot.slot = i;
    slot.native = (p[1] & kPackageNative) != 0;
    slot.index = get_u16(ByteView(p, kSlotSize), 2);
    slot.image = get_u32(ByteView(p, kSlotSize), 4);
    slot.statics = get_u32(ByteView(p, kSlotSize), 8);
    slot.aid = read_aid(p + 12);
    slots.push_back(slot);
  }
  return slots;
}

std::vector<AppletSlot> Machine::read_applet_slots() const {
  std::vector<AppletSlot> slots;
  const std::uint8_t* base = store_.data(table_);
  for (std::uint16_t i = 0; i < applet_slot_count(); ++i) {
    const std::uint8_t* p = base + applet_slot_offset(i);
    if (p[0] == 0) continue;
    AppletSlot slot;
    slot.slot = i;
    slot.package_index = get_u16(ByteView(p, kSlotSize), 2);
    slot.applet_class = get_u16(ByteView(p, kSlotSize), 4);
    slot.object = get_u32(ByteView(p, kSlotSize), 6);
    slot.aid = read_aid(p + 10);
    slot.aid_object = get_u32(ByteView(p, kSlotSize), 27);
    slots.push_back(slot);
  }
  return slots;
}

// Finds a free slot, growing the table when it is full. Growing copies the table to a larger
// object and moves the root; it happens outside transactions only.
std::uint16_t Machine::free_slot(bool applet) {
  for (;;) {
    const std::uint16_t count = applet ? applet_slot_count() : package_slot_count();
    const std::uint8_t* base = store_.data(table_);
    for (std::uint16_t i = 0; i < count; ++i) {
      std::uint32_t offset = applet ? applet_slot_offset(i) : package_slot_offset(i);
      if (base[offset] == 0) return i;
    }
    if (store_.in_transaction())
      throw store::OutOfMemory("runtime table full inside a transaction");
    const std::uint16_t packages = package_slot_count();
    const std::uint16_t applets = applet_slot_count();
    const std::uint16_t new_packages = applet ? packages : static_cast<std::uint16_t>(packages * 2);
    const std::uint16_t new_applets = applet ? static_cast<std::uint16_t>(applets * 2) : applets;
    Bytes table(kTableHeader + (std::size_t{new_packages} + new_applets) * kSlotSize, 0);
    ByteView old = store_.view(table_);
    put_u16(table, 0, kTableFormat);
    put_u16(table, 2, new_packages);
    put_u16(table, 4, new_applets);
    const std::size_t old_applets_at = kTableHeader + std::size_t{packages} * kSlotSize;
    const std::size_t new_applets_at = kTableHeader + std::size_t{new_packages} * kSlotSize;
    std::copy_n(old.data() + kTableHeader, old_applets_at - kTableHeader,
                table.data() + kTableHeader);
    std::copy_n(old.data() + old_applets_at, old.size() - old_applets_at,
                table.data() + new_applets_at);
    Ref grown = store_.allocate(store::ObjectHeader{object_kind::kRuntimeTable, 0, kJcreContext, 0},
                                static_cast<std::uint32_t>(table.size()));
    store_.write(grown, 0, table);
    store_.set_root(config_.store_root, grown);
    release_object(table_);
    table_ = grown;
  }
}

void Machine::write_package_slot(const PackageSlot& slot) {
  std::uint8_t bytes[kSlotSize] = {};
  bytes[0] = 1;
  bytes[1] = slot.native ? kPackageNative : 0;
  put_u16(bytes, 2, slot.index);
  put_u32(bytes, 4, slot.image);
  put_u32(bytes, 8, slot.statics);
  write_aid(bytes + 12, slot.aid);
  store_.write(table_, package_slot_offset(slot.slot), bytes);
}

void Machine::clear_package_slot(std::uint16_t slot) {
  std::uint8_t zero[kSlotSize] = {};
  store_.write(table_, package_slot_offset(slot), zero);
}

void Machine::write_applet_slot(const AppletSlot& slot) {
  std::uint8_t bytes[kSlotSize] = {};
  bytes[0] = 1;
  put_u16(bytes, 2, slot.package_index);
  put_u16(bytes, 4, slot.applet_class);
  put_u32(bytes, 6, slot.object);
  write_aid(bytes + 10, slot.aid);
  put_u32(bytes, 27, slot.aid_object);
  store_.write(table_, applet_slot_offset(slot.slot), bytes);
}

void Machine::clear_applet_slot(std::uint16_t slot) {
  std::uint8_t zero[kSlotSize] = {};
  store_.write(table_, applet_slot_offset(slot), zero);
}

}  // namespace uicc::vm::detail
