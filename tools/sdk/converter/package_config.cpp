// Package configuration: AIDs (ISO/IEC 7816-5: 5 to 16 bytes), versions (JCVM 3.0.5 §4.5)
// and the TOML file that holds them.
#include "tools/sdk/converter/package_config.h"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace uicc::sdk {

Bytes parse_aid(std::string_view text) {
  Bytes aid;
  if (text.find(':') != std::string_view::npos || text.starts_with("0x") ||
      text.starts_with("0X")) {
    // Oracle's notation: bytes as 0x.. separated by colons, leading zeros optional.
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t end = text.find(':', pos);
      std::string_view part =
          text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
      if (part.starts_with("0x") || part.starts_with("0X")) part.remove_prefix(2);
      unsigned value = 0;
      auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value, 16);
      if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() || value > 0xFF) {
        throw std::invalid_argument(
            fmt::format("invalid AID '{}': '{}' is not a hex byte", text, part));
      }
      aid.push_back(static_cast<std::uint8_t>(value));
      if (end == std::string_view::npos) break;
      pos = end + 1;
    }
  } else {
    auto bytes = parse_hex(text);
    if (!bytes) throw std::invalid_argument(fmt::format("invalid AID '{}': not hex", text));
    aid = *bytes;
  }
  if (aid.size() < 5 || aid.size() > 16) {
    throw std::invalid_argument(
        fmt::format("invalid AID '{}': {} bytes, an AID has 5 to 16", text, aid.size()));
  }
  return aid;
}

std::pair<std::uint8_t, std::uint8_t> parse_version(std::string_view text) {
  auto dot = text.find('.');
  auto part = [&](std::string_view digits) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() ||
        value > 255) {
      throw std::invalid_argument(
          fmt::format("invalid package version '{}': expected major.minor, each 0 to 255", text));
    }
    return static_cast<std::uint8_t>(value);
  };
  if (dot == std::string_view::npos) {
    throw std::invalid_argument(
        fmt::format("invalid package version '{}': expected major.minor", text));
  }
  return {part(text.substr(0, dot)), part(text.substr(dot + 1))};
}

AppletDeclaration parse_applet(std::string_view text) {
  auto separator = text.find_first_of(":=");
  if (separator == std::string_view::npos || separator == 0) {
    throw std::invalid_argument(fmt::format("invalid applet '{}': expected class:AID", text));
  }
  AppletDeclaration applet;
  applet.class_name = std::string(text.substr(0, separator));
  applet.aid = parse_aid(text.substr(separator + 1));
  return applet;
}

void read_package_config(const std::filesystem::path& path, ConverterOptions& options) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw std::invalid_argument(
        fmt::format("{}:{}: {}", path.string(), e.source().begin.line, e.description()));
  }
  auto fail = [&](std::string_view key, const std::string& message) {
    return std::invalid_argument(fmt::format("{}: {}: {}", path.string(), key, message));
  };
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    auto value = node->value<std::string>();
    if (!value) throw fail(key, "expected a string");
    return *value;
  };
  try {
    if (auto v = text("package")) options.package_name = *v;
    if (auto v = text("aid")) options.package_aid = parse_aid(*v);
    if (auto v = text("version")) std::tie(options.major, options.minor) = parse_version(*v);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("{}: {}", path.string(), e.what()));
  }
  if (const toml::node* node = table.get("int")) {
    auto value = node->value<bool>();
    if (!value) throw fail("int", "expected true or false");
    options.int_support = *value;
  }
  if (const toml::node* node = table.get("applet")) {
    const toml::array* applets = node->as_array();
    if (applets == nullptr) throw fail("applet", "expected [[applet]] tables");
    for (const toml::node& item : *applets) {
      const toml::table* entry = item.as_table();
      auto cls = entry ? entry->get_as<std::string>("class") : nullptr;
      auto aid = entry ? entry->get_as<std::string>("aid") : nullptr;
      if (cls == nullptr || aid == nullptr)
        throw fail("applet", "each [[applet]] needs class and aid strings");
      try {
        options.applets.push_back(AppletDeclaration{cls->get(), parse_aid(aid->get())});
      } catch (const std::invalid_argument& e) {
        throw fail("applet", e.what());
      }
    }
  }
}

}  // namespace uicc::sdk
