// A card for the runtime's tests: a store, the test API and a Runtime, with helpers that load
// packages assembled with CapBuilder through the GlobalPlatform component stream and call
// their methods directly.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "test/vm/runtime/cap_builder.h"
#include "test/vm/runtime/test_api.h"
#include "vm/cap/cap_writer.h"
#include "vm/runtime/api_tokens.h"
#include "vm/runtime/machine.h"
#include "vm/runtime/runtime.h"

namespace uicc::vm::test {

inline constexpr const char* kJavaLang = "A0000000620001";
inline constexpr const char* kFramework = "A0000000620101";

// The encoded component stream of a built CAP file.
inline Bytes encode(const cap::CapFile& built) {
  cap::CapFile cap = built;
  cap::update_directory(cap);
  return cap::write_cap_components(cap);
}

class VmTest : public ::testing::Test {
 protected:
  explicit VmTest(RuntimeConfig config = {}) : config_(config) { power_up(); }

  void power_up() {
    runtime_.reset();
    runtime_ = std::make_unique<Runtime>(*store_, test_registry(), config_);
  }

  detail::Machine& machine() { return static_cast<detail::Machine&>(runtime_->vm()); }

  // Adds a static method and a constant-pool entry naming it, so that the reader locates it
  // without a Descriptor component. Returns the method index.
  static int add_static(CapBuilder& builder, MethodSpec spec) {
    int method = builder.add_method(std::move(spec));
    builder.cp_static_method(method);
    return method;
  }

  detail::Package* load(CapBuilder& builder) {
    PackageInfo info = runtime_->load_package(encode(builder.build()));
    return machine().find_package(info.aid);
  }

  // Calls a method of a loaded package in its context and returns its result word.
  Slot call(detail::Package* package, int method, std::vector<Slot> args = {}) {
    return machine().call(package->methods.at(static_cast<std::size_t>(method)).get(), args,
                          package->context, detail::kNoApplet);
  }

  // The class name of the exception a call throws, or "" when it returns.
  std::string thrown_by(detail::Package* package, int method, std::vector<Slot> args = {}) {
    try {
      call(package, method, std::move(args));
    } catch (const detail::JavaThrow& thrown) {
      const detail::Class* cls = machine().class_of(thrown.exception);
      return cls != nullptr ? cls->name : "?";
    }
    return "";
  }

  RuntimeConfig config_;
  std::unique_ptr<store::Store> store_ = std::make_unique<store::Store>();
  std::unique_ptr<Runtime> runtime_;
};

}  // namespace uicc::vm::test
