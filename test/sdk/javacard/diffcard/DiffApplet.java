package diff;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * Runs an operation of {@link Ops} on the card: 80 10 op 00 04 a(2) b(2) 03. The response is
 * the exception code of {@link Dispatch#thrown} and the two-byte result.
 */
public final class DiffApplet extends Applet {
  private DiffApplet() {
    register();
  }

  public static void install(byte[] parameters, short offset, byte length) {
    new DiffApplet();
  }

  public void process(APDU apdu) {
    if (selectingApplet()) {
      return;
    }
    byte[] buffer = apdu.getBuffer();
    apdu.setIncomingAndReceive();
    short a = Util.getShort(buffer, ISO7816.OFFSET_CDATA);
    short b = Util.getShort(buffer, (short) (ISO7816.OFFSET_CDATA + 2));
    short result = Dispatch.call(buffer[ISO7816.OFFSET_P1], a, b);
    // Java Card has no garbage collector: the arrays an operation allocates are reclaimed on
    // request, at the end of the command.
    JCSystem.requestObjectDeletion();
    buffer[0] = Dispatch.thrown;
    Util.setShort(buffer, (short) 1, result);
    apdu.setOutgoingAndSend((short) 0, (short) 3);
  }
}
