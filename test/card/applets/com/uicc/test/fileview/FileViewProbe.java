package com.uicc.test.fileview;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;
import uicc.access.FileView;
import uicc.access.UICCException;
import uicc.access.UICCSystem;

/**
 * Drives uicc.access from APDUs for the card's tests: each instruction calls one FileView
 * method, and a UICCException comes back as status word 6FXX with the reason in XX.
 */
public final class FileViewProbe extends Applet {
    private FileView view;
    private final short[] records = new short[8];

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new FileViewProbe().register();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buffer = apdu.getBuffer();
        short p1p2 = Util.getShort(buffer, ISO7816.OFFSET_P1);
        short length = 0;
        try {
            switch (buffer[ISO7816.OFFSET_INS]) {
                case 0x01:  // P1 00: the UICC view; P1 01: the view of the ADF whose AID is the data
                    if (buffer[ISO7816.OFFSET_P1] == 0) {
                        view = UICCSystem.getTheUICCView(JCSystem.CLEAR_ON_RESET);
                    } else {
                        short aidLength = apdu.setIncomingAndReceive();
                        view = UICCSystem.getTheFileView(buffer, ISO7816.OFFSET_CDATA, (byte) aidLength,
                                                         JCSystem.CLEAR_ON_DESELECT);
                    }
                    if (view == null) {
                        ISOException.throwIt(ISO7816.SW_FILE_NOT_FOUND);
                    }
                    return;
                case (byte) 0xA4:  // select P1-P2 and return the FCP
                    length = view.select(p1p2, buffer, (short) 0, (short) 255);
                    break;
                case (byte) 0xA5:  // select(byte) with P2
                    view.select(buffer[ISO7816.OFFSET_P2]);
                    return;
                case (byte) 0xF2:
                    length = view.status(buffer, (short) 0, (short) 255);
                    break;
                case (byte) 0xB0:  // read P3 bytes at offset P1-P2
                    length = view.readBinary(p1p2, buffer, (short) 0, (short) (buffer[ISO7816.OFFSET_LC] & 0xFF));
                    break;
                case (byte) 0xD6:
                    length = apdu.setIncomingAndReceive();
                    view.updateBinary(p1p2, buffer, ISO7816.OFFSET_CDATA, length);
                    return;
                case (byte) 0xB2:  // read P3 bytes of record P1 in mode P2
                    length = view.readRecord(buffer[ISO7816.OFFSET_P1], buffer[ISO7816.OFFSET_P2], (short) 0, buffer,
                                             (short) 0, (short) (buffer[ISO7816.OFFSET_LC] & 0xFF));
                    break;
                case (byte) 0xDC:
                    length = apdu.setIncomingAndReceive();
                    view.updateRecord(buffer[ISO7816.OFFSET_P1], buffer[ISO7816.OFFSET_P2], (short) 0, buffer,
                                      ISO7816.OFFSET_CDATA, length);
                    return;
                case (byte) 0xA2: {  // search for the data from record P1 in mode P2
                    short patternLength = apdu.setIncomingAndReceive();
                    short found = view.searchRecord(buffer[ISO7816.OFFSET_P2], buffer[ISO7816.OFFSET_P1], (short) 0,
                                                    buffer, ISO7816.OFFSET_CDATA, patternLength, records, (short) 0,
                                                    (short) records.length);
                    for (short i = 0; i < found && i < (short) records.length; i++) {
                        buffer[i] = (byte) records[i];
                    }
                    length = found;
                    break;
                }
                case (byte) 0x32: {
                    short valueLength = apdu.setIncomingAndReceive();
                    Util.arrayCopyNonAtomic(buffer, ISO7816.OFFSET_CDATA, buffer, (short) 64, valueLength);
                    length = view.increase(buffer, (short) 64, valueLength, buffer, (short) 0);
                    break;
                }
                case 0x04:
                    view.deactivateFile();
                    return;
                case 0x44:
                    view.activateFile();
                    return;
                default:
                    ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
            }
        } catch (UICCException e) {
            ISOException.throwIt((short) (0x6F00 | e.getReason()));
        }
        apdu.setOutgoingAndSend((short) 0, length);
    }
}
