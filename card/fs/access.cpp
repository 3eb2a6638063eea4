#include "card/fs/access.h"

#include "util/tlv.h"

namespace uicc::card {

namespace {

constexpr std::uint8_t kInsIncrease = 0x32;

// Tags of ISO/IEC 7816-4:2020 §7.4.3.
constexpr std::uint32_t kAmDoByte = 0x80;       // access mode byte
constexpr std::uint32_t kAmDoCommand = 0x84;    // command header: INS
constexpr std::uint32_t kScAlways = 0x90;
constexpr std::uint32_t kScNever = 0x97;
constexpr std::uint32_t kScUserAuth = 0xA4;     // control reference template with a key reference
constexpr std::uint32_t kScOr = 0xA0;
constexpr std::uint32_t kScAnd = 0xAF;
constexpr std::uint32_t kKeyReference = 0x83;

// Removes the FF padding after the last data object of a record.
ByteView strip_padding(ByteView record) {
  std::size_t end = record.size();
  while (end > 0 && record[end - 1] == 0xFF) --end;
  return record.first(end);
}

bool is_sc_tag(std::uint32_t tag) {
  return tag == kScAlways || tag == kScNever || tag == kScUserAuth || tag == kScOr || tag == kScAnd ||
         tag == 0x9E || tag == 0xA7 || tag == 0xAA || tag == 0xA6 || tag == 0xB4 || tag == 0xB6 || tag == 0xB8;
}

}  // namespace

bool AccessControl::allowed(const FileInfo& file, Operation operation) const {
  return evaluate(rules_of(file), operation);
}

Bytes AccessControl::rules_of(const FileInfo& file) const {
  switch (file.security.form) {
    case SecurityAttributes::Form::expanded:
      return file.security.value;

    case SecurityAttributes::Form::compact: {
      // ISO/IEC 7816-4:2020 §7.4.3.3: an access mode byte, then one security condition byte
      // for each bit set in b7..b1, from b7 down. Translate into expanded form.
      ByteView v = file.security.value;
      if (v.empty()) return {};
      Bytes rules;
      std::size_t next = 1;
      for (int bit = 6; bit >= 0; --bit) {
        if (!(v[0] & (1 << bit))) continue;
        if (next >= v.size()) return {};
        std::uint8_t condition = v[next++];
        tlv::append(rules, kAmDoByte, Bytes{static_cast<std::uint8_t>(1 << bit)});
        if (condition == 0x00) {
          tlv::append(rules, kScAlways, {});
        } else {
          // NOTE: a compact condition naming a security environment is not modelled; it
          // denies access instead of being checked against that environment.
          tlv::append(rules, kScNever, {});
        }
      }
      return rules;
    }

    case SecurityAttributes::Form::referenced: {
      // ETSI TS 102 221 V17.1.0 §9.2 and ISO/IEC 7816-4:2020 §7.4.3: EF.ARR FID and record.
      // The EF.ARR is looked up from the DF that holds the file (a DF looks in itself first),
      // then in each parent up to the MF.
      ByteView v = file.security.value;
      if (v.size() < 3) return {};
      std::uint16_t arr_fid = get_u16(v, 0);
      std::uint8_t record = v[2];
      Handle df = file.is_df() ? file.handle : file.parent;
      while (df != store::kNull) {
        auto arr = fs_.child_by_fid(df, arr_fid);
        if (arr) {
          FileInfo arr_info = fs_.info(*arr);
          if (!arr_info.is_record_ef() || record == 0 || record > arr_info.record_count) return {};
          ByteView content = fs_.content(*arr);
          ByteView rec = content.subspan(std::size_t{record - 1u} * arr_info.record_length, arr_info.record_length);
          return Bytes(rec.begin(), rec.end());
        }
        df = fs_.info(df).parent;
      }
      return {};
    }

    case SecurityAttributes::Form::none:
      return {};
  }
  return {};
}

bool AccessControl::evaluate(ByteView rules, Operation operation) const {
  auto elements = tlv::parse_all(strip_padding(rules));
  if (!elements) return false;

  // Walk AM_DO, SC_DO... groups. A group applies when its access mode names the operation;
  // any of its security conditions then suffices (ISO/IEC 7816-4 §7.4.3.5).
  bool group_applies = false;
  bool in_conditions = false;
  bool increase_has_own_rule = false;
  for (const auto& e : *elements) {
    if (e.tag == kAmDoCommand && e.value.size() >= 1 && e.value.back() == kInsIncrease) increase_has_own_rule = true;
  }
  Operation effective = operation;
  if (operation == Operation::increase && !increase_has_own_rule) effective = Operation::update;

  for (const auto& e : *elements) {
    if (e.tag == kAmDoByte || e.tag == kAmDoCommand) {
      if (in_conditions) group_applies = false;
      in_conditions = false;
      bool names_operation = false;
      if (e.tag == kAmDoByte && e.value.size() == 1 && effective != Operation::increase) {
        names_operation = (e.value[0] & static_cast<std::uint8_t>(effective)) != 0;
      }
      if (e.tag == kAmDoCommand && effective == Operation::increase) {
        names_operation = !e.value.empty() && e.value.back() == kInsIncrease;
      }
      group_applies = group_applies || names_operation;
      continue;
    }
    if (!is_sc_tag(e.tag)) return false;
    in_conditions = true;
    if (group_applies && condition_met(e.tag, e.value)) return true;
  }
  return false;
}

bool AccessControl::condition_met(std::uint32_t tag, ByteView value) const {
  switch (tag) {
    case kScAlways:
      return true;
    case kScNever:
      return false;
    case kScUserAuth: {
      auto key = tlv::find(value, kKeyReference);
      return key && key->value.size() == 1 && pins_.satisfied(key->value[0]);
    }
    case kScOr:
    case kScAnd: {
      auto inner = tlv::parse_all(value);
      if (!inner || inner->empty()) return false;
      for (const auto& e : *inner) {
        bool met = condition_met(e.tag, e.value);
        if (tag == kScOr && met) return true;
        if (tag == kScAnd && !met) return false;
      }
      return tag == kScAnd;
    }
    default:
      return false;  // secure messaging and external authentication are not offered
  }
}

}  // namespace uicc::card
