// Keeps the GlobalPlatform Registry in the card's store, with the same power-loss guarantees
// as applet data. The registry is one store object: a header with a pending-operation record,
// then the encoded registry. An update that fits is one atomic write; a larger one moves the
// registry to a new object inside a store transaction.
//
// Card content management pairs a change in the Java Card runtime (a package loaded, an applet
// installed or deleted) with a change in the registry. The pending-operation record ("intent")
// is written before the runtime acts and cleared with the registry update, so that power-up
// can undo a load or install the registry never recorded, or finish a deletion.
#pragma once

#include <cstdint>
#include <optional>

#include "security_domains/registry.h"
#include "vm/store/store.h"

namespace uicc::sd {

struct Intent {
  enum class Kind : std::uint8_t {
    none = 0,
    load = 1,
    install = 2,
    delete_application = 3,
    delete_load_file = 4
  };
  Kind kind = Kind::none;
  Bytes aid;  // the package or the applet instance

  friend bool operator==(const Intent&, const Intent&) = default;
};

class RegistryStore {
 public:
  // The store object of the registry sits at `root`. Objects of the registry carry header
  // kind kObjectKind: below 0x40, where the VM's kinds start (vm/runtime/value.h), and apart
  // from the card layer's 0x01 and 0x10-0x1F.
  static constexpr std::uint8_t kObjectKind = 0x20;

  RegistryStore(store::Store& store, std::size_t root);

  // True if the store contains a registry (false on a fresh image).
  bool exists() const;
  // Reads the registry. Throws RegistryError if the object is damaged.
  Registry load() const;
  Intent intent() const;

  // Writes the registry, and with it `intent` (which defaults to none: the operation is done).
  // Throws store::OutOfMemory if the store has no room for a larger registry.
  void save(const Registry& registry, const Intent& intent = {});
  // Writes only the intent record, atomically.
  void set_intent(const Intent& intent);

 private:
  void release_garbage();

  store::Store& store_;
  std::size_t root_;
};

}  // namespace uicc::sd
