package unsupported;

// One use of each construct outside the Java Card subset; the converter must report each with
// its line. The comment at the end of a line names the construct the test looks for.
public class Unsupported {
  static final String NAME = "constant";  // allowed: a compile-time constant needs no storage
  long longField;  // long field
  float floatField;  // float field
  double doubleField;  // double field
  char charField;  // char field
  String stringField;  // String field
  transient short transientField;  // transient field
  volatile short volatileField;  // volatile field
  int intField;  // int field
  short[][] matrixField;  // array of arrays field
  static short counter;
  static short[] table = build();  // static initializer calling a method

  static short[] build() {
    return new short[4];
  }

  static short longMath(short a) {
    long x = a;  // long arithmetic
    return (short) (x * 3);
  }

  static short floatMath(short a) {
    float f = a;  // float arithmetic
    return (short) (f * 1.5f);
  }

  static short doubleMath(short a) {
    double d = a;  // double arithmetic
    return (short) (d / 3);
  }

  static short charMath(byte[] b) {
    char c = (char) b[0];  // char conversion
    return (short) c;
  }

  static short stringLength() {
    return (short) "abc".length();  // string literal
  }

  static void synchronizedBlock(Object lock) {
    synchronized (lock) {  // synchronized block
      counter++;
    }
  }

  synchronized void synchronizedMethod() {  // synchronized method
    counter++;
  }

  native void nativeMethod();  // native method

  static short matrix() {
    short[][] m = new short[2][2];  // multidimensional array
    return m[0][0];
  }

  static Object lambda() {
    Runnable r = () -> counter++;  // lambda
    return r;
  }

  static int intResult(short a) {  // int result
    return a * 1000;
  }

  static boolean overflow(short a, short b) {
    return a + b > 0;  // int intermediate in a comparison
  }

  static short hash(Object o) {
    return (short) o.hashCode();  // method outside the Java Card API
  }
}

interface WithDefault {
  default short value() {  // default method
    return 1;
  }
}
