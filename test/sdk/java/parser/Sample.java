package parser;

// Class file reader input: constants, a static initialiser, an exception handler and
// line numbers.
public class Sample {
  public static final short LIMIT = 300;
  static final byte[] TABLE = {1, 2, 3};
  private short counter;

  public short add(short a, short b) {
    return (short) (a + b);
  }

  short guarded(byte[] buffer, short index) {
    try {
      return buffer[index];
    } catch (ArrayIndexOutOfBoundsException e) {
      return -1;
    }
  }
}
