package diff;

/**
 * Runs operation `op` of {@link Ops} and turns a thrown exception into a code, so that the
 * JVM and the VM can report the same outcome.
 */
public final class Dispatch {
  /** Number of operations: `op` runs from 0 to COUNT - 1. */
  public static final short COUNT = 44;

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
        return Ops.add(a, b);
      case 1:
        return Ops.sub(a, b);
      case 2:
        return Ops.mul(a, b);
      case 3:
        return Ops.div(a, b);
      case 4:
        return Ops.rem(a, b);
      case 5:
        return Ops.neg(a, b);
      case 6:
        return Ops.shl(a, b);
      case 7:
        return Ops.shr(a, b);
      case 8:
        return Ops.shrConstant(a, b);
      case 9:
        return Ops.highByte(a, b);
      case 10:
        return Ops.lowNibbleShift(a, b);
      case 11:
        return Ops.logic(a, b);
      case 12:
        return Ops.byteCast(a, b);
      case 13:
        return Ops.unsignedByte(a, b);
      case 14:
        return Ops.makeShort(a, b);
      case 15:
        return Ops.mixed(a, b);
      case 16:
        return Ops.less(a, b);
      case 17:
        return Ops.compareAll(a, b);
      case 18:
        return Ops.compareBytes(a, b);
      case 19:
        return Ops.conditionals(a, b);
      case 20:
        return Ops.tableSwitch(a, b);
      case 21:
        return Ops.lookupSwitch(a, b);
      case 22:
        return Ops.byteSwitch(a, b);
      case 23:
        return Ops.arrayRead(a, b);
      case 24:
        return Ops.arrayReadNext(a, b);
      case 25:
        return Ops.arrayReadMasked(a, b);
      case 26:
        return Ops.arrayWrite(a, b);
      case 27:
        return Ops.newArrayLength(a, b);
      case 28:
        return Ops.negativeArray(a, b);
      case 29:
        return Ops.booleans(a, b);
      case 30:
        return Ops.exceptions(a, b);
      case 31:
        return Ops.nestedExceptions(a, b);
      case 32:
        return Ops.nullPointer(a, b);
      case 33:
        return Ops.loopSum(a, b);
      case 34:
        return Ops.loopProduct(a, b);
      case 35:
        return Ops.bigIncrements(a, b);
      case 36:
        return Ops.statics(a, b);
      case 37:
        return Ops.divideEdges(a, b);
      case 38:
        return Ops.shiftCounts(a, b);
      case 39:
        return Ops.ternaryMix(a, b);
      case 40:
        return Ops.reuseSlots(a, b);
      case 41:
        return Ops.indexArithmetic(a, b);
      case 42:
        return Ops.maxOf(a, b);
      case 43:
        return Ops.abs(a, b);
      default:
        return -1;
    }
  }
}
