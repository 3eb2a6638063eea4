// The per-package configuration of a conversion: package name, AID and version, and the
// applets with their AIDs, as options or as a small TOML file next to the sources:
//
//   package = "com.example.wallet"
//   aid = "A0000000620301"          # or Oracle's form "0xA0:0x00:0x00:0x00:0x62:0x03:0x01"
//   version = "1.0"
//   int = false                      # the optional int type
//   [[applet]]
//   class = "com.example.wallet.Wallet"
//   aid = "A000000062030101"
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "tools/sdk/converter/converter.h"

namespace uicc::sdk {

// Parses an AID in hex ("A000000062") or in Oracle's converter notation
// ("0xA0:0x0:0x0:0x0:0x62"). Throws std::invalid_argument naming the text.
Bytes parse_aid(std::string_view text);

// Parses a package version "major.minor", each 0..255 (JCVM 3.0.5 §4.5).
std::pair<std::uint8_t, std::uint8_t> parse_version(std::string_view text);

// Parses an applet declaration "class:AID" or "class=AID".
AppletDeclaration parse_applet(std::string_view text);

// Reads a configuration file into `options`, keeping what it does not set. Throws
// std::invalid_argument with the file name and the key at fault.
void read_package_config(const std::filesystem::path& path, ConverterOptions& options);

}  // namespace uicc::sdk
