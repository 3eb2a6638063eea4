// Symbolic execution of <clinit> over the instructions javac emits for constant static
// initializers: constants, newarray with a constant length, dup, element stores with
// constant index and value, putstatic to a field of the same class, and return.
#include "tools/sdk/converter/static_init.h"

#include <memory>

#include <fmt/format.h>

#include "tools/sdk/converter/jvm_code.h"
#include "tools/sdk/converter/jvm_opcodes.h"

namespace uicc::sdk {
namespace {

// JCVM 3.0.5 §6.11: array_init_info counts its elements in a u2, and a Java Card array holds
// at most 32767 of them.
constexpr std::int32_t kMaxArrayLength = 32767;

struct Symbol {
  enum class Kind { kInt, kNull, kArray } kind = Kind::kInt;
  std::int32_t value = 0;
  std::shared_ptr<StaticArrayValue> array;
};

std::int32_t narrow(BaseType element, std::int32_t value) {
  switch (element) {
    case BaseType::kBoolean:
      return value & 1;  // the JVM stores the low bit in a boolean array (JVMS 17 §6.5 bastore)
    case BaseType::kByte:
      return static_cast<std::int8_t>(value);
    case BaseType::kShort:
      return static_cast<std::int16_t>(value);
    default:
      return value;
  }
}

}  // namespace

StaticValues evaluate_static_initializer(const PackageClass& cls, Diagnostics& diagnostics) {
  StaticValues values;
  const PackageMethod* clinit = nullptr;
  for (const auto& m : cls.methods) {
    if (m.kind == MethodKind::kStaticInitializer) clinit = &m;
  }
  if (clinit == nullptr || !clinit->info->code) return values;
  const CodeAttribute& code = *clinit->info->code;
  const ClassFile& file = *cls.file;
  std::vector<JvmInstruction> instructions;
  try {
    instructions = decode_jvm_code(code.code, cls.java_name() + ".<clinit>");
  } catch (const ClassFormatError& e) {
    diagnostics.add(make_diagnostic(cls, clinit, 0, e.what()));
    return values;
  }
  auto fail = [&](const JvmInstruction& insn, const std::string& what) {
    diagnostics.add(make_diagnostic(
        cls, clinit, insn.pc,
        fmt::format("static initializer: {}; Java Card initializes static fields only with "
                    "constants and arrays of constants",
                    what)));
  };
  std::vector<Symbol> stack;
  auto pop = [&](const JvmInstruction& insn) -> std::optional<Symbol> {
    if (stack.empty()) {
      fail(insn, "operand stack underflow");
      return std::nullopt;
    }
    Symbol s = stack.back();
    stack.pop_back();
    return s;
  };
  // The arrays already assigned to a field: one array cannot initialize two fields. Holding
  // them keeps their addresses from being reused by later arrays.
  std::vector<std::shared_ptr<StaticArrayValue>> assigned;

  for (const JvmInstruction& insn : instructions) {
    const std::uint8_t op = insn.opcode;
    switch (op) {
      case jvm::iconst_m1:
      case jvm::iconst_0:
      case jvm::iconst_1:
      case jvm::iconst_2:
      case jvm::iconst_3:
      case jvm::iconst_4:
      case jvm::iconst_5:
      case jvm::bipush:
      case jvm::sipush:
        stack.push_back(Symbol{Symbol::Kind::kInt, insn.value, nullptr});
        continue;
      case jvm::ldc:
      case jvm::ldc_w: {
        const CpEntry& e = file.constant_pool.at(static_cast<std::size_t>(insn.index));
        if (e.tag != CpTag::integer) {
          fail(insn, "a constant that is not an int");
          return values;
        }
        stack.push_back(Symbol{Symbol::Kind::kInt, static_cast<std::int32_t>(e.value), nullptr});
        continue;
      }
      case jvm::aconst_null:
        stack.push_back(Symbol{Symbol::Kind::kNull, 0, nullptr});
        continue;
      case jvm::i2b:
      case jvm::i2s: {
        auto s = pop(insn);
        if (!s || s->kind != Symbol::Kind::kInt) return values;
        s->value = narrow(op == jvm::i2b ? BaseType::kByte : BaseType::kShort, s->value);
        stack.push_back(*s);
        continue;
      }
      case jvm::newarray: {
        auto length = pop(insn);
        if (!length) return values;
        if (length->kind != Symbol::Kind::kInt || length->value < 0 ||
            length->value > kMaxArrayLength) {
          fail(insn, "an array length that is no constant between 0 and 32767");
          return values;
        }
        auto array = std::make_shared<StaticArrayValue>();
        switch (insn.index) {
          case jvm::t_boolean:
            array->element = BaseType::kBoolean;
            break;
          case jvm::t_byte:
            array->element = BaseType::kByte;
            break;
          case jvm::t_short:
            array->element = BaseType::kShort;
            break;
          case jvm::t_int:
            array->element = BaseType::kInt;
            break;
          default:
            fail(insn, "an array of a type Java Card does not support");
            return values;
        }
        array->values.assign(static_cast<std::size_t>(length->value), 0);
        stack.push_back(Symbol{Symbol::Kind::kArray, 0, array});
        continue;
      }
      case jvm::dup:
        if (stack.empty()) {
          fail(insn, "operand stack underflow");
          return values;
        }
        stack.push_back(stack.back());
        continue;
      case jvm::bastore:
      case jvm::sastore:
      case jvm::iastore: {
        auto value = pop(insn);
        auto index = pop(insn);
        auto array = pop(insn);
        if (!value || !index || !array) return values;
        if (array->kind != Symbol::Kind::kArray || index->kind != Symbol::Kind::kInt ||
            value->kind != Symbol::Kind::kInt) {
          fail(insn, "an array element stored from a value that is no constant");
          return values;
        }
        auto& elements = array->array->values;
        if (index->value < 0 || static_cast<std::size_t>(index->value) >= elements.size()) {
          fail(insn, fmt::format("array index {} outside the array of {} elements", index->value,
                                 elements.size()));
          return values;
        }
        elements[static_cast<std::size_t>(index->value)] =
            narrow(array->array->element, value->value);
        continue;
      }
      case jvm::putstatic: {
        MemberRef ref = file.member_ref(static_cast<std::uint16_t>(insn.index));
        auto value = pop(insn);
        if (!value) return values;
        const PackageField* field = ref.owner == cls.name ? cls.find_field(ref.name) : nullptr;
        if (field == nullptr || !field->is_static) {
          fail(insn, fmt::format("an assignment to {}.{}, a field of another class",
                                 dotted_name(ref.owner), ref.name));
          return values;
        }
        StaticValue& target = values[ref.name];
        if (field->type.is_reference()) {
          if (value->kind == Symbol::Kind::kNull) {
            target = StaticValue{};
            continue;
          }
          if (value->kind != Symbol::Kind::kArray || field->type.dimensions != 1 ||
              field->type.base != value->array->element) {
            fail(insn, fmt::format("field {} initialized with something other than an array of "
                                   "its element type",
                                   ref.name));
            return values;
          }
          for (const auto& other : assigned) {
            if (other == value->array) {
              fail(insn, fmt::format("field {} initialized with an array that another field "
                                     "already holds",
                                     ref.name));
              return values;
            }
          }
          assigned.push_back(value->array);
          target.primitive.reset();
          target.array = *value->array;
          continue;
        }
        if (value->kind != Symbol::Kind::kInt) {
          fail(insn,
               fmt::format("field {} initialized with a value that is no constant", ref.name));
          return values;
        }
        target.array.reset();
        target.primitive = narrow(field->type.base, value->value);
        continue;
      }
      case jvm::return_:
        return values;
      default:
        fail(insn, fmt::format("the instruction {}", jvm::mnemonic(op)));
        return values;
    }
  }
  return values;
}

}  // namespace uicc::sdk
