#include "card/fs/fcp.h"

#include <algorithm>

#include "card/fs/data_objects.h"
#include "util/tlv.h"

namespace uicc::card {

namespace {

// ETSI TS 102 221 V17.1.0 §11.1.1.4.3 Table 11.5: file descriptor byte, all files shareable.
constexpr std::uint8_t kShareable = 0x40;
constexpr std::uint8_t kDescriptorDf = 0x38;
constexpr std::uint8_t kDescriptorTransparent = 0x01;
constexpr std::uint8_t kDescriptorLinearFixed = 0x02;
constexpr std::uint8_t kDescriptorCyclic = 0x06;
constexpr std::uint8_t kDescriptorBerTlv = 0x39;
constexpr std::uint8_t kDataCoding = 0x21;  // ISO/IEC 7816-4 Table 12: data unit of one byte

// §11.1.1.4.6.1: UICC characteristics, clock stop allowed, 3 V and 1.8 V supply classes.
constexpr std::uint8_t kUiccCharacteristics = 0x71;

Bytes u16_bytes(std::uint32_t value) {
  value = std::min<std::uint32_t>(value, 0xFFFF);
  return Bytes{static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

std::uint32_t total_size(const FileSystem& fs, Handle df) {
  std::uint32_t total = 0;
  for (Handle child : fs.children(df)) {
    FileInfo info = fs.info(child);
    total += info.is_df() ? total_size(fs, child) : info.size;
  }
  return total;
}

// §11.1.1.4.10: PIN status template DO. PS_DO has one bit per listed key reference, from b8
// of the first byte on, set when that PIN is enabled.
Bytes pin_status_template(const PinTable& pins, const std::vector<std::uint8_t>& references) {
  Bytes ps_do((references.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < references.size(); ++i) {
    if (pins.enabled(references[i])) ps_do[i / 8] |= static_cast<std::uint8_t>(0x80 >> (i % 8));
  }
  Bytes value;
  tlv::append(value, 0x90, ps_do);
  for (std::uint8_t reference : references) {
    if (reference == key_reference::universal_pin) tlv::append(value, 0x95, Bytes{0x08});
    tlv::append(value, 0x83, Bytes{reference});
  }
  return value;
}

}  // namespace

Bytes build_fcp(const FileSystem& fs, const PinTable& pins, Handle file) {
  FileInfo f = fs.info(file);
  Bytes body;

  if (f.is_df()) {
    tlv::append(body, 0x82, Bytes{static_cast<std::uint8_t>(kShareable | kDescriptorDf), kDataCoding});
    tlv::append(body, 0x83, u16_bytes(f.fid));
    if (f.type == FileType::adf) tlv::append(body, 0x84, f.aid);
    Bytes proprietary;
    if (f.type == FileType::mf) tlv::append(proprietary, 0x80, Bytes{kUiccCharacteristics});
    if (!proprietary.empty()) tlv::append(body, 0xA5, proprietary);
  } else {
    Bytes descriptor;
    switch (f.structure) {
      case EfStructure::transparent:
        descriptor = {static_cast<std::uint8_t>(kShareable | kDescriptorTransparent), kDataCoding};
        break;
      case EfStructure::linear_fixed:
      case EfStructure::cyclic:
        descriptor = {static_cast<std::uint8_t>(kShareable | (f.structure == EfStructure::cyclic
                                                                   ? kDescriptorCyclic
                                                                   : kDescriptorLinearFixed)),
                      kDataCoding};
        append(descriptor, u16_bytes(f.record_length));
        descriptor.push_back(static_cast<std::uint8_t>(f.record_count));
        break;
      case EfStructure::ber_tlv:
      case EfStructure::none:
        descriptor = {static_cast<std::uint8_t>(kShareable | kDescriptorBerTlv), kDataCoding};
        break;
    }
    tlv::append(body, 0x82, descriptor);
    tlv::append(body, 0x83, u16_bytes(f.fid));
    if (f.structure == EfStructure::ber_tlv) {
      // §11.1.1.4.6.4 to .7: free bytes, DER coding only, and the whole size reserved for
      // the file and never exceeded.
      Bytes proprietary;
      tlv::append(proprietary, 0x83, u16_bytes(static_cast<std::uint32_t>(f.size - used_bytes(fs.content(file)))));
      tlv::append(proprietary, 0x84, Bytes{0x01});
      tlv::append(proprietary, 0x85, u16_bytes(f.size));
      tlv::append(proprietary, 0x86, u16_bytes(f.size));
      tlv::append(body, 0xA5, proprietary);
    }
  }

  tlv::append(body, 0x8A, Bytes{f.life_cycle});
  if (f.security.form != SecurityAttributes::Form::none) {
    tlv::append(body, static_cast<std::uint32_t>(f.security.form), f.security.value);
  }

  if (f.is_df()) {
    if (!f.pin_references.empty()) tlv::append(body, 0xC6, pin_status_template(pins, f.pin_references));
    tlv::append(body, 0x81, u16_bytes(total_size(fs, file)));
  } else {
    tlv::append(body, 0x80, u16_bytes(f.size));
    // §11.1.1.4.8: tag 88 with the SFI in b8-b4, or empty when the EF has no SFI.
    if (f.sfi != 0) {
      tlv::append(body, 0x88, Bytes{static_cast<std::uint8_t>(f.sfi << 3)});
    } else {
      tlv::append(body, 0x88, {});
    }
  }
  return tlv::encode(0x62, body);
}

}  // namespace uicc::card
