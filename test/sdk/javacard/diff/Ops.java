package diff;

/**
 * Methods on shorts for the differential test: each runs on the JVM and, converted, on the
 * VM, and both must give the same result for every input. They cover what javac's int
 * arithmetic makes delicate for a short machine: overflow, casts, shifts, comparisons,
 * switches, array accesses with computed indexes, exceptions and loops.
 */
public final class Ops {
  static final byte[] BYTES = {1, 2, 3, 4, 5, 6, 7, 8, -1, -2, 127, -128, 0, 9, 10, 11};
  static final short[] SHORTS = {0, 1, -1, 32767, -32768, 1000, -1000, 255};
  static final boolean[] FLAGS = {true, false, true};
  static short counter = 7;
  static byte small = -3;

  private Ops() {}

  static short add(short a, short b) {
    return (short) (a + b);
  }

  static short sub(short a, short b) {
    return (short) (a - b);
  }

  static short mul(short a, short b) {
    return (short) (a * b);
  }

  static short div(short a, short b) {
    return (short) (a / b);
  }

  static short rem(short a, short b) {
    return (short) (a % b);
  }

  static short neg(short a, short b) {
    return (short) (-a);
  }

  static short shl(short a, short b) {
    return (short) (a << b);
  }

  static short shr(short a, short b) {
    return (short) (a >> b);
  }

  static short shrConstant(short a, short b) {
    return (short) (a >> 3);
  }

  static short highByte(short a, short b) {
    return (byte) (a >>> 8);
  }

  static short lowNibbleShift(short a, short b) {
    return (byte) (a >>> 4);
  }

  static short logic(short a, short b) {
    return (short) ((a & b) ^ (a | 0x0F0F) ^ ~b);
  }

  static short byteCast(short a, short b) {
    return (byte) (a + b);
  }

  static short unsignedByte(short a, short b) {
    return (short) ((byte) a & 0xFF);
  }

  static short makeShort(short a, short b) {
    return (short) (((byte) a << 8) | ((byte) b & 0xFF));
  }

  static short mixed(short a, short b) {
    return (short) (a * 3 + b / 7 - (a ^ b) + (a >> 2));
  }

  static short less(short a, short b) {
    return (short) (a < b ? 1 : 0);
  }

  static short compareAll(short a, short b) {
    short r = 0;
    if (a == b) r |= 1;
    if (a != b) r |= 2;
    if (a < b) r |= 4;
    if (a <= b) r |= 8;
    if (a > b) r |= 16;
    if (a >= b) r |= 32;
    if (a < 0) r |= 64;
    if (b >= 0) r |= 128;
    return r;
  }

  static short compareBytes(short a, short b) {
    byte x = (byte) a;
    byte y = (byte) b;
    return (short) (x < y ? -1 : (x == y ? 0 : 1));
  }

  static short conditionals(short a, short b) {
    boolean odd = (a & 1) != 0;
    boolean negative = b < 0;
    if (odd && negative) return 1;
    if (odd || negative) return 2;
    return (short) (!odd ? 3 : 4);
  }

  static short tableSwitch(short a, short b) {
    switch (a) {
      case 0:
        return 10;
      case 1:
        return 11;
      case 2:
        return (short) (b + 1);
      case 3:
      case 4:
        return 34;
      case 5:
        return 35;
      default:
        return -1;
    }
  }

  static short lookupSwitch(short a, short b) {
    switch (b) {
      case -32768:
        return 1;
      case -1000:
        return 2;
      case 7:
        return 3;
      case 255:
        return 4;
      case 1000:
        return 5;
      case 32767:
        return 6;
      default:
        return (short) (a & 0x7F);
    }
  }

  static short byteSwitch(short a, short b) {
    switch ((byte) a) {
      case -128:
        return 1;
      case -1:
        return 2;
      case 100:
        return 3;
      default:
        return 0;
    }
  }

  static short arrayRead(short a, short b) {
    return BYTES[a];
  }

  static short arrayReadNext(short a, short b) {
    return BYTES[a + 1];
  }

  static short arrayReadMasked(short a, short b) {
    return SHORTS[(short) (a & 7)];
  }

  static short arrayWrite(short a, short b) {
    byte[] local = new byte[8];
    local[(short) (a & 7)] = (byte) b;
    local[(short) ((a + 1) & 7)] += (byte) (b >> 8);
    return (short) (local[(short) (a & 7)] + local[(short) ((a + 1) & 7)]);
  }

  static short newArrayLength(short a, short b) {
    short[] created = new short[(short) (a & 0xFF)];
    return (short) created.length;
  }

  static short negativeArray(short a, short b) {
    byte[] created = new byte[(short) (a >> 6)];
    return (short) created.length;
  }

  static short booleans(short a, short b) {
    return (short) (FLAGS[(short) (a & 1)] ? 5 : 6);
  }

  static short exceptions(short a, short b) {
    short r = 0;
    try {
      if (a > b) {
        throw new ArithmeticException();
      }
      r = 1;
    } catch (ArithmeticException e) {
      r = 2;
    } finally {
      r += 10;
    }
    return r;
  }

  static short nestedExceptions(short a, short b) {
    short r = 0;
    try {
      try {
        r = BYTES[a];
        r = (short) (r / b);
      } catch (ArithmeticException e) {
        r = -2;
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      r = -3;
    }
    return r;
  }

  static short nullPointer(short a, short b) {
    byte[] maybe = a > 0 ? BYTES : null;
    try {
      return (short) maybe.length;
    } catch (NullPointerException e) {
      return -4;
    }
  }

  static short loopSum(short a, short b) {
    short sum = 0;
    for (short i = 0; i < (short) (a & 63); i++) {
      sum += (short) (i * b);
    }
    return sum;
  }

  static short loopProduct(short a, short b) {
    short p = 1;
    short n = (short) (b & 15);
    while (n-- > 0) {
      p *= a;
    }
    return p;
  }

  static short bigIncrements(short a, short b) {
    a += 200;
    a -= 1000;
    a++;
    b += a;
    return (short) (a ^ b);
  }

  static short statics(short a, short b) {
    counter += a;
    small -= (byte) b;
    return (short) (counter + small);
  }

  static short divideEdges(short a, short b) {
    short x = (short) (a == 0 ? -32768 : a);
    short y = (short) (b == 0 ? -1 : b);
    return (short) ((short) (x / y) + (short) (x % y));
  }

  static short shiftCounts(short a, short b) {
    return (short) ((a << (b & 31)) + (a >> (b & 15)) + (a << 17) + (a >> 20));
  }

  static short ternaryMix(short a, short b) {
    byte x = (byte) b;
    short y = a > 0 ? a : x;
    return (short) (y * 2);
  }

  static short reuseSlots(short a, short b) {
    short r = 0;
    {
      short t = (short) (a + 1);
      r += t;
    }
    {
      byte u = (byte) b;
      r += u;
    }
    return r;
  }

  static short indexArithmetic(short a, short b) {
    short i = (short) (a & 15);
    return (short) (BYTES[i] + BYTES[(short) (15 - i)] * 2);
  }

  static short maxOf(short a, short b) {
    return a > b ? a : b;
  }

  static short abs(short a, short b) {
    return a < 0 ? (short) -a : a;
  }
}
