package diffint;

/**
 * Runs operation `op` of {@link Ops} and turns a thrown exception into a code, so that the
 * JVM and the VM can report the same outcome.
 */
public final class Dispatch {
  /** Number of operations: `op` runs from 0 to COUNT - 1. */
  public static final short COUNT = 13;

  /** Kind of exception the last call threw: 0 none, 1 arithmetic, 2 array index, 3 null, 4
   * negative array size, 5 other runtime exception. */
  public static byte thrown;

  private Dispatch() {}

  public static short call(byte op, short a, short b) {
    thrown = 0;
    try {
      return run(op, a, b);
    } catch (ArithmeticException e) {
      thrown = 1;
    } catch (ArrayIndexOutOfBoundsException e) {
      thrown = 2;
    } catch (NullPointerException e) {
      thrown = 3;
    } catch (NegativeArraySizeException e) {
      thrown = 4;
    } catch (RuntimeException e) {
      thrown = 5;
    }
    return 0;
  }

  private static short run(byte op, short a, short b) {
    switch (op) {
      case 0:
        return Ops.highProduct(a, b);
      case 1:
        return Ops.sumCompare(a, b);
      case 2:
        return Ops.unsignedHigh(a, b);
      case 3:
        return Ops.unsignedShift(a, b);
      case 4:
        return Ops.intLoop(a, b);
      case 5:
        return Ops.intDivide(a, b);
      case 6:
        return Ops.intSwitch(a, b);
      case 7:
        return Ops.intArray(a, b);
      case 8:
        return Ops.intStatic(a, b);
      case 9:
        return Ops.wideIndex(a, b);
      case 10:
        return Ops.mixedTernary(a, b);
      case 11:
        return Ops.averageOf(a, b);
      case 12:
        return Ops.saturatingAdd(a, b);
      default:
        return -1;
    }
  }
}
