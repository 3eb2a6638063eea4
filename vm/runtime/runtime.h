// The Java Card runtime environment of one card, as the card layer drives it: load and delete
// packages, install and delete applets, select and deselect them per logical channel, process
// C-APDUs, card reset and power-up from the store. It takes APDUs as bytes and contains no
// GlobalPlatform logic: the card passes install parameters as GlobalPlatform lays them out and
// answers GlobalPlatform queries through PlatformHooks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "vm/runtime/native.h"
#include "vm/runtime/value.h"
#include "vm/store/store.h"

namespace uicc::vm {

struct RuntimeConfig {
  // Logical channels the card supports: 4 (channels 0-3) or 20 (ETSI TS 102 221 V17.1.0
  // §10.1.1 extended logical channels 4-19).
  std::uint8_t logical_channels = 4;
  // The optional int bytecodes (Java Card 3.0.5 Virtual Machine Specification §3.1). When off,
  // a CAP whose Header has ACC_INT is rejected at load.
  bool int_support = true;
  // Bytes of the APDU buffer: header (5), 255 data bytes and Le. A global transient array,
  // charged to transient memory.
  std::uint16_t apdu_buffer_size = 261;
  // The store root the runtime keeps its tables in.
  std::size_t store_root = 2;
  // Words of the Java stack shared by all frames of one command; a deeper call chain throws
  // SystemException NO_RESOURCE.
  std::uint32_t stack_words = 4096;
};

// Error of load_package, with the reason as a code. Nothing of a rejected package stays in the
// store.
class LoadError : public std::runtime_error {
 public:
  enum class Code {
    format,             // the CAP file is malformed (a component, an offset or a length)
    missing_import,     // an imported package is not on the card
    import_version,     // an imported package is on the card with another major or an older minor
    int_not_supported,  // ACC_INT set while int support is off
    verification,       // the bytecode verifier rejected a method
    link,               // a token or constant-pool entry does not resolve
    already_loaded,     // a package with the same AID is on the card
    out_of_memory,      // the store is full
  };
  LoadError(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Code code() const { return code_; }

 private:
  Code code_;
};

// Error of an install or a deletion, with the reason as a code.
class RuntimeError : public std::runtime_error {
 public:
  enum class Code {
    not_found,       // no such package, applet class or instance
    already_exists,  // the instance AID is in use
    in_use,          // other packages import it, or other contexts hold references to it
    install_failed,  // install() threw, or it returned without registering the applet
    out_of_memory,
    bad_parameters,  // malformed install parameters
  };
  RuntimeError(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Code code() const { return code_; }

 private:
  Code code_;
};

struct PackageInfo {
  Aid aid;
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  bool native = false;              // a built-in API package
  bool has_applets = false;         // false for a library package
  std::vector<Aid> applet_classes;  // AIDs of the applet classes the package declares
};

struct AppletInfo {
  Aid instance_aid;
  Aid class_aid;
  Aid package_aid;
  bool multi_selectable = false;
};

struct Response {
  Bytes data;
  std::uint16_t status = 0x9000;  // SW1-SW2
};

class Runtime {
 public:
  // Powers the card up on `store`: re-links the packages and applets it holds. A store opened
  // from an image has already rolled back a transaction that a power loss cut. `natives` must
  // outlive the runtime.
  Runtime(store::Store& store, const NativeRegistry& natives, RuntimeConfig config = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Loads a package from a CAP file: a JAR, or the concatenated components of a
  // GlobalPlatform LOAD. Verifies and links it and keeps it in the store. Throws LoadError,
  // whose message names the component, the AID and version at fault.
  PackageInfo load_package(ByteView cap);
  // Deletes a package. Throws RuntimeError in_use while applet instances of it exist, another
  // package imports it, or objects of its classes are reachable from other contexts.
  void delete_package(const Aid& package_aid);

  // Creates an applet instance: calls the applet class's static install(byte[], short, byte)
  // with `install_parameters` laid out as GlobalPlatform Card Specification 2.3.1 §11.5.2.3.7
  // passes them (LV instance AID, LV privileges, LV application-specific parameters), in the
  // new instance's context. The install must call register(). Throws RuntimeError.
  AppletInfo install_applet(const Aid& package_aid, const Aid& class_aid, const Aid& instance_aid,
                            ByteView install_parameters);
  // Deletes an applet instance, calling AppletEvent.uninstall if it implements it.
  void delete_applet(const Aid& instance_aid);

  std::vector<PackageInfo> packages() const;
  std::vector<AppletInfo> applets() const;
  std::optional<AppletInfo> find_applet(const Aid& instance_aid) const;

  // Selects an applet on a channel: deselects the channel's current applet, then calls
  // select() (MultiSelectable.select(boolean) where it applies). Returns false if the applet
  // refused, is not selectable on this channel or does not exist; the channel then has no
  // applet selected.
  bool select(std::uint8_t channel, const Aid& instance_aid);
  // Calls deselect() of the channel's applet and clears its CLEAR_ON_DESELECT arrays when it is
  // no longer active on any channel.
  void deselect(std::uint8_t channel);
  std::optional<Aid> selected(std::uint8_t channel) const;
  // Runs the selected applet's process() with a C-APDU. An uncaught ISOException gives its
  // reason as status word, any other uncaught exception 6F00 (Java Card 3.0.5 Runtime
  // Environment Specification §3.3). Nothing selected gives 6999 (no application).
  Response process(std::uint8_t channel, ByteView command);

  // Calls method `token` of interface `interface_name` on an applet instance, in the applet's
  // context, as another on-card entity does (GlobalPlatform's Application.processData, for
  // one). `input` is placed at offset 0 of the APDU buffer, and the method receives the
  // buffer, 0 and the input's length. With `output` it also receives the buffer and 0 for its
  // output, and returns the output's length. Meanwhile JCSystem.getAssignedChannel returns
  // `channel`. Returns nullopt when there is no such applet or it does not implement the
  // interface. Otherwise the response contains the output (else what the method sent through
  // the APDU object) and 9000, or the reason of an uncaught ISOException, or 6F00.
  std::optional<Response> call_applet_interface(std::uint8_t channel, const Aid& instance_aid,
                                                const ClassName& interface_name, std::uint8_t token,
                                                ByteView input, bool output);

  // Card reset: clears CLEAR_ON_RESET arrays and every channel's selection, without calling
  // deselect() (a reset is not seen by applets).
  void reset();

  void set_platform(PlatformHooks* hooks);
  const RuntimeConfig& config() const { return config_; }
  Vm& vm();

 private:
  class Impl;
  RuntimeConfig config_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace uicc::vm
