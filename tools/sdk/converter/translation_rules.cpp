// Per-instruction rules of the translation: the Java Card subset (JCVM 3.0.5 §2.2.1 and
// §2.2.3: no long, float, double or char, no threads, int optional), interval arithmetic on
// Java int results (JLS 17 §15.17 to §15.22), and the low bits each operand must supply.
//
// A short instruction gives the low 16 bits of the Java result when its operands' low bits
// are right: addition, subtraction, multiplication, negation, the bitwise operations and
// the left shift are computed modulo 2^16 the same way as modulo 2^32 (JCVM 3.0.5 §7.5 sadd
// to sxor; the shift distance is the low five bits of the count in both machines). Division,
// remainder and the right shifts depend on the upper bits of their operand, so they need
// exact operands, except that a right shift by a constant c only moves bits c..c+15 into the
// low half.
#include "tools/sdk/converter/translation_rules.h"

#include <algorithm>
#include <array>
#include <initializer_list>

#include <fmt/format.h>

#include "tools/sdk/converter/jvm_opcodes.h"

namespace uicc::sdk {
namespace {

constexpr std::int64_t kIntMin = -2147483648LL;
constexpr std::int64_t kIntMax = 2147483647LL;

Range clamp(std::int64_t lo, std::int64_t hi) {
  if (lo < kIntMin || hi > kIntMax) return Range::full();
  return {lo, hi};
}

Range span(std::initializer_list<std::int64_t> values) {
  return clamp(std::min(values), std::max(values));
}

// Smallest k with r inside [-2^k, 2^k - 1].
int signed_width(const Range& r) {
  int k = 0;
  while (k < 31 && (r.lo < -(std::int64_t{1} << k) || r.hi > (std::int64_t{1} << k) - 1)) ++k;
  return k;
}

Range width_range(int k) {
  if (k >= 31) return Range::full();
  return {-(std::int64_t{1} << k), (std::int64_t{1} << k) - 1};
}

bool is_constant(const Range& r) {
  return !r.empty() && r.lo == r.hi;
}

Range divide(const Range& a, const Range& b) {
  std::vector<std::int64_t> divisors;
  if (b.hi >= 1) {
    divisors.push_back(std::max<std::int64_t>(b.lo, 1));
    divisors.push_back(b.hi);
  }
  if (b.lo <= -1) {
    divisors.push_back(b.lo);
    divisors.push_back(std::min<std::int64_t>(b.hi, -1));
  }
  if (divisors.empty()) return Range::of(0);  // always divides by zero: it throws
  std::int64_t lo = kIntMax;
  std::int64_t hi = kIntMin;
  for (std::int64_t d : divisors) {
    for (std::int64_t x : {a.lo, a.hi}) {
      std::int64_t q = x / d;  // truncates toward zero, as Java does
      lo = std::min(lo, q);
      hi = std::max(hi, q);
    }
  }
  return clamp(lo, hi);
}

Range remainder(const Range& a, const Range& b) {
  std::int64_t m = std::max(b.lo < 0 ? -b.lo : b.lo, b.hi < 0 ? -b.hi : b.hi);
  if (m == 0) return Range::of(0);
  std::int64_t limit = m - 1;  // |a % b| < |b|, with the sign of a
  if (a.lo >= 0) return {0, std::min(a.hi, limit)};
  if (a.hi <= 0) return {std::max(a.lo, -limit), 0};
  return {std::max(a.lo, -limit), std::min(a.hi, limit)};
}

Range unsigned_shift(const Range& a, std::int64_t distance) {
  std::int64_t s = distance & 31;
  if (s == 0) return a;
  Range out;
  if (a.hi >= 0) {
    out.unite({std::max<std::int64_t>(a.lo, 0) >> s, a.hi >> s});
  }
  if (a.lo < 0) {
    constexpr std::int64_t kTwo32 = std::int64_t{1} << 32;
    out.unite({(kTwo32 + a.lo) >> s, (kTwo32 + std::min<std::int64_t>(a.hi, -1)) >> s});
  }
  return clamp(out.lo, out.hi);
}

}  // namespace

void Range::unite(const Range& other) {
  if (other.empty()) return;
  if (empty()) {
    *this = other;
    return;
  }
  lo = std::min(lo, other.lo);
  hi = std::max(hi, other.hi);
}

const char* use_kind_text(UseKind kind) {
  switch (kind) {
    case UseKind::kCompare:
      return "in a comparison";
    case UseKind::kSwitch:
      return "as a switch key";
    case UseKind::kArrayIndex:
      return "as an array index";
    case UseKind::kArrayLength:
      return "as an array length";
    case UseKind::kArgument:
      return "as an int argument";
    case UseKind::kReturn:
      return "as an int return value";
    case UseKind::kStore:
      return "in an int store";
    case UseKind::kOperand:
      return "as an operand of /, %, >> or >>>";
    case UseKind::kOther:
      break;
  }
  return "where all 32 bits matter";
}

const char* operator_text(std::uint8_t op) {
  switch (op) {
    case jvm::iadd:
      return "+";
    case jvm::isub:
      return "-";
    case jvm::imul:
      return "*";
    case jvm::idiv:
      return "/";
    case jvm::irem:
      return "%";
    case jvm::ineg:
      return "unary -";
    case jvm::ishl:
      return "<<";
    case jvm::ishr:
      return ">>";
    case jvm::iushr:
      return ">>>";
    case jvm::iand:
      return "&";
    case jvm::ior:
      return "|";
    case jvm::ixor:
      return "^";
    case jvm::iinc:
      return "++ or +=";
    default:
      return "?";
  }
}

std::optional<std::string> unsupported_instruction(const ClassFile& file,
                                                   const JvmInstruction& insn, bool int_support) {
  const std::uint8_t op = insn.opcode;
  const std::string kLong = "long values are not supported by Java Card";
  const std::string kFloat = "float values are not supported by Java Card";
  const std::string kDouble = "double values are not supported by Java Card";
  const std::string kChar = "char values are not supported by Java Card; use byte or short";
  const std::string kIntArray =
      "int arrays need int support; use short arrays or convert with int support";
  switch (op) {
    case jvm::lconst_0:
    case jvm::lconst_1:
    case jvm::lload:
    case jvm::lstore:
    case jvm::laload:
    case jvm::lastore:
    case jvm::ladd:
    case jvm::lsub:
    case jvm::lmul:
    case jvm::ldiv:
    case jvm::lrem:
    case jvm::lneg:
    case jvm::lshl:
    case jvm::lshr:
    case jvm::lushr:
    case jvm::land:
    case jvm::lor:
    case jvm::lxor:
    case jvm::i2l:
    case jvm::l2i:
    case jvm::lcmp:
    case jvm::lreturn:
      return kLong;
    case jvm::fconst_0:
    case jvm::fconst_1:
    case jvm::fconst_2:
    case jvm::fload:
    case jvm::fstore:
    case jvm::faload:
    case jvm::fastore:
    case jvm::fadd:
    case jvm::fsub:
    case jvm::fmul:
    case jvm::fdiv:
    case jvm::frem:
    case jvm::fneg:
    case jvm::i2f:
    case jvm::l2f:
    case jvm::f2i:
    case jvm::f2l:
    case jvm::f2d:
    case jvm::fcmpl:
    case jvm::fcmpg:
    case jvm::freturn:
      return kFloat;
    case jvm::dconst_0:
    case jvm::dconst_1:
    case jvm::dload:
    case jvm::dstore:
    case jvm::daload:
    case jvm::dastore:
    case jvm::dadd:
    case jvm::dsub:
    case jvm::dmul:
    case jvm::ddiv:
    case jvm::drem:
    case jvm::dneg:
    case jvm::i2d:
    case jvm::l2d:
    case jvm::d2i:
    case jvm::d2l:
    case jvm::d2f:
    case jvm::dcmpl:
    case jvm::dcmpg:
    case jvm::dreturn:
      return kDouble;
    case jvm::caload:
    case jvm::castore:
    case jvm::i2c:
      return kChar;
    case jvm::iaload:
    case jvm::iastore:
      if (!int_support) return kIntArray;
      return std::nullopt;
    case jvm::ldc2_w: {
      const CpEntry& e = file.constant_pool.at(static_cast<std::size_t>(insn.index));
      return e.tag == CpTag::double_ ? kDouble : kLong;
    }
    case jvm::ldc:
    case jvm::ldc_w: {
      if (insn.index <= 0 || static_cast<std::size_t>(insn.index) >= file.constant_pool.size()) {
        return "ldc refers outside the constant pool";
      }
      switch (file.constant_pool[static_cast<std::size_t>(insn.index)].tag) {
        case CpTag::integer:
          return std::nullopt;
        case CpTag::float_:
          return kFloat;
        case CpTag::string:
          return "string literals are not supported by Java Card; use byte arrays";
        case CpTag::class_:
          return "class literals are not supported by Java Card";
        default:
          return "method handles and dynamic constants are not supported by Java Card";
      }
    }
    case jvm::newarray:
      switch (insn.index) {
        case jvm::t_boolean:
        case jvm::t_byte:
        case jvm::t_short:
          return std::nullopt;
        case jvm::t_int:
          if (!int_support) return kIntArray;
          return std::nullopt;
        case jvm::t_char:
          return kChar;
        case jvm::t_float:
          return kFloat;
        case jvm::t_double:
          return kDouble;
        default:
          return kLong;
      }
    case jvm::anewarray:
    case jvm::checkcast:
    case jvm:: instanceof: {
      const std::string& name = file.class_name(static_cast<std::uint16_t>(insn.index));
      bool nested = op == jvm::anewarray ? name.starts_with("[") : name.starts_with("[[");
      if (nested) return "arrays of arrays are not supported by Java Card";
      return std::nullopt;
    }
    case jvm::multianewarray:
      return "arrays of arrays are not supported by Java Card";
    case jvm::monitorenter:
    case jvm::monitorexit:
      return "synchronized blocks are not supported by Java Card, which has no threads";
    case jvm::invokedynamic:
      return "lambda expressions, method references and string concatenation (invokedynamic) "
             "are not supported by Java Card";
    case jvm::jsr:
    case jvm::jsr_w:
    case jvm::ret:
      return "subroutines (jsr, ret) are not supported; compile with javac --release 8";
    default:
      return std::nullopt;
  }
}

Range operation_range(std::uint8_t op, const Range& a, const Range& b) {
  if (a.empty()) return {};
  switch (op) {
    case jvm::i2b:
      return (a.lo >= -128 && a.hi <= 127) ? a : Range{-128, 127};
    case jvm::i2s:
      return a.fits_short() ? a : Range{-32768, 32767};
    case jvm::ineg:
      return clamp(-a.hi, -a.lo);
    default:
      break;
  }
  if (b.empty()) return {};
  switch (op) {
    case jvm::iadd:
    case jvm::iinc:
      return clamp(a.lo + b.lo, a.hi + b.hi);
    case jvm::isub:
      return clamp(a.lo - b.hi, a.hi - b.lo);
    case jvm::imul:
      return span({a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi});
    case jvm::idiv:
      return divide(a, b);
    case jvm::irem:
      return remainder(a, b);
    case jvm::ishl:
      if (is_constant(b)) {
        std::int64_t factor = std::int64_t{1} << (b.lo & 31);
        return span({a.lo * factor, a.hi * factor});
      }
      return (a.lo == 0 && a.hi == 0) ? a : Range::full();
    case jvm::ishr:
      if (is_constant(b)) return {a.lo >> (b.lo & 31), a.hi >> (b.lo & 31)};
      return {std::min<std::int64_t>(a.lo, 0), std::max<std::int64_t>(a.hi, a.hi < 0 ? -1 : 0)};
    case jvm::iushr:
      if (is_constant(b)) return unsigned_shift(a, b.lo);
      return a.lo >= 0 ? Range{0, a.hi} : Range::full();
    case jvm::iand:
      if (a.lo >= 0 && b.lo >= 0) return {0, std::min(a.hi, b.hi)};
      if (a.lo >= 0) return {0, a.hi};
      if (b.lo >= 0) return {0, b.hi};
      return width_range(std::max(signed_width(a), signed_width(b)));
    case jvm::ior:
    case jvm::ixor: {
      Range bound = width_range(std::max(signed_width(a), signed_width(b)));
      if (a.lo >= 0 && b.lo >= 0) return {0, bound.hi};
      return bound;
    }
    default:
      return Range::full();
  }
}

OperandDemands operand_demands(std::uint8_t op, Demand result, bool short_result,
                               const Range& first, const Range& second) {
  OperandDemands d;
  const bool used = result > kNoDemand;
  const bool is_shift = op == jvm::ishl || op == jvm::ishr || op == jvm::iushr;
  if (op == jvm::i2b) {
    d.first = used ? 8 : kNoDemand;
    return d;
  }
  if (op == jvm::i2s) {
    d.first = used ? 16 : kNoDemand;
    return d;
  }
  if (op == jvm::idiv || op == jvm::irem) {
    // The divisor decides whether ArithmeticException is thrown even when the quotient is
    // unused.
    d.first = kExact;
    d.second = kExact;
    return d;
  }
  if (!short_result) {
    d.first = used ? kExact : kNoDemand;
    d.second = used ? (is_shift ? 5 : kExact) : kNoDemand;
    return d;
  }
  const int bits = low_bits(result);
  if (!used) return d;
  switch (op) {
    case jvm::ishl:
      d.first = bits;
      d.second = 5;
      return d;
    case jvm::ishr:
    case jvm::iushr: {
      d.second = 5;
      if (is_constant(second)) {
        std::int64_t s = second.lo & 31;
        if (s + bits <= 16) {
          d.first = static_cast<Demand>(s + bits);
          return d;
        }
      }
      d.first = kExact;
      // sushr shifts zeros into bit 15; Java's >>> shifts in the sign-extended upper bits
      // of a negative int.
      if (op == jvm::iushr && first.lo < 0) d.needs_int = true;
      return d;
    }
    case jvm::ineg:
      d.first = bits;
      return d;
    default:  // iadd, isub, imul, iand, ior, ixor, iinc
      d.first = bits;
      d.second = bits;
      return d;
  }
}

}  // namespace uicc::sdk
