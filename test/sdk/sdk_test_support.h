// Helpers of the converter tests: javac output compiled at build time, export data for the
// imports the tests need, and a disassembler of laid-out Java Card bytecode.
#pragma once

#include <string>
#include <vector>

#include "tools/sdk/converter/class_file.h"
#include "tools/sdk/converter/export_model.h"
#include "util/bytes.h"

namespace uicc::sdk::test {

// Reads a class file compiled from test/sdk/java, e.g. "translate/Arith.class".
ClassFile read_class(const std::string& relative_path);
Bytes read_bytes(const std::string& path);

// java.lang with its classes and tokens of the Java Card 3.0.5 export file (Object,
// Throwable, Exception and the runtime exceptions), for tests that need no other package.
std::vector<cap::ExportFile> minimal_imports();

// One string per instruction: the mnemonic and its operands in decimal, branch offsets
// relative as encoded ("sload_0", "sinc 3 1", "goto -13"). Switches list their keys.
std::vector<std::string> disassemble(ByteView bytecode);

}  // namespace uicc::sdk::test
