// javacard.security and javacardx.crypto over the engines of vm/api/crypto (Java Card 3.0.5
// API): KeyBuilder and the key classes, KeyPair, MessageDigest, Signature, RandomData,
// KeyAgreement, Checksum, Cipher and AEADCipher.
//
// Persistent state lives in the objects, where the API puts it: key components in byte arrays
// (transient ones for the *_TRANSIENT_* key types), and for the crypto objects the algorithm,
// the key, the mode and the IV given to init(). The OpenSSL contexts and the intermediate state
// of a running operation live in EngineCache, outside the store. A lost cache entry (a power
// cycle, a new process) is rebuilt from the persistent state, which is the state after init().
// That is the state the API requires after a tear or reset for Cipher and Signature; for
// MessageDigest, RandomData and Checksum it is the state upon construction.
#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <variant>

#include <fmt/format.h>

#include "vm/api/api_constants.h"
#include "vm/api/crypto/aead_cipher.h"
#include "vm/api/crypto/checksum.h"
#include "vm/api/crypto/cipher.h"
#include "vm/api/crypto/key_agreement.h"
#include "vm/api/crypto/key_pair.h"
#include "vm/api/crypto/message_digest.h"
#include "vm/api/crypto/random_data.h"
#include "vm/api/crypto/signature.h"
#include "vm/api/natives/native_support.h"
#include "vm/api/natives/security_layouts.h"

namespace uicc::api {
namespace {

using crypto::Reason;
namespace jkb = jc::javacard::security::KeyBuilder;
namespace jkp = jc::javacard::security::KeyPair;
namespace jcipher = jc::javacardx::crypto::Cipher;
namespace jaead = jc::javacardx::crypto::AEADCipher;

// =============================================================================================
// Keys

enum class KeyKind { des, aes, hmac, rsa_public, rsa_private, rsa_crt, ec_public, ec_private };

struct KeyType {
  std::int8_t type;  // KeyBuilder.TYPE_*
  KeyKind kind;
  vm::TransientEvent event;
  std::string_view hidden_class;
};

constexpr KeyType kKeyTypes[] = {
    {jkb::TYPE_DES, KeyKind::des, vm::TransientEvent::none, "javacard.security.DESKeyImpl"},
    {jkb::TYPE_DES_TRANSIENT_RESET, KeyKind::des, vm::TransientEvent::clear_on_reset,
     "javacard.security.DESKeyImpl"},
    {jkb::TYPE_DES_TRANSIENT_DESELECT, KeyKind::des, vm::TransientEvent::clear_on_deselect,
     "javacard.security.DESKeyImpl"},
    {jkb::TYPE_AES, KeyKind::aes, vm::TransientEvent::none, "javacard.security.AESKeyImpl"},
    {jkb::TYPE_AES_TRANSIENT_RESET, KeyKind::aes, vm::TransientEvent::clear_on_reset,
     "javacard.security.AESKeyImpl"},
    {jkb::TYPE_AES_TRANSIENT_DESELECT, KeyKind::aes, vm::TransientEvent::clear_on_deselect,
     "javacard.security.AESKeyImpl"},
    {jkb::TYPE_HMAC, KeyKind::hmac, vm::TransientEvent::none, "javacard.security.HMACKeyImpl"},
    {jkb::TYPE_HMAC_TRANSIENT_RESET, KeyKind::hmac, vm::TransientEvent::clear_on_reset,
     "javacard.security.HMACKeyImpl"},
    {jkb::TYPE_HMAC_TRANSIENT_DESELECT, KeyKind::hmac, vm::TransientEvent::clear_on_deselect,
     "javacard.security.HMACKeyImpl"},
    {jkb::TYPE_RSA_PUBLIC, KeyKind::rsa_public, vm::TransientEvent::none,
     "javacard.security.RSAPublicKeyImpl"},
    {jkb::TYPE_RSA_PRIVATE, KeyKind::rsa_private, vm::TransientEvent::none,
     "javacard.security.RSAPrivateKeyImpl"},
    {jkb::TYPE_RSA_PRIVATE_TRANSIENT_RESET, KeyKind::rsa_private,
     vm::TransientEvent::clear_on_reset, "javacard.security.RSAPrivateKeyImpl"},
    {jkb::TYPE_RSA_PRIVATE_TRANSIENT_DESELECT, KeyKind::rsa_private,
     vm::TransientEvent::clear_on_deselect, "javacard.security.RSAPrivateKeyImpl"},
    {jkb::TYPE_RSA_CRT_PRIVATE, KeyKind::rsa_crt, vm::TransientEvent::none,
     "javacard.security.RSAPrivateCrtKeyImpl"},
    {jkb::TYPE_RSA_CRT_PRIVATE_TRANSIENT_RESET, KeyKind::rsa_crt,
     vm::TransientEvent::clear_on_reset, "javacard.security.RSAPrivateCrtKeyImpl"},
    {jkb::TYPE_RSA_CRT_PRIVATE_TRANSIENT_DESELECT, KeyKind::rsa_crt,
     vm::TransientEvent::clear_on_deselect, "javacard.security.RSAPrivateCrtKeyImpl"},
    {jkb::TYPE_EC_FP_PUBLIC, KeyKind::ec_public, vm::TransientEvent::none,
     "javacard.security.ECPublicKeyImpl"},
    {jkb::TYPE_EC_FP_PRIVATE, KeyKind::ec_private, vm::TransientEvent::none,
     "javacard.security.ECPrivateKeyImpl"},
    {jkb::TYPE_EC_FP_PRIVATE_TRANSIENT_RESET, KeyKind::ec_private,
     vm::TransientEvent::clear_on_reset, "javacard.security.ECPrivateKeyImpl"},
    {jkb::TYPE_EC_FP_PRIVATE_TRANSIENT_DESELECT, KeyKind::ec_private,
     vm::TransientEvent::clear_on_deselect, "javacard.security.ECPrivateKeyImpl"},
};

const KeyType* key_type(std::int8_t type) {
  for (const KeyType& k : kKeyTypes) {
    if (k.type == type) return &k;
  }
  return nullptr;
}

// Components per key kind, in slot order, and the capacity of each slot for a key of `bits`.
std::size_t component_count(KeyKind kind) {
  switch (kind) {
    case KeyKind::des:
    case KeyKind::aes:
    case KeyKind::hmac:
      return 1;
    case KeyKind::rsa_public:
    case KeyKind::rsa_private:
      return 2;
    case KeyKind::rsa_crt:
      return 5;
    case KeyKind::ec_public:
    case KeyKind::ec_private:
      return 6;
  }
  return 0;
}

std::size_t component_capacity(KeyKind kind, std::size_t slot, std::size_t bits) {
  const std::size_t bytes = (bits + 7) / 8;
  switch (kind) {
    case KeyKind::rsa_crt:
      return (bits / 2 + 7) / 8;
    case KeyKind::ec_public:
    case KeyKind::ec_private:
      // G and W are uncompressed points; the others are field elements or the order.
      if (slot == layout::kEcG || (kind == KeyKind::ec_public && slot == layout::kEcWS)) {
        return 1 + 2 * bytes;
      }
      return bytes + (slot == layout::kEcR ? 1 : 0);  // the order may exceed the field by one byte
    default:
      return bytes;
  }
}

// Every component set, and for EC keys the cofactor too.
std::uint32_t required_mask(KeyKind kind) {
  const std::uint32_t all = (1u << component_count(kind)) - 1;
  return kind == KeyKind::ec_public || kind == KeyKind::ec_private ? all | layout::kEcKBit : all;
}

// Key sizes the card supports, in bits (KeyBuilder.buildKey keyLength).
bool supported_size(KeyKind kind, std::int16_t bits) {
  switch (kind) {
    case KeyKind::des:
      return bits == 64 || bits == 128 || bits == 192;
    case KeyKind::aes:
      return bits == 128 || bits == 192 || bits == 256;
    case KeyKind::hmac:
      return bits >= 8 && bits <= 1024 && bits % 8 == 0;
    case KeyKind::rsa_public:
    case KeyKind::rsa_private:
    case KeyKind::rsa_crt:
      return bits >= 512 && bits <= 4096 && bits % 32 == 0;
    case KeyKind::ec_public:
    case KeyKind::ec_private:
      return bits >= 112 && bits <= 521;
  }
  return false;
}

struct KeyObject {
  Vm& vm;
  Ref object;
  const KeyType* type;
  std::size_t bits;

  KeyObject(Vm& v, Ref key) : vm(v), object(key) {
    if (key == vm::kNullRef) throw_null_pointer(vm);
    type = key_type(static_cast<std::int8_t>(vm.get_field(key, layout::kKeyTypeWord)));
    if (type == nullptr) throw_crypto(vm, Reason::illegal_value);
    bits = vm.get_field(key, layout::kKeySizeWord);
  }
  // A key whose type and size are known already: they never change after buildKey.
  KeyObject(Vm& v, Ref key, const KeyType* known_type, std::size_t known_bits)
      : vm(v), object(key), type(known_type), bits(known_bits) {}

  Ref state() const { return vm.get_field(object, layout::kKeyStateWord); }
  std::uint32_t mask() const { return get_u16(vm.array_bytes(state()), 0); }
  void set_mask(std::uint32_t mask) {
    std::uint8_t bytes[2];
    put_u16(bytes, 0, static_cast<std::uint16_t>(mask));
    vm.write_bytes(state(), 0, bytes, true);
  }
  bool initialized() const {
    const std::uint32_t required = required_mask(type->kind);
    return (mask() & required) == required;
  }

  Ref slot_array(std::size_t slot) const {
    return vm.get_field(object, static_cast<std::uint16_t>(layout::kKeyComponentWord + slot));
  }
  // The component's value: a view into the card's memory, valid until the next write.
  ByteView component(std::size_t slot) const {
    const ByteView raw = vm.array_bytes(slot_array(slot));
    return raw.subspan(2, get_u16(raw, 0));
  }
  bool has(std::size_t slot) const { return (mask() & (1u << slot)) != 0; }

  // Writes a component, length and value in one atomic write, then marks it set.
  void set_component(std::size_t slot, ByteView value) {
    const std::size_t capacity = component_capacity(type->kind, slot, bits);
    while (value.size() > capacity && value[0] == 0) value = value.subspan(1);
    if (value.size() > capacity || value.empty()) throw_crypto(vm, Reason::illegal_value);
    Bytes stored(2);
    put_u16(stored, 0, static_cast<std::uint16_t>(value.size()));
    append(stored, value);
    vm.write_bytes(slot_array(slot), 0, stored, true);
    set_mask(mask() | (1u << slot));
  }

  // Copies a set component out; UNINITIALIZED_KEY if it was never set.
  std::int16_t get_component(std::size_t slot, Ref out, std::int16_t offset) const {
    if (!has(slot)) throw_crypto(vm, Reason::uninitialized_key);
    const Bytes value(component(slot).begin(), component(slot).end());
    check_range(vm, out, offset, static_cast<std::int16_t>(value.size()));
    vm.write_bytes(out, static_cast<std::uint16_t>(offset), value, false);
    return static_cast<std::int16_t>(value.size());
  }

  // Key.clearKey: uninitialized first, so that a tear in between leaves no usable half-key.
  void clear() {
    set_mask(0);
    for (std::size_t slot = 0; slot < component_count(type->kind); ++slot) {
      const Ref array = slot_array(slot);
      vm.fill_bytes(array, 0, vm.array_length(array), 0);
    }
    vm.set_field(object, layout::kKeyCofactorWord, 0);
  }

  crypto::EcDomain ec_domain() const {
    return {component(layout::kEcField),
            component(layout::kEcA),
            component(layout::kEcB),
            component(layout::kEcG),
            component(layout::kEcR),
            static_cast<std::uint16_t>(vm.get_field(object, layout::kKeyCofactorWord))};
  }

  // The key as the engines take it. UNINITIALIZED_KEY unless every component is set.
  crypto::KeyData data() const {
    if (!initialized()) throw_crypto(vm, Reason::uninitialized_key);
    switch (type->kind) {
      case KeyKind::des:
        return crypto::DesKeyData{component(0)};
      case KeyKind::aes:
        return crypto::AesKeyData{component(0)};
      case KeyKind::hmac:
        return crypto::HmacKeyData{component(0)};
      case KeyKind::rsa_public:
        return crypto::RsaPublicKeyData{component(0), component(1)};
      case KeyKind::rsa_private:
        return crypto::RsaPrivateKeyData{component(0), component(1)};
      case KeyKind::rsa_crt:
        return crypto::RsaCrtKeyData{component(0), component(1), component(2), component(3),
                                     component(4)};
      case KeyKind::ec_public:
        return crypto::EcPublicKeyData{ec_domain(), component(layout::kEcWS)};
      case KeyKind::ec_private:
        return crypto::EcPrivateKeyData{ec_domain(), component(layout::kEcWS)};
    }
    throw_crypto(vm, Reason::illegal_value);
  }

  // True if the components equal `fingerprint`; compared in place, because this runs before
  // every operation.
  bool matches(const Bytes& fingerprint) const {
    std::size_t offset = 0;
    for (std::size_t slot = 0; slot < component_count(type->kind); ++slot) {
      const ByteView value = component(slot);
      if (offset + value.size() > fingerprint.size() ||
          !std::equal(value.begin(), value.end(),
                      fingerprint.begin() + static_cast<std::ptrdiff_t>(offset))) {
        return false;
      }
      offset += value.size();
    }
    if (type->kind != KeyKind::ec_public && type->kind != KeyKind::ec_private) {
      return offset + 4 == fingerprint.size();
    }
    return offset + 4 == fingerprint.size() &&
           get_u32(fingerprint, offset) == vm.get_field(object, layout::kKeyCofactorWord);
  }

  // Every component's bytes, to tell a re-keyed object from the one an engine was set up with.
  Bytes fingerprint() const {
    Bytes out;
    for (std::size_t slot = 0; slot < component_count(type->kind); ++slot)
      append(out, component(slot));
    append_u32(out, vm.get_field(object, layout::kKeyCofactorWord));
    return out;
  }
};

Ref make_key(Vm& vm, std::int8_t type_id, std::int16_t bits) {
  const KeyType* type = key_type(type_id);
  if (type == nullptr || !supported_size(type->kind, bits)) {
    throw_crypto(vm, Reason::no_such_algorithm);
  }
  const Ref key = vm.new_object(class_name(type->hidden_class));
  auto make_array = [&](std::size_t length) {
    const auto size = static_cast<std::uint16_t>(length);
    return type->event == vm::TransientEvent::none
               ? vm.new_array(vm::ArrayType::byte_array, size)
               : vm.new_transient_array(vm::ArrayType::byte_array, size, type->event);
  };
  for (std::size_t slot = 0; slot < component_count(type->kind); ++slot) {
    const std::size_t capacity =
        component_capacity(type->kind, slot, static_cast<std::size_t>(bits));
    vm.set_field(key, static_cast<std::uint16_t>(layout::kKeyComponentWord + slot),
                 make_array(2 + capacity));
  }
  vm.set_field(key, layout::kKeyStateWord, make_array(2));
  vm.set_field(key, layout::kKeyTypeWord, static_cast<std::uint8_t>(type_id));
  vm.set_field(key, layout::kKeySizeWord, static_cast<std::uint32_t>(bits));
  return key;
}

Slot build_key(Vm& vm, Args args) {
  // keyEncryption (javacardx.crypto.KeyEncryption) is not supported: NO_SUCH_ALGORITHM, as
  // the API specifies for an unsupported combination.
  if (args.boolean_at(2)) throw_crypto(vm, Reason::no_such_algorithm);
  return make_key(vm, args.byte_at(0), args.short_at(1));
}

// KeyBuilder.buildKey(byte algorithmicKeyType, byte keyMemoryType, short, boolean): the
// ALG_TYPE_* and the memory type name a TYPE_* value.
Slot build_key_by_algorithm(Vm& vm, Args args) {
  if (args.boolean_at(3)) throw_crypto(vm, Reason::no_such_algorithm);
  const std::int8_t memory = args.byte_at(1);
  const std::int8_t algorithm = args.byte_at(0);
  std::int8_t type = 0;
  auto pick = [&](std::int8_t persistent, std::int8_t reset, std::int8_t deselect) {
    type = memory == jc::javacard::framework::JCSystem::MEMORY_TYPE_PERSISTENT        ? persistent
           : memory == jc::javacard::framework::JCSystem::MEMORY_TYPE_TRANSIENT_RESET ? reset
           : memory == jc::javacard::framework::JCSystem::MEMORY_TYPE_TRANSIENT_DESELECT ? deselect
                                                                                         : 0;
  };
  switch (algorithm) {
    case jkb::ALG_TYPE_DES:
      pick(jkb::TYPE_DES, jkb::TYPE_DES_TRANSIENT_RESET, jkb::TYPE_DES_TRANSIENT_DESELECT);
      break;
    case jkb::ALG_TYPE_AES:
      pick(jkb::TYPE_AES, jkb::TYPE_AES_TRANSIENT_RESET, jkb::TYPE_AES_TRANSIENT_DESELECT);
      break;
    case jkb::ALG_TYPE_HMAC:
      pick(jkb::TYPE_HMAC, jkb::TYPE_HMAC_TRANSIENT_RESET, jkb::TYPE_HMAC_TRANSIENT_DESELECT);
      break;
    case jkb::ALG_TYPE_RSA_PUBLIC:
      pick(jkb::TYPE_RSA_PUBLIC, 0, 0);
      break;
    case jkb::ALG_TYPE_RSA_PRIVATE:
      pick(jkb::TYPE_RSA_PRIVATE, jkb::TYPE_RSA_PRIVATE_TRANSIENT_RESET,
           jkb::TYPE_RSA_PRIVATE_TRANSIENT_DESELECT);
      break;
    case jkb::ALG_TYPE_RSA_CRT_PRIVATE:
      pick(jkb::TYPE_RSA_CRT_PRIVATE, jkb::TYPE_RSA_CRT_PRIVATE_TRANSIENT_RESET,
           jkb::TYPE_RSA_CRT_PRIVATE_TRANSIENT_DESELECT);
      break;
    case jkb::ALG_TYPE_EC_FP_PUBLIC:
      pick(jkb::TYPE_EC_FP_PUBLIC, 0, 0);
      break;
    case jkb::ALG_TYPE_EC_FP_PRIVATE:
      pick(jkb::TYPE_EC_FP_PRIVATE, jkb::TYPE_EC_FP_PRIVATE_TRANSIENT_RESET,
           jkb::TYPE_EC_FP_PRIVATE_TRANSIENT_DESELECT);
      break;
    default:
      break;
  }
  if (type == 0) throw_crypto(vm, Reason::no_such_algorithm);
  return make_key(vm, type, args.short_at(2));
}

Slot key_clear(Vm& vm, Args args) {
  KeyObject(vm, args.ref_at(0)).clear();
  return 0;
}
Slot key_size(Vm& vm, Args args) {
  return short_result(static_cast<int>(KeyObject(vm, args.ref_at(0)).bits));
}
Slot key_type_of(Vm& vm, Args args) {
  return short_result(KeyObject(vm, args.ref_at(0)).type->type);
}
Slot key_initialized(Vm& vm, Args args) {
  return boolean_result(KeyObject(vm, args.ref_at(0)).initialized());
}

// DESKey.setKey and AESKey.setKey(byte[], short): as many bytes as the key's size.
Slot secret_set_key(Vm& vm, Args args) {
  KeyObject key(vm, args.ref_at(0));
  const auto length = static_cast<std::int16_t>(key.bits / 8);
  key.set_component(0, array_range(vm, args.ref_at(1), args.short_at(2), length));
  return 0;
}

// HMACKey.setKey(byte[], short, short): any length up to the key's size.
Slot hmac_set_key(Vm& vm, Args args) {
  KeyObject key(vm, args.ref_at(0));
  const std::int16_t length = args.short_at(3);
  const ByteView value = array_range(vm, args.ref_at(1), args.short_at(2), length);
  if (length == 0) throw_crypto(vm, Reason::illegal_value);
  key.set_component(0, value);
  return 0;
}

Slot secret_get_key(Vm& vm, Args args) {
  return short_result(
      KeyObject(vm, args.ref_at(0)).get_component(0, args.ref_at(1), args.short_at(2)));
}

template <std::size_t Slot_>
Slot set_component(Vm& vm, Args args) {
  KeyObject key(vm, args.ref_at(0));
  key.set_component(Slot_, array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3)));
  return 0;
}

template <std::size_t Slot_>
Slot get_component(Vm& vm, Args args) {
  return short_result(
      KeyObject(vm, args.ref_at(0)).get_component(Slot_, args.ref_at(1), args.short_at(2)));
}

// ECKey.setG and ECPublicKey.setW take an uncompressed point (04 || X || Y).
// NOTE: a compressed point is rejected with ILLEGAL_VALUE rather than decompressed.
template <std::size_t Slot_>
Slot set_point(Vm& vm, Args args) {
  KeyObject key(vm, args.ref_at(0));
  const ByteView point = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  if (point.empty() || point[0] != 0x04 || point.size() % 2 == 0)
    throw_crypto(vm, Reason::illegal_value);
  key.set_component(Slot_, point);
  return 0;
}

Slot ec_set_k(Vm& vm, Args args) {
  KeyObject key(vm, args.ref_at(0));
  const std::int16_t k = args.short_at(1);
  if (k <= 0) throw_crypto(vm, Reason::illegal_value);
  vm.set_field(key.object, layout::kKeyCofactorWord, static_cast<std::uint32_t>(k));
  key.set_mask(key.mask() | layout::kEcKBit);
  return 0;
}

Slot ec_get_k(Vm& vm, Args args) {
  KeyObject key(vm, args.ref_at(0));
  if ((key.mask() & layout::kEcKBit) == 0) throw_crypto(vm, Reason::uninitialized_key);
  return short_result(static_cast<int>(vm.get_field(key.object, layout::kKeyCofactorWord)));
}

// Curves over binary fields are not supported.
Slot ec_set_f2m(Vm& vm, Args) {
  throw_crypto(vm, Reason::illegal_value);
}

Slot ec_copy_domain(Vm& vm, Args args) {
  KeyObject to(vm, args.ref_at(0));
  const KeyObject from(vm, args.ref_at(1));
  const std::uint32_t domain_bits = 0x1F | layout::kEcKBit;  // field, A, B, G, R and K
  if ((from.mask() & domain_bits) != domain_bits) throw_crypto(vm, Reason::uninitialized_key);
  if (from.bits != to.bits) throw_crypto(vm, Reason::illegal_value);
  for (std::size_t slot = 0; slot < layout::kEcWS; ++slot) {
    const Bytes value(from.component(slot).begin(), from.component(slot).end());
    to.set_component(slot, value);
  }
  vm.set_field(to.object, layout::kKeyCofactorWord,
               vm.get_field(from.object, layout::kKeyCofactorWord));
  to.set_mask(to.mask() | layout::kEcKBit);
  return 0;
}

// =============================================================================================
// The engine cache

// The engine objects of one crypto object, kept outside the store. Entries are keyed by the
// store and the object's handle, and carry a random identity stored in the object too, so a
// handle reused by a new object never finds the old object's engines. reset_native_state()
// drops a store's entries at power-up.
struct EngineState {
  std::uint32_t identity = 0;
  std::unique_ptr<crypto::Cipher> cipher;
  std::unique_ptr<crypto::AeadCipher> aead;
  std::unique_ptr<crypto::Signature> signature;
  std::unique_ptr<crypto::MessageDigest> digest;
  std::unique_ptr<crypto::RandomData> random;
  std::unique_ptr<crypto::KeyAgreement> agreement;
  std::unique_ptr<crypto::Checksum> checksum;
  bool ready = false;     // the engine was initialized from the persistent init() state
  Bytes key_fingerprint;  // the key's components when the engine was initialized
  // The key object of that initialization, with its type and size.
  Ref key = vm::kNullRef;
  const KeyType* key_type = nullptr;
  std::size_t key_bits = 0;
};

// NOTE: this cache is process-wide, because vm::Vm offers natives no per-card place for RAM
// state. It is bounded, and an evicted entry is rebuilt from the object's persistent state.
class EngineCache {
 public:
  static EngineCache& instance() {
    static EngineCache cache;
    return cache;
  }

  // The entry of `object`, created empty if absent. Each thread remembers its last hit, so
  // that a loop over one object skips the lock and the map; any removal of an entry changes
  // the generation and so voids every remembered hit.
  EngineState& get(Vm& vm, Ref object, std::uint32_t identity) {
    const Key key{&vm.store(), object};
    thread_local LastHit last;
    if (last.state != nullptr && last.cache == this && last.key == key &&
        last.generation == generation_.load(std::memory_order_acquire) &&
        last.state->identity == identity) {
      return *last.state;
    }
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    EngineState* found = nullptr;
    if (it != entries_.end() && it->second->identity == identity) {
      found = it->second.get();
    } else {
      if (it != entries_.end() || entries_.size() >= kMaxEntries) {
        entries_.erase(it != entries_.end() ? it : entries_.begin());
        generation_.fetch_add(1, std::memory_order_release);
      }
      auto state = std::make_unique<EngineState>();
      state->identity = identity;
      found = state.get();
      entries_[key] = std::move(state);
    }
    last = {this, key, generation_.load(std::memory_order_acquire), found};
    return *found;
  }

  // Drops every entry of one card's store.
  void forget(const store::Store& store) {
    std::lock_guard lock(mutex_);
    generation_.fetch_add(1, std::memory_order_release);
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = it->first.first == &store ? entries_.erase(it) : std::next(it);
    }
  }

  std::uint32_t new_identity() {
    std::lock_guard lock(mutex_);
    std::uint32_t id = 0;
    while (id == 0) id = static_cast<std::uint32_t>(rng_());
    return id;
  }

 private:
  static constexpr std::size_t kMaxEntries = 4096;
  using Key = std::pair<const store::Store*, Ref>;
  struct LastHit {
    const EngineCache* cache = nullptr;
    Key key{};
    std::uint64_t generation = 0;
    EngineState* state = nullptr;
  };
  std::atomic<std::uint64_t> generation_{0};
  std::mutex mutex_;
  std::map<Key, std::unique_ptr<EngineState>> entries_;
  std::mt19937 rng_{std::random_device{}()};
};

// =============================================================================================
// Cipher and AEADCipher

// The (algorithm, cipher, padding) triple packed into one instance word.
std::uint32_t pack(std::int8_t a, std::int8_t b, std::int8_t c, std::int8_t d = 0) {
  return static_cast<std::uint32_t>(static_cast<std::uint8_t>(a)) |
         (static_cast<std::uint32_t>(static_cast<std::uint8_t>(b)) << 8) |
         (static_cast<std::uint32_t>(static_cast<std::uint8_t>(c)) << 16) |
         (static_cast<std::uint32_t>(static_cast<std::uint8_t>(d)) << 24);
}
std::int8_t unpack(std::uint32_t word, int index) {
  return static_cast<std::int8_t>(static_cast<std::uint8_t>(word >> (8 * index)));
}

bool is_aead(std::int8_t algorithm) {
  return algorithm == jaead::ALG_AES_GCM || algorithm == jaead::ALG_AES_CCM;
}

Ref new_crypto_object(Vm& vm, std::string_view hidden, std::uint32_t algorithm_word) {
  const Ref object = vm.new_object(class_name(hidden));
  vm.set_field(object, layout::kCryptoAlgorithmWord, algorithm_word);
  vm.set_field(object, layout::kCryptoIdentityWord, EngineCache::instance().new_identity());
  return object;
}

Slot cipher_get_instance(Vm& vm, Args args) {
  const std::int8_t algorithm = args.byte_at(0);
  if (is_aead(algorithm)) {
    with_crypto_errors(vm, [&] { crypto::AeadCipher check(algorithm); });
    const std::int8_t cipher =
        algorithm == jaead::ALG_AES_GCM ? jaead::CIPHER_AES_GCM : jaead::CIPHER_AES_CCM;
    return new_crypto_object(vm, "javacardx.crypto.AEADCipherImpl",
                             pack(algorithm, cipher, jcipher::PAD_NULL));
  }
  auto engine = with_crypto_errors(vm, [&] { return crypto::Cipher::create(algorithm); });
  return new_crypto_object(
      vm, "javacardx.crypto.CipherImpl",
      pack(algorithm, engine->cipher_algorithm(), engine->padding_algorithm()));
}

Slot cipher_get_instance_pair(Vm& vm, Args args) {
  const std::int8_t cipher = args.byte_at(0);
  const std::int8_t padding = args.byte_at(1);
  if ((cipher == jaead::CIPHER_AES_GCM || cipher == jaead::CIPHER_AES_CCM) &&
      padding == jcipher::PAD_NULL) {
    const std::int8_t algorithm =
        cipher == jaead::CIPHER_AES_GCM ? jaead::ALG_AES_GCM : jaead::ALG_AES_CCM;
    return new_crypto_object(vm, "javacardx.crypto.AEADCipherImpl",
                             pack(algorithm, cipher, padding));
  }
  auto engine = with_crypto_errors(vm, [&] { return crypto::Cipher::create(cipher, padding); });
  return new_crypto_object(vm, "javacardx.crypto.CipherImpl",
                           pack(engine->algorithm(), cipher, padding));
}

// The words of a crypto object, read in one call because every operation needs them.
std::array<Slot, layout::kCryptoWords> crypto_words(Vm& vm, Ref object) {
  std::array<Slot, layout::kCryptoWords> words{};
  vm.get_fields(object, 0, words);
  return words;
}

// The persistent init() state of a Cipher or Signature object and its cached engine.
struct CryptoObject {
  Vm& vm;
  Ref object;
  std::array<Slot, layout::kCryptoWords> words;  // as they were when the native started
  std::uint32_t algorithm_word;
  EngineState& engine;

  CryptoObject(Vm& v, Ref o)
      : vm(v),
        object(o),
        words(crypto_words(v, o)),
        algorithm_word(words[layout::kCryptoAlgorithmWord]),
        engine(EngineCache::instance().get(v, o, words[layout::kCryptoIdentityWord])) {}

  std::int8_t mode() const { return static_cast<std::int8_t>(words[layout::kCryptoModeWord]); }
  Ref key() const { return words[layout::kCryptoKeyWord]; }
  std::optional<Bytes> iv() const {
    const Ref array = words[layout::kCryptoIvWord];
    if (array == vm::kNullRef) return std::nullopt;
    const ByteView raw = vm.array_bytes(array);
    return Bytes(raw.begin(), raw.end());
  }

  // Records init(): the key, the mode and the IV, in the card's memory.
  void save_init(Ref key_object, std::int8_t mode_value, std::optional<ByteView> iv_value) {
    vm.set_field(object, layout::kCryptoKeyWord, key_object);
    vm.set_field(object, layout::kCryptoModeWord, static_cast<std::uint8_t>(mode_value));
    Ref array = vm::kNullRef;
    if (iv_value) {
      array = vm.new_array(vm::ArrayType::byte_array, static_cast<std::uint16_t>(iv_value->size()));
      vm.write_bytes(array, 0, *iv_value, true);
    }
    vm.set_field(object, layout::kCryptoIvWord, array);
    words[layout::kCryptoKeyWord] = key_object;
    words[layout::kCryptoModeWord] = static_cast<std::uint8_t>(mode_value);
    words[layout::kCryptoIvWord] = array;
  }
};

crypto::Cipher& cipher_engine(CryptoObject& c) {
  if (!c.engine.cipher) {
    c.engine.cipher = with_crypto_errors(c.vm, [&] {
      const std::int8_t algorithm = unpack(c.algorithm_word, 0);
      return algorithm != 0
                 ? crypto::Cipher::create(algorithm)
                 : crypto::Cipher::create(unpack(c.algorithm_word, 1), unpack(c.algorithm_word, 2));
    });
  }
  return *c.engine.cipher;
}

// Brings the engine to the state after the last init(): after a lost cache entry, or when the
// key's value changed since (a re-keyed or cleared key object).
template <typename Init>
void restore(CryptoObject& c, Init&& init) {
  if (c.mode() == 0) throw_crypto(c.vm, Reason::invalid_init);
  const Ref key_ref = c.key();
  const KeyObject key = key_ref == c.engine.key && key_ref != vm::kNullRef
                            ? KeyObject(c.vm, key_ref, c.engine.key_type, c.engine.key_bits)
                            : KeyObject(c.vm, key_ref);
  // A cleared key (clearKey, or a transient key after its clear event) has empty components,
  // so it never matches and takes the slow path, which checks initialization.
  if (c.engine.ready && key_ref == c.engine.key && key.matches(c.engine.key_fingerprint)) return;
  if (!key.initialized()) throw_crypto(c.vm, Reason::uninitialized_key);
  c.engine.key = key_ref;
  c.engine.key_type = key.type;
  c.engine.key_bits = key.bits;
  const std::optional<Bytes> iv = c.iv();
  with_crypto_errors(c.vm,
                     [&] { init(key.data(), iv ? std::optional<ByteView>(*iv) : std::nullopt); });
  c.engine.key_fingerprint = key.fingerprint();
  c.engine.ready = true;
}

void cipher_init_common(Vm& vm, Args args, bool with_iv) {
  CryptoObject c(vm, args.ref_at(0));
  const Ref key_ref = args.ref_at(1);
  if (key_ref == vm::kNullRef) throw_crypto(vm, Reason::uninitialized_key);
  const KeyObject key(vm, key_ref);
  const std::int8_t mode = args.byte_at(2);
  std::optional<Bytes> iv;
  if (with_iv) {
    const ByteView bytes = array_range(vm, args.ref_at(3), args.short_at(4), args.short_at(5));
    iv = Bytes(bytes.begin(), bytes.end());
  }
  if (!key.initialized()) throw_crypto(vm, Reason::uninitialized_key);
  crypto::Cipher& engine = cipher_engine(c);
  with_crypto_errors(vm, [&] {
    const ByteView view = iv ? ByteView(*iv) : ByteView();
    engine.init(key.data(), mode, iv ? &view : nullptr);
  });
  c.save_init(key_ref, mode, iv ? std::optional<ByteView>(*iv) : std::nullopt);
  c.engine.key_fingerprint = key.fingerprint();
  c.engine.ready = true;
}

Slot cipher_init(Vm& vm, Args args) {
  cipher_init_common(vm, args, false);
  return 0;
}
Slot cipher_init_iv(Vm& vm, Args args) {
  cipher_init_common(vm, args, true);
  return 0;
}

crypto::Cipher& ready_cipher(CryptoObject& c) {
  crypto::Cipher& engine = cipher_engine(c);
  restore(c, [&](const crypto::KeyData& key, std::optional<ByteView> iv) {
    engine.init(key, c.mode(), iv ? &*iv : nullptr);
  });
  return engine;
}

// Writes an engine's output into the applet's array: ArrayIndexOutOfBoundsException if it
// does not fit.
std::int16_t write_output(Vm& vm, Ref out, std::int16_t offset, ByteView bytes) {
  const auto length = static_cast<std::int16_t>(bytes.size());
  check_range(vm, out, offset, length);
  if (!bytes.empty()) vm.write_bytes(out, static_cast<std::uint16_t>(offset), bytes, false);
  return length;
}

// Cipher.update and doFinal(byte[] in, short, short, byte[] out, short).
template <bool Final>
Slot cipher_run(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  crypto::Cipher& engine = ready_cipher(c);
  const ByteView input = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  if (args.ref_at(4) == vm::kNullRef) throw_null_pointer(vm);
  // The engines write into buffers of their own, and the output reaches the applet's array only
  // after the engine returns, so input and output may overlap without a copy.
  const ByteView output =
      with_crypto_errors(vm, [&] { return Final ? engine.do_final(input) : engine.update(input); });
  return short_result(write_output(vm, args.ref_at(4), args.short_at(5), output));
}

Slot crypto_algorithm(Vm& vm, Args args) {
  return short_result(unpack(vm.get_field(args.ref_at(0), layout::kCryptoAlgorithmWord), 0));
}
template <int Index>
Slot crypto_algorithm_part(Vm& vm, Args args) {
  return short_result(unpack(vm.get_field(args.ref_at(0), layout::kCryptoAlgorithmWord), Index));
}

// --- AEADCipher ----------------------------------------------------------------------------

crypto::AeadCipher& aead_engine(CryptoObject& c) {
  if (!c.engine.aead) {
    c.engine.aead = with_crypto_errors(
        c.vm, [&] { return std::make_unique<crypto::AeadCipher>(unpack(c.algorithm_word, 0)); });
  }
  return *c.engine.aead;
}

// AEADCipher.init(Key, byte, byte[] nonce, short, short, short adataLen, short messageLen,
// short tagSize). The state of an AEAD operation is RAM only: after a tear, init() again.
Slot aead_init(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  const Ref key_ref = args.ref_at(1);
  if (key_ref == vm::kNullRef) throw_crypto(vm, Reason::uninitialized_key);
  const KeyObject key(vm, key_ref);
  if (!key.initialized()) throw_crypto(vm, Reason::uninitialized_key);
  const ByteView nonce = array_range(vm, args.ref_at(3), args.short_at(4), args.short_at(5));
  const std::int16_t aad_length = args.short_at(6);
  const std::int16_t message_length = args.short_at(7);
  const std::int16_t tag_size = args.short_at(8);
  if (aad_length < 0 || message_length < 0 || tag_size < 0) throw_crypto(vm, Reason::illegal_value);
  crypto::AeadCipher& engine = aead_engine(c);
  const Bytes nonce_copy(nonce.begin(), nonce.end());
  with_crypto_errors(vm, [&] {
    engine.init(key.data(), args.byte_at(2), nonce_copy, static_cast<std::size_t>(aad_length),
                static_cast<std::size_t>(message_length), static_cast<std::size_t>(tag_size));
  });
  vm.set_field(c.object, layout::kCryptoKeyWord, key_ref);
  vm.set_field(c.object, layout::kCryptoModeWord, static_cast<std::uint8_t>(args.byte_at(2)));
  return 0;
}

// AEADCipher.init(Key, byte, byte[], short, short): the nonce only, for GCM with a 16-byte tag.
Slot aead_init_nonce(Vm& vm, Args args) {
  std::vector<Slot> all(args.size() + 3);
  for (std::size_t i = 0; i < args.size(); ++i) all[i] = args.word(i);
  all[args.size()] = 0;
  all[args.size() + 1] = 0;
  all[args.size() + 2] = vm::slot_of_short(16);
  if (unpack(vm.get_field(args.ref_at(0), layout::kCryptoAlgorithmWord), 0) == jaead::ALG_AES_CCM) {
    // CCM needs the lengths before the data.
    throw_crypto(vm, Reason::illegal_use);
  }
  return aead_init(vm, Args(all.data(), all.size()));
}

Slot aead_init_plain(Vm& vm, Args) {
  throw_crypto(vm, Reason::illegal_use);
}

crypto::AeadCipher& ready_aead(CryptoObject& c) {
  if (!c.engine.aead || c.mode() == 0) throw_crypto(c.vm, Reason::invalid_init);
  return *c.engine.aead;
}

Slot aead_update_aad(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  crypto::AeadCipher& engine = ready_aead(c);
  const ByteView aad = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  with_crypto_errors(vm, [&] { engine.update_aad(Bytes(aad.begin(), aad.end())); });
  return 0;
}

template <bool Final>
Slot aead_run(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  crypto::AeadCipher& engine = ready_aead(c);
  const ByteView input = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  if (args.ref_at(4) == vm::kNullRef) throw_null_pointer(vm);
  const Bytes copy(input.begin(), input.end());
  const ByteView output =
      with_crypto_errors(vm, [&] { return Final ? engine.do_final(copy) : engine.update(copy); });
  return short_result(write_output(vm, args.ref_at(4), args.short_at(5), output));
}

Slot aead_retrieve_tag(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  crypto::AeadCipher& engine = ready_aead(c);
  const std::int16_t length = args.short_at(3);
  if (length < 0) throw_crypto(vm, Reason::illegal_value);
  const ByteView tag =
      with_crypto_errors(vm, [&] { return engine.retrieve_tag(static_cast<std::size_t>(length)); });
  return short_result(write_output(vm, args.ref_at(1), args.short_at(2), tag));
}

Slot aead_verify_tag(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  crypto::AeadCipher& engine = ready_aead(c);
  const ByteView tag = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  const std::int16_t required = args.short_at(4);
  if (required < 0) throw_crypto(vm, Reason::illegal_value);
  const Bytes copy(tag.begin(), tag.end());
  return boolean_result(with_crypto_errors(
      vm, [&] { return engine.verify_tag(copy, static_cast<std::size_t>(required)); }));
}

// =============================================================================================
// Signature

Slot signature_get_instance(Vm& vm, Args args) {
  auto engine = with_crypto_errors(vm, [&] { return crypto::Signature::create(args.byte_at(0)); });
  return new_crypto_object(vm, "javacard.security.SignatureImpl",
                           pack(engine->algorithm(), engine->digest_algorithm(),
                                engine->cipher_algorithm(), engine->padding_algorithm()));
}

Slot signature_get_instance_triple(Vm& vm, Args args) {
  auto engine = with_crypto_errors(vm, [&] {
    return crypto::Signature::create(args.byte_at(0), args.byte_at(1), args.byte_at(2));
  });
  return new_crypto_object(vm, "javacard.security.SignatureImpl",
                           pack(engine->algorithm(), engine->digest_algorithm(),
                                engine->cipher_algorithm(), engine->padding_algorithm()));
}

crypto::Signature& signature_engine(CryptoObject& c) {
  if (!c.engine.signature) {
    c.engine.signature = with_crypto_errors(c.vm, [&] {
      const std::int8_t algorithm = unpack(c.algorithm_word, 0);
      return algorithm != 0 ? crypto::Signature::create(algorithm)
                            : crypto::Signature::create(unpack(c.algorithm_word, 1),
                                                        unpack(c.algorithm_word, 2),
                                                        unpack(c.algorithm_word, 3));
    });
  }
  return *c.engine.signature;
}

crypto::Signature& ready_signature(CryptoObject& c) {
  crypto::Signature& engine = signature_engine(c);
  restore(c, [&](const crypto::KeyData& key, std::optional<ByteView> iv) {
    engine.init(key, c.mode(), iv ? &*iv : nullptr);
  });
  return engine;
}

void signature_init_common(Vm& vm, Args args, bool with_iv) {
  CryptoObject c(vm, args.ref_at(0));
  const Ref key_ref = args.ref_at(1);
  if (key_ref == vm::kNullRef) throw_crypto(vm, Reason::uninitialized_key);
  const KeyObject key(vm, key_ref);
  std::optional<Bytes> iv;
  if (with_iv) {
    const ByteView bytes = array_range(vm, args.ref_at(3), args.short_at(4), args.short_at(5));
    iv = Bytes(bytes.begin(), bytes.end());
  }
  if (!key.initialized()) throw_crypto(vm, Reason::uninitialized_key);
  crypto::Signature& engine = signature_engine(c);
  const std::int8_t mode = args.byte_at(2);
  with_crypto_errors(vm, [&] {
    const ByteView view = iv ? ByteView(*iv) : ByteView();
    engine.init(key.data(), mode, iv ? &view : nullptr);
  });
  c.save_init(key_ref, mode, iv ? std::optional<ByteView>(*iv) : std::nullopt);
  c.engine.key_fingerprint = key.fingerprint();
  c.engine.ready = true;
}

Slot signature_init(Vm& vm, Args args) {
  signature_init_common(vm, args, false);
  return 0;
}
Slot signature_init_iv(Vm& vm, Args args) {
  signature_init_common(vm, args, true);
  return 0;
}

Slot signature_length(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  crypto::Signature& engine = signature_engine(c);
  if (c.mode() != 0) ready_signature(c);
  return short_result(static_cast<int>(with_crypto_errors(vm, [&] { return engine.length(); })));
}

Slot signature_update(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  crypto::Signature& engine = ready_signature(c);
  const ByteView input = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  with_crypto_errors(vm, [&] { engine.update(Bytes(input.begin(), input.end())); });
  return 0;
}

template <bool Hash>
Slot signature_sign(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  crypto::Signature& engine = ready_signature(c);
  const ByteView input = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  if (args.ref_at(4) == vm::kNullRef) throw_null_pointer(vm);
  const Bytes copy(input.begin(), input.end());
  const ByteView signature =
      with_crypto_errors(vm, [&] { return Hash ? engine.sign_hash(copy) : engine.sign(copy); });
  return short_result(write_output(vm, args.ref_at(4), args.short_at(5), signature));
}

template <bool Hash>
Slot signature_verify(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  crypto::Signature& engine = ready_signature(c);
  const ByteView input = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  const Bytes copy(input.begin(), input.end());
  const ByteView signature = array_range(vm, args.ref_at(4), args.short_at(5), args.short_at(6));
  const Bytes signature_copy(signature.begin(), signature.end());
  return boolean_result(with_crypto_errors(vm, [&] {
    return Hash ? engine.verify_hash(copy, signature_copy) : engine.verify(copy, signature_copy);
  }));
}

// =============================================================================================
// MessageDigest, RandomData, Checksum, KeyAgreement

Slot digest_get_instance(Vm& vm, Args args) {
  if (args.boolean_at(1)) {
    // Shared access needs no special handling: the state is not in CLEAR_ON_DESELECT memory.
  }
  with_crypto_errors(vm, [&] { crypto::MessageDigest check(args.byte_at(0)); });
  return new_crypto_object(vm, "javacard.security.MessageDigestImpl", pack(args.byte_at(0), 0, 0));
}

crypto::MessageDigest& digest_engine(Vm& vm, Ref object) {
  CryptoObject c(vm, object);
  if (!c.engine.digest) {
    c.engine.digest = with_crypto_errors(
        vm, [&] { return std::make_unique<crypto::MessageDigest>(unpack(c.algorithm_word, 0)); });
  }
  return *c.engine.digest;
}

Slot digest_update(Vm& vm, Args args) {
  crypto::MessageDigest& md = digest_engine(vm, args.ref_at(0));
  const ByteView input = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  md.update(Bytes(input.begin(), input.end()));
  return 0;
}

Slot digest_do_final(Vm& vm, Args args) {
  crypto::MessageDigest& md = digest_engine(vm, args.ref_at(0));
  const ByteView input = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  if (args.ref_at(4) == vm::kNullRef) throw_null_pointer(vm);
  const Bytes copy(input.begin(), input.end());
  const Bytes digest = [&] {
    const ByteView view = md.do_final(copy);
    return Bytes(view.begin(), view.end());
  }();
  return short_result(write_output(vm, args.ref_at(4), args.short_at(5), digest));
}

Slot digest_reset(Vm& vm, Args args) {
  digest_engine(vm, args.ref_at(0)).reset();
  return 0;
}

Slot digest_length(Vm& vm, Args args) {
  return short_result(static_cast<int>(digest_engine(vm, args.ref_at(0)).length()));
}

Slot random_get_instance(Vm& vm, Args args) {
  with_crypto_errors(vm, [&] { crypto::RandomData check(args.byte_at(0)); });
  return new_crypto_object(vm, "javacard.security.RandomDataImpl", pack(args.byte_at(0), 0, 0));
}

crypto::RandomData& random_engine(Vm& vm, Ref object) {
  CryptoObject c(vm, object);
  if (!c.engine.random) {
    c.engine.random = with_crypto_errors(
        vm, [&] { return std::make_unique<crypto::RandomData>(unpack(c.algorithm_word, 0)); });
  }
  return *c.engine.random;
}

Slot random_next_bytes(Vm& vm, Args args) {
  crypto::RandomData& random = random_engine(vm, args.ref_at(0));
  const std::int16_t offset = args.short_at(2);
  const std::int16_t length = args.short_at(3);
  check_range(vm, args.ref_at(1), offset, length);
  Bytes bytes(static_cast<std::size_t>(length));
  random.generate(bytes);
  vm.write_bytes(args.ref_at(1), static_cast<std::uint16_t>(offset), bytes, false);
  return short_result(offset + length);
}

Slot random_set_seed(Vm& vm, Args args) {
  crypto::RandomData& random = random_engine(vm, args.ref_at(0));
  const ByteView seed = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  random.set_seed(Bytes(seed.begin(), seed.end()));
  return 0;
}

Slot checksum_get_instance(Vm& vm, Args args) {
  with_crypto_errors(vm, [&] { crypto::Checksum check(args.byte_at(0)); });
  return new_crypto_object(vm, "javacard.security.ChecksumImpl", pack(args.byte_at(0), 0, 0));
}

crypto::Checksum& checksum_engine(Vm& vm, Ref object) {
  CryptoObject c(vm, object);
  if (!c.engine.checksum) {
    c.engine.checksum = with_crypto_errors(
        vm, [&] { return std::make_unique<crypto::Checksum>(unpack(c.algorithm_word, 0)); });
  }
  return *c.engine.checksum;
}

Slot checksum_init(Vm& vm, Args args) {
  crypto::Checksum& checksum = checksum_engine(vm, args.ref_at(0));
  const ByteView start = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  with_crypto_errors(vm, [&] { checksum.init(Bytes(start.begin(), start.end())); });
  return 0;
}

Slot checksum_update(Vm& vm, Args args) {
  crypto::Checksum& checksum = checksum_engine(vm, args.ref_at(0));
  checksum.update(array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3)));
  return 0;
}

Slot checksum_do_final(Vm& vm, Args args) {
  crypto::Checksum& checksum = checksum_engine(vm, args.ref_at(0));
  const ByteView input = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  if (args.ref_at(4) == vm::kNullRef) throw_null_pointer(vm);
  const Bytes result = checksum.do_final(Bytes(input.begin(), input.end()));
  return short_result(write_output(vm, args.ref_at(4), args.short_at(5), result));
}

Slot agreement_get_instance(Vm& vm, Args args) {
  with_crypto_errors(vm, [&] { crypto::KeyAgreement check(args.byte_at(0)); });
  return new_crypto_object(vm, "javacard.security.KeyAgreementImpl", pack(args.byte_at(0), 0, 0));
}

Slot agreement_init(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  if (args.ref_at(1) == vm::kNullRef) throw_crypto(vm, Reason::uninitialized_key);
  const KeyObject key(vm, args.ref_at(1));
  if (!key.initialized()) throw_crypto(vm, Reason::uninitialized_key);
  if (!c.engine.agreement) {
    c.engine.agreement = std::make_unique<crypto::KeyAgreement>(unpack(c.algorithm_word, 0));
  }
  with_crypto_errors(vm, [&] { c.engine.agreement->init(key.data()); });
  c.save_init(args.ref_at(1), 1, std::nullopt);
  c.engine.key_fingerprint = key.fingerprint();
  c.engine.ready = true;
  return 0;
}

Slot agreement_generate(Vm& vm, Args args) {
  CryptoObject c(vm, args.ref_at(0));
  if (!c.engine.agreement) {
    c.engine.agreement = std::make_unique<crypto::KeyAgreement>(unpack(c.algorithm_word, 0));
  }
  crypto::KeyAgreement& agreement = *c.engine.agreement;
  restore(c, [&](const crypto::KeyData& key, std::optional<ByteView>) { agreement.init(key); });
  const ByteView point = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  if (args.ref_at(4) == vm::kNullRef) throw_null_pointer(vm);
  const Bytes secret = with_crypto_errors(
      vm, [&] { return agreement.generate_secret(Bytes(point.begin(), point.end())); });
  return short_result(write_output(vm, args.ref_at(4), args.short_at(5), secret));
}

// =============================================================================================
// KeyPair

Slot key_pair_init(Vm& vm, Args args) {
  const Ref pair = args.ref_at(0);
  const std::int8_t algorithm = args.byte_at(1);
  const std::int16_t bits = args.short_at(2);
  Ref public_key = vm::kNullRef;
  Ref private_key = vm::kNullRef;
  switch (algorithm) {
    case jkp::ALG_RSA:
      public_key = make_key(vm, jkb::TYPE_RSA_PUBLIC, bits);
      private_key = make_key(vm, jkb::TYPE_RSA_PRIVATE, bits);
      break;
    case jkp::ALG_RSA_CRT:
      public_key = make_key(vm, jkb::TYPE_RSA_PUBLIC, bits);
      private_key = make_key(vm, jkb::TYPE_RSA_CRT_PRIVATE, bits);
      break;
    case jkp::ALG_EC_FP:
      public_key = make_key(vm, jkb::TYPE_EC_FP_PUBLIC, bits);
      private_key = make_key(vm, jkb::TYPE_EC_FP_PRIVATE, bits);
      break;
    default:
      throw_crypto(vm, Reason::no_such_algorithm);
  }
  vm.set_field(pair, layout::kPairPublicWord, public_key);
  vm.set_field(pair, layout::kPairPrivateWord, private_key);
  return 0;
}

Slot key_pair_init_keys(Vm& vm, Args args) {
  const Ref pair = args.ref_at(0);
  if (args.ref_at(1) == vm::kNullRef || args.ref_at(2) == vm::kNullRef) {
    throw_crypto(vm, Reason::illegal_value);
  }
  const KeyObject public_key(vm, args.ref_at(1));
  const KeyObject private_key(vm, args.ref_at(2));
  const KeyKind pub = public_key.type->kind;
  const KeyKind priv = private_key.type->kind;
  const bool rsa =
      pub == KeyKind::rsa_public && (priv == KeyKind::rsa_private || priv == KeyKind::rsa_crt);
  const bool ec = pub == KeyKind::ec_public && priv == KeyKind::ec_private;
  if ((!rsa && !ec) || public_key.bits != private_key.bits) throw_crypto(vm, Reason::illegal_value);
  vm.set_field(pair, layout::kPairPublicWord, args.ref_at(1));
  vm.set_field(pair, layout::kPairPrivateWord, args.ref_at(2));
  return 0;
}

// KeyPair.genKeyPair: RSA keeps a public exponent the applet set; EC uses the domain parameters
// of the public key when set (else of the private key), or a standard curve of the key's size.
Slot key_pair_generate(Vm& vm, Args args) {
  const Ref pair = args.ref_at(0);
  KeyObject public_key(vm, vm.get_field(pair, layout::kPairPublicWord));
  KeyObject private_key(vm, vm.get_field(pair, layout::kPairPrivateWord));
  if (public_key.type->kind == KeyKind::rsa_public) {
    std::optional<Bytes> exponent;
    if (public_key.has(1))
      exponent = Bytes(public_key.component(1).begin(), public_key.component(1).end());
    const crypto::RsaKeyPairData generated = with_crypto_errors(vm, [&] {
      return crypto::generate_rsa(public_key.bits,
                                  exponent ? std::optional<ByteView>(*exponent) : std::nullopt);
    });
    public_key.set_component(0, generated.modulus);
    public_key.set_component(1, generated.public_exponent);
    if (private_key.type->kind == KeyKind::rsa_crt) {
      private_key.set_component(0, generated.p.view());
      private_key.set_component(1, generated.q.view());
      private_key.set_component(2, generated.dp.view());
      private_key.set_component(3, generated.dq.view());
      private_key.set_component(4, generated.pq.view());
    } else {
      private_key.set_component(0, generated.modulus);
      private_key.set_component(1, generated.private_exponent.view());
    }
    return 0;
  }
  const std::uint32_t domain_bits = 0x1F | layout::kEcKBit;
  KeyObject* source = (public_key.mask() & domain_bits) == domain_bits    ? &public_key
                      : (private_key.mask() & domain_bits) == domain_bits ? &private_key
                                                                          : nullptr;
  crypto::EcDomainData domain;
  if (source != nullptr) {
    const crypto::EcDomain view = source->ec_domain();
    domain = {Bytes(view.field.begin(), view.field.end()), Bytes(view.a.begin(), view.a.end()),
              Bytes(view.b.begin(), view.b.end()),         Bytes(view.g.begin(), view.g.end()),
              Bytes(view.r.begin(), view.r.end()),         view.k};
  } else {
    auto standard = crypto::standard_curve(public_key.bits);
    if (!standard) throw_crypto(vm, Reason::illegal_value);
    domain = std::move(*standard);
  }
  const crypto::EcKeyPairData generated =
      with_crypto_errors(vm, [&] { return crypto::generate_ec(domain.view()); });
  for (KeyObject* key : {&public_key, &private_key}) {
    key->set_component(layout::kEcField, domain.field);
    key->set_component(layout::kEcA, domain.a);
    key->set_component(layout::kEcB, domain.b);
    key->set_component(layout::kEcG, domain.g);
    key->set_component(layout::kEcR, domain.r);
    vm.set_field(key->object, layout::kKeyCofactorWord, domain.k);
    key->set_mask(key->mask() | layout::kEcKBit);
  }
  public_key.set_component(layout::kEcWS, generated.w);
  private_key.set_component(layout::kEcWS, generated.s.view());
  return 0;
}

Slot key_pair_public(Vm& vm, Args args) {
  return vm.get_field(args.ref_at(0), layout::kPairPublicWord);
}
Slot key_pair_private(Vm& vm, Args args) {
  return vm.get_field(args.ref_at(0), layout::kPairPrivateWord);
}

// =============================================================================================
// Tables

#define SECRET_KEY_BINDINGS(NAME)                                  \
  {"javacard.security." NAME, "clearKey()V", key_clear},           \
      {"javacard.security." NAME, "getSize()S", key_size},         \
      {"javacard.security." NAME, "getType()B", key_type_of}, {    \
    "javacard.security." NAME, "isInitialized()Z", key_initialized \
  }

#define EC_DOMAIN_BINDINGS(NAME)                                                       \
  {"javacard.security." NAME, "setFieldFP([BSS)V", set_component<layout::kEcField>},   \
      {"javacard.security." NAME, "setFieldF2M(S)V", ec_set_f2m},                      \
      {"javacard.security." NAME, "setFieldF2M(SSS)V", ec_set_f2m},                    \
      {"javacard.security." NAME, "setA([BSS)V", set_component<layout::kEcA>},         \
      {"javacard.security." NAME, "setB([BSS)V", set_component<layout::kEcB>},         \
      {"javacard.security." NAME, "setG([BSS)V", set_point<layout::kEcG>},             \
      {"javacard.security." NAME, "setR([BSS)V", set_component<layout::kEcR>},         \
      {"javacard.security." NAME, "setK(S)V", ec_set_k},                               \
      {"javacard.security." NAME, "getField([BS)S", get_component<layout::kEcField>},  \
      {"javacard.security." NAME, "getA([BS)S", get_component<layout::kEcA>},          \
      {"javacard.security." NAME, "getB([BS)S", get_component<layout::kEcB>},          \
      {"javacard.security." NAME, "getG([BS)S", get_component<layout::kEcG>},          \
      {"javacard.security." NAME, "getR([BS)S", get_component<layout::kEcR>},          \
      {"javacard.security." NAME, "getK()S", ec_get_k}, {                              \
    "javacard.security." NAME, "copyDomainParametersFrom(Ljavacard/security/ECKey;)V", \
        ec_copy_domain                                                                 \
  }

const Binding kSecurity[] = {
    {"javacard.security.KeyBuilder", "buildKey(BSZ)Ljavacard/security/Key;", build_key},
    {"javacard.security.KeyBuilder", "buildKey(BBSZ)Ljavacard/security/Key;",
     build_key_by_algorithm},

    SECRET_KEY_BINDINGS("DESKeyImpl"),
    {"javacard.security.DESKeyImpl", "setKey([BS)V", secret_set_key},
    {"javacard.security.DESKeyImpl", "getKey([BS)B", secret_get_key},
    SECRET_KEY_BINDINGS("AESKeyImpl"),
    {"javacard.security.AESKeyImpl", "setKey([BS)V", secret_set_key},
    {"javacard.security.AESKeyImpl", "getKey([BS)B", secret_get_key},
    SECRET_KEY_BINDINGS("HMACKeyImpl"),
    {"javacard.security.HMACKeyImpl", "setKey([BSS)V", hmac_set_key},
    {"javacard.security.HMACKeyImpl", "getKey([BS)B", secret_get_key},

    SECRET_KEY_BINDINGS("RSAPublicKeyImpl"),
    {"javacard.security.RSAPublicKeyImpl", "setModulus([BSS)V", set_component<0>},
    {"javacard.security.RSAPublicKeyImpl", "setExponent([BSS)V", set_component<1>},
    {"javacard.security.RSAPublicKeyImpl", "getModulus([BS)S", get_component<0>},
    {"javacard.security.RSAPublicKeyImpl", "getExponent([BS)S", get_component<1>},
    SECRET_KEY_BINDINGS("RSAPrivateKeyImpl"),
    {"javacard.security.RSAPrivateKeyImpl", "setModulus([BSS)V", set_component<0>},
    {"javacard.security.RSAPrivateKeyImpl", "setExponent([BSS)V", set_component<1>},
    {"javacard.security.RSAPrivateKeyImpl", "getModulus([BS)S", get_component<0>},
    {"javacard.security.RSAPrivateKeyImpl", "getExponent([BS)S", get_component<1>},
    SECRET_KEY_BINDINGS("RSAPrivateCrtKeyImpl"),
    {"javacard.security.RSAPrivateCrtKeyImpl", "setP([BSS)V", set_component<0>},
    {"javacard.security.RSAPrivateCrtKeyImpl", "setQ([BSS)V", set_component<1>},
    {"javacard.security.RSAPrivateCrtKeyImpl", "setDP1([BSS)V", set_component<2>},
    {"javacard.security.RSAPrivateCrtKeyImpl", "setDQ1([BSS)V", set_component<3>},
    {"javacard.security.RSAPrivateCrtKeyImpl", "setPQ([BSS)V", set_component<4>},
    {"javacard.security.RSAPrivateCrtKeyImpl", "getP([BS)S", get_component<0>},
    {"javacard.security.RSAPrivateCrtKeyImpl", "getQ([BS)S", get_component<1>},
    {"javacard.security.RSAPrivateCrtKeyImpl", "getDP1([BS)S", get_component<2>},
    {"javacard.security.RSAPrivateCrtKeyImpl", "getDQ1([BS)S", get_component<3>},
    {"javacard.security.RSAPrivateCrtKeyImpl", "getPQ([BS)S", get_component<4>},

    SECRET_KEY_BINDINGS("ECPublicKeyImpl"),
    EC_DOMAIN_BINDINGS("ECPublicKeyImpl"),
    {"javacard.security.ECPublicKeyImpl", "setW([BSS)V", set_point<layout::kEcWS>},
    {"javacard.security.ECPublicKeyImpl", "getW([BS)S", get_component<layout::kEcWS>},
    SECRET_KEY_BINDINGS("ECPrivateKeyImpl"),
    EC_DOMAIN_BINDINGS("ECPrivateKeyImpl"),
    {"javacard.security.ECPrivateKeyImpl", "setS([BSS)V", set_component<layout::kEcWS>},
    {"javacard.security.ECPrivateKeyImpl", "getS([BS)S", get_component<layout::kEcWS>},

    {"javacard.security.KeyPair", "<init>(BS)V", key_pair_init},
    {"javacard.security.KeyPair",
     "<init>(Ljavacard/security/PublicKey;Ljavacard/security/PrivateKey;)V", key_pair_init_keys},
    {"javacard.security.KeyPair", "genKeyPair()V", key_pair_generate},
    {"javacard.security.KeyPair", "getPublic()Ljavacard/security/PublicKey;", key_pair_public},
    {"javacard.security.KeyPair", "getPrivate()Ljavacard/security/PrivateKey;", key_pair_private},

    {"javacard.security.MessageDigest", "getInstance(BZ)Ljavacard/security/MessageDigest;",
     digest_get_instance},
    {"javacard.security.MessageDigestImpl", "update([BSS)V", digest_update},
    {"javacard.security.MessageDigestImpl", "doFinal([BSS[BS)S", digest_do_final},
    {"javacard.security.MessageDigestImpl", "reset()V", digest_reset},
    {"javacard.security.MessageDigestImpl", "getAlgorithm()B", crypto_algorithm},
    {"javacard.security.MessageDigestImpl", "getLength()B", digest_length},

    {"javacard.security.RandomData", "getInstance(B)Ljavacard/security/RandomData;",
     random_get_instance},
    {"javacard.security.RandomDataImpl", "generateData([BSS)V", random_next_bytes},
    {"javacard.security.RandomDataImpl", "nextBytes([BSS)S", random_next_bytes},
    {"javacard.security.RandomDataImpl", "setSeed([BSS)V", random_set_seed},
    {"javacard.security.RandomDataImpl", "getAlgorithm()B", crypto_algorithm},

    {"javacard.security.Checksum", "getInstance(BZ)Ljavacard/security/Checksum;",
     checksum_get_instance},
    {"javacard.security.ChecksumImpl", "init([BSS)V", checksum_init},
    {"javacard.security.ChecksumImpl", "update([BSS)V", checksum_update},
    {"javacard.security.ChecksumImpl", "doFinal([BSS[BS)S", checksum_do_final},
    {"javacard.security.ChecksumImpl", "getAlgorithm()B", crypto_algorithm},

    {"javacard.security.KeyAgreement", "getInstance(BZ)Ljavacard/security/KeyAgreement;",
     agreement_get_instance},
    {"javacard.security.KeyAgreementImpl", "init(Ljavacard/security/PrivateKey;)V", agreement_init},
    {"javacard.security.KeyAgreementImpl", "generateSecret([BSS[BS)S", agreement_generate},
    {"javacard.security.KeyAgreementImpl", "getAlgorithm()B", crypto_algorithm},

    {"javacard.security.Signature", "getInstance(BZ)Ljavacard/security/Signature;",
     signature_get_instance},
    {"javacard.security.Signature", "getInstance(BBBZ)Ljavacard/security/Signature;",
     signature_get_instance_triple},
    {"javacard.security.SignatureImpl", "init(Ljavacard/security/Key;B)V", signature_init},
    {"javacard.security.SignatureImpl", "init(Ljavacard/security/Key;B[BSS)V", signature_init_iv},
    {"javacard.security.SignatureImpl", "update([BSS)V", signature_update},
    {"javacard.security.SignatureImpl", "sign([BSS[BS)S", signature_sign<false>},
    {"javacard.security.SignatureImpl", "verify([BSS[BSS)Z", signature_verify<false>},
    {"javacard.security.SignatureImpl", "signPreComputedHash([BSS[BS)S", signature_sign<true>},
    {"javacard.security.SignatureImpl", "verifyPreComputedHash([BSS[BSS)Z", signature_verify<true>},
    {"javacard.security.SignatureImpl", "getLength()S", signature_length},
    {"javacard.security.SignatureImpl", "getAlgorithm()B", crypto_algorithm},
    {"javacard.security.SignatureImpl", "getMessageDigestAlgorithm()B", crypto_algorithm_part<1>},
    {"javacard.security.SignatureImpl", "getCipherAlgorithm()B", crypto_algorithm_part<2>},
    {"javacard.security.SignatureImpl", "getPaddingAlgorithm()B", crypto_algorithm_part<3>},

    {"javacardx.crypto.Cipher", "getInstance(BZ)Ljavacardx/crypto/Cipher;", cipher_get_instance},
    {"javacardx.crypto.Cipher", "getInstance(BBZ)Ljavacardx/crypto/Cipher;",
     cipher_get_instance_pair},
    {"javacardx.crypto.CipherImpl", "init(Ljavacard/security/Key;B)V", cipher_init},
    {"javacardx.crypto.CipherImpl", "init(Ljavacard/security/Key;B[BSS)V", cipher_init_iv},
    {"javacardx.crypto.CipherImpl", "update([BSS[BS)S", cipher_run<false>},
    {"javacardx.crypto.CipherImpl", "doFinal([BSS[BS)S", cipher_run<true>},
    {"javacardx.crypto.CipherImpl", "getAlgorithm()B", crypto_algorithm},
    {"javacardx.crypto.CipherImpl", "getCipherAlgorithm()B", crypto_algorithm_part<1>},
    {"javacardx.crypto.CipherImpl", "getPaddingAlgorithm()B", crypto_algorithm_part<2>},

    {"javacardx.crypto.AEADCipherImpl", "init(Ljavacard/security/Key;B)V", aead_init_plain},
    {"javacardx.crypto.AEADCipherImpl", "init(Ljavacard/security/Key;B[BSS)V", aead_init_nonce},
    {"javacardx.crypto.AEADCipherImpl", "init(Ljavacard/security/Key;B[BSSSSS)V", aead_init},
    {"javacardx.crypto.AEADCipherImpl", "updateAAD([BSS)V", aead_update_aad},
    {"javacardx.crypto.AEADCipherImpl", "update([BSS[BS)S", aead_run<false>},
    {"javacardx.crypto.AEADCipherImpl", "doFinal([BSS[BS)S", aead_run<true>},
    {"javacardx.crypto.AEADCipherImpl", "retrieveTag([BSS)S", aead_retrieve_tag},
    {"javacardx.crypto.AEADCipherImpl", "verifyTag([BSSS)Z", aead_verify_tag},
    {"javacardx.crypto.AEADCipherImpl", "getAlgorithm()B", crypto_algorithm},
    {"javacardx.crypto.AEADCipherImpl", "getCipherAlgorithm()B", crypto_algorithm_part<1>},
    {"javacardx.crypto.AEADCipherImpl", "getPaddingAlgorithm()B", crypto_algorithm_part<2>},
};

#undef SECRET_KEY_BINDINGS
#undef EC_DOMAIN_BINDINGS

constexpr Layout kSecurityLayouts[] = {
    {"javacard.security.KeyPair", layout::kPairWords, layout::kPairReferenceWords},
};

constexpr std::string_view kDesKey[] = {"javacard.security.DESKey"};
constexpr std::string_view kAesKey[] = {"javacard.security.AESKey"};
constexpr std::string_view kHmacKey[] = {"javacard.security.HMACKey"};
constexpr std::string_view kRsaPublic[] = {"javacard.security.RSAPublicKey"};
constexpr std::string_view kRsaPrivate[] = {"javacard.security.RSAPrivateKey"};
constexpr std::string_view kRsaCrt[] = {"javacard.security.RSAPrivateCrtKey"};
constexpr std::string_view kEcPublic[] = {"javacard.security.ECPublicKey"};
constexpr std::string_view kEcPrivate[] = {"javacard.security.ECPrivateKey"};

// Tokens from 0x80 on, above every class token of the 3.0.5 export files.
constexpr HiddenClass kHidden[] = {
    {"javacard.security", 0x80, "DESKeyImpl", "java.lang.Object", kDesKey, layout::kKeyWords,
     layout::kKeyReferenceWords},
    {"javacard.security", 0x81, "AESKeyImpl", "java.lang.Object", kAesKey, layout::kKeyWords,
     layout::kKeyReferenceWords},
    {"javacard.security", 0x82, "HMACKeyImpl", "java.lang.Object", kHmacKey, layout::kKeyWords,
     layout::kKeyReferenceWords},
    {"javacard.security", 0x83, "RSAPublicKeyImpl", "java.lang.Object", kRsaPublic,
     layout::kKeyWords, layout::kKeyReferenceWords},
    {"javacard.security", 0x84, "RSAPrivateKeyImpl", "java.lang.Object", kRsaPrivate,
     layout::kKeyWords, layout::kKeyReferenceWords},
    {"javacard.security", 0x85, "RSAPrivateCrtKeyImpl", "java.lang.Object", kRsaCrt,
     layout::kKeyWords, layout::kKeyReferenceWords},
    {"javacard.security", 0x86, "ECPublicKeyImpl", "java.lang.Object", kEcPublic, layout::kKeyWords,
     layout::kKeyReferenceWords},
    {"javacard.security", 0x87, "ECPrivateKeyImpl", "java.lang.Object", kEcPrivate,
     layout::kKeyWords, layout::kKeyReferenceWords},
    {"javacard.security",
     0x88,
     "MessageDigestImpl",
     "javacard.security.MessageDigest",
     {},
     layout::kCryptoWords,
     layout::kCryptoReferenceWords},
    {"javacard.security",
     0x89,
     "SignatureImpl",
     "javacard.security.Signature",
     {},
     layout::kCryptoWords,
     layout::kCryptoReferenceWords},
    {"javacard.security",
     0x8A,
     "RandomDataImpl",
     "javacard.security.RandomData",
     {},
     layout::kCryptoWords,
     layout::kCryptoReferenceWords},
    {"javacard.security",
     0x8B,
     "KeyAgreementImpl",
     "javacard.security.KeyAgreement",
     {},
     layout::kCryptoWords,
     layout::kCryptoReferenceWords},
    {"javacard.security",
     0x8C,
     "ChecksumImpl",
     "javacard.security.Checksum",
     {},
     layout::kCryptoWords,
     layout::kCryptoReferenceWords},
    {"javacardx.crypto",
     0x80,
     "CipherImpl",
     "javacardx.crypto.Cipher",
     {},
     layout::kCryptoWords,
     layout::kCryptoReferenceWords},
    {"javacardx.crypto",
     0x81,
     "AEADCipherImpl",
     "javacardx.crypto.AEADCipher",
     {},
     layout::kCryptoWords,
     layout::kCryptoReferenceWords},
};

}  // namespace

bool supported_key_type(std::int8_t type) {
  return key_type(type) != nullptr;
}

void reset_native_state(const store::Store& store) {
  EngineCache::instance().forget(store);
}

std::span<const Binding> security_bindings() {
  return kSecurity;
}
std::span<const Layout> security_layouts() {
  return kSecurityLayouts;
}
std::span<const HiddenClass> security_hidden_classes() {
  return kHidden;
}

}  // namespace uicc::api
