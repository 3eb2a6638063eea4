// Converter test helpers.
#include "test/sdk/sdk_test_support.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "vm/cap/bytecode.h"

namespace uicc::sdk::test {

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

ClassFile read_class(const std::string& relative_path) {
  std::string path = (std::filesystem::path(UICC_SDK_TEST_CLASSES) / relative_path).string();
  return parse_class_file(read_bytes(path), path);
}

std::vector<cap::ExportFile> minimal_imports() {
  // Java Card 3.0.5 java.lang export file: AID A0000000620001, version 1.0, class tokens as
  // listed there. Every class has the constructor <init>()V (static token 0) and inherits
  // equals (virtual token 0).
  cap::ExportFile lang;
  lang.package.flags = cap::export_package_flags::kLibrary;
  lang.package.name = "java/lang";
  lang.package.aid = {0xA0, 0x00, 0x00, 0x00, 0x62, 0x00, 0x01};
  lang.package.major = 1;
  lang.package.minor = 0;
  const std::vector<std::pair<std::string, std::vector<std::string>>> classes = {
      {"Object", {}},
      {"Throwable", {"Object"}},
      {"Exception", {"Object", "Throwable"}},
      {"RuntimeException", {"Object", "Throwable", "Exception"}},
      {"IndexOutOfBoundsException", {"Object", "Throwable", "Exception", "RuntimeException"}},
      {"ArrayIndexOutOfBoundsException",
       {"Object", "Throwable", "Exception", "RuntimeException", "IndexOutOfBoundsException"}},
      {"NegativeArraySizeException", {"Object", "Throwable", "Exception", "RuntimeException"}},
      {"NullPointerException", {"Object", "Throwable", "Exception", "RuntimeException"}},
      {"ClassCastException", {"Object", "Throwable", "Exception", "RuntimeException"}},
      {"ArithmeticException", {"Object", "Throwable", "Exception", "RuntimeException"}},
      {"SecurityException", {"Object", "Throwable", "Exception", "RuntimeException"}},
      {"ArrayStoreException", {"Object", "Throwable", "Exception", "RuntimeException"}},
  };
  std::uint8_t token = 0;
  for (const auto& [name, supers] : classes) {
    cap::ExportClass c;
    c.name = "java/lang/" + name;
    c.token = token++;
    c.access_flags = cap::export_class_flags::kPublic;
    for (const auto& s : supers) c.supers.push_back("java/lang/" + s);
    c.methods.push_back({0, cap::export_member_flags::kPublic, "<init>", "()V"});
    c.methods.push_back({0, cap::export_member_flags::kPublic, "equals", "(Ljava/lang/Object;)Z"});
    lang.classes.push_back(std::move(c));
  }
  return {lang};
}

std::vector<std::string> disassemble(ByteView bytecode) {
  std::vector<std::string> out;
  std::size_t pc = 0;
  while (pc < bytecode.size()) {
    cap::DecodeError error{};
    auto insn = cap::decode_instruction(bytecode, pc, &error);
    if (!insn) {
      out.push_back(fmt::format("<{} at {}>", cap::to_string(error), pc));
      break;
    }
    std::string text(insn->info->mnemonic);
    if (insn->switch_operand) {
      const auto& sw = *insn->switch_operand;
      text += fmt::format(" default {}", sw.default_offset);
      for (std::size_t i = 0; i < sw.count; ++i) {
        text += fmt::format(" {}:{}", sw.match(i), sw.offset(i));
      }
    } else {
      for (std::size_t k = 0; k < insn->info->operands.count; ++k) {
        text += fmt::format(" {}", insn->operands[k]);
      }
    }
    out.push_back(text);
    pc += insn->length;
  }
  return out;
}

}  // namespace uicc::sdk::test
