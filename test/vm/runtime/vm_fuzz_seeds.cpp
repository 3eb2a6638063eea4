// Writes seed CAP files (GlobalPlatform component streams) for the VM loader fuzzer.
#include <fstream>
#include <iostream>

#include "test/vm/runtime/vm_fixture.h"
#include "test/vm/runtime/wallet_applet.h"

int main(int argc, char** argv) {
  using namespace uicc;
  using namespace uicc::vm::test;
  if (argc != 2) {
    std::cerr << "usage: vm_fuzz_seeds DIRECTORY\n";
    return 2;
  }
  const std::string directory = argv[1];
  auto write = [&](const std::string& name, const Bytes& bytes) {
    std::ofstream out(directory + "/" + name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  };
  write("wallet.cap", encode(wallet_package().build()));
  CapBuilder loop("A0000000061001");
  Code code;
  code.op(Opcode::kSload0)
      .label("top")
      .op(Opcode::kSinc)
      .u1(0)
      .s1(1)
      .op(Opcode::kSload0)
      .branch(Opcode::kIfne, "top")
      .op(Opcode::kReturn);
  int method = loop.add_method({1, 1, 0, code.take()});
  loop.cp_static_method(method);
  write("loop.cap", encode(loop.build()));
  return 0;
}
