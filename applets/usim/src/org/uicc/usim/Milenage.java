package org.uicc.usim;

import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.AESKey;
import javacard.security.KeyBuilder;
import javacardx.crypto.Cipher;

/**
 * Milenage, 3GPP TS 35.206 V17.0.0 §4.1, on the card's AES-128, with the
 * operator-configurable constants c1..c5 and rotations r1..r5.
 */
final class Milenage implements AkaAlgorithm {
    private static final short BLOCK = 16;
    private static final short OUT2 = 16;
    private static final short OUT3 = 32;
    private static final short OUT4 = 48;
    private static final short OUT5 = 64;

    private final AESKey key;
    private final Cipher aes;
    private final byte[] opc;
    private final byte[] rotations;  // r1..r5, in bits
    // rot(OPc, ri) xor ci for i = 1..5, 16 bytes each. Rotation is linear over xor, so
    // rot(X xor OPc, ri) xor ci = rot(X, ri) xor this, which saves one xor per block.
    private final byte[] masks;

    // RAM: TEMP, the block being built, its rotated copy, and OUT1..OUT5.
    private final byte[] temp;
    private final byte[] block;
    private final byte[] rotated;
    private final byte[] out;

    /**
     * Creates the algorithm for the 16-byte key {@code k}. {@code op} is OPc, or OP when
     * {@code opIsDerived} is false; then OPc = OP xor E_K(OP) is derived here (§4.1).
     */
    Milenage(byte[] k, short kOffset, byte[] op, short opOffset, boolean opIsDerived,
             byte[] c, short cOffset, byte[] r, short rOffset) {
        key = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
        key.setKey(k, kOffset);
        aes = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
        aes.init(key, Cipher.MODE_ENCRYPT);
        temp = JCSystem.makeTransientByteArray(BLOCK, JCSystem.CLEAR_ON_DESELECT);
        block = JCSystem.makeTransientByteArray(BLOCK, JCSystem.CLEAR_ON_DESELECT);
        rotated = JCSystem.makeTransientByteArray(BLOCK, JCSystem.CLEAR_ON_DESELECT);
        out = JCSystem.makeTransientByteArray((short) (5 * BLOCK), JCSystem.CLEAR_ON_DESELECT);

        opc = new byte[BLOCK];
        Util.arrayCopy(op, opOffset, opc, (short) 0, BLOCK);
        if (!opIsDerived) {
            aes.doFinal(opc, (short) 0, BLOCK, block, (short) 0);
            Util.arrayCopyNonAtomic(op, opOffset, rotated, (short) 0, BLOCK);
            xor(rotated, (short) 0, block, (short) 0, BLOCK);
            Util.arrayCopy(rotated, (short) 0, opc, (short) 0, BLOCK);
        }
        rotations = new byte[5];
        Util.arrayCopy(r, rOffset, rotations, (short) 0, (short) 5);
        masks = new byte[(short) (5 * BLOCK)];
        for (short i = 0; i < 5; i++) {
            short offset = (short) (i * BLOCK);
            rotate(opc, rotations[i]);
            xor(rotated, (short) 0, c, (short) (cOffset + offset), BLOCK);
            Util.arrayCopy(rotated, (short) 0, masks, offset, BLOCK);
        }
    }

    public short macLength() { return 8; }
    public short resLength() { return 8; }
    public short ckLength() { return BLOCK; }
    public short ikLength() { return BLOCK; }

    public void deriveKeys(byte[] rand, short randOffset) {
        // TEMP = E_K(RAND xor OPc)
        Util.arrayCopyNonAtomic(rand, randOffset, block, (short) 0, BLOCK);
        xor(block, (short) 0, opc, (short) 0, BLOCK);
        aes.doFinal(block, (short) 0, BLOCK, temp, (short) 0);
        // OUTi = E_K(rot(TEMP xor OPc, ri) xor ci) xor OPc for i = 2..4. f5* (OUT5) waits
        // for a resynchronisation.
        for (short i = 1; i < 4; i++) {
            output(i);
        }
    }

    public void computeMac(byte[] rand, short randOffset, byte[] sqn, short sqnOffset,
                           byte[] amf, short amfOffset, byte[] dest, short destOffset) {
        computeOut1(sqn, sqnOffset, amf, amfOffset);
        Util.arrayCopyNonAtomic(out, (short) 0, dest, destOffset, (short) 8);
    }

    public void computeResync(byte[] rand, short randOffset, byte[] sqnMs, short sqnOffset,
                              byte[] macS, short macSOffset, byte[] akS, short akSOffset) {
        Util.arrayFillNonAtomic(rotated, (short) 0, (short) 2, (byte) 0);  // AMF* = 0000
        computeOut1(sqnMs, sqnOffset, rotated, (short) 0);
        Util.arrayCopyNonAtomic(out, (short) 8, macS, macSOffset, (short) 8);
        output((short) 4);
        Util.arrayCopyNonAtomic(out, OUT5, akS, akSOffset, (short) 6);
    }

    public void copyAk(byte[] dest, short offset) { Util.arrayCopyNonAtomic(out, OUT2, dest, offset, (short) 6); }
    public void copyRes(byte[] dest, short offset) { Util.arrayCopyNonAtomic(out, (short) (OUT2 + 8), dest, offset, (short) 8); }
    public void copyCk(byte[] dest, short offset) { Util.arrayCopyNonAtomic(out, OUT3, dest, offset, BLOCK); }
    public void copyIk(byte[] dest, short offset) { Util.arrayCopyNonAtomic(out, OUT4, dest, offset, BLOCK); }

    /** OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc, IN1 = SQN || AMF || SQN || AMF. */
    private void computeOut1(byte[] sqn, short sqnOffset, byte[] amf, short amfOffset) {
        Util.arrayCopyNonAtomic(sqn, sqnOffset, block, (short) 0, (short) 6);
        Util.arrayCopyNonAtomic(amf, amfOffset, block, (short) 6, (short) 2);
        Util.arrayCopyNonAtomic(block, (short) 0, block, (short) 8, (short) 8);
        rotate(block, rotations[0]);
        xor(rotated, (short) 0, temp, (short) 0, BLOCK);
        xor(rotated, (short) 0, masks, (short) 0, BLOCK);
        aes.doFinal(rotated, (short) 0, BLOCK, out, (short) 0);
        xor(out, (short) 0, opc, (short) 0, BLOCK);
    }

    /** OUT(i+1) = E_K(rot(TEMP xor OPc, r(i+1)) xor c(i+1)) xor OPc, i = 1..4. */
    private void output(short i) {
        rotate(temp, rotations[i]);
        short offset = (short) (i * BLOCK);
        xor(rotated, (short) 0, masks, offset, BLOCK);
        aes.doFinal(rotated, (short) 0, BLOCK, out, offset);
        xor(out, offset, opc, (short) 0, BLOCK);
    }

    /** Sets rotated = source rotated left by {@code bits} (0..127), a 128-bit big-endian value. */
    private void rotate(byte[] source, byte bits) {
        short byteShift = (short) ((bits >> 3) & 0x0F);
        short bitShift = (short) (bits & 0x07);
        if (bitShift == 0) {
            short head = (short) (BLOCK - byteShift);
            Util.arrayCopyNonAtomic(source, byteShift, rotated, (short) 0, head);
            Util.arrayCopyNonAtomic(source, (short) 0, rotated, head, byteShift);
            return;
        }
        for (short i = 0; i < BLOCK; i++) {
            short high = (short) (source[(short) ((i + byteShift) & 0x0F)] & 0xFF);
            short low = (short) (source[(short) ((i + byteShift + 1) & 0x0F)] & 0xFF);
            rotated[i] = (byte) ((high << bitShift) | (low >> (short) (8 - bitShift)));
        }
    }

    static void xor(byte[] a, short aOffset, byte[] b, short bOffset, short length) {
        // Advancing both offsets spares the two additions per byte of an index loop.
        short end = (short) (aOffset + length);
        for (; aOffset < end; aOffset++, bOffset++) {
            a[aOffset] ^= b[bOffset];
        }
    }
}
