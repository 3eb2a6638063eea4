#include "card/profile_file.h"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

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

  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
    if (!has(key)) return fallback;
    auto value = table_[key].value<std::int64_t>();
    if (!value) fail(key, "expected an integer");
    if (*value < min || *value > max) fail(key, fmt::format("{} is outside {}..{}", *value, min, max));
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
    for (std::size_t length : lengths) allowed += (allowed.empty() ? "" : " or ") + std::to_string(length);
    fail(key, fmt::format("{} bytes, expected {}", bytes->size(), allowed));
  }

  std::string digits(std::string_view key, std::size_t min, std::size_t max, std::string fallback = {}) const {
    if (!has(key) && !fallback.empty()) return fallback;
    std::string text = required_string(key);
    if (text.size() < min || text.size() > max || text.find_first_not_of("0123456789") != std::string::npos) {
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
                                 f.boolean("pin1_enabled", false), pin("puk1", "12345678"), puk_tries});
  profile.pins.push_back(PinSpec{key_reference::second_pin_appl_1, pin("pin2", "0000"), pin_tries,
                                 f.boolean("pin2_enabled", true), pin("puk2", "12345678"), puk_tries});
  profile.pins.push_back(PinSpec{key_reference::universal_pin, pin("universal_pin", "0000"), pin_tries,
                                 f.boolean("universal_pin_enabled", false), pin("universal_puk", "12345678"),
                                 puk_tries});
  profile.pins.push_back(PinSpec{key_reference::adm1, pin("adm1", "12345678"),
                                 static_cast<std::uint8_t>(f.integer("adm_tries", 10, 1, 15)), true, {}, 0});
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
  p.delta = static_cast<std::uint64_t>(f.integer("delta", static_cast<std::int64_t>(p.delta), 1,
                                                 (std::int64_t{1} << 48) - 1));
  p.age_limit = static_cast<std::uint64_t>(f.integer("age_limit", 0, 0, (std::int64_t{1} << 48) - 1));
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
  if (const toml::table* t = f.table("milenage")) read_milenage(Fields(*t, f.name("milenage."), origin), c.milenage);
  if (const toml::table* t = f.table("tuak")) read_tuak(Fields(*t, f.name("tuak."), origin), c.tuak);
  if (const toml::table* t = f.table("sqn")) read_sqn(Fields(*t, f.name("sqn."), origin), c.sqn);

  if (const toml::array* services = f.array("services")) {
    usim.services.clear();
    for (const auto& element : *services) {
      auto number = element.value<std::int64_t>();
      if (!number || *number < 1 || *number > 255) f.fail("services", "service numbers are integers in 1..255");
      usim.services.push_back(static_cast<int>(*number));
    }
  }
  usim.spn = f.string("spn", usim.spn);
  if (usim.spn.size() > 16) f.fail("spn", fmt::format("'{}' is longer than 16 characters", usim.spn));
  for (char ch : usim.spn) {
    if (ch < 0x20 || ch > 0x7E || ch == '@' || ch == '$' || ch == '_' || ch == '`' || ch == '[' || ch == ']' ||
        ch == '{' || ch == '}' || ch == '\\' || ch == '^' || ch == '~' || ch == '|') {
      f.fail("spn", fmt::format("'{}' has a character outside the GSM default alphabet subset", usim.spn));
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

}  // namespace

Profile parse_profile(std::string_view text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ProfileError(fmt::format("{}:{}:{}: {}", origin, where.line, where.column, e.description()));
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
  f.reject_unknown();

  // Checks that need the whole value, with the encoders' own messages.
  try {
    encode_iccid(profile.iccid);
    if (profile.usim) encode_imsi(profile.usim->imsi);
  } catch (const std::invalid_argument& e) {
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
