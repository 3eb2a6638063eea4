#include "security_domains/keys.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/tlv.h"

namespace uicc::sd {

bool key_type::is_secret(std::uint8_t type) {
  switch (type) {
    case des:
    case tls_psk:
    case aes:
    case hmac_sha1:
    case hmac_sha1_160:
    case rsa_private_modulus:
    case rsa_private_exponent:
    case rsa_crt_p:
    case rsa_crt_q:
    case rsa_crt_pq:
    case rsa_crt_dp1:
    case rsa_crt_dq1:
    case ecc_private:
      return true;
    default:
      return false;
  }
}

const KeyComponent* Key::component(std::uint8_t wanted) const {
  for (const KeyComponent& c : components) {
    if (c.type == wanted) return &c;
  }
  return nullptr;
}

std::optional<Bytes> key_check_value(std::uint8_t type, const SecretBytes& value) {
  Bytes block;
  if (type == key_type::des) {
    block = crypto::des_ecb_encrypt(value, Bytes(8, 0x00));
  } else if (type == key_type::aes) {
    block = crypto::aes_ecb_encrypt(value, Bytes(16, 0x01));
  } else {
    return std::nullopt;
  }
  return Bytes(block.begin(), block.begin() + 3);
}

Bytes key_information(const Key& key) {
  Bytes data{key.id, key.version};
  for (const KeyComponent& c : key.components) {
    std::size_t length = c.value.size();
    if (c.type == key_type::ecc_public && length > 0) length -= 1;  // §11.3.3.1.1: without 04
    if (key.extended_format) {
      data.push_back(key_type::extended);
      data.push_back(c.type);
      append_u16(data, static_cast<std::uint16_t>(std::min<std::size_t>(length, 0x7FFF)));
    } else {
      data.push_back(c.type);
      // §11.3.3.1.1: a component of 256 bytes or more reports length 00 in the basic format.
      data.push_back(static_cast<std::uint8_t>(length > 255 ? 0 : length));
    }
  }
  if (key.extended_format) {
    data.push_back(key.usage ? 1 : 0);
    if (key.usage) data.push_back(*key.usage);
    data.push_back(key.access ? 1 : 0);
    if (key.access) data.push_back(*key.access);
  }
  return data;
}

Bytes key_information_template(const std::vector<Key>& keys) {
  std::vector<const Key*> sorted;
  for (const Key& key : keys) sorted.push_back(&key);
  std::sort(sorted.begin(), sorted.end(), [](const Key* a, const Key* b) {
    return a->version != b->version ? a->version < b->version : a->id < b->id;
  });
  Bytes entries;
  for (const Key* key : sorted) tlv::append(entries, 0xC0, key_information(*key));
  return tlv::encode(0xE0, entries);
}

std::optional<crypto::RsaPublicKey> rsa_public_key(const Key& key) {
  const KeyComponent* modulus = key.component(key_type::rsa_modulus);
  const KeyComponent* exponent = key.component(key_type::rsa_public_exponent);
  if (modulus == nullptr || exponent == nullptr) return std::nullopt;
  return crypto::RsaPublicKey{Bytes(modulus->value.view().begin(), modulus->value.view().end()),
                              Bytes(exponent->value.view().begin(), exponent->value.view().end())};
}

std::optional<crypto::EcPublicKey> ec_public_key(const Key& key) {
  const KeyComponent* point = key.component(key_type::ecc_public);
  const KeyComponent* reference = key.component(key_type::ecc_parameter_reference);
  if (point == nullptr || reference == nullptr || reference->value.size() != 1) return std::nullopt;
  std::optional<crypto::Curve> curve = crypto::curve_from_reference(reference->value.view()[0]);
  if (!curve) return std::nullopt;
  return crypto::EcPublicKey{*curve, Bytes(point->value.view().begin(), point->value.view().end())};
}

namespace {

// A cursor over the PUT KEY data field that reports the first malformation.
class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  bool done() const { return position_ >= data_.size(); }
  std::optional<std::uint8_t> peek() const {
    if (done()) return std::nullopt;
    return data_[position_];
  }
  std::optional<std::uint8_t> byte() {
    if (done()) return std::nullopt;
    return data_[position_++];
  }
  // GPCS 2.3.1 §11.8.2.3.1: BER lengths, where 80 also means 128 on one byte.
  std::optional<std::size_t> length() {
    std::optional<std::uint8_t> first = byte();
    if (!first) return std::nullopt;
    if (*first <= 0x80) return *first;
    std::size_t count = *first & 0x7F;
    if (count > 2) return std::nullopt;
    std::size_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      std::optional<std::uint8_t> next = byte();
      if (!next) return std::nullopt;
      value = (value << 8) | *next;
    }
    return value;
  }
  std::optional<ByteView> bytes(std::size_t count) {
    if (count > data_.size() - position_) return std::nullopt;
    ByteView out = data_.subspan(position_, count);
    position_ += count;
    return out;
  }

 private:
  ByteView data_;
  std::size_t position_ = 0;
};

PutKeyError malformed(std::string message) {
  return PutKeyError{PutKeyError::Kind::malformed, std::move(message)};
}

// Recovers a secret component value from its Key Component Block (Tables 11-70 and 11-71).
std::optional<SecretBytes> open_component_block(ByteView block, const KeyDecryptor& decrypt,
                                                std::size_t block_size, PutKeyError& error) {
  std::size_t clear_length = 0;
  ByteView encrypted = block;
  if (block.size() % block_size != 0) {
    Reader reader(block);
    std::optional<std::size_t> length = reader.length();
    if (!length) {
      error = malformed("key component block has a malformed length");
      return std::nullopt;
    }
    // The length field is one byte, or 81 xx, or 82 xx xx.
    std::size_t header = block[0] <= 0x80 ? 1 : 1 + (block[0] & 0x7F);
    encrypted = block.subspan(header);
    clear_length = *length;
    if (encrypted.empty() || encrypted.size() % block_size != 0 ||
        clear_length > encrypted.size()) {
      error = malformed(fmt::format("key component block of {} bytes does not fit {}-byte blocks",
                                    block.size(), block_size));
      return std::nullopt;
    }
  } else {
    clear_length = block.size();
  }
  if (encrypted.empty()) {
    error = malformed("empty key component block");
    return std::nullopt;
  }
  Bytes clear = decrypt(encrypted);
  SecretBytes value(ByteView(clear).first(clear_length));
  std::fill(clear.begin(), clear.end(), 0);
  return value;
}

bool valid_secret_length(std::uint8_t type, std::size_t length) {
  if (type == key_type::des) return length == 16 || length == 24;
  if (type == key_type::aes) return length == 16 || length == 24 || length == 32;
  return length > 0;
}

std::optional<Key> parse_key(Reader& reader, std::uint8_t id, std::uint8_t version,
                             const KeyDecryptor& decrypt, std::size_t block_size,
                             Bytes& check_values, PutKeyError& error) {
  Key key;
  key.id = id;
  key.version = version;
  key.extended_format = reader.peek() == key_type::extended;

  // Components follow each other while the next byte is a key type (80 or more); a byte below
  // 80 is the length of the key check value (§11.8.2.3.1).
  while (reader.peek() && *reader.peek() >= 0x80) {
    std::uint8_t type = *reader.byte();
    if (key.extended_format) {
      if (type != key_type::extended) {
        error = malformed("PUT KEY mixes basic and extended key types");
        return std::nullopt;
      }
      std::optional<std::uint8_t> extended_type = reader.byte();
      if (!extended_type) {
        error = malformed("PUT KEY extended key type is truncated");
        return std::nullopt;
      }
      type = *extended_type;
    }
    std::optional<std::size_t> length = reader.length();
    std::optional<ByteView> block = length ? reader.bytes(*length) : std::nullopt;
    if (!block) {
      error = malformed(fmt::format("PUT KEY key component {:02X} is truncated", type));
      return std::nullopt;
    }
    KeyComponent component;
    component.type = type;
    if (key_type::is_secret(type)) {
      std::optional<SecretBytes> value = open_component_block(*block, decrypt, block_size, error);
      if (!value) return std::nullopt;
      if (!valid_secret_length(type, value->size())) {
        error =
            PutKeyError{PutKeyError::Kind::unsupported,
                        fmt::format("key type {:02X} with a {}-byte value", type, value->size())};
        return std::nullopt;
      }
      component.value = std::move(*value);
    } else {
      component.value = SecretBytes(*block);
    }
    key.components.push_back(std::move(component));
  }
  if (key.components.empty()) {
    error = malformed("PUT KEY key data field has no key component");
    return std::nullopt;
  }

  std::optional<std::size_t> kcv_length = reader.length();
  std::optional<ByteView> kcv = kcv_length ? reader.bytes(*kcv_length) : std::nullopt;
  if (!kcv) {
    error = malformed("PUT KEY key check value is missing or truncated");
    return std::nullopt;
  }
  std::optional<Bytes> expected = key_check_value(key.type(), key.components.front().value);
  if (expected) {
    // §11.8.2.3.3: for the key types of §B.6 the check value is mandatory and verified.
    if (kcv->empty()) {
      error = malformed(fmt::format("PUT KEY key {:02X} lacks its key check value", id));
      return std::nullopt;
    }
    if (kcv->size() > expected->size() ||
        !constant_time_equal(*kcv, ByteView(*expected).first(kcv->size()))) {
      error = PutKeyError{PutKeyError::Kind::check_value,
                          fmt::format("key check value of key {:02X} does not match", id)};
      return std::nullopt;
    }
  }
  append(check_values, *kcv);

  if (key.extended_format) {
    for (std::optional<std::uint8_t>* field : {&key.usage, &key.access}) {
      std::optional<std::size_t> length = reader.length();
      std::optional<ByteView> value = length ? reader.bytes(*length) : std::nullopt;
      if (!value || value->size() > 1) {
        error = malformed("PUT KEY key usage or access is malformed");
        return std::nullopt;
      }
      if (value->size() == 1) *field = (*value)[0];
    }
  }
  return key;
}

}  // namespace

std::optional<PutKeyData> parse_put_key(ByteView data, std::uint8_t first_id, bool multiple,
                                        const KeyDecryptor& decrypt, std::size_t block_size,
                                        PutKeyError& error) {
  Reader reader(data);
  std::optional<std::uint8_t> version = reader.byte();
  if (!version || *version == 0 || *version > 0x7F) {
    error = malformed("PUT KEY new key version number must be 01 to 7F");
    return std::nullopt;
  }
  PutKeyData result;
  result.new_version = *version;
  std::uint8_t id = first_id;
  while (!reader.done()) {
    if (id > 0x7F) {
      error = malformed("PUT KEY key identifier exceeds 7F");
      return std::nullopt;
    }
    std::optional<Key> key =
        parse_key(reader, id, *version, decrypt, block_size, result.check_values, error);
    if (!key) return std::nullopt;
    result.keys.push_back(std::move(*key));
    ++id;
    if (!multiple && !reader.done()) {
      error = malformed("PUT KEY has data after a single key (P2 b8 is clear)");
      return std::nullopt;
    }
  }
  if (result.keys.empty()) {
    error = malformed("PUT KEY has no key data field");
    return std::nullopt;
  }
  return result;
}

}  // namespace uicc::sd
