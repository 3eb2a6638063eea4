package translate;

// Idioms of applet code whose translation the tests check.
public class Patterns extends Base {
  static void xorBlocks(byte[] out, byte[] a, byte[] b) {
    for (short i = 0; i < 16; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
  }

  static short unsignedSum(byte[] data, short length) {
    short sum = 0;
    for (short i = 0; i < length; i++) {
      sum += (short) (data[i] & 0xFF);
    }
    return sum;
  }

  short callsSuper() {
    return (short) (super.value() + 1);
  }

  static short castArray(Object o) {
    if (o instanceof byte[]) {
      return (short) ((byte[]) o).length;
    }
    return -1;
  }

  static short ringSum(byte[] table) {
    short sum = 0;
    for (short x = 0; x < 5; x++) {
      sum += table[(short) ((x + 4) % 5)];
    }
    return sum;
  }

  static short countdown(short n) {
    short steps = 0;
    while (n > 0) {
      n = (short) (n / 2 - 1);
      steps++;
    }
    return steps;
  }

  static short catchAll(byte[] data) {
    try {
      return data[0];
    } catch (RuntimeException e) {
      return -2;
    }
  }
}

class Base {
  short value() {
    return 41;
  }
}
