// libFuzzer target for the VM's loader: a CAP file (JAR or component stream) is read,
// verified and linked, and a loaded package is linked again as at the next power-up. Any
// outcome other than success or LoadError (a crash, a sanitizer report, another exception)
// is a defect. Bytecode is not run: applets may loop without end by design.
#include <cstddef>
#include <cstdint>

#include "test/vm/runtime/test_api.h"
#include "util/log.h"
#include "vm/runtime/runtime.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace uicc;
  static const bool quiet = [] {
    log::configure(spdlog::level::off, false);
    return true;
  }();
  (void)quiet;
  store::Limits limits;
  limits.persistent_bytes = 256 * 1024;
  store::Store store(limits);
  {
    vm::Runtime runtime(store, vm::test::test_registry());
    try {
      runtime.load_package(ByteView(data, size));
    } catch (const vm::LoadError&) {
      return 0;
    }
  }
  vm::Runtime relinked(store, vm::test::test_registry());
  return 0;
}
