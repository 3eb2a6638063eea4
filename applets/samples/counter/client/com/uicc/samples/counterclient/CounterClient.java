package com.uicc.samples.counterclient;

import com.uicc.samples.counterlib.Checksums;
import com.uicc.samples.counterlib.Counter;
import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * Uses another package's applet through its shareable interface, and a library's code.
 *
 * <ul>
 *   <li>INS 0x10 INCREMENT: adds P2 to the server's counter and answers its new value.
 *   <li>INS 0x12 LRC: answers the XOR of the command data, computed by the library.
 * </ul>
 */
public final class CounterClient extends Applet {
  private static final byte[] SERVER_AID = {
    (byte) 0xF0, 0x75, 0x69, 0x63, 0x63, 0x01, 0x05, 0x01
  };

  private CounterClient() {
    register();
  }

  public static void install(byte[] parameters, short offset, byte length) {
    new CounterClient();
  }

  public void process(APDU apdu) {
    if (selectingApplet()) {
      return;
    }
    byte[] buffer = apdu.getBuffer();
    switch (buffer[ISO7816.OFFSET_INS]) {
      case 0x10: {
        AID server = JCSystem.lookupAID(SERVER_AID, (short) 0, (byte) SERVER_AID.length);
        if (server == null) {
          ISOException.throwIt(ISO7816.SW_FILE_NOT_FOUND);
        }
        Counter counter = (Counter) JCSystem.getAppletShareableInterfaceObject(server, (byte) 0);
        if (counter == null) {
          ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
        }
        short value = counter.increment(buffer[ISO7816.OFFSET_P2]);
        Util.setShort(buffer, (short) 0, value);
        apdu.setOutgoingAndSend((short) 0, (short) 2);
        return;
      }
      case 0x12: {
        short length = apdu.setIncomingAndReceive();
        buffer[0] = Checksums.lrc(buffer, ISO7816.OFFSET_CDATA, length);
        apdu.setOutgoingAndSend((short) 0, (short) 1);
        return;
      }
      default:
        ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
    }
  }
}
