// Lookups over the opcode table that need more than a constant index.
#include "vm/cap/opcodes.h"

namespace uicc::cap {

std::optional<Opcode> find_mnemonic(std::string_view name) {
  for (const OpcodeInfo& entry : kOpcodeTable) {
    if (entry.mnemonic == name) return entry.opcode;
  }
  return std::nullopt;
}

}  // namespace uicc::cap
