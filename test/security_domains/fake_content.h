// A stand-in for the Java Card runtime in card manager tests: packages and applet instances as
// entries in one store object, so that power-loss tests see them survive or vanish exactly as
// runtime objects would. A "load file data block" here is the text built by fake_load_file().
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "security_domains/content_manager.h"
#include "vm/store/store.h"

namespace uicc::test {

// The Load File Data Block the fake runtime accepts: FAKE-CAP, the package AID, its version and
// applet class AIDs, then `padding` bytes of filler so tests can load files of any size.
Bytes fake_load_file(ByteView package, std::uint8_t major, std::uint8_t minor,
                     const std::vector<Bytes>& applet_classes, std::size_t padding = 0);

class FakeContent final : public sd::ContentManager {
 public:
  // Keeps its table at store root `root`.
  FakeContent(store::Store& store, std::size_t root);

  sd::PackageInfo load_package(ByteView load_file_data_block) override;
  void install_applet(ByteView package_aid, ByteView class_aid, ByteView instance_aid,
                      ByteView install_parameters) override;
  void delete_applet(ByteView instance_aid) override;
  void delete_package(ByteView package_aid) override;
  bool has_package(ByteView package_aid) const override;
  bool has_applet(ByteView instance_aid) const override;
  bool is_selected(ByteView instance_aid) const override;
  apdu::Response process_data(ByteView instance_aid, const apdu::Command& command) override;

  // Test controls.
  std::set<Bytes> selected;                              // applets reported as selected
  std::optional<sd::ContentError::Code> fail_next;       // the next operation throws this
  std::map<Bytes, Bytes> last_install_parameters;        // by instance AID
  std::vector<std::pair<Bytes, Bytes>> personalization;  // instance, STORE DATA data
  std::size_t packages() const { return table_.packages.size(); }
  std::size_t applets() const { return table_.applets.size(); }

 private:
  struct Table {
    std::map<Bytes, sd::PackageInfo> packages;
    std::map<Bytes, Bytes> applets;  // instance -> package
  };
  void save();
  void check_failure();

  store::Store& store_;
  std::size_t root_;
  Table table_;
};

}  // namespace uicc::test
