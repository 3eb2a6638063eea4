package com.uicc.samples.hello;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * The smallest useful applet: INS 0x10 answers "Hello, world!".
 *
 * <p>Command: 80 10 00 00 00. Response: the greeting and 9000.
 */
public final class HelloWorld extends Applet {
  private static final byte INS_HELLO = (byte) 0x10;
  private static final byte[] GREETING = {
    'H', 'e', 'l', 'l', 'o', ',', ' ', 'w', 'o', 'r', 'l', 'd', '!'
  };

  private HelloWorld() {
    register();
  }

  public static void install(byte[] parameters, short offset, byte length) {
    new HelloWorld();
  }

  public void process(APDU apdu) {
    if (selectingApplet()) {
      return;
    }
    byte[] buffer = apdu.getBuffer();
    if (buffer[ISO7816.OFFSET_INS] != INS_HELLO) {
      ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
    }
    short length = (short) GREETING.length;
    Util.arrayCopyNonAtomic(GREETING, (short) 0, buffer, (short) 0, length);
    apdu.setOutgoingAndSend((short) 0, length);
  }
}
