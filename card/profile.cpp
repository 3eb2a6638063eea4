#include "card/profile.h"

#include <stdexcept>

#include "util/tlv.h"

namespace uicc::card {

namespace {

// Access rules of EF.ARR under the MF (ETSI TS 102 221 V17.1.0 §9.2.x, ISO/IEC 7816-4
// §7.4.3): each record lists access mode DOs (tag 80) followed by the security condition
// that grants them (90 00 always, 97 00 never, A4 = verification of a key reference).
Bytes adm_condition() { return from_hex("A40683010A950108"); }

Bytes arr_record(std::initializer_list<std::pair<std::uint8_t, Bytes>> rules) {
  Bytes record;
  for (const auto& [mode, condition] : rules) {
    tlv::append(record, 0x80, Bytes{mode});
    append(record, condition);
  }
  return record;
}

SecurityAttributes arr_reference(std::uint16_t arr_fid, std::uint8_t record) {
  return SecurityAttributes{SecurityAttributes::Form::referenced,
                            Bytes{static_cast<std::uint8_t>(arr_fid >> 8), static_cast<std::uint8_t>(arr_fid), record}};
}

// An EF.DIR record (ETSI TS 102 221 §13.1): application template 61 with the AID (4F) and a
// label (50), padded with FF to the record length.
Bytes dir_record(ByteView aid, std::string_view label, std::size_t length) {
  Bytes body;
  tlv::append(body, 0x4F, aid);
  tlv::append(body, 0x50, Bytes(label.begin(), label.end()));
  Bytes record = tlv::encode(0x61, body);
  record.resize(length, 0xFF);
  return record;
}

}  // namespace

Profile default_profile() {
  Profile p;
  p.name = "default test profile";
  p.iccid = "89001010000000000018";
  p.pins.push_back(PinSpec{key_reference::pin_appl_1, format_pin("0000"), 3, false, format_pin("12345678"), 10});
  p.pins.push_back(PinSpec{key_reference::second_pin_appl_1, format_pin("0000"), 3, true, format_pin("12345678"), 10});
  p.pins.push_back(PinSpec{key_reference::universal_pin, format_pin("0000"), 3, false, format_pin("12345678"), 10});
  p.pins.push_back(PinSpec{key_reference::adm1, format_pin("12345678"), 10, true, {}, 0});
  p.usim = default_usim_profile();
  return p;
}

Bytes encode_iccid(std::string_view iccid) {
  if (iccid.size() < 18 || iccid.size() > 20 || iccid.find_first_not_of("0123456789") != std::string_view::npos) {
    throw std::invalid_argument("ICCID '" + std::string(iccid) + "' must be 18 to 20 decimal digits");
  }
  Bytes encoded(10, 0xFF);
  for (std::size_t i = 0; i < iccid.size(); ++i) {
    std::uint8_t digit = static_cast<std::uint8_t>(iccid[i] - '0');
    std::uint8_t& byte = encoded[i / 2];
    byte = (i % 2 == 0) ? static_cast<std::uint8_t>((byte & 0xF0) | digit)
                        : static_cast<std::uint8_t>((byte & 0x0F) | (digit << 4));
  }
  return encoded;
}

void install_profile(FileSystem& fs, PinTable& pins, const Profile& profile) {
  Bytes iccid = encode_iccid(profile.iccid);
  pins.install(profile.pins);

  FileSpec mf;
  mf.type = FileType::mf;
  mf.fid = 0x3F00;
  mf.security = arr_reference(0x2F06, 1);
  mf.pin_references = {key_reference::universal_pin, key_reference::adm1};
  Handle root = fs.create_mf(mf);

  // EF.ARR records: 1 read always, update and (de)activate ADM; 2 read always, update never,
  // (de)activate ADM; 3 read and update PIN1, (de)activate ADM.
  FileSpec arr;
  arr.structure = EfStructure::linear_fixed;
  arr.fid = 0x2F06;
  arr.sfi = 0x06;
  arr.record_length = 0x20;
  arr.record_count = 4;
  arr.security = arr_reference(0x2F06, 2);
  Bytes pin1_condition = from_hex("A406830101950108");
  for (auto record : {arr_record({{0x01, from_hex("9000")}, {0x1A, adm_condition()}}),
                      arr_record({{0x01, from_hex("9000")}, {0x02, from_hex("9700")}, {0x18, adm_condition()}}),
                      arr_record({{0x03, pin1_condition}, {0x18, adm_condition()}}),
                      arr_record({{0x01, from_hex("9000")}, {0x02, adm_condition()}})}) {
    record.resize(arr.record_length, 0xFF);
    append(arr.content, record);
  }
  fs.create(root, arr);

  FileSpec dir;
  dir.structure = EfStructure::linear_fixed;
  dir.fid = 0x2F00;
  dir.sfi = 0x1E;
  dir.record_length = 0x20;
  dir.record_count = 4;
  dir.security = arr_reference(0x2F06, 1);
  std::vector<DirEntry> listed;
  if (profile.usim) listed.push_back(DirEntry{profile.usim->aid, "USIM"});
  listed.insert(listed.end(), profile.applications.begin(), profile.applications.end());
  for (const auto& application : listed) {
    append(dir.content, dir_record(application.aid, application.label, dir.record_length));
  }
  fs.create(root, dir);

  FileSpec ef_iccid;
  ef_iccid.structure = EfStructure::transparent;
  ef_iccid.fid = 0x2FE2;
  ef_iccid.sfi = 0x02;
  ef_iccid.size = 10;
  ef_iccid.security = arr_reference(0x2F06, 2);
  ef_iccid.content = iccid;
  fs.create(root, ef_iccid);

  if (profile.usim) install_usim_files(fs, root, *profile.usim);
}

}  // namespace uicc::card
