// The two CAP containers: a JAR read with libzip, and the component stream of a
// GlobalPlatform LOAD. Both end in decode_component() and check_structure().
#include "vm/cap/cap_reader.h"

#include <zip.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "vm/cap/byte_io.h"

namespace uicc::cap {
namespace {

// Installation order of the components in a load file (JCVM 3.0.5 §6.3), Static Resources
// placed by JCVM 3.1, Debug last as the off-card component it is.
constexpr std::array<ComponentTag, 13> kInstallOrder = {
    ComponentTag::kHeader,          ComponentTag::kDirectory,
    ComponentTag::kImport,          ComponentTag::kApplet,
    ComponentTag::kClass,           ComponentTag::kMethod,
    ComponentTag::kStaticField,     ComponentTag::kExport,
    ComponentTag::kConstantPool,    ComponentTag::kReferenceLocation,
    ComponentTag::kStaticResources, ComponentTag::kDescriptor,
    ComponentTag::kDebug,
};

std::optional<std::size_t> install_position(std::uint8_t tag) {
  for (std::size_t i = 0; i < kInstallOrder.size(); ++i) {
    if (static_cast<std::uint8_t>(kInstallOrder[i]) == tag) return i;
  }
  return std::nullopt;
}

bool is_standard(std::uint8_t tag, FormatVersion version) {
  if (tag == static_cast<std::uint8_t>(ComponentTag::kStaticResources)) {
    return version.at_least(2, 3);
  }
  return tag >= 1 && tag <= static_cast<std::uint8_t>(ComponentTag::kDebug);
}

void check_total_size(std::size_t size, const ReadLimits& limits, std::string_view what) {
  if (size > limits.max_total_size) {
    throw FormatError(fmt::format("{}: {} bytes exceed the limit of {} bytes", what, size,
                                  limits.max_total_size));
  }
}

using SeenTags = std::array<bool, 256>;

// JCVM 3.0.5 §6.5: every component other than Applet, Export and Debug has a non-zero size
// in the Directory, so a CAP file always contains them. The Descriptor may be missing because
// the installation order of §6.3 makes it optional in a load file.
void require_mandatory(const SeenTags& seen, std::string_view container) {
  constexpr std::array<ComponentTag, 8> kMandatory = {
      ComponentTag::kHeader,      ComponentTag::kDirectory,
      ComponentTag::kImport,      ComponentTag::kConstantPool,
      ComponentTag::kClass,       ComponentTag::kMethod,
      ComponentTag::kStaticField, ComponentTag::kReferenceLocation,
  };
  for (ComponentTag tag : kMandatory) {
    if (!seen[static_cast<std::uint8_t>(tag)]) {
      throw FormatError(fmt::format("{}: {} component missing", container,
                                    component_name(static_cast<std::uint8_t>(tag))));
    }
  }
}

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

// Splits a component stream into components and decodes them. The Header comes first
// because its version decides how to read the rest, and the Directory second. The other
// standard components follow the installation order, each at most once. Components with
// other tags are skipped wherever they appear.
CapFile decode_stream(ByteView stream) {
  detail::ByteCursor in(stream, "component stream");
  CapFile cap;
  SeenTags seen{};
  std::optional<std::size_t> last_position;
  std::uint8_t last_tag = 0;
  while (!in.at_end()) {
    const std::size_t start = in.offset();
    const std::uint8_t tag = in.u1("component tag");
    if (!last_position && tag != static_cast<std::uint8_t>(ComponentTag::kHeader)) {
      in.fail_at(start, fmt::format("first component has tag {} ({}), expected the Header", tag,
                                    component_name(tag)));
    }
    const bool wide = has_u4_size(tag, cap.header.version);
    const std::uint32_t size = wide ? in.u4("component size") : in.u2("component size");
    in.bytes(size, fmt::format("{} component", component_name(tag)));
    const ByteView component = stream.subspan(start, in.offset() - start);
    if (is_standard(tag, cap.header.version) || !last_position) {
      const std::size_t position = *install_position(tag);
      if (last_position && position <= *last_position) {
        in.fail_at(start, fmt::format("{} component out of order or repeated after {} component",
                                      component_name(tag), component_name(last_tag)));
      }
      if (position >= 2 && *last_position < 1) {
        in.fail_at(start, fmt::format("{} component before the Directory", component_name(tag)));
      }
      last_position = position;
      last_tag = tag;
      seen[tag] = true;
    }
    decode_component(cap, component);
  }
  if (!last_position) throw FormatError("component stream: empty, no Header component");
  require_mandatory(seen, "component stream");
  return cap;
}

// --- JAR ---

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

Archive open_archive(ByteView jar) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(jar.data(), jar.size(), 0, &error);
  if (source == nullptr) {
    const std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw FormatError("CAP JAR: cannot open: " + message);
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    const std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw FormatError("CAP JAR: not a valid ZIP archive: " + message);
  }
  zip_error_fini(&error);
  return Archive(archive);
}

Bytes read_entry(zip_t* archive, zip_uint64_t index, std::uint64_t size, const std::string& name) {
  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive, index, 0));
  if (!file) {
    throw FormatError(
        fmt::format("CAP JAR: cannot open entry {}: {}", name, zip_strerror(archive)));
  }
  Bytes data(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < data.size()) {
    const zip_int64_t n = zip_fread(file.get(), data.data() + done, data.size() - done);
    if (n < 0) {
      throw FormatError(
          fmt::format("CAP JAR: cannot read entry {}: {}", name, zip_file_strerror(file.get())));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done != data.size()) {
    throw FormatError(
        fmt::format("CAP JAR: entry {} has {} bytes, its header says {}", name, done, size));
  }
  return data;
}

struct JarComponent {
  std::string file_name;
  Bytes data;
};

// Finds the component entries, <package path>/javacard/<name>.cap (or .capx), of the one
// package that has a Header.cap. Entry names are not case sensitive (JCVM 3.0.5 §6.2.1).
CapFile decode_jar(ByteView jar, const ReadLimits& limits) {
  Archive archive = open_archive(jar);
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0 || static_cast<std::uint64_t>(count) > limits.max_jar_entries) {
    throw FormatError(
        fmt::format("CAP JAR: {} entries exceed the limit of {}", count, limits.max_jar_entries));
  }

  std::map<std::string, std::vector<JarComponent>> by_directory;
  std::string header_directory;
  std::size_t total = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0 ||
        (stat.valid & (ZIP_STAT_NAME | ZIP_STAT_SIZE)) != (ZIP_STAT_NAME | ZIP_STAT_SIZE)) {
      throw FormatError(
          fmt::format("CAP JAR: cannot read entry {}: {}", i, zip_strerror(archive.get())));
    }
    const std::string name = stat.name;
    const std::string lowered = lower(name);
    const std::size_t marker = lowered.rfind("/javacard/");
    const bool is_component = marker != std::string::npos &&
                              (lowered.ends_with(".cap") || lowered.ends_with(".capx")) &&
                              lowered.find('/', marker + 10) == std::string::npos;
    if (!is_component) continue;

    total += stat.size;
    check_total_size(total, limits, "CAP JAR: inflated components");
    const std::string directory = name.substr(0, marker);
    const std::string file_name = name.substr(marker + 10);
    if (lower(file_name) == "header.cap") {
      if (!header_directory.empty() && header_directory != directory) {
        throw FormatError(fmt::format(
            "CAP JAR: packages {} and {} both have a Header.cap; a compact CAP file contains one "
            "package",
            header_directory, directory));
      }
      header_directory = directory;
    }
    by_directory[directory].push_back(
        {file_name, read_entry(archive.get(), static_cast<zip_uint64_t>(i), stat.size, name)});
  }
  if (header_directory.empty()) throw FormatError("CAP JAR: no */javacard/Header.cap entry");

  std::vector<JarComponent>& entries = by_directory[header_directory];
  // The Header decides the format version, so it is decoded first; then the standard
  // components by tag, then the others.
  std::stable_sort(
      entries.begin(), entries.end(), [](const JarComponent& a, const JarComponent& b) {
        const auto rank = [](const JarComponent& c) { return c.data.empty() ? 256 : c.data[0]; };
        return rank(a) < rank(b);
      });
  CapFile cap;
  SeenTags seen{};
  for (const JarComponent& entry : entries) {
    if (entry.data.empty()) {
      throw FormatError(fmt::format("CAP JAR: entry {} is empty", entry.file_name));
    }
    const std::uint8_t tag = entry.data[0];
    const std::string_view expected = component_file_name(tag);
    if (is_standard(tag, cap.header.version) || tag == 1) {
      if (lower(expected) != lower(entry.file_name)) {
        throw FormatError(
            fmt::format("CAP JAR: entry {} holds the {} component (tag {}), expected "
                        "in {}",
                        entry.file_name, component_name(tag), tag, expected));
      }
      if (seen[tag]) {
        throw FormatError(fmt::format("CAP JAR: {} component twice", component_name(tag)));
      }
      seen[tag] = true;
    }
    const std::size_t custom_before = cap.custom_components.size();
    decode_component(cap, entry.data);
    if (cap.custom_components.size() > custom_before) {
      cap.custom_components.back().file_name = entry.file_name;
    }
  }
  require_mandatory(seen, "CAP JAR");
  cap.package_path = header_directory;
  return cap;
}

bool is_zip(ByteView data) {
  return data.size() >= 4 && data[0] == 'P' && data[1] == 'K' &&
         ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6));
}

void finish(CapFile& cap) {
  if (cap.package_path.empty() && cap.header.package_name) {
    cap.package_path = *cap.header.package_name;
  }
  check_structure(cap);
  cap.method_locations = locate_methods(cap);
}

}  // namespace

CapFile read_cap_components(ByteView stream, const ReadLimits& limits) {
  check_total_size(stream.size(), limits, "component stream");
  CapFile cap = decode_stream(stream);
  finish(cap);
  return cap;
}

CapFile read_cap_jar(ByteView jar, const ReadLimits& limits) {
  check_total_size(jar.size(), limits, "CAP JAR");
  CapFile cap = decode_jar(jar, limits);
  finish(cap);
  return cap;
}

CapFile read_cap(ByteView data, const ReadLimits& limits) {
  return is_zip(data) ? read_cap_jar(data, limits) : read_cap_components(data, limits);
}

CapFile read_cap_file(const std::filesystem::path& path, const ReadLimits& limits) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) {
    throw FormatError(fmt::format("{}: cannot read: {}", path.string(), error.message()));
  }
  check_total_size(static_cast<std::size_t>(size), limits, path.string());
  std::ifstream file(path, std::ios::binary);
  Bytes data(static_cast<std::size_t>(size));
  if (!file.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size))) {
    throw FormatError(fmt::format("{}: cannot read", path.string()));
  }
  return read_cap(data, limits);
}

}  // namespace uicc::cap
