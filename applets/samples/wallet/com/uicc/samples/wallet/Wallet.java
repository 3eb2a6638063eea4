package com.uicc.samples.wallet;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.OwnerPIN;
import javacard.framework.Util;

/**
 * An electronic purse protected by a PIN, whose balance and transaction log change together
 * or not at all.
 *
 * <p>The install parameters hold the PIN (4 to 8 bytes). Commands, class 0x80:
 *
 * <ul>
 *   <li>VERIFY (INS 0x20): the PIN as data. 63Cx on a wrong PIN with x tries left, 6983 once
 *       blocked.
 *   <li>CREDIT (INS 0x30) and DEBIT (INS 0x40): a two-byte amount, 1 to 5000. They need the
 *       PIN (6982), keep the balance within 0..20000 (6A84, 6A85) and record the operation.
 *   <li>GET BALANCE (INS 0x50): two bytes.
 *   <li>GET LOG (INS 0x52): the last operation: type (0x30 or 0x40), amount, and the number
 *       of operations, as five bytes.
 * </ul>
 */
public final class Wallet extends Applet {
  private static final byte INS_VERIFY = (byte) 0x20;
  private static final byte INS_CREDIT = (byte) 0x30;
  private static final byte INS_DEBIT = (byte) 0x40;
  private static final byte INS_GET_BALANCE = (byte) 0x50;
  private static final byte INS_GET_LOG = (byte) 0x52;

  private static final byte PIN_TRIES = 3;
  private static final byte PIN_MAX_LENGTH = 8;
  private static final short MAX_BALANCE = 20000;
  private static final short MAX_AMOUNT = 5000;

  private static final short SW_WRONG_AMOUNT = 0x6A83;
  private static final short SW_EXCEEDS_MAXIMUM = 0x6A84;
  private static final short SW_NEGATIVE_BALANCE = 0x6A85;

  private final OwnerPIN pin;
  private short balance;
  // Last operation: type, amount (2 bytes), operation count (2 bytes).
  private final byte[] log;

  private Wallet(byte[] parameters, short offset, byte length) {
    pin = new OwnerPIN(PIN_TRIES, PIN_MAX_LENGTH);
    log = new byte[5];
    // parameters: LV instance AID, LV privileges, LV application parameters, which are the PIN
    short aidLength = parameters[offset];
    short privilegesOffset = (short) (offset + 1 + aidLength);
    short dataOffset = (short) (privilegesOffset + 1 + parameters[privilegesOffset]);
    byte pinLength = parameters[dataOffset];
    if (pinLength < 4 || pinLength > PIN_MAX_LENGTH) {
      ISOException.throwIt(ISO7816.SW_WRONG_DATA);
    }
    pin.update(parameters, (short) (dataOffset + 1), pinLength);
    register(parameters, (short) (offset + 1), parameters[offset]);
  }

  public static void install(byte[] parameters, short offset, byte length) {
    new Wallet(parameters, offset, length);
  }

  public boolean select() {
    return pin.getTriesRemaining() > 0;
  }

  public void deselect() {
    pin.reset();
  }

  public void process(APDU apdu) {
    if (selectingApplet()) {
      return;
    }
    byte[] buffer = apdu.getBuffer();
    if (buffer[ISO7816.OFFSET_CLA] != (byte) 0x80) {
      ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
    }
    switch (buffer[ISO7816.OFFSET_INS]) {
      case INS_VERIFY:
        verify(apdu);
        return;
      case INS_CREDIT:
        change(apdu, true);
        return;
      case INS_DEBIT:
        change(apdu, false);
        return;
      case INS_GET_BALANCE:
        Util.setShort(buffer, (short) 0, balance);
        apdu.setOutgoingAndSend((short) 0, (short) 2);
        return;
      case INS_GET_LOG:
        Util.arrayCopyNonAtomic(log, (short) 0, buffer, (short) 0, (short) log.length);
        apdu.setOutgoingAndSend((short) 0, (short) log.length);
        return;
      default:
        ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
    }
  }

  private void verify(APDU apdu) {
    if (pin.getTriesRemaining() == 0) {
      ISOException.throwIt(ISO7816.SW_FILE_INVALID);
    }
    byte[] buffer = apdu.getBuffer();
    byte length = (byte) apdu.setIncomingAndReceive();
    if (!pin.check(buffer, ISO7816.OFFSET_CDATA, length)) {
      ISOException.throwIt((short) (0x63C0 | pin.getTriesRemaining()));
    }
  }

  private void change(APDU apdu, boolean credit) {
    if (!pin.isValidated()) {
      ISOException.throwIt(ISO7816.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    byte[] buffer = apdu.getBuffer();
    if (apdu.setIncomingAndReceive() != 2) {
      ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
    }
    short amount = Util.getShort(buffer, ISO7816.OFFSET_CDATA);
    if (amount <= 0 || amount > MAX_AMOUNT) {
      ISOException.throwIt(SW_WRONG_AMOUNT);
    }
    short updated = credit ? (short) (balance + amount) : (short) (balance - amount);
    if (updated > MAX_BALANCE) {
      ISOException.throwIt(SW_EXCEEDS_MAXIMUM);
    }
    if (updated < 0) {
      ISOException.throwIt(SW_NEGATIVE_BALANCE);
    }
    // The balance and the log change in one transaction: a power loss leaves both old or
    // both new.
    JCSystem.beginTransaction();
    balance = updated;
    log[0] = credit ? INS_CREDIT : INS_DEBIT;
    Util.setShort(log, (short) 1, amount);
    Util.setShort(log, (short) 3, (short) (Util.getShort(log, (short) 3) + 1));
    JCSystem.commitTransaction();
  }
}
