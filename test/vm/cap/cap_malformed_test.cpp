// Malformed CAP files: each case is a valid assembled CAP with one defect, and the exact
// FormatError message the reader gives for it.
#include <gtest/gtest.h>

#include <random>

#include <fmt/format.h>

#include "test/vm/cap/test_caps.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

namespace uicc::cap {
namespace {

using testing::make_hello_cap;
using testing::make_library_cap;

std::string read_error(ByteView data) {
  try {
    read_cap(data);
  } catch (const FormatError& error) {
    return error.what();
  }
  return "no error";
}

// Offset of the component with `tag` in a component stream of format 2.2 or older.
std::size_t find_component(const Bytes& stream, std::uint8_t tag) {
  for (std::size_t at = 0; at < stream.size(); at += 3 + get_u16(stream, at + 1)) {
    if (stream[at] == tag) return at;
  }
  throw std::logic_error("component not in stream");
}

// Replaces the info item of one component in a stream, fixing its size item.
Bytes replace_info(const Bytes& stream, std::uint8_t tag, const Bytes& info) {
  const std::size_t at = find_component(stream, tag);
  const std::size_t old_size = get_u16(stream, at + 1);
  Bytes result(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(at));
  result.push_back(tag);
  append_u16(result, static_cast<std::uint16_t>(info.size()));
  append(result, info);
  result.insert(result.end(), stream.begin() + static_cast<std::ptrdiff_t>(at + 3 + old_size),
                stream.end());
  return result;
}

// The stream of a CAP whose model was changed after update_directory(): the writer encodes
// what it is given, so the defect reaches the reader.
Bytes stream_of(const CapFile& cap) {
  return write_cap_components(cap);
}

TEST(MalformedCap, TruncatedComponent) {
  const Bytes stream = stream_of(make_hello_cap());
  const Bytes cut(stream.begin(), stream.end() - 1);
  const std::size_t descriptor = find_component(stream, 11);
  const std::size_t size = get_u16(stream, descriptor + 1);
  EXPECT_EQ(read_error(cut),
            fmt::format("component stream: truncated at offset 0x{:X} reading Descriptor "
                        "component: {} bytes needed, {} left",
                        descriptor + 3, size, size - 1));
}

TEST(MalformedCap, TruncatedInsideComponent) {
  const Bytes stream = replace_info(stream_of(make_hello_cap()), 4, from_hex("02 00 01 07 A0"));
  EXPECT_EQ(read_error(stream),
            "Import component: truncated at offset 0x4 reading package 0 AID: 7 bytes needed, 1 "
            "left");
}

TEST(MalformedCap, BadMagic) {
  Bytes stream = stream_of(make_hello_cap());
  stream[6] = 0xEE;
  EXPECT_EQ(read_error(stream),
            "Header component: bad magic 0xDECAFFEE, expected 0xDECAFFED (offset 0x0)");
}

TEST(MalformedCap, UnsupportedVersion) {
  Bytes stream = stream_of(make_hello_cap());
  stream[8] = 3;  // major version
  stream[7] = 0;
  EXPECT_EQ(read_error(stream),
            "Header component: unsupported CAP format version 3.0 (supported: 2.1, 2.2, 2.3) "
            "(offset 0x4)");
}

TEST(MalformedCap, ExtendedFormat) {
  Bytes stream = stream_of(make_hello_cap(kFormat23));
  stream[9] |= header_flags::kExtended;
  EXPECT_EQ(read_error(stream),
            "Header component: extended CAP format (flags 0x0C) is not supported (offset 0x6)");
}

TEST(MalformedCap, ReservedHeaderFlag) {
  Bytes stream = stream_of(make_hello_cap());
  stream[9] |= 0x40;
  EXPECT_EQ(read_error(stream),
            "Header component: reserved flag bits 0x40 set in flags 0x44 (offset 0x6)");
}

TEST(MalformedCap, DirectorySizeMismatch) {
  CapFile cap = make_hello_cap();
  const std::uint16_t actual = cap.directory.component_sizes[6];
  cap.directory.component_sizes[6] = static_cast<std::uint16_t>(actual + 1);
  EXPECT_EQ(read_error(stream_of(cap)),
            fmt::format("Directory component: size of the Method component is 0x{:X}, but the "
                        "component has 0x{:X} bytes",
                        actual + 1, actual));
}

TEST(MalformedCap, DirectoryListsAbsentExport) {
  CapFile cap = make_hello_cap();
  cap.directory.component_sizes[9] = 5;
  EXPECT_EQ(read_error(stream_of(cap)),
            "Directory component: size of the Export component is 0x5, but the component is "
            "absent");
}

TEST(MalformedCap, DirectoryImportCount) {
  CapFile cap = make_hello_cap();
  cap.directory.import_count = 3;
  EXPECT_EQ(read_error(stream_of(cap)),
            "Directory component: import_count 3 but the Import component lists 2 packages");
}

TEST(MalformedCap, PackageAidLengthZero) {
  const Bytes stream = replace_info(stream_of(make_hello_cap()), 4, from_hex("01 00 01 00"));
  EXPECT_EQ(read_error(stream),
            "Import component: package 0 AID length 0 outside 5-16 (offset 0x3)");
}

TEST(MalformedCap, PackageAidLengthSeventeen) {
  const Bytes info = from_hex("01 00 01 11 A0000000620001 A0000000620001 A000A0");
  const Bytes stream = replace_info(stream_of(make_hello_cap()), 4, info);
  EXPECT_EQ(read_error(stream),
            "Import component: package 0 AID length 17 outside 5-16 (offset 0x3)");
}

TEST(MalformedCap, HeaderAidLengthSeventeen) {
  const Bytes info = from_hex("DECAFFED 02 02 04 00 01 11 F0000000010101010101010101010101 00");
  const Bytes stream = replace_info(stream_of(make_hello_cap()), 1, info);
  EXPECT_EQ(read_error(stream),
            "Header component: package AID length 17 outside 5-16 (offset 0x9)");
}

TEST(MalformedCap, AppletAidLengthFour) {
  const Bytes stream =
      replace_info(stream_of(make_hello_cap()), 3, from_hex("01 04 F0000000 0010"));
  EXPECT_EQ(read_error(stream),
            "Applet component: applet 0 AID length 4 outside 5-16 (offset 0x1)");
}

TEST(MalformedCap, AppletInstallOffsetOutOfRange) {
  CapFile cap = make_hello_cap();
  cap.applets->applets[0].install_method_offset = 0x7FFF;
  EXPECT_EQ(read_error(stream_of(cap)),
            fmt::format("Applet component: applet 0 install method offset 0x7FFF outside the "
                        "method area 0x9-0x{:X} of the Method component",
                        cap.methods.info_size()));
}

TEST(MalformedCap, HandlerEndBeyondMethodArea) {
  CapFile cap = make_hello_cap();
  const std::size_t end = cap.methods.info_size();
  cap.methods.handlers[0].active_length =
      static_cast<std::uint16_t>(end - cap.methods.handlers[0].start_offset + 0x10);
  EXPECT_EQ(read_error(stream_of(cap)),
            fmt::format("Method component: handler 0 end offset 0x{:X} beyond method area of "
                        "0x{:X} bytes",
                        end + 0x10, end));
}

TEST(MalformedCap, HandlerCatchTypeNotClassref) {
  CapFile cap = make_hello_cap();
  cap.methods.handlers[0].catch_type_index = 2;
  EXPECT_EQ(read_error(stream_of(cap)),
            "Method component: handler 0 catch type index 2 is not a Classref in the constant "
            "pool of 10 entries");
}

TEST(MalformedCap, ConstantPoolUnknownTag) {
  Bytes stream = stream_of(make_hello_cap());
  const std::size_t cp = find_component(stream, 5);
  stream[cp + 3 + 2 + 4 * 3] = 9;  // entry 3's tag
  EXPECT_EQ(read_error(stream), "ConstantPool component: entry 3 has unknown tag 9 (offset 0xE)");
}

TEST(MalformedCap, ConstantPoolPackageTokenOutOfRange) {
  CapFile cap = make_hello_cap();
  cap.constant_pool.entries[1] = ConstantPoolEntry::classref(ClassRef::external(5, 0));
  EXPECT_EQ(read_error(stream_of(cap)),
            "ConstantPool component: entry 1 (Classref) refers to package token 5, but 2 packages "
            "are imported");
}

TEST(MalformedCap, ConstantPoolInternalClassOffset) {
  CapFile cap = make_hello_cap();
  cap.constant_pool.entries[4] = ConstantPoolEntry::classref(ClassRef::internal(3));
  EXPECT_EQ(read_error(stream_of(cap)),
            "ConstantPool component: entry 4 (Classref) class_ref 0x0003 is not the offset of a "
            "class or interface in the Class component");
}

TEST(MalformedCap, StaticFieldOffsetBeyondImage) {
  CapFile cap = make_hello_cap();
  cap.constant_pool.entries[9] =
      ConstantPoolEntry::static_member(ConstantTag::kStaticFieldref, StaticRef::internal(6));
  EXPECT_EQ(read_error(stream_of(cap)),
            "ConstantPool component: entry 9 (StaticFieldref) static field offset 0x6 beyond the "
            "static field image of 0x6 bytes");
}

TEST(MalformedCap, ReferenceLocationMissingOperand) {
  CapFile cap = make_hello_cap();
  const std::uint16_t dropped = cap.reference_locations.byte2_index_offsets.back();
  cap.reference_locations.byte2_index_offsets.pop_back();
  update_directory(cap);
  EXPECT_EQ(read_error(stream_of(cap)),
            fmt::format("ReferenceLocation component: constant pool index at Method offset "
                        "0x{:X} missing from offsets_to_byte2_indices",
                        dropped));
}

TEST(MalformedCap, ReferenceLocationOutOfRange) {
  CapFile cap = make_hello_cap();
  cap.reference_locations.byte_index_offsets.push_back(0x4000);
  update_directory(cap);
  EXPECT_EQ(read_error(stream_of(cap)),
            fmt::format("ReferenceLocation component: offsets_to_byte_indices entry 3 offset "
                        "0x4000 outside the Method component of 0x{:X} bytes",
                        cap.methods.info_size()));
}

TEST(MalformedCap, ReferenceLocationEndsInContinuation) {
  const Bytes stream = replace_info(stream_of(make_hello_cap()), 9, from_hex("0002 10FF 0000"));
  EXPECT_EQ(read_error(stream),
            "ReferenceLocation component: offsets_to_byte_indices end with a 255 continuation "
            "(offset 0x3)");
}

TEST(MalformedCap, AppletFlagWithoutComponent) {
  CapFile cap = make_library_cap();
  cap.header.flags |= header_flags::kApplet;
  EXPECT_EQ(read_error(stream_of(cap)),
            "Header component: ACC_APPLET flag is 1 but the Applet component is absent");
}

TEST(MalformedCap, IntInstructionWithoutIntFlag) {
  CapFile cap = make_library_cap();
  cap.header.flags &= static_cast<std::uint8_t>(~header_flags::kInt);
  EXPECT_EQ(read_error(stream_of(cap)),
            fmt::format("Method component: method at 0x{:X}: getfield_i_this at offset 0x{:X} "
                        "needs the Header's ACC_INT flag",
                        cap.method_locations[1].offset, cap.method_locations[1].bytecode_offset));
}

TEST(MalformedCap, StaticImageSizeFormula) {
  CapFile cap = make_hello_cap();
  cap.static_fields.image_size = 8;
  update_directory(cap);
  EXPECT_EQ(read_error(stream_of(cap)),
            "StaticField component: image_size 8 differs from 2 x 1 references + 2 default + 2 "
            "non-default bytes = 6");
}

TEST(MalformedCap, ExportOfNonShareableInAppletPackage) {
  CapFile cap = make_hello_cap();
  cap.exports = ExportComponent{{{2, {}, {}}}};
  update_directory(cap);
  EXPECT_EQ(read_error(stream_of(cap)),
            "Export component: class token 0 at 0x0002 is not a shareable interface, the only "
            "kind an applet package exports");
}

TEST(MalformedCap, ComponentOutOfOrder) {
  const CapFile cap = make_hello_cap();
  const Bytes stream = stream_of(cap);
  const std::size_t import = find_component(stream, 4);
  const std::size_t applet = find_component(stream, 3);
  const std::size_t class_at = find_component(stream, 6);
  Bytes swapped(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(import));
  swapped.insert(swapped.end(), stream.begin() + static_cast<std::ptrdiff_t>(applet),
                 stream.begin() + static_cast<std::ptrdiff_t>(class_at));
  swapped.insert(swapped.end(), stream.begin() + static_cast<std::ptrdiff_t>(import),
                 stream.begin() + static_cast<std::ptrdiff_t>(applet));
  swapped.insert(swapped.end(), stream.begin() + static_cast<std::ptrdiff_t>(class_at),
                 stream.end());
  EXPECT_EQ(read_error(swapped),
            fmt::format("component stream: Import component out of order or repeated after "
                        "Applet component (offset 0x{:X})",
                        import + (class_at - applet)));
}

TEST(MalformedCap, HeaderNotFirst) {
  const Bytes stream = stream_of(make_hello_cap());
  const Bytes tail(stream.begin() + static_cast<std::ptrdiff_t>(find_component(stream, 2)),
                   stream.end());
  EXPECT_EQ(read_error(tail),
            "component stream: first component has tag 2 (Directory), expected the Header "
            "(offset 0x0)");
}

TEST(MalformedCap, MissingComponent) {
  const Bytes stream = stream_of(make_hello_cap());
  const std::size_t at = find_component(stream, 9);
  Bytes without(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(at));
  without.insert(without.end(),
                 stream.begin() + static_cast<std::ptrdiff_t>(at + 3 + get_u16(stream, at + 1)),
                 stream.end());
  EXPECT_EQ(read_error(without), "component stream: ReferenceLocation component missing");
}

TEST(MalformedCap, EmptyInput) {
  EXPECT_EQ(read_error(Bytes{}), "component stream: empty, no Header component");
}

TEST(MalformedCap, JarWithoutHeader) {
  EXPECT_EQ(read_error(from_hex("504B0506 00000000 00000000 00000000 00000000 0000")),
            "CAP JAR: no */javacard/Header.cap entry");
}

TEST(MalformedCap, CorruptJar) {
  Bytes jar = write_cap_jar(make_hello_cap());
  jar.resize(jar.size() / 2);
  EXPECT_TRUE(read_error(jar).starts_with("CAP JAR: not a valid ZIP archive: ")) << read_error(jar);
}

TEST(MalformedCap, InputOverLimit) {
  const Bytes stream = stream_of(make_hello_cap());
  EXPECT_THROW(read_cap(stream, ReadLimits{.max_total_size = 16}), FormatError);
}

// Random single-byte and truncation mutations of valid files: each must give a CapFile or a
// FormatError, never a crash (run under the sanitizer build to catch out-of-bounds reads).
TEST(MalformedCap, MutationsNeverCrash) {
  std::mt19937 random(20240601);
  for (const Bytes& original : {stream_of(make_hello_cap()), stream_of(make_library_cap(kFormat23)),
                                write_cap_jar(make_hello_cap(kFormat21))}) {
    for (int round = 0; round < 3000; ++round) {
      Bytes data = original;
      const int edits = 1 + static_cast<int>(random() % 3);
      for (int i = 0; i < edits; ++i) {
        data[random() % data.size()] = static_cast<std::uint8_t>(random());
      }
      if (round % 7 == 0) data.resize(random() % data.size());
      try {
        read_cap(data);
      } catch (const FormatError&) {
      }
    }
  }
}

}  // namespace
}  // namespace uicc::cap
