package tokens;

// Overrides a public and a package method of Base and introduces one of each.
public class Derived extends Base implements Service {
  public void first() {}

  public void third() {}

  void packageFirst() {}

  void packageSecond() {}

  public short serve(short value) {
    return value;
  }

  public short serveTwice(short value) {
    return (short) (value * 2);
  }
}
