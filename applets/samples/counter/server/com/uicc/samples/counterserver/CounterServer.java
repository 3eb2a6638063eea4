package com.uicc.samples.counterserver;

import com.uicc.samples.counterlib.Counter;
import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Shareable;
import javacard.framework.Util;

/**
 * Holds a persistent counter and shares it with other applets as a {@link Counter}. INS 0x10
 * answers the value as two bytes.
 */
public final class CounterServer extends Applet implements Counter {
  private short count;

  private CounterServer() {
    register();
  }

  public static void install(byte[] parameters, short offset, byte length) {
    new CounterServer();
  }

  public Shareable getShareableInterfaceObject(AID client, byte parameter) {
    if (parameter != 0) {
      return null;
    }
    return this;
  }

  public short increment(short amount) {
    count += amount;
    return count;
  }

  public short value() {
    return count;
  }

  public void process(APDU apdu) {
    if (selectingApplet()) {
      return;
    }
    byte[] buffer = apdu.getBuffer();
    if (buffer[ISO7816.OFFSET_INS] != (byte) 0x10) {
      ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
    }
    Util.setShort(buffer, (short) 0, count);
    apdu.setOutgoingAndSend((short) 0, (short) 2);
  }
}
