#include "security_domains/registry_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/log.h"

namespace uicc::sd {

namespace {

// Object layout, integers big-endian:
//   0  magic "GPR1"
//   4  length of the encoded registry
//   8  handle of a superseded registry object still to be released (0 if none)
//   12 intent: kind (1), AID length (1), AID (16)
//   30 encoded registry
constexpr std::uint8_t kMagic[4] = {'G', 'P', 'R', '1'};
constexpr std::uint32_t kLengthOffset = 4;
constexpr std::uint32_t kGarbageOffset = 8;
constexpr std::uint32_t kIntentOffset = 12;
constexpr std::uint32_t kIntentSize = 18;
constexpr std::uint32_t kBlobOffset = kIntentOffset + kIntentSize;
// New registry objects leave this much room, so most updates are in-place writes.
constexpr std::uint32_t kGrowthQuantum = 1024;

Bytes encode_intent(const Intent& intent) {
  Bytes out(kIntentSize, 0);
  out[0] = static_cast<std::uint8_t>(intent.kind);
  std::size_t size = std::min<std::size_t>(intent.aid.size(), 16);
  out[1] = static_cast<std::uint8_t>(size);
  std::copy(intent.aid.begin(), intent.aid.begin() + static_cast<long>(size), out.begin() + 2);
  return out;
}

}  // namespace

RegistryStore::RegistryStore(store::Store& store, std::size_t root) : store_(store), root_(root) {}

bool RegistryStore::exists() const {
  return store_.root(root_) != store::kNull;
}

Registry RegistryStore::load() const {
  store::Handle handle = store_.root(root_);
  if (handle == store::kNull || !store_.valid(handle))
    throw RegistryError("no registry in the store");
  ByteView object = store_.view(handle);
  if (object.size() < kBlobOffset || !std::equal(kMagic, kMagic + 4, object.begin())) {
    throw RegistryError("registry object has no GPR1 header");
  }
  std::uint32_t length = get_u32(object, kLengthOffset);
  if (length > object.size() - kBlobOffset)
    throw RegistryError("registry length exceeds its object");
  return Registry::decode(object.subspan(kBlobOffset, length));
}

Intent RegistryStore::intent() const {
  store::Handle handle = store_.root(root_);
  if (handle == store::kNull) return {};
  ByteView record = store_.view(handle).subspan(kIntentOffset, kIntentSize);
  Intent intent;
  if (record[0] > static_cast<std::uint8_t>(Intent::Kind::delete_load_file) || record[1] > 16) {
    throw RegistryError("registry intent record is damaged");
  }
  intent.kind = static_cast<Intent::Kind>(record[0]);
  intent.aid.assign(record.begin() + 2, record.begin() + 2 + record[1]);
  return intent;
}

void RegistryStore::set_intent(const Intent& intent) {
  store::Handle handle = store_.root(root_);
  if (handle == store::kNull) throw RegistryError("no registry in the store");
  store_.write_non_atomic(handle, kIntentOffset, encode_intent(intent));
}

void RegistryStore::release_garbage() {
  store::Handle handle = store_.root(root_);
  if (handle == store::kNull || store_.in_transaction()) return;
  std::uint32_t garbage = get_u32(store_.view(handle), kGarbageOffset);
  if (garbage == store::kNull) return;
  if (store_.valid(garbage) && store_.header(garbage).kind == kObjectKind && garbage != handle) {
    store_.release(garbage);
  }
  Bytes zero(4, 0);
  store_.write_non_atomic(handle, kGarbageOffset, zero);
}

void RegistryStore::save(const Registry& registry, const Intent& intent) {
  release_garbage();
  Bytes blob = registry.encode();
  Bytes tail;  // from the length field to the end of the registry
  append_u32(tail, static_cast<std::uint32_t>(blob.size()));
  append_u32(tail, 0);  // no garbage after this write
  append(tail, encode_intent(intent));
  append(tail, blob);

  store::Handle current = store_.root(root_);
  if (current != store::kNull && store_.size(current) >= kBlobOffset + blob.size()) {
    // One record in the journal: the whole update survives a power loss or none of it.
    Bytes garbage(4, 0);
    std::copy(store_.view(current).begin() + kGarbageOffset,
              store_.view(current).begin() + kGarbageOffset + 4, garbage.begin());
    std::copy(garbage.begin(), garbage.end(), tail.begin() + 4);
    store_.write_non_atomic(current, kLengthOffset, tail);
    return;
  }

  // Moving to a larger object: allocate, fill, point the root at it and remember the old
  // object for release, all in one transaction (the caller's, if one is open).
  std::uint32_t capacity = static_cast<std::uint32_t>(
      (kBlobOffset + blob.size() * 3 / 2 + kGrowthQuantum) / kGrowthQuantum * kGrowthQuantum);
  put_u32(tail, 4, current);
  bool own_transaction = !store_.in_transaction();
  if (own_transaction) store_.begin_transaction();
  try {
    store::Handle fresh = store_.allocate(store::ObjectHeader{kObjectKind, 0, 0, 0}, capacity);
    store_.write(fresh, 0, ByteView(kMagic, 4));
    store_.write(fresh, kLengthOffset, tail);
    store_.set_root(root_, fresh);
  } catch (...) {
    if (own_transaction && store_.in_transaction()) store_.abort_transaction();
    throw;
  }
  if (own_transaction) store_.commit_transaction();
  uicc::log::get("gp")->debug("registry moved to a {}-byte object", capacity);
  release_garbage();
}

}  // namespace uicc::sd
