package diffint;

/**
 * Operations whose Java results need 32-bit intermediates: converted with int support, the
 * translator must compute them with the int instructions, and the results must still equal
 * the JVM's.
 */
public final class Ops {
  static final byte[] BYTES = {10, 20, 30, 40, 50, 60, 70, 80};
  static int total = 100000;

  private Ops() {}

  static short highProduct(short a, short b) {
    return (short) ((a * b) >> 16);
  }

  static short sumCompare(short a, short b) {
    return (short) (a + b > 1000 ? 1 : 0);
  }

  static short unsignedHigh(short a, short b) {
    return (short) ((a & 0xFFFF) >>> 8);
  }

  static short unsignedShift(short a, short b) {
    return (short) (a >>> 1);
  }

  static short intLoop(short a, short b) {
    int acc = 0;
    for (int i = 0; i < (a & 31); i++) {
      acc += a * b;
    }
    return (short) (acc >>> 3);
  }

  static short intDivide(short a, short b) {
    int x = a * 1000;
    int y = b == 0 ? 7 : b;
    return (short) (x / y + x % y);
  }

  static short intSwitch(short a, short b) {
    int key = a * 100;
    switch (key) {
      case -3276800:
        return 1;
      case 0:
        return 2;
      case 100000:
        return 3;
      case 3276700:
        return 4;
      default:
        return (short) (key >> 12);
    }
  }

  static short intArray(short a, short b) {
    int[] values = new int[4];
    values[a & 3] = a * b;
    values[(a + 1) & 3] = values[a & 3] + 65536;
    return (short) ((values[a & 3] ^ values[(a + 1) & 3]) >> 4);
  }

  static short intStatic(short a, short b) {
    total += a * b;
    return (short) (total >> 8);
  }

  static short wideIndex(short a, short b) {
    return BYTES[a + b];
  }

  static short mixedTernary(short a, short b) {
    int wide = a * b;
    short narrow = a;
    int chosen = b > 0 ? wide : narrow;
    return (short) (chosen >> 2);
  }

  static short averageOf(short a, short b) {
    return (short) ((a + b) / 2);
  }

  static short saturatingAdd(short a, short b) {
    int sum = a + b;
    if (sum > 32767) return 32767;
    if (sum < -32768) return -32768;
    return (short) sum;
  }
}
