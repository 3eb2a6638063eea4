#include "vm/runtime/native.h"

#include <stdexcept>

#include <fmt/format.h>

namespace uicc::vm {

std::uint16_t NativeRegistry::add(NativePackage package) {
  if (find(package.aid) != nullptr) {
    throw std::invalid_argument(
        fmt::format("native package {} ({}) registered twice", package.name, package.aid.to_hex()));
  }
  if (packages_.size() >= 0xFF) throw std::length_error("too many native packages");
  packages_.push_back(std::move(package));
  return static_cast<std::uint16_t>(packages_.size() - 1);
}

const NativePackage* NativeRegistry::find(const Aid& aid) const {
  for (const auto& package : packages_) {
    if (package.aid == aid) return &package;
  }
  return nullptr;
}

std::uint16_t NativeRegistry::index_of(const Aid& aid) const {
  for (std::size_t i = 0; i < packages_.size(); ++i) {
    if (packages_[i].aid == aid) return static_cast<std::uint16_t>(i);
  }
  throw std::out_of_range(fmt::format("no native package {}", aid.to_hex()));
}

std::optional<std::uint8_t> PlatformHooks::application_life_cycle(const Aid&) const {
  return std::nullopt;
}

bool PlatformHooks::set_application_life_cycle(const Aid&, std::uint8_t) {
  return false;
}

std::optional<Bytes> PlatformHooks::privileges(const Aid&) const {
  return std::nullopt;
}

Ref PlatformHooks::secure_channel(Vm&, const Aid&) {
  return kNullRef;
}

}  // namespace uicc::vm
