package tokens;

// Token assignment input: public, protected, package and private members of a class with a
// subclass in the same package.
public class Base {
  public static final short CONSTANT = 5;  // compile-time constant: no token
  public static short publicStatic;
  static short packageStatic;
  public byte publicByte;
  public Object publicReference;
  public int publicInt;
  protected short protectedShort;
  byte[] packageReference;
  short packageShort;
  private Object privateReference;

  public Base() {}

  Base(short unused) {}

  public static void publicStaticMethod() {}

  static void packageStaticMethod() {}

  public void first() {}

  protected void second() {}

  void packageFirst() {}

  private void hidden() {}

  public boolean equals(Object other) {
    return other == this;
  }
}
