// Fuzzes the CAP reader with JARs and component streams. Any input must end in a CapFile or a
// FormatError; a CapFile must survive a write-read round trip unchanged.
#include <cstdint>
#include <cstdlib>

#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace uicc::cap;
  CapFile cap;
  try {
    cap = read_cap(uicc::ByteView(data, size));
  } catch (const FormatError&) {
    return 0;
  }
  // A file the reader accepts is one the writer can encode, and re-reading the encoding
  // gives the same model (custom components are not part of the component stream).
  const uicc::Bytes stream = write_cap_components(cap, StreamOptions{.include_debug = true});
  CapFile again = read_cap(stream);
  cap.package_path.clear();
  again.package_path.clear();
  cap.custom_components.clear();
  if (!(again == cap)) std::abort();
  return 0;
}
