package diffint;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.JCSystem;
import javacard.framework.Util;

/** Runs an operation of {@link Ops} on the card, as the applet of package diff does. */
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
    JCSystem.requestObjectDeletion();
    buffer[0] = Dispatch.thrown;
    Util.setShort(buffer, (short) 1, result);
    apdu.setOutgoingAndSend((short) 0, (short) 3);
  }
}
