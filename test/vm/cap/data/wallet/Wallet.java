package com.example.wallet;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.OwnerPIN;
import javacard.framework.Util;

public class Wallet extends Applet {
  private static final byte INS_CREDIT = 0x30;
  private static final byte INS_DEBIT = 0x40;
  private static final byte INS_BALANCE = 0x50;
  private static final byte[] GREETING = {1, 2, 3, 4};
  private short balance;
  private final OwnerPIN pin;

  private Wallet() {
    pin = new OwnerPIN((byte) 3, (byte) 8);
    register();
  }

  public static void install(byte[] bArray, short bOffset, byte bLength) {
    new Wallet();
  }

  private short unusedHelper(short a) {
    return (short) (a * 3);
  }

  public void process(APDU apdu) {
    if (selectingApplet()) return;
    byte[] buffer = apdu.getBuffer();
    switch (buffer[ISO7816.OFFSET_INS]) {
      case INS_CREDIT:
        apdu.setIncomingAndReceive();
        balance += buffer[ISO7816.OFFSET_CDATA];
        break;
      case INS_DEBIT:
        apdu.setIncomingAndReceive();
        try {
          if (balance < buffer[ISO7816.OFFSET_CDATA]) ISOException.throwIt((short) 0x6A84);
          balance -= buffer[ISO7816.OFFSET_CDATA];
        } catch (ArithmeticException e) {
          ISOException.throwIt(ISO7816.SW_DATA_INVALID);
        }
        break;
      case INS_BALANCE:
        Util.setShort(buffer, (short) 0, balance);
        Util.arrayCopyNonAtomic(GREETING, (short) 0, buffer, (short) 2, (short) GREETING.length);
        apdu.setOutgoingAndSend((short) 0, (short) 6);
        break;
      default:
        ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
    }
  }
}
