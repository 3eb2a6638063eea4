// Load and install into a runtime, with the install parameter layout of GlobalPlatform Card
// Specification 2.3.1 §11.5.2.3.7.
#include "tools/sdk/converter/card_loader.h"

#include <stdexcept>

#include <fmt/format.h>

#include "util/log.h"

namespace uicc::sdk {

Bytes install_parameters(const InstallSpec& spec) {
  const Bytes& instance = spec.instance_aid.empty() ? spec.class_aid : spec.instance_aid;
  Bytes out;
  auto add_lv = [&](const Bytes& value, const char* what) {
    if (value.size() > 255) {
      throw std::invalid_argument(
          fmt::format("install parameters: {} of {} bytes exceeds 255", what, value.size()));
    }
    out.push_back(static_cast<std::uint8_t>(value.size()));
    append(out, value);
  };
  add_lv(instance, "instance AID");
  add_lv(spec.privileges, "privileges");
  add_lv(spec.parameters, "application parameters");
  return out;
}

LoadedPackage load_and_install(vm::Runtime& runtime, ByteView cap,
                               const std::vector<InstallSpec>& installs) {
  LoadedPackage loaded;
  loaded.package = runtime.load_package(cap);
  std::vector<InstallSpec> requests = installs;
  if (requests.empty()) {
    for (const vm::Aid& applet : loaded.package.applet_classes) {
      InstallSpec spec;
      spec.class_aid.assign(applet.bytes().begin(), applet.bytes().end());
      requests.push_back(std::move(spec));
    }
  }
  for (const InstallSpec& spec : requests) {
    const Bytes& instance = spec.instance_aid.empty() ? spec.class_aid : spec.instance_aid;
    loaded.applets.push_back(runtime.install_applet(loaded.package.aid, vm::Aid(spec.class_aid),
                                                    vm::Aid(instance), install_parameters(spec)));
    log::get("sdk")->info("installed applet {} of package {}", to_hex(instance),
                          loaded.package.aid.to_hex());
  }
  return loaded;
}

}  // namespace uicc::sdk
