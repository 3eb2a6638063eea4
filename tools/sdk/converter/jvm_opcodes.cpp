// JVM opcode names and lengths, Java Virtual Machine Specification, Java SE 17 Edition, §6.5
// and §7 (opcode mnemonics by opcode).
#include "tools/sdk/converter/jvm_opcodes.h"

#include <array>

namespace uicc::sdk::jvm {
namespace {

constexpr std::array<std::string_view, 0xca> kMnemonics = {
    "nop",           "aconst_null",  "iconst_m1",
    "iconst_0",      "iconst_1",     "iconst_2",
    "iconst_3",      "iconst_4",     "iconst_5",
    "lconst_0",      "lconst_1",     "fconst_0",
    "fconst_1",      "fconst_2",     "dconst_0",
    "dconst_1",      "bipush",       "sipush",
    "ldc",           "ldc_w",        "ldc2_w",
    "iload",         "lload",        "fload",
    "dload",         "aload",        "iload_0",
    "iload_1",       "iload_2",      "iload_3",
    "lload_0",       "lload_1",      "lload_2",
    "lload_3",       "fload_0",      "fload_1",
    "fload_2",       "fload_3",      "dload_0",
    "dload_1",       "dload_2",      "dload_3",
    "aload_0",       "aload_1",      "aload_2",
    "aload_3",       "iaload",       "laload",
    "faload",        "daload",       "aaload",
    "baload",        "caload",       "saload",
    "istore",        "lstore",       "fstore",
    "dstore",        "astore",       "istore_0",
    "istore_1",      "istore_2",     "istore_3",
    "lstore_0",      "lstore_1",     "lstore_2",
    "lstore_3",      "fstore_0",     "fstore_1",
    "fstore_2",      "fstore_3",     "dstore_0",
    "dstore_1",      "dstore_2",     "dstore_3",
    "astore_0",      "astore_1",     "astore_2",
    "astore_3",      "iastore",      "lastore",
    "fastore",       "dastore",      "aastore",
    "bastore",       "castore",      "sastore",
    "pop",           "pop2",         "dup",
    "dup_x1",        "dup_x2",       "dup2",
    "dup2_x1",       "dup2_x2",      "swap",
    "iadd",          "ladd",         "fadd",
    "dadd",          "isub",         "lsub",
    "fsub",          "dsub",         "imul",
    "lmul",          "fmul",         "dmul",
    "idiv",          "ldiv",         "fdiv",
    "ddiv",          "irem",         "lrem",
    "frem",          "drem",         "ineg",
    "lneg",          "fneg",         "dneg",
    "ishl",          "lshl",         "ishr",
    "lshr",          "iushr",        "lushr",
    "iand",          "land",         "ior",
    "lor",           "ixor",         "lxor",
    "iinc",          "i2l",          "i2f",
    "i2d",           "l2i",          "l2f",
    "l2d",           "f2i",          "f2l",
    "f2d",           "d2i",          "d2l",
    "d2f",           "i2b",          "i2c",
    "i2s",           "lcmp",         "fcmpl",
    "fcmpg",         "dcmpl",        "dcmpg",
    "ifeq",          "ifne",         "iflt",
    "ifge",          "ifgt",         "ifle",
    "if_icmpeq",     "if_icmpne",    "if_icmplt",
    "if_icmpge",     "if_icmpgt",    "if_icmple",
    "if_acmpeq",     "if_acmpne",    "goto",
    "jsr",           "ret",          "tableswitch",
    "lookupswitch",  "ireturn",      "lreturn",
    "freturn",       "dreturn",      "areturn",
    "return",        "getstatic",    "putstatic",
    "getfield",      "putfield",     "invokevirtual",
    "invokespecial", "invokestatic", "invokeinterface",
    "invokedynamic", "new",          "newarray",
    "anewarray",     "arraylength",  "athrow",
    "checkcast",     "instanceof",   "monitorenter",
    "monitorexit",   "wide",         "multianewarray",
    "ifnull",        "ifnonnull",    "goto_w",
    "jsr_w",
};

}  // namespace

std::string_view mnemonic(std::uint8_t opcode) {
  return opcode < kMnemonics.size() ? kMnemonics[opcode] : std::string_view{};
}

int fixed_length(std::uint8_t opcode) {
  if (opcode >= kMnemonics.size()) return -1;
  switch (opcode) {
    case bipush:
    case ldc:
    case iload:
    case lload:
    case fload:
    case dload:
    case aload:
    case istore:
    case lstore:
    case fstore:
    case dstore:
    case astore:
    case ret:
    case newarray:
      return 2;
    case sipush:
    case ldc_w:
    case ldc2_w:
    case iinc:
    case getstatic:
    case putstatic:
    case getfield:
    case putfield:
    case invokevirtual:
    case invokespecial:
    case invokestatic:
    case new_:
    case anewarray:
    case checkcast:
    case instanceof:
    case ifnull:
    case ifnonnull:
      return 3;
    case multianewarray:
      return 4;
    case invokeinterface:
    case invokedynamic:
    case goto_w:
    case jsr_w:
      return 5;
    case tableswitch:
    case lookupswitch:
    case wide:
      return 0;
    default:
      break;
  }
  if (opcode >= ifeq && opcode <= jsr) return 3;
  return 1;
}

}  // namespace uicc::sdk::jvm
