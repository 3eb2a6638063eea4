#include "card/profile_file.h"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "vm/store/store.h"

namespace uicc::card {

namespace {

// Reads typed fields from one TOML table and reports errors with the field's dotted name.
class Fields {
 public:
  Fields(const toml::table& table, std::string prefix, const std::string& origin)
      : table_(table), prefix_(std::move(prefix)), origin_(origin) {}

  [[noreturn]] void fail(std::string_view key, const std::string& problem) const {
    throw ProfileError(fmt::format("{}: {}{}: {}", origin_, prefix_, key, problem));
  }

  // Reports keys that no reader asked for, so a misspelt field is not silently ignored.
  void reject_unknown() const {
    for (const auto& [key, value] : table_) {
      if (!seen_.count(std::string(key.str()))) {
        throw ProfileError(fmt::format("{}: {}{}: unknown field", origin_, prefix_, key.str()));
      }
    }
  }

  bool has(std::string_view key) const {
    seen_.insert(std::string(key));
    return table_.contains(key);
  }

  std::string string(std::string_view key, std::string fallback = {}) const {
    if (!has(key)) return fallback;
    auto value = table_[key].value<std::string>();
    if (!value) fail(key, "expected a string");
    return *value;
  }

  std::string required_string(std::string_view key) const {
    if (!has(key)) fail(key, "missing");
    return string(key);
  }

  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) const {
    if (!has(key)) return fallback;
    auto value = table_[key].value<std::int64_t>();
    if (!value) fail(key, "expected an integer");
    if (*value < min || *value > max)
      fail(key, fmt::format("{} is outside {}..{}", *value, min, max));
    return *value;
  }

  bool boolean(std::string_view key, bool fallback) const {
    if (!has(key)) return fallback;
    auto value = table_[key].value<bool>();
    if (!value) fail(key, "expected true or false");
    return *value;
  }

  Bytes hex(std::string_view key, std::initializer_list<std::size_t> lengths) const {
    std::string text = required_string(key);
    auto bytes = parse_hex(text);
    if (!bytes) fail(key, fmt::format("'{}' is not hex", text));
    for (std::size_t length : lengths) {
      if (bytes->size() == length) return *bytes;
    }
    std::string allowed;
    for (std::size_t length : lengths)
      allowed += (allowed.empty() ? "" : " or ") + std::to_string(length);
    fail(key, fmt::format("{} bytes, expected {}", bytes->size(), allowed));
  }

  Bytes hex_bytes(std::string_view key, std::size_t max) const {
    std::string text = required_string(key);
    auto bytes = parse_hex(text);
    if (!bytes) fail(key, fmt::format("'{}' is not hex", text));
    if (bytes->size() > max)
      fail(key, fmt::format("{} bytes, at most {} allowed", bytes->size(), max));
    return *bytes;
  }

  std::string digits(std::string_view key, std::size_t min, std::size_t max,
                     std::string fallback = {}) const {
    if (!has(key) && !fallback.empty()) return fallback;
    std::string text = required_string(key);
    if (text.size() < min || text.size() > max ||
        text.find_first_not_of("0123456789") != std::string::npos) {
      fail(key, fmt::format("'{}' is not {} to {} decimal digits", text, min, max));
    }
    return text;
  }

  const toml::table* table(std::string_view key) const {
    if (!has(key)) return nullptr;
    const toml::table* t = table_[key].as_table();
    if (t == nullptr) fail(key, "expected a table");
    return t;
  }

  const toml::array* array(std::string_view key) const {
    if (!has(key)) return nullptr;
    const toml::array* a = table_[key].as_array();
    if (a == nullptr) fail(key, "expected an array");
    return a;
  }

  std::string name(std::string_view key) const { return prefix_ + std::string(key); }

 private:
  const toml::table& table_;
  std::string prefix_;
  const std::string& origin_;
  mutable std::set<std::string> seen_;
};

void read_pins(const Fields& f, Profile& profile) {
  auto pin = [&](std::string_view key, std::string fallback) {
    std::string digits = f.digits(key, 4, 8, std::move(fallback));
    return format_pin(digits);
  };
  std::uint8_t pin_tries = static_cast<std::uint8_t>(f.integer("pin_tries", 3, 1, 15));
  std::uint8_t puk_tries = static_cast<std::uint8_t>(f.integer("puk_tries", 10, 1, 15));
  profile.pins.clear();
  profile.pins.push_back(PinSpec{key_reference::pin_appl_1, pin("pin1", "0000"), pin_tries,
                                 f.boolean("pin1_enabled", false), pin("puk1", "12345678"),
                                 puk_tries});
  profile.pins.push_back(PinSpec{key_reference::second_pin_appl_1, pin("pin2", "0000"), pin_tries,
                                 f.boolean("pin2_enabled", true), pin("puk2", "12345678"),
                                 puk_tries});
  profile.pins.push_back(PinSpec{key_reference::universal_pin, pin("universal_pin", "0000"),
                                 pin_tries, f.boolean("universal_pin_enabled", false),
                                 pin("universal_puk", "12345678"), puk_tries});
  profile.pins.push_back(PinSpec{key_reference::adm1,
                                 pin("adm1", "12345678"),
                                 static_cast<std::uint8_t>(f.integer("adm_tries", 10, 1, 15)),
                                 true,
                                 {},
                                 0});
  f.reject_unknown();
}

void read_milenage(const Fields& f, MilenageParameters& p) {
  for (std::size_t i = 0; i < 5; ++i) {
    std::string c = fmt::format("c{}", i + 1);
    std::string r = fmt::format("r{}", i + 1);
    if (f.has(c)) p.c[i] = f.hex(c, {16});
    p.r[i] = static_cast<std::uint8_t>(f.integer(r, p.r[i], 0, 127));
  }
  f.reject_unknown();
}

void read_tuak(const Fields& f, TuakParameters& p) {
  p.iterations = static_cast<std::uint8_t>(f.integer("iterations", 1, 1, 255));
  auto bits = [&](std::string_view key, std::int64_t fallback, std::set<std::int64_t> allowed) {
    std::int64_t value = f.integer(key, fallback, 0, 256);
    if (!allowed.count(value)) f.fail(key, fmt::format("{} bits is not an allowed size", value));
    return static_cast<std::uint16_t>(value);
  };
  p.mac_bits = bits("mac_bits", 64, {64, 128, 256});
  p.res_bits = bits("res_bits", 64, {32, 64, 128, 256});
  p.ck_bits = bits("ck_bits", 128, {128, 256});
  p.ik_bits = bits("ik_bits", 128, {128, 256});
  f.reject_unknown();
}

void read_sqn(const Fields& f, SqnParameters& p) {
  p.ind_bits = static_cast<std::uint8_t>(f.integer("ind_bits", 5, 0, 10));
  p.delta = static_cast<std::uint64_t>(
      f.integer("delta", static_cast<std::int64_t>(p.delta), 1, (std::int64_t{1} << 48) - 1));
  p.age_limit =
      static_cast<std::uint64_t>(f.integer("age_limit", 0, 0, (std::int64_t{1} << 48) - 1));
  f.reject_unknown();
}

void read_usim(const Fields& f, UsimProfile& usim, const std::string& origin) {
  if (f.has("aid")) usim.aid = f.hex("aid", {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  usim.imsi = f.digits("imsi", 6, 15);
  usim.mnc_length = static_cast<std::uint8_t>(f.integer("mnc_length", 2, 2, 3));

  std::string algorithm = f.string("algorithm", "milenage");
  UsimCredentials& c = usim.credentials;
  if (algorithm == "milenage") {
    c.algorithm = UsimCredentials::Algorithm::milenage;
    c.k = SecretBytes(f.hex("k", {16}));
    if (f.has("opc") == f.has("op")) f.fail("opc", "give exactly one of opc and op");
    c.op_is_derived = f.has("opc");
    c.op = SecretBytes(f.hex(c.op_is_derived ? "opc" : "op", {16}));
  } else if (algorithm == "tuak") {
    c.algorithm = UsimCredentials::Algorithm::tuak;
    c.k = SecretBytes(f.hex("k", {16, 32}));
    if (f.has("topc") == f.has("top")) f.fail("topc", "give exactly one of topc and top");
    c.op_is_derived = f.has("topc");
    c.op = SecretBytes(f.hex(c.op_is_derived ? "topc" : "top", {32}));
  } else {
    f.fail("algorithm", fmt::format("'{}' is neither milenage nor tuak", algorithm));
  }
  if (const toml::table* t = f.table("milenage"))
    read_milenage(Fields(*t, f.name("milenage."), origin), c.milenage);
  if (const toml::table* t = f.table("tuak"))
    read_tuak(Fields(*t, f.name("tuak."), origin), c.tuak);
  if (const toml::table* t = f.table("sqn")) read_sqn(Fields(*t, f.name("sqn."), origin), c.sqn);

  if (const toml::array* services = f.array("services")) {
    usim.services.clear();
    for (const auto& element : *services) {
      auto number = element.value<std::int64_t>();
      if (!number || *number < 1 || *number > 255)
        f.fail("services", "service numbers are integers in 1..255");
      usim.services.push_back(static_cast<int>(*number));
    }
  }
  usim.spn = f.string("spn", usim.spn);
  if (usim.spn.size() > 16)
    f.fail("spn", fmt::format("'{}' is longer than 16 characters", usim.spn));
  for (char ch : usim.spn) {
    if (ch < 0x20 || ch > 0x7E || ch == '@' || ch == '$' || ch == '_' || ch == '`' || ch == '[' ||
        ch == ']' || ch == '{' || ch == '}' || ch == '\\' || ch == '^' || ch == '~' || ch == '|') {
      f.fail("spn",
             fmt::format("'{}' has a character outside the GSM default alphabet subset", usim.spn));
    }
  }
  usim.msisdn = f.string("msisdn", "");
  if (const toml::array* ecc = f.array("emergency_numbers")) {
    usim.emergency_numbers.clear();
    for (const auto& element : *ecc) {
      auto number = element.value<std::string>();
      if (!number || number->empty() || number->size() > 6 ||
          number->find_first_not_of("0123456789") != std::string::npos) {
        f.fail("emergency_numbers", "each number is a string of 1 to 6 digits");
      }
      usim.emergency_numbers.push_back(*number);
    }
  }
  f.reject_unknown();
}

// A path of the [[files]] list: FIDs of four hex digits separated by '/', from the MF. A
// leading 3F00 is optional, and ADF.USIM (or 7FFF, its alias in ETSI TS 102 221 §8.4.2)
// names the USIM application's ADF as the first step.
std::vector<std::uint16_t> parse_path(const Fields& f, const std::string& text) {
  std::vector<std::uint16_t> steps;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('/', start);
    if (end == std::string::npos) end = text.size();
    std::string step = text.substr(start, end - start);
    start = end + 1;
    if (step == "ADF.USIM" || step == "7FFF" || step == "7fff") {
      if (!steps.empty())
        f.fail("path", fmt::format("'{}': ADF.USIM must be the first step", text));
      steps.push_back(ProfileFile::kUsimAdf);
      continue;
    }
    auto fid = step.size() == 4 ? parse_hex(step) : std::nullopt;
    if (!fid) f.fail("path", fmt::format("'{}': '{}' is not a FID of four hex digits", text, step));
    std::uint16_t value = static_cast<std::uint16_t>(((*fid)[0] << 8) | (*fid)[1]);
    if (value == 0x3F00 && steps.empty() && start <= text.size()) continue;
    if (value == 0x3F00 || value == 0xFFFF)
      f.fail("path", fmt::format("'{}': FID {} is reserved", text, step));
    steps.push_back(value);
  }
  if (steps.empty()) f.fail("path", fmt::format("'{}' names no file below the MF", text));
  if (steps.size() > 8) f.fail("path", fmt::format("'{}' is deeper than 8 levels", text));
  return steps;
}

ProfileFile read_file_entry(const Fields& f) {
  ProfileFile file;
  file.path = f.required_string("path");
  file.steps = parse_path(f, file.path);

  if (f.has("content")) file.content = f.hex_bytes("content", 0x7FFF);
  if (const toml::array* records = f.array("records")) {
    file.records.emplace();
    for (std::size_t i = 0; i < records->size(); ++i) {
      auto text = (*records)[i].value<std::string>();
      auto bytes = text ? parse_hex(*text) : std::nullopt;
      if (!bytes || bytes->empty() || bytes->size() > 255) {
        f.fail(fmt::format("records[{}]", i), "expected a string of 1 to 255 hex bytes");
      }
      file.records->push_back(*bytes);
    }
  }

  std::string type = f.string("type", "");
  std::string structure = f.string("structure", "");
  bool creates = !type.empty() || !structure.empty();
  for (std::string_view key :
       {"size", "record_length", "record_count", "sfi", "arr_record", "arr_fid", "activated"}) {
    if (!creates && f.has(key)) {
      f.fail(key, "applies only to a new file, which needs 'structure' (or type = \"df\")");
    }
  }
  if (!creates) return file;

  FileSpec spec;
  if (type == "df") {
    spec.type = FileType::df;
    spec.structure = EfStructure::none;
    spec.pin_references = {key_reference::universal_pin, key_reference::adm1};
    if (!structure.empty()) f.fail("structure", "a DF has no structure");
    if (file.content || file.records) f.fail("path", "a DF has no content or records");
  } else if (type.empty() || type == "ef") {
    static const std::pair<std::string_view, EfStructure> kStructures[] = {
        {"transparent", EfStructure::transparent},
        {"linear_fixed", EfStructure::linear_fixed},
        {"cyclic", EfStructure::cyclic},
        {"ber_tlv", EfStructure::ber_tlv}};
    spec.structure = EfStructure::none;
    for (const auto& [name, value] : kStructures) {
      if (structure == name) spec.structure = value;
    }
    if (spec.structure == EfStructure::none) {
      f.fail("structure",
             fmt::format("'{}' is not transparent, linear_fixed, cyclic or ber_tlv", structure));
    }
  } else {
    f.fail("type", fmt::format("'{}' is not ef or df", type));
  }
  spec.fid = file.steps.back();

  bool record_ef =
      spec.structure == EfStructure::linear_fixed || spec.structure == EfStructure::cyclic;
  if (record_ef) {
    std::size_t record_total = file.records ? file.records->size() : 0;
    std::size_t longest = 0;
    if (file.records) {
      for (const Bytes& record : *file.records) longest = std::max(longest, record.size());
    }
    spec.record_length = static_cast<std::uint8_t>(
        f.integer("record_length", static_cast<std::int64_t>(longest), 1, 255));
    spec.record_count = static_cast<std::uint8_t>(
        f.integer("record_count", static_cast<std::int64_t>(record_total), 1, 254));
  } else if (spec.type == FileType::ef) {
    std::int64_t fallback = file.content ? static_cast<std::int64_t>(file.content->size()) : 0;
    spec.size = static_cast<std::uint16_t>(f.integer("size", fallback, 0, 0x7FFF));
  }
  if (spec.type == FileType::ef) spec.sfi = static_cast<std::uint8_t>(f.integer("sfi", 0, 0, 30));
  file.arr_record = static_cast<std::uint8_t>(f.integer("arr_record", 1, 1, 255));
  if (f.has("arr_fid")) {
    Bytes fid = f.hex("arr_fid", {2});
    file.arr_fid = static_cast<std::uint16_t>((fid[0] << 8) | fid[1]);
  }
  if (!f.boolean("activated", true)) spec.life_cycle = lcs::operational_deactivated;
  file.create = spec;
  return file;
}

}  // namespace

Profile parse_profile(std::string_view text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ProfileError(
        fmt::format("{}:{}:{}: {}", origin, where.line, where.column, e.description()));
  }

  Fields f(root, "", origin);
  Profile profile = default_profile();
  profile.name = f.string("name", origin);
  profile.iccid = f.digits("iccid", 18, 20, profile.iccid);
  if (const toml::table* pins = f.table("pins")) read_pins(Fields(*pins, "pins.", origin), profile);
  if (f.has("usim")) {
    const toml::table* usim = f.table("usim");
    profile.usim = default_usim_profile();
    read_usim(Fields(*usim, "usim.", origin), *profile.usim, origin);
  }
  if (const toml::array* files = f.array("files")) {
    for (std::size_t i = 0; i < files->size(); ++i) {
      const toml::table* entry = (*files)[i].as_table();
      std::string prefix = fmt::format("files[{}].", i);
      if (entry == nullptr)
        throw ProfileError(fmt::format("{}: files[{}]: expected a table", origin, i));
      Fields fields(*entry, prefix, origin);
      profile.files.push_back(read_file_entry(fields));
      fields.reject_unknown();
    }
  }
  f.reject_unknown();

  // Checks that need the whole profile, with the encoders' own messages. The files are
  // created once in a scratch store, so that a profile that cannot be installed is reported
  // here, before any card image exists.
  try {
    encode_iccid(profile.iccid);
    if (profile.usim) encode_imsi(profile.usim->imsi);
    store::Store scratch;
    FileSystem fs(scratch);
    PinTable pins(scratch);
    install_profile(fs, pins, profile);
  } catch (const std::exception& e) {
    throw ProfileError(fmt::format("{}: {}", origin, e.what()));
  }
  return profile;
}

Profile load_profile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ProfileError(fmt::format("{}: cannot open the profile file", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return parse_profile(text.str(), path.string());
}

}  // namespace uicc::card
