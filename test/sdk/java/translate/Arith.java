package translate;

// Methods whose Java Card translation the translator tests check instruction by instruction.
public class Arith {
  private short counter;
  private byte[] buffer;

  static short add(short a, short b) {
    return (short) (a + b);
  }

  static short loop(byte[] buf, short len) {
    short sum = 0;
    for (short i = 0; i < len; i++) {
      sum += buf[i];
    }
    return sum;
  }

  static byte highByte(short s) {
    return (byte) (s >>> 8);
  }

  static boolean less(short a, short b) {
    return a < b;
  }

  static short maskedIndex(byte[] buf, short off) {
    return (short) (buf[off + 1] & 0xFF);
  }

  short bump() {
    counter++;
    return counter;
  }

  static short select(short key) {
    switch (key) {
      case 1:
        return 10;
      case 2:
        return 20;
      case 3:
        return 30;
      default:
        return 0;
    }
  }

  static short overflowCompare(short a, short b) {
    if (a + b > 100) {
      return 1;
    }
    return 0;
  }

  static short divide(short a, short b) {
    return (short) (a / b);
  }

  static short unsignedShift(short s) {
    return (short) (s >>> 1);
  }
}
