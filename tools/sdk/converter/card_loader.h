// Loading a CAP file into a card runtime and installing its applets without GlobalPlatform
// commands, so that a developer can try an applet in one step (as jCardSim's script tool
// does with class files). The INSTALL parameters are laid out as GlobalPlatform passes them.
#pragma once

#include <vector>

#include "util/bytes.h"
#include "vm/runtime/runtime.h"

namespace uicc::sdk {

struct InstallSpec {
  Bytes class_aid;            // an applet AID of the CAP file's Applet component
  Bytes instance_aid;         // empty: the class AID
  Bytes privileges = {0x00};  // GlobalPlatform privilege bytes
  Bytes parameters;           // application-specific parameters (the value of tag C9)
};

// The install method's bArray: LV instance AID, LV privileges, LV application-specific
// parameters (GlobalPlatform Card Specification 2.3.1 §11.5.2.3.7 and Java Card 3.0.5 API
// Applet.install). Throws std::invalid_argument when a part exceeds 255 bytes.
Bytes install_parameters(const InstallSpec& spec);

struct LoadedPackage {
  vm::PackageInfo package;
  std::vector<vm::AppletInfo> applets;  // the instances installed
};

// Loads a CAP file (JAR or component stream) and installs the listed applets; with an empty
// list, one instance of every applet class, under the class AID. Throws vm::LoadError or
// vm::RuntimeError from the runtime; a failed install leaves the package loaded.
LoadedPackage load_and_install(vm::Runtime& runtime, ByteView cap,
                               const std::vector<InstallSpec>& installs = {});

}  // namespace uicc::sdk
