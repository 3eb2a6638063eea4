package com.uicc.samples.echo;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * Returns the data of a command, as a test peer for terminals and readers.
 *
 * <ul>
 *   <li>INS 0x20 ECHO: answers the command data unchanged (case 4).
 *   <li>INS 0x22 REVERSE: answers the command data in reverse order.
 *   <li>INS 0x24 COUNT: answers the number of ECHO and REVERSE commands since selection, as
 *       two bytes, from a CLEAR_ON_DESELECT array.
 * </ul>
 */
public final class Echo extends Applet {
  private static final byte INS_ECHO = (byte) 0x20;
  private static final byte INS_REVERSE = (byte) 0x22;
  private static final byte INS_COUNT = (byte) 0x24;

  private final short[] counter;

  private Echo() {
    counter = JCSystem.makeTransientShortArray((short) 1, JCSystem.CLEAR_ON_DESELECT);
    register();
  }

  public static void install(byte[] parameters, short offset, byte length) {
    new Echo();
  }

  public void process(APDU apdu) {
    if (selectingApplet()) {
      return;
    }
    byte[] buffer = apdu.getBuffer();
    switch (buffer[ISO7816.OFFSET_INS]) {
      case INS_ECHO:
        counter[0]++;
        echo(apdu, false);
        return;
      case INS_REVERSE:
        counter[0]++;
        echo(apdu, true);
        return;
      case INS_COUNT:
        Util.setShort(buffer, (short) 0, counter[0]);
        apdu.setOutgoingAndSend((short) 0, (short) 2);
        return;
      default:
        ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
    }
  }

  private static void echo(APDU apdu, boolean reverse) {
    byte[] buffer = apdu.getBuffer();
    short length = apdu.setIncomingAndReceive();
    short offset = ISO7816.OFFSET_CDATA;
    if (reverse) {
      for (short low = offset, high = (short) (offset + length - 1); low < high; low++, high--) {
        byte swap = buffer[low];
        buffer[low] = buffer[high];
        buffer[high] = swap;
      }
    }
    apdu.setOutgoingAndSend(offset, length);
  }
}
