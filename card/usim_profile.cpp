#include "card/usim_profile.h"

#include <algorithm>

#include <openssl/crypto.h>
#include <stdexcept>

#include <fmt/format.h>

#include "applets/builtin_applets.h"
#include "card/fs/pins.h"
#include "util/tlv.h"

namespace uicc::card {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// 3GPP TS 24.008 §10.5.1.3: MCC and MNC in three BCD bytes, F for a missing third MNC digit.
Bytes encode_plmn(std::string_view mcc, std::string_view mnc) {
  auto digit = [](char c) { return static_cast<std::uint8_t>(c - '0'); };
  std::uint8_t mnc3 = mnc.size() == 3 ? digit(mnc[2]) : 0x0F;
  return Bytes{static_cast<std::uint8_t>((digit(mcc[1]) << 4) | digit(mcc[0])),
               static_cast<std::uint8_t>((mnc3 << 4) | digit(mcc[2])),
               static_cast<std::uint8_t>((digit(mnc[1]) << 4) | digit(mnc[0]))};
}

// 3GPP TS 31.102 §4.2.33 and TS 51.011 §10.5.1: a dialling number in BCD, digits swapped,
// F filling.
Bytes encode_bcd_number(std::string_view digits) {
  Bytes out((digits.size() + 1) / 2, 0xFF);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    std::uint8_t d = static_cast<std::uint8_t>(digits[i] - '0');
    out[i / 2] = (i % 2 == 0) ? static_cast<std::uint8_t>((out[i / 2] & 0xF0) | d)
                              : static_cast<std::uint8_t>((out[i / 2] & 0x0F) | (d << 4));
  }
  return out;
}

SecurityAttributes arr(std::uint8_t record) {
  return SecurityAttributes{SecurityAttributes::Form::referenced, Bytes{0x6F, 0x06, record}};
}

// Access rules of the USIM's EF.ARR, referenced by record number below.
enum ArrRecord : std::uint8_t {
  kReadAlwaysUpdateAdm = 1,
  kReadPin1UpdateAdm = 2,
  kReadPin1UpdatePin1 = 3,
  kReadAlwaysUpdatePin1 = 4,
  kReadPin1UpdatePin2 = 5,
};

Bytes arr_records() {
  // Each record: AM_DO 80 with the access mode byte, then the condition: 90 00 always,
  // A4 (83 key reference, 95 usage qualifier 08) a PIN or ADM key.
  const std::string always = "9000";
  const std::string pin1 = "A406830101950108";
  const std::string pin2 = "A406830181950108";
  const std::string adm = "A40683010A950108";
  auto rule = [](const std::string& read, const std::string& update, const std::string& admin) {
    Bytes r = from_hex("800101" + read + "800102" + update + "800118" + admin);
    r.resize(0x30, 0xFF);
    return r;
  };
  Bytes all;
  append(all, rule(always, adm, adm));
  append(all, rule(pin1, adm, adm));
  append(all, rule(pin1, pin1, adm));
  append(all, rule(always, pin1, adm));
  append(all, rule(pin1, pin2, adm));
  return all;
}

FileSpec transparent(std::uint16_t fid, std::uint8_t sfi, Bytes content, std::uint8_t rule) {
  FileSpec spec;
  spec.structure = EfStructure::transparent;
  spec.fid = fid;
  spec.sfi = sfi;
  spec.size = static_cast<std::uint16_t>(content.size());
  spec.content = std::move(content);
  spec.security = arr(rule);
  return spec;
}

FileSpec linear(std::uint16_t fid, std::uint8_t sfi, std::uint8_t record_length, std::uint8_t record_count,
                Bytes content, std::uint8_t rule) {
  FileSpec spec;
  spec.structure = EfStructure::linear_fixed;
  spec.fid = fid;
  spec.sfi = sfi;
  spec.record_length = record_length;
  spec.record_count = record_count;
  spec.content = std::move(content);
  spec.security = arr(rule);
  return spec;
}

// GSM 7-bit default alphabet (3GPP TS 23.038), unpacked, for the printable ASCII subset that
// maps one to one; other characters are refused by the profile checks.
Bytes gsm_default_alphabet(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace

MilenageParameters MilenageParameters::standard() {
  MilenageParameters p;
  for (std::size_t i = 0; i < 5; ++i) {
    p.c[i] = Bytes(16, 0);
    p.c[i][15] = static_cast<std::uint8_t>(i == 0 ? 0 : 1 << (i - 1));
  }
  return p;
}

UsimProfile default_usim_profile() {
  UsimProfile usim;
  usim.aid = kDefaultUsimAid;
  usim.imsi = "001010000000001";
  usim.mnc_length = 2;
  usim.credentials.algorithm = UsimCredentials::Algorithm::milenage;
  // 3GPP TS 35.208 V17 §4.3, test set 1.
  usim.credentials.k = SecretBytes(from_hex("465b5ce8b199b49faa5f0a2ee238a6bc"));
  usim.credentials.op = SecretBytes(from_hex("cd63cb71954a9f4e48a5994e37a02baf"));
  usim.credentials.op_is_derived = true;
  usim.services = {27, 85};  // GSM access (Kc in 3G authentication), EPS mobility management
  usim.spn = "uicc test";
  usim.emergency_numbers = {"112", "911"};
  return usim;
}

Bytes encode_imsi(std::string_view imsi) {
  if (imsi.size() < 6 || imsi.size() > 15 || !all_digits(imsi)) {
    throw std::invalid_argument(fmt::format("IMSI '{}' must be 6 to 15 decimal digits", imsi));
  }
  // TS 31.102 §4.2.2: the first nibble is the parity (b4 set for an odd digit count) and the
  // identity type 001; the digits follow, two per byte, low nibble first.
  std::string nibbles;
  nibbles.push_back(static_cast<char>(imsi.size() % 2 == 1 ? 9 : 1));
  for (char c : imsi) nibbles.push_back(static_cast<char>(c - '0'));
  if (nibbles.size() % 2 == 1) nibbles.push_back(0x0F);
  Bytes out{static_cast<std::uint8_t>(nibbles.size() / 2)};
  for (std::size_t i = 0; i < nibbles.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>((nibbles[i + 1] << 4) | nibbles[i]));
  }
  out.resize(9, 0xFF);
  return out;
}

Handle install_usim_files(FileSystem& fs, Handle mf, const UsimProfile& usim) {
  Bytes imsi = encode_imsi(usim.imsi);
  if (usim.mnc_length != 2 && usim.mnc_length != 3) {
    throw std::invalid_argument(fmt::format("MNC length {} is not 2 or 3", usim.mnc_length));
  }
  std::string mcc = usim.imsi.substr(0, 3);
  std::string mnc = usim.imsi.substr(3, usim.mnc_length);
  Bytes plmn = encode_plmn(mcc, mnc);

  FileSpec adf;
  adf.type = FileType::adf;
  adf.fid = 0x7FF0;
  adf.aid = usim.aid;
  adf.security = SecurityAttributes{SecurityAttributes::Form::referenced, Bytes{0x2F, 0x06, 0x01}};
  adf.pin_references = {key_reference::pin_appl_1, key_reference::second_pin_appl_1, key_reference::adm1};
  Handle adf_handle = fs.create(mf, adf);

  // EF.ARR (§4.2.x, referenced by the other EFs' 8B tags).
  FileSpec arr_spec = linear(0x6F06, 0x17, 0x30, 5, arr_records(), kReadAlwaysUpdateAdm);
  fs.create(adf_handle, arr_spec);

  // EF.LI (§4.2.1): language preference, English.
  fs.create(adf_handle, transparent(0x6F05, 0x02, from_hex("656EFFFFFFFFFFFF"), kReadAlwaysUpdatePin1));
  // EF.IMSI (§4.2.2).
  fs.create(adf_handle, transparent(0x6F07, 0x07, imsi, kReadPin1UpdateAdm));
  // EF.KEYS and EF.KEYSPS (§4.2.4, §4.2.5): KSI 07 (no key) and CK, IK left FF.
  Bytes keys(33, 0xFF);
  keys[0] = 0x07;
  fs.create(adf_handle, transparent(0x6F08, 0x08, keys, kReadPin1UpdatePin1));
  fs.create(adf_handle, transparent(0x6F09, 0x09, keys, kReadPin1UpdatePin1));
  // EF.HPPLMN (§4.2.6): higher priority PLMN search period, 5 steps of 6 minutes.
  fs.create(adf_handle, transparent(0x6F31, 0x12, Bytes{0x05}, kReadPin1UpdateAdm));
  // EF.UST (§4.2.8): one bit per service, service n at byte (n-1)/8, bit (n-1)%8.
  int highest = 0;
  for (int service : usim.services) {
    if (service < 1 || service > 255) throw std::invalid_argument(fmt::format("UST service number {} out of 1..255", service));
    highest = std::max(highest, service);
  }
  Bytes ust(std::max<std::size_t>(11, static_cast<std::size_t>((highest + 7) / 8)), 0x00);
  for (int service : usim.services) ust[static_cast<std::size_t>(service - 1) / 8] |= static_cast<std::uint8_t>(1 << ((service - 1) % 8));
  fs.create(adf_handle, transparent(0x6F38, 0x04, ust, kReadPin1UpdateAdm));
  // EF.EST (§4.2.47): no enabled services.
  fs.create(adf_handle, transparent(0x6F56, 0x05, Bytes{0x00}, kReadPin1UpdatePin2));
  // EF.START-HFN (§4.2.51) and EF.THRESHOLD (§4.2.52), as Annex E gives them for a new card.
  fs.create(adf_handle, transparent(0x6F5B, 0x0F, from_hex("F00000F00000"), kReadPin1UpdatePin1));
  fs.create(adf_handle, transparent(0x6F5C, 0x10, from_hex("FFFFFF"), kReadPin1UpdateAdm));
  // EF.PSLOCI (§4.2.23): no P-TMSI, RAI of the home network, routing area not updated.
  Bytes psloci = from_hex("FFFFFFFFFFFFFF");
  append(psloci, plmn);
  append(psloci, from_hex("0000FF01"));
  fs.create(adf_handle, transparent(0x6F73, 0x0C, psloci, kReadPin1UpdatePin1));
  // EF.ACC (§4.2.15): the access class of the IMSI's last digit.
  int access_class = usim.imsi.back() - '0';
  std::uint16_t acc = static_cast<std::uint16_t>(1u << access_class);
  fs.create(adf_handle, transparent(0x6F78, 0x06, Bytes{static_cast<std::uint8_t>(acc >> 8), static_cast<std::uint8_t>(acc)},
                                    kReadPin1UpdateAdm));
  // EF.FPLMN (§4.2.16): four empty entries.
  fs.create(adf_handle, transparent(0x6F7B, 0x0D, Bytes(12, 0xFF), kReadPin1UpdatePin1));
  // EF.LOCI (§4.2.17): no TMSI, LAI of the home network, location not updated.
  Bytes loci = from_hex("FFFFFFFF");
  append(loci, plmn);
  append(loci, from_hex("0000FF01"));
  fs.create(adf_handle, transparent(0x6F7E, 0x0B, loci, kReadPin1UpdatePin1));
  // EF.AD (§4.2.18): normal operation, MNC length.
  fs.create(adf_handle, transparent(0x6FAD, 0x03, Bytes{0x00, 0x00, 0x00, usim.mnc_length}, kReadAlwaysUpdateAdm));
  // EF.ECC (§4.2.21): records of 3 BCD bytes and an emergency service category byte.
  Bytes ecc;
  for (const auto& number : usim.emergency_numbers) {
    if (number.empty() || number.size() > 6 || !all_digits(number)) {
      throw std::invalid_argument(fmt::format("emergency number '{}' must be 1 to 6 digits", number));
    }
    Bytes record = encode_bcd_number(number);
    record.resize(3, 0xFF);
    record.push_back(0x00);
    append(ecc, record);
  }
  std::uint8_t ecc_records = static_cast<std::uint8_t>(std::max<std::size_t>(1, usim.emergency_numbers.size()));
  fs.create(adf_handle, linear(0x6FB7, 0x01, 4, ecc_records, ecc, kReadAlwaysUpdateAdm));
  // EF.EPSLOCI (§4.2.91): no GUTI, TAI of the home network, not updated.
  Bytes epsloci(12, 0xFF);
  append(epsloci, plmn);
  append(epsloci, from_hex("000001"));
  fs.create(adf_handle, transparent(0x6FE3, 0x1E, epsloci, kReadPin1UpdatePin1));
  // EF.SPN (§4.2.12): display condition 01, name in the GSM default alphabet, FF padded.
  if (usim.spn.size() > 16) throw std::invalid_argument(fmt::format("SPN '{}' is longer than 16 characters", usim.spn));
  Bytes spn{0x01};
  append(spn, gsm_default_alphabet(usim.spn));
  spn.resize(17, 0xFF);
  fs.create(adf_handle, transparent(0x6F46, 0x00, spn, kReadAlwaysUpdateAdm));
  // EF.MSISDN (§4.2.26): one record of 14 bytes without alpha identifier.
  Bytes msisdn(14, 0xFF);
  if (!usim.msisdn.empty()) {
    std::string digits = usim.msisdn;
    bool international = !digits.empty() && digits[0] == '+';
    if (international) digits.erase(0, 1);
    if (digits.size() > 20 || !all_digits(digits)) {
      throw std::invalid_argument(fmt::format("MSISDN '{}' must be up to 20 digits with an optional +", usim.msisdn));
    }
    Bytes bcd = encode_bcd_number(digits);
    msisdn[0] = static_cast<std::uint8_t>(bcd.size() + 1);  // length of TON/NPI and number
    msisdn[1] = international ? 0x91 : 0x81;
    std::copy(bcd.begin(), bcd.end(), msisdn.begin() + 2);
  }
  fs.create(adf_handle, linear(0x6F40, 0x00, 14, 1, msisdn, kReadPin1UpdatePin1));
  return adf_handle;
}

Bytes usim_applet_parameters(const UsimProfile& usim) {
  const UsimCredentials& c = usim.credentials;
  bool milenage = c.algorithm == UsimCredentials::Algorithm::milenage;
  Bytes p;
  tlv::append(p, 0x80, Bytes{static_cast<std::uint8_t>(c.algorithm)});
  tlv::append(p, 0x81, c.k.view());
  tlv::append(p, c.op_is_derived ? 0x82 : 0x83, c.op.view());
  if (milenage) {
    Bytes constants;
    for (const auto& constant : c.milenage.c) append(constants, constant);
    tlv::append(p, 0x84, constants);
    tlv::append(p, 0x85, Bytes(c.milenage.r.begin(), c.milenage.r.end()));
  } else {
    tlv::append(p, 0x86, Bytes{c.tuak.iterations, static_cast<std::uint8_t>(c.tuak.mac_bits / 8),
                               static_cast<std::uint8_t>(c.tuak.res_bits / 8),
                               static_cast<std::uint8_t>(c.tuak.ck_bits / 8),
                               static_cast<std::uint8_t>(c.tuak.ik_bits / 8)});
  }
  Bytes sqn{c.sqn.ind_bits};
  for (std::uint64_t value : {c.sqn.delta, c.sqn.age_limit}) {
    for (int shift = 40; shift >= 0; shift -= 8) sqn.push_back(static_cast<std::uint8_t>(value >> shift));
  }
  tlv::append(p, 0x87, sqn);
  bool gsm_access = std::find(usim.services.begin(), usim.services.end(), 27) != usim.services.end();
  tlv::append(p, 0x88, Bytes{static_cast<std::uint8_t>(gsm_access ? 0x01 : 0x00)});
  return p;
}

void install_usim_applet(vm::Runtime& runtime, const UsimProfile& usim) {
  vm::Aid package(applets::kUsimPackageAid);
  bool loaded = false;
  for (const auto& info : runtime.packages()) loaded = loaded || info.aid == package;
  if (!loaded) runtime.load_package(applets::usim_cap());

  // GlobalPlatform Card Specification 2.3.1 §11.5.2.3.7: LV instance AID, LV privileges,
  // LV application-specific parameters.
  Bytes parameters = usim_applet_parameters(usim);
  Bytes install;
  install.push_back(static_cast<std::uint8_t>(usim.aid.size()));
  append(install, usim.aid);
  install.push_back(1);
  install.push_back(0x00);
  install.push_back(static_cast<std::uint8_t>(parameters.size()));
  append(install, parameters);
  runtime.install_applet(package, vm::Aid(applets::kUsimClassAid), vm::Aid(usim.aid), install);
  OPENSSL_cleanse(parameters.data(), parameters.size());
  OPENSSL_cleanse(install.data(), install.size());
}

}  // namespace uicc::card
