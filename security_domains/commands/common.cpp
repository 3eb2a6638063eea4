#include "security_domains/commands/common.h"

#include <algorithm>

#include "util/tlv.h"

namespace uicc::sd::commands {

ByteView LvReader::field() {
  if (position_ >= data_.size()) apdu::fail(apdu::sw::wrong_data);
  std::size_t length = data_[position_];
  if (length > data_.size() - position_ - 1) apdu::fail(apdu::sw::wrong_data);
  ByteView value = data_.subspan(position_ + 1, length);
  position_ += 1 + length;
  return value;
}

ByteView LvReader::ber_field() {
  if (position_ >= data_.size()) apdu::fail(apdu::sw::wrong_data);
  std::uint8_t first = data_[position_];
  std::size_t header = 1;
  std::size_t length = first;
  if (first > 0x80) {
    std::size_t count = first & 0x7F;
    if (count > 2 || position_ + 1 + count > data_.size()) apdu::fail(apdu::sw::wrong_data);
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | data_[position_ + 1 + i];
    header += count;
  }
  if (length > data_.size() - position_ - header) apdu::fail(apdu::sw::wrong_data);
  ByteView value = data_.subspan(position_ + header, length);
  position_ += header + length;
  return value;
}

Bytes lv(ByteView value) {
  Bytes out(value.size() + 1);
  out[0] = static_cast<std::uint8_t>(value.size());
  std::copy(value.begin(), value.end(), out.begin() + 1);
  return out;
}

void require_aid(ByteView aid) {
  if (!valid_aid(aid)) apdu::fail(apdu::sw::wrong_data);
}

Bytes recognition_data(const scp::Parameters& parameters) {
  // GPCS 2.3.1 §H.1.1: the GlobalPlatform OID 1.2.840.114283 is 2A864886FC6B.
  Bytes template_73;
  tlv::append(template_73, 0x06, from_hex("2A864886FC6B01"));
  // {globalPlatform 2 2 3 1}: GlobalPlatform Card Specification 2.3.1.
  tlv::append(template_73, 0x60, tlv::encode(0x06, from_hex("2A864886FC6B02020301")));
  tlv::append(template_73, 0x63, tlv::encode(0x06, from_hex("2A864886FC6B03")));
  Bytes scp_oid = from_hex("2A864886FC6B04");
  scp_oid.push_back(static_cast<std::uint8_t>(parameters.protocol));
  scp_oid.push_back(parameters.i);
  tlv::append(template_73, 0x64, tlv::encode(0x06, scp_oid));
  return tlv::encode(0x73, template_73);
}

const Key* find_key_for(const DomainData& domain, std::uint8_t usage,
                        std::uint8_t conventional_version) {
  for (const Key& key : domain.keys) {
    if (key.usage && *key.usage == usage) return &key;
  }
  return domain.find_key(conventional_version, 0x01);
}

void fail_content(const ContentError& error) {
  switch (error.code()) {
    case ContentError::Code::malformed:
    case ContentError::Code::install_failed:
      apdu::fail(apdu::sw::wrong_data);
    case ContentError::Code::missing_import:
    case ContentError::Code::not_found:
      apdu::fail(apdu::sw::reference_data_not_found);
    case ContentError::Code::already_exists:
    case ContentError::Code::in_use:
      apdu::fail(apdu::sw::conditions_not_satisfied);
    case ContentError::Code::out_of_memory:
      apdu::fail(apdu::sw::not_enough_memory);
  }
  apdu::fail(apdu::sw::execution_error);
}

}  // namespace uicc::sd::commands
