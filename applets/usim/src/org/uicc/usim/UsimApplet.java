package org.uicc.usim;

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
 * The USIM application: AUTHENTICATE in 3G and GSM context (3GPP TS 31.102 V17 §7.1.2) with
 * Milenage or TUAK and the sequence number handling of 3GPP TS 33.102 Annex C. The card's
 * platform serves the files of ADF.USIM; this applet answers the commands that need the
 * subscriber key.
 *
 * <p>Install parameters (the application-specific parameters of INSTALL [for install]) are
 * BER-TLV objects:
 * <pre>
 *   80 01  algorithm: 01 Milenage, 02 TUAK
 *   81 L   K (16 bytes; TUAK also 32)
 *   82 L   OPc or TOPc        or   83 L   OP or TOP
 *   84 50  Milenage c1..c5    85 05  Milenage r1..r5        (optional)
 *   86 05  TUAK iterations and MAC, RES, CK, IK sizes in bytes (optional)
 *   87 0D  SQN: IND bits, delta (6 bytes), age limit L (6 bytes, zero: off) (optional)
 *   88 01  options: bit 1 = return Kc in 3G context when the card offers no file view
 * </pre>
 */
public final class UsimApplet extends Applet {
    private static final byte INS_AUTHENTICATE = (byte) 0x88;
    private static final byte P2_GSM = (byte) 0x80;
    private static final byte P2_3G = (byte) 0x81;
    private static final short SW_AUTHENTICATION_ERROR_WRONG_MAC = (short) 0x9862;

    private static final byte TAG_ALGORITHM = (byte) 0x80;
    private static final byte TAG_K = (byte) 0x81;
    private static final byte TAG_OPC = (byte) 0x82;
    private static final byte TAG_OP = (byte) 0x83;
    private static final byte TAG_MILENAGE_C = (byte) 0x84;
    private static final byte TAG_MILENAGE_R = (byte) 0x85;
    private static final byte TAG_TUAK = (byte) 0x86;
    private static final byte TAG_SQN = (byte) 0x87;
    private static final byte TAG_OPTIONS = (byte) 0x88;
    private static final byte OPTION_KC = 0x01;

    // TS 35.206 §4.1: the proposed constants c1..c5 (c1 = 0, ci has bit i-2 of the last byte)
    // and rotations r1..r5.
    private static final byte[] DEFAULT_R = {64, 0, 32, 64, 96};
    // TS 33.102 Annex C.3.2 leaves delta to the operator; 2^28 as 48-bit big-endian.
    private static final byte[] DEFAULT_SQN = {5, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    private final AkaAlgorithm algorithm;
    private final SequenceNumbers sequenceNumbers;
    private final boolean returnKcWithoutFiles;
    private final byte[] work;  // RAM: SQN, AK, MAC and the like
    private FileView files;     // ADF.USIM, through uicc.access (ETSI TS 102 241)

    private UsimApplet(byte[] p, short offset, short length) {
        byte kind = find(p, offset, length, TAG_ALGORITHM, (short) 1) >= 0
            ? p[find(p, offset, length, TAG_ALGORITHM, (short) 1)] : 1;
        short k = find(p, offset, length, TAG_K, (short) -1);
        if (k < 0) {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }
        short kLength = (short) (p[(short) (k - 1)] & 0xFF);
        short op = find(p, offset, length, TAG_OPC, (short) -1);
        boolean opIsDerived = op >= 0;
        if (!opIsDerived) {
            op = find(p, offset, length, TAG_OP, (short) -1);
        }
        if (op < 0) {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }

        if (kind == 1) {
            if (kLength != 16 || p[(short) (op - 1)] != 16) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            byte[] constants = new byte[80];
            for (short i = 1; i < 5; i++) {
                constants[(short) (16 * i + 15)] = (byte) (1 << (i - 1));
            }
            short c = find(p, offset, length, TAG_MILENAGE_C, (short) 80);
            if (c >= 0) {
                Util.arrayCopyNonAtomic(p, c, constants, (short) 0, (short) 80);
            }
            short r = find(p, offset, length, TAG_MILENAGE_R, (short) 5);
            byte[] rotations = r >= 0 ? p : DEFAULT_R;
            algorithm = new Milenage(p, k, p, op, opIsDerived, constants, (short) 0, rotations,
                                     r >= 0 ? r : 0);
        } else if (kind == 2) {
            if ((kLength != 16 && kLength != 32) || p[(short) (op - 1)] != 32) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            short t = find(p, offset, length, TAG_TUAK, (short) 5);
            if (t >= 0) {
                algorithm = new Tuak(p, k, kLength, p, op, opIsDerived, p[t], p[(short) (t + 1)],
                                     p[(short) (t + 2)], p[(short) (t + 3)], p[(short) (t + 4)]);
            } else {
                algorithm = new Tuak(p, k, kLength, p, op, opIsDerived, (byte) 1, (short) 8, (short) 8,
                                     (short) 16, (short) 16);
            }
        } else {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            algorithm = null;
        }

        short s = find(p, offset, length, TAG_SQN, (short) 13);
        if (s >= 0) {
            if (p[s] < 0 || p[s] > 10) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            sequenceNumbers = new SequenceNumbers(p[s], p, (short) (s + 1), (short) (s + 7));
        } else {
            sequenceNumbers = new SequenceNumbers(DEFAULT_SQN[0], DEFAULT_SQN, (short) 1, (short) 7);
        }
        short o = find(p, offset, length, TAG_OPTIONS, (short) 1);
        returnKcWithoutFiles = o >= 0 && (p[o] & OPTION_KC) != 0;
        work = JCSystem.makeTransientByteArray((short) 64, JCSystem.CLEAR_ON_DESELECT);
    }

    /**
     * Creates the instance. {@code bArray} holds, as GlobalPlatform lays them out, the
     * instance AID, the privileges and the application-specific parameters, each with a
     * length byte in front.
     */
    public static void install(byte[] bArray, short bOffset, byte bLength) {
        short aid = bOffset;
        short privileges = (short) (aid + 1 + (bArray[aid] & 0xFF));
        short parameters = (short) (privileges + 1 + (bArray[privileges] & 0xFF));
        short parametersLength = (short) (bArray[parameters] & 0xFF);
        UsimApplet applet = new UsimApplet(bArray, (short) (parameters + 1), parametersLength);
        applet.register(bArray, (short) (aid + 1), bArray[aid]);
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buffer = apdu.getBuffer();
        if (!apdu.isISOInterindustryCLA()) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
        if (buffer[ISO7816.OFFSET_INS] != INS_AUTHENTICATE) {
            ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        authenticate(apdu, buffer);
    }

    /** AUTHENTICATE, 3GPP TS 31.102 §7.1.2. */
    private void authenticate(APDU apdu, byte[] buffer) {
        if (buffer[ISO7816.OFFSET_P1] != 0) {
            ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        }
        byte context = buffer[ISO7816.OFFSET_P2];
        if (context != P2_3G && context != P2_GSM) {
            ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        }
        short received = apdu.setIncomingAndReceive();
        short data = ISO7816.OFFSET_CDATA;
        // 3G: 10 RAND, then AUTN = SQN xor AK (6) || AMF (2) || MAC-A (8, or more with TUAK).
        short macLength = algorithm.macLength();
        short autnLength = (short) (8 + macLength);
        short expected = context == P2_3G ? (short) (18 + autnLength) : (short) 17;
        if (received != expected || apdu.getIncomingLength() != expected) {
            ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
        if (buffer[data] != 16 || (context == P2_3G && buffer[(short) (data + 17)] != autnLength)) {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }
        short rand = (short) (data + 1);
        algorithm.deriveKeys(buffer, rand);
        if (context == P2_GSM) {
            respondGsm(apdu, buffer);
            return;
        }

        // AUTN = SQN xor AK || AMF || MAC (TS 33.102 §6.3.3)
        short autn = (short) (data + 18);
        short sqn = 0;
        short ak = 6;
        short mac = 12;
        algorithm.copyAk(work, ak);
        Util.arrayCopyNonAtomic(buffer, autn, work, sqn, (short) 6);
        Milenage.xor(work, sqn, work, ak, (short) 6);
        algorithm.computeMac(buffer, rand, work, sqn, buffer, (short) (autn + 6), work, mac);
        if (Util.arrayCompare(work, mac, buffer, (short) (autn + 8), macLength) != 0) {
            ISOException.throwIt(SW_AUTHENTICATION_ERROR_WRONG_MAC);
        }
        if (!sequenceNumbers.acceptAndStore(work, sqn)) {
            respondResync(apdu, buffer, rand);
            return;
        }
        respond3g(apdu, buffer);
    }

    /** DB L RES L CK L IK [08 Kc] (TS 31.102 §7.1.2.1). */
    private void respond3g(APDU apdu, byte[] buffer) {
        short at = 0;
        buffer[at++] = (byte) 0xDB;
        buffer[at++] = (byte) algorithm.resLength();
        algorithm.copyRes(buffer, at);
        at += algorithm.resLength();
        buffer[at++] = (byte) algorithm.ckLength();
        algorithm.copyCk(buffer, at);
        at += algorithm.ckLength();
        buffer[at++] = (byte) algorithm.ikLength();
        algorithm.copyIk(buffer, at);
        at += algorithm.ikLength();
        if (gsmAccessOffered()) {
            buffer[at++] = 8;
            at = kc(buffer, at);
        }
        apdu.setOutgoingAndSend((short) 0, at);
    }

    private static final short FID_EF_UST = 0x6F38;
    private static final byte SERVICE_27_BYTE = 3;   // service n is in byte (n - 1) / 8
    private static final byte SERVICE_27_BIT = 0x04; // and bit (n - 1) % 8

    /**
     * Whether EF.UST offers service 27 (GSM access), which makes 3G authentication return Kc
     * (TS 31.102 §7.1.2.1). The applet reads its own ADF through a file view.
     */
    private boolean gsmAccessOffered() {
        if (files == null) {
            files = UICCSystem.getTheFileView(JCSystem.getAID(), JCSystem.CLEAR_ON_RESET);
            if (files == null) {
                return returnKcWithoutFiles;
            }
        }
        try {
            files.select(FID_EF_UST);
            files.readBinary(SERVICE_27_BYTE, work, (short) 0, (short) 1);
        } catch (UICCException e) {
            return false;
        }
        return (work[0] & SERVICE_27_BIT) != 0;
    }

    /** DC L AUTS, AUTS = SQN_MS xor AK* || MAC-S (TS 33.102 §6.3.3); L is 0E for a 64-bit MAC. */
    private void respondResync(APDU apdu, byte[] buffer, short rand) {
        short sqnMs = 20;
        short akS = 26;
        short macS = 32;
        sequenceNumbers.copyHighest(work, sqnMs);
        algorithm.computeResync(buffer, rand, work, sqnMs, work, macS, work, akS);
        Milenage.xor(work, sqnMs, work, akS, (short) 6);
        short macLength = algorithm.macLength();
        buffer[0] = (byte) 0xDC;
        buffer[1] = (byte) (6 + macLength);
        Util.arrayCopyNonAtomic(work, sqnMs, buffer, (short) 2, (short) 6);
        Util.arrayCopyNonAtomic(work, macS, buffer, (short) 8, macLength);
        apdu.setOutgoingAndSend((short) 0, (short) (8 + macLength));
    }

    /** 04 SRES 08 Kc, through the conversion functions c2 and c3 (TS 33.102 §6.8.1.2). */
    private void respondGsm(APDU apdu, byte[] buffer) {
        // c2: SRES is the XOR of the 4-byte blocks of RES, zero-padded.
        algorithm.copyRes(work, (short) 0);
        short resLength = algorithm.resLength();
        Util.arrayFillNonAtomic(buffer, (short) 0, (short) 5, (byte) 0);
        buffer[0] = 4;
        for (short i = 0; i < resLength; i++) {
            buffer[(short) (1 + (i & 3))] ^= work[i];
        }
        buffer[5] = 8;
        short end = kc(buffer, (short) 6);
        apdu.setOutgoingAndSend((short) 0, end);
    }

    /** c3: Kc is the XOR of the 8-byte blocks of CK and IK. Returns the offset after Kc. */
    private short kc(byte[] buffer, short at) {
        Util.arrayFillNonAtomic(buffer, at, (short) 8, (byte) 0);
        algorithm.copyCk(work, (short) 0);
        short ckLength = algorithm.ckLength();
        algorithm.copyIk(work, ckLength);
        short total = (short) (ckLength + algorithm.ikLength());
        for (short i = 0; i < total; i++) {
            buffer[(short) (at + (i & 7))] ^= work[i];
        }
        return (short) (at + 8);
    }

    /**
     * Returns the offset of the value of the first TLV with {@code tag} in p[offset..offset +
     * length), or -1. With {@code size} >= 0 the value must have that length, else the
     * parameters are rejected with 6A80.
     */
    private static short find(byte[] p, short offset, short length, byte tag, short size) {
        short end = (short) (offset + length);
        short at = offset;
        while ((short) (at + 2) <= end) {
            short valueLength = (short) (p[(short) (at + 1)] & 0xFF);
            short value = (short) (at + 2);
            if ((short) (value + valueLength) > end) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            if (p[at] == tag) {
                if (size >= 0 && valueLength != size) {
                    ISOException.throwIt(ISO7816.SW_WRONG_DATA);
                }
                return value;
            }
            at = (short) (value + valueLength);
        }
        return -1;
    }
}
