#include "card/fs/pins.h"

#include <stdexcept>

#include <fmt/format.h>

#include "card/roots.h"

namespace uicc::card {

using store::Handle;

namespace {

constexpr std::uint8_t kPinTableKind = 0x12;

// Entry layout; entries follow each other in the table object.
constexpr std::uint32_t kEntrySize = 24;
constexpr std::uint32_t kReference = 0;
constexpr std::uint32_t kFlags = 1;
constexpr std::uint32_t kMaxTries = 2;
constexpr std::uint32_t kTries = 3;
constexpr std::uint32_t kValue = 4;
constexpr std::uint32_t kUnblockMaxTries = 12;
constexpr std::uint32_t kUnblockTries = 13;
constexpr std::uint32_t kUnblockValue = 14;
constexpr std::uint8_t kEnabled = 0x01;
constexpr std::uint8_t kHasUnblock = 0x02;
constexpr std::size_t kPinLength = 8;

// ETSI TS 102 221 §9.5.2: a PIN is 4 to 8 ASCII digits padded with FF.
bool well_formed(ByteView pin) {
  if (pin.size() != kPinLength) return false;
  std::size_t digits = 0;
  while (digits < pin.size() && pin[digits] >= '0' && pin[digits] <= '9') ++digits;
  for (std::size_t i = digits; i < pin.size(); ++i) {
    if (pin[i] != 0xFF) return false;
  }
  return digits >= 4;
}

}  // namespace

SecretBytes format_pin(std::string_view digits) {
  if (digits.size() < 4 || digits.size() > 8 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    throw std::invalid_argument("a PIN must be 4 to 8 decimal digits");
  }
  SecretBytes pin(kPinLength);
  for (std::size_t i = 0; i < kPinLength; ++i) {
    pin.data()[i] = i < digits.size() ? static_cast<std::uint8_t>(digits[i]) : 0xFF;
  }
  return pin;
}

PinTable::PinTable(store::Store& store) : store_(store) {}

void PinTable::install(const std::vector<PinSpec>& pins) {
  Bytes table(pins.size() * kEntrySize, 0);
  for (std::size_t i = 0; i < pins.size(); ++i) {
    const PinSpec& pin = pins[i];
    std::uint8_t* e = table.data() + i * kEntrySize;
    if (pin.value.size() != kPinLength || (!pin.unblock_value.empty() && pin.unblock_value.size() != kPinLength)) {
      throw std::invalid_argument(fmt::format("key reference {:02X}: values must be 8 bytes", pin.reference));
    }
    e[kReference] = pin.reference;
    e[kFlags] = static_cast<std::uint8_t>((pin.enabled ? kEnabled : 0) | (pin.unblock_value.empty() ? 0 : kHasUnblock));
    e[kMaxTries] = pin.max_tries;
    e[kTries] = pin.max_tries;
    std::copy(pin.value.view().begin(), pin.value.view().end(), e + kValue);
    e[kUnblockMaxTries] = pin.unblock_max_tries;
    e[kUnblockTries] = pin.unblock_max_tries;
    if (!pin.unblock_value.empty()) {
      std::copy(pin.unblock_value.view().begin(), pin.unblock_value.view().end(), e + kUnblockValue);
    }
  }
  Handle old = store_.root(roots::kPins);
  store::atomically(store_, [&] {
    Handle handle = store_.allocate(store::ObjectHeader{kPinTableKind, 0, 0, 0},
                                    static_cast<std::uint32_t>(table.size()));
    store_.write(handle, 0, table);
    store_.set_root(roots::kPins, handle);
  });
  if (old != store::kNull) store_.release(old);
  verified_.reset();
}

std::optional<std::uint32_t> PinTable::find(std::uint8_t reference) const {
  Handle table = store_.root(roots::kPins);
  if (table == store::kNull) return std::nullopt;
  ByteView t = store_.view(table);
  for (std::uint32_t offset = 0; offset + kEntrySize <= t.size(); offset += kEntrySize) {
    if (t[offset + kReference] == reference) return offset;
  }
  return std::nullopt;
}

bool PinTable::exists(std::uint8_t reference) const { return find(reference).has_value(); }

bool PinTable::enabled(std::uint8_t reference) const {
  auto entry = find(reference);
  return entry && (store_.view(store_.root(roots::kPins))[*entry + kFlags] & kEnabled);
}

std::uint8_t PinTable::tries_left(std::uint8_t reference) const {
  auto entry = find(reference);
  return entry ? store_.view(store_.root(roots::kPins))[*entry + kTries] : 0;
}

std::uint8_t PinTable::unblock_tries_left(std::uint8_t reference) const {
  auto entry = find(reference);
  return entry ? store_.view(store_.root(roots::kPins))[*entry + kUnblockTries] : 0;
}

bool PinTable::blocked(std::uint8_t reference) const { return exists(reference) && tries_left(reference) == 0; }

bool PinTable::satisfied(std::uint8_t reference) const {
  if (!exists(reference)) return false;
  return verified_[reference] || !enabled(reference);
}

bool PinTable::check(std::uint32_t entry, std::uint32_t counter_offset, std::uint32_t max_offset,
                     std::uint32_t value_offset, ByteView candidate) {
  Handle table = store_.root(roots::kPins);
  std::uint8_t tries = store_.view(table)[entry + counter_offset];
  store_.write(table, entry + counter_offset, Bytes{static_cast<std::uint8_t>(tries - 1)});
  ByteView stored = store_.view(table).subspan(entry + value_offset, kPinLength);
  if (!constant_time_equal(stored, candidate)) return false;
  store_.write(table, entry + counter_offset, Bytes{store_.view(table)[entry + max_offset]});
  return true;
}

apdu::StatusWord PinTable::verify(std::uint8_t reference, std::optional<ByteView> value) {
  auto entry = find(reference);
  if (!entry) return apdu::sw::reference_data_not_found;
  if (!value) {
    // ETSI TS 102 221 §11.1.9: without data the command reports the security status.
    if (satisfied(reference)) return apdu::sw::ok;
    if (blocked(reference)) return apdu::sw::authentication_method_blocked;
    return apdu::sw::pin_retries(tries_left(reference));
  }
  if (!enabled(reference)) return apdu::sw::reference_data_invalidated;
  if (blocked(reference)) return apdu::sw::authentication_method_blocked;
  if (value->size() != kPinLength) return apdu::sw::wrong_length;
  if (!check(*entry, kTries, kMaxTries, kValue, *value)) {
    verified_[reference] = false;
    return apdu::sw::pin_retries(tries_left(reference));
  }
  verified_[reference] = true;
  return apdu::sw::ok;
}

apdu::StatusWord PinTable::change(std::uint8_t reference, ByteView old_value, ByteView new_value) {
  auto entry = find(reference);
  if (!entry) return apdu::sw::reference_data_not_found;
  if (!enabled(reference)) return apdu::sw::reference_data_invalidated;
  if (blocked(reference)) return apdu::sw::authentication_method_blocked;
  if (!well_formed(new_value)) return apdu::sw::wrong_data;
  if (!check(*entry, kTries, kMaxTries, kValue, old_value)) {
    verified_[reference] = false;
    return apdu::sw::pin_retries(tries_left(reference));
  }
  store_.write(store_.root(roots::kPins), *entry + kValue, new_value);
  verified_[reference] = true;
  return apdu::sw::ok;
}

apdu::StatusWord PinTable::disable(std::uint8_t reference, ByteView value) {
  auto entry = find(reference);
  if (!entry) return apdu::sw::reference_data_not_found;
  if (!enabled(reference)) return apdu::sw::conditions_not_satisfied;
  if (blocked(reference)) return apdu::sw::authentication_method_blocked;
  if (!check(*entry, kTries, kMaxTries, kValue, value)) return apdu::sw::pin_retries(tries_left(reference));
  Handle table = store_.root(roots::kPins);
  store_.write(table, *entry + kFlags, Bytes{static_cast<std::uint8_t>(store_.view(table)[*entry + kFlags] & ~kEnabled)});
  return apdu::sw::ok;
}

apdu::StatusWord PinTable::enable(std::uint8_t reference, ByteView value) {
  auto entry = find(reference);
  if (!entry) return apdu::sw::reference_data_not_found;
  if (enabled(reference)) return apdu::sw::conditions_not_satisfied;
  if (blocked(reference)) return apdu::sw::authentication_method_blocked;
  if (!check(*entry, kTries, kMaxTries, kValue, value)) return apdu::sw::pin_retries(tries_left(reference));
  Handle table = store_.root(roots::kPins);
  store_.write(table, *entry + kFlags, Bytes{static_cast<std::uint8_t>(store_.view(table)[*entry + kFlags] | kEnabled)});
  verified_[reference] = true;
  return apdu::sw::ok;
}

apdu::StatusWord PinTable::unblock(std::uint8_t reference, std::optional<ByteView> puk,
                                   std::optional<ByteView> new_value) {
  auto entry = find(reference);
  if (!entry) return apdu::sw::reference_data_not_found;
  Handle table = store_.root(roots::kPins);
  if (!(store_.view(table)[*entry + kFlags] & kHasUnblock)) return apdu::sw::reference_data_not_found;
  std::uint8_t puk_tries = store_.view(table)[*entry + kUnblockTries];
  if (!puk) {
    if (puk_tries == 0) return apdu::sw::authentication_method_blocked;
    return apdu::sw::pin_retries(puk_tries);
  }
  if (puk_tries == 0) return apdu::sw::authentication_method_blocked;
  if (!new_value || !well_formed(*new_value)) return apdu::sw::wrong_data;
  if (!check(*entry, kUnblockTries, kUnblockMaxTries, kUnblockValue, *puk)) {
    return apdu::sw::pin_retries(unblock_tries_left(reference));
  }
  // The new PIN and its reset counter land together or not at all.
  store::atomically(store_, [&] {
    store_.write(table, *entry + kValue, *new_value);
    store_.write(table, *entry + kTries, Bytes{store_.view(table)[*entry + kMaxTries]});
  });
  verified_[reference] = true;
  return apdu::sw::ok;
}

}  // namespace uicc::card
