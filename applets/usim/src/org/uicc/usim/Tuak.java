package org.uicc.usim;

import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * TUAK, 3GPP TS 35.231 V17.0.0: every function is one Keccak-f[1600] permutation (run a
 * configurable number of times) over TOPc, an INSTANCE byte coding the function and output
 * sizes, the name "TUAK1.0", the function's inputs and K.
 */
final class Tuak implements AkaAlgorithm {
    private static final short STATE = 200;

    // Byte offsets in the permutation state (§6.1). TS 35.231 numbers bits from the least
    // significant end of each value and Keccak reads bytes least significant bit first, so a
    // big-endian field enters the state byte-reversed.
    private static final short TOP = 0;
    private static final short INSTANCE = 32;
    private static final short NAME = 33;
    private static final short RAND = 40;
    private static final short AMF = 56;
    private static final short SQN = 58;
    private static final short KEY = 64;
    private static final short CK = 32;
    private static final short IK = 64;
    private static final short AK = 96;

    // INSTANCE bits: 0x80 resynchronisation (f1*, f5*), 0x40 key generation (f2..f5),
    // 0x38 the MAC or RES length, 0x04 and 0x02 256-bit CK and IK, 0x01 256-bit K.
    private static final byte RESYNC = (byte) 0x80;
    private static final byte KEYS = 0x40;

    private static final byte[] NAME_TEXT = {'T', 'U', 'A', 'K', '1', '.', '0'};

    private final Keccak keccak;
    private final byte[] key;    // 16 or 32 bytes
    private final byte[] topc;   // 32 bytes
    private final byte iterations;
    private final short macBytes;
    private final short resBytes;
    private final short ckBytes;
    private final short ikBytes;

    private final byte[] state;    // RAM
    private final byte[] outputs;  // RAM: AK (6), RES (32), CK (32), IK (32)

    /**
     * Creates the algorithm. {@code top} is TOPc, or TOP when {@code topIsDerived} is false;
     * then TOPc is derived here (§6.2). Sizes are in bytes: MAC 8/16/32, RES 4/8/16/32, CK and
     * IK 16/32.
     */
    Tuak(byte[] k, short kOffset, short kLength, byte[] top, short topOffset, boolean topIsDerived,
         byte keccakIterations, short mac, short res, short ck, short ik) {
        keccak = new Keccak();
        key = new byte[kLength];
        Util.arrayCopy(k, kOffset, key, (short) 0, kLength);
        topc = new byte[32];
        Util.arrayCopy(top, topOffset, topc, (short) 0, (short) 32);
        iterations = keccakIterations;
        macBytes = mac;
        resBytes = res;
        ckBytes = ck;
        ikBytes = ik;
        state = JCSystem.makeTransientByteArray(STATE, JCSystem.CLEAR_ON_DESELECT);
        outputs = JCSystem.makeTransientByteArray((short) 102, JCSystem.CLEAR_ON_DESELECT);
        if (!topIsDerived) {
            begin((byte) 0);
            run();
            getReversed(TOP, topc, (short) 0, (short) 32);
        }
    }

    public short macLength() { return macBytes; }
    public short resLength() { return resBytes; }
    public short ckLength() { return ckBytes; }
    public short ikLength() { return ikBytes; }

    public void deriveKeys(byte[] rand, short randOffset) {
        byte instance = (byte) (KEYS | lengthCode(resBytes));
        if (ckBytes == 32) {
            instance |= 0x04;
        }
        if (ikBytes == 32) {
            instance |= 0x02;
        }
        begin(instance);
        putReversed(RAND, rand, randOffset, (short) 16);
        run();
        getReversed(AK, outputs, (short) 0, (short) 6);
        getReversed((short) 0, outputs, (short) 6, resBytes);
        getReversed(CK, outputs, (short) 38, ckBytes);
        getReversed(IK, outputs, (short) 70, ikBytes);
    }

    public void computeMac(byte[] rand, short randOffset, byte[] sqn, short sqnOffset,
                           byte[] amf, short amfOffset, byte[] dest, short destOffset) {
        begin(lengthCode(macBytes));
        putReversed(RAND, rand, randOffset, (short) 16);
        putReversed(AMF, amf, amfOffset, (short) 2);
        putReversed(SQN, sqn, sqnOffset, (short) 6);
        run();
        getReversed((short) 0, dest, destOffset, macBytes);
    }

    public void computeResync(byte[] rand, short randOffset, byte[] sqnMs, short sqnOffset,
                              byte[] macS, short macSOffset, byte[] akS, short akSOffset) {
        begin((byte) (RESYNC | lengthCode(macBytes)));
        putReversed(RAND, rand, randOffset, (short) 16);
        // AMF* = 0000 stays zero from begin().
        putReversed(SQN, sqnMs, sqnOffset, (short) 6);
        run();
        getReversed((short) 0, macS, macSOffset, macBytes);

        begin((byte) (RESYNC | KEYS));
        putReversed(RAND, rand, randOffset, (short) 16);
        run();
        getReversed(AK, akS, akSOffset, (short) 6);
    }

    public void copyAk(byte[] dest, short offset) { Util.arrayCopyNonAtomic(outputs, (short) 0, dest, offset, (short) 6); }
    public void copyRes(byte[] dest, short offset) { Util.arrayCopyNonAtomic(outputs, (short) 6, dest, offset, resBytes); }
    public void copyCk(byte[] dest, short offset) { Util.arrayCopyNonAtomic(outputs, (short) 38, dest, offset, ckBytes); }
    public void copyIk(byte[] dest, short offset) { Util.arrayCopyNonAtomic(outputs, (short) 70, dest, offset, ikBytes); }

    /** Fills TOPc, INSTANCE, the name, K and the padding (§6.1). */
    private void begin(byte instance) {
        Util.arrayFillNonAtomic(state, (short) 0, STATE, (byte) 0);
        putReversed(TOP, topc, (short) 0, (short) 32);
        state[INSTANCE] = (byte) (instance | (key.length == 32 ? 0x01 : 0x00));
        putReversed(NAME, NAME_TEXT, (short) 0, (short) NAME_TEXT.length);
        putReversed(KEY, key, (short) 0, (short) key.length);
        state[96] = 0x1F;
        state[135] = (byte) 0x80;
    }

    private void run() {
        for (short i = 0; i < (short) (iterations & 0xFF); i++) {
            keccak.permute(state, (short) 0);
        }
    }

    private void putReversed(short at, byte[] source, short offset, short length) {
        for (short i = 0; i < length; i++) {
            state[(short) (at + i)] = source[(short) (offset + length - 1 - i)];
        }
    }

    private void getReversed(short at, byte[] dest, short offset, short length) {
        for (short i = 0; i < length; i++) {
            dest[(short) (offset + i)] = state[(short) (at + length - 1 - i)];
        }
    }

    /** INSTANCE bits 0x38 for a MAC or RES of {@code bytes} bytes. */
    private static byte lengthCode(short bytes) {
        switch (bytes) {
            case 8: return 0x08;
            case 16: return 0x10;
            case 32: return 0x20;
            default: return 0x00;  // 4 bytes (32 bits)
        }
    }
}
