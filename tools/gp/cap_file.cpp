#include "tools/gp/cap_file.h"

#include <fmt/format.h>

#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

namespace uicc::gp {

LoadFile load_file_of(const cap::CapFile& cap, bool with_descriptor) {
  LoadFile load_file;
  load_file.package_aid = cap.header.package.aid;
  load_file.major = cap.header.package.major;
  load_file.minor = cap.header.package.minor;
  if (cap.applets) {
    for (const cap::AppletInfo& applet : cap.applets->applets)
      load_file.applet_aids.push_back(applet.aid);
  }
  cap::StreamOptions options;
  options.include_descriptor = with_descriptor;
  options.include_debug = false;
  try {
    load_file.load_file_data_block = cap::write_cap_components(cap, options);
  } catch (const cap::FormatError& error) {
    throw CapError(error.what());
  }
  return load_file;
}

LoadFile read_cap_file(const std::filesystem::path& path, bool with_descriptor) {
  try {
    return load_file_of(cap::read_cap_file(path), with_descriptor);
  } catch (const cap::FormatError& error) {
    throw CapError(fmt::format("{}: {}", path.string(), error.what()));
  } catch (const CapError& error) {
    throw CapError(fmt::format("{}: {}", path.string(), error.what()));
  }
}

}  // namespace uicc::gp
