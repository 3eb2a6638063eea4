package org.uicc.usim;

import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * Sequence number freshness of 3GPP TS 33.102 V17.0.0 Annex C.2 and C.3: SQN = SEQ || IND,
 * with an array of SEQ_MS values indexed by IND, a limit on how far SEQ may jump ahead of
 * the highest accepted value (delta) and an optional limit on how far it may lag (L).
 * Values are 48-bit big-endian numbers in 6-byte arrays.
 */
final class SequenceNumbers {
    private static final short SIZE = 6;

    private final byte indBits;
    private final short entries;
    // Persistent: [highest accepted SQN (6 bytes)] then SEQ_MS(0..entries-1), 6 bytes each.
    private final byte[] accepted;
    private final byte[] delta;      // 6 bytes
    private final byte[] ageLimit;   // 6 bytes, zero: no age check
    private final byte[] work;       // RAM: SEQ, the highest SEQ_MS, a difference

    SequenceNumbers(byte indBitCount, byte[] params, short deltaOffset, short ageOffset) {
        indBits = indBitCount;
        entries = (short) (1 << indBits);
        accepted = new byte[(short) (SIZE + entries * SIZE)];
        delta = new byte[SIZE];
        ageLimit = new byte[SIZE];
        Util.arrayCopy(params, deltaOffset, delta, (short) 0, SIZE);
        Util.arrayCopy(params, ageOffset, ageLimit, (short) 0, SIZE);
        work = JCSystem.makeTransientByteArray((short) (3 * SIZE), JCSystem.CLEAR_ON_DESELECT);
    }

    /**
     * Checks SQN (6 bytes at {@code offset}) and, when it is fresh, records it as SEQ_MS of its
     * IND and as the highest accepted SQN if it is. Returns false for a stale or out-of-range
     * SQN, leaving the state unchanged.
     */
    boolean acceptAndStore(byte[] sqn, short offset) {
        short seq = 0;
        short highestSeq = SIZE;
        short difference = (short) (2 * SIZE);
        shiftRight(sqn, offset, work, seq);
        shiftRight(accepted, (short) 0, work, highestSeq);
        short index = (short) (sqn[(short) (offset + SIZE - 1)] & (short) (entries - 1));
        short entry = (short) (SIZE + index * SIZE);

        // C.2.2: SEQ must exceed the SEQ_MS stored for its IND.
        if (compare(work, seq, accepted, entry) <= 0) {
            return false;
        }
        // C.2.1, optional: SEQ - SEQ_MS <= delta, against the highest SEQ accepted so far.
        if (compare(work, seq, work, highestSeq) > 0) {
            subtract(work, seq, work, highestSeq, work, difference);
            if (compare(work, difference, delta, (short) 0) > 0) {
                return false;
            }
        } else if (!isZero(ageLimit)) {
            // C.2.3, optional: SEQ_MS - SEQ < L.
            subtract(work, highestSeq, work, seq, work, difference);
            if (compare(work, difference, ageLimit, (short) 0) >= 0) {
                return false;
            }
        }

        boolean highest = compare(work, seq, work, highestSeq) > 0;
        // The entry and the highest value change together or not at all.
        JCSystem.beginTransaction();
        Util.arrayCopy(work, seq, accepted, entry, SIZE);
        if (highest) {
            Util.arrayCopy(sqn, offset, accepted, (short) 0, SIZE);
        }
        JCSystem.commitTransaction();
        return true;
    }

    /** SQN_MS for a resynchronisation: the highest SQN accepted so far (C.3.1). */
    void copyHighest(byte[] dest, short offset) {
        Util.arrayCopyNonAtomic(accepted, (short) 0, dest, offset, SIZE);
    }

    /** dest = value >> indBits, as 48-bit numbers. */
    private void shiftRight(byte[] value, short offset, byte[] dest, short destOffset) {
        short bytes = (short) (indBits >> 3);
        short bits = (short) (indBits & 7);
        for (short i = (short) (SIZE - 1); i >= 0; i--) {
            short source = (short) (i - bytes);
            short current = source >= 0 ? (short) (value[(short) (offset + source)] & 0xFF) : 0;
            short previous = source >= 1 ? (short) (value[(short) (offset + source - 1)] & 0xFF) : 0;
            dest[(short) (destOffset + i)] = (byte) ((current >> bits) | (previous << (short) (8 - bits)));
        }
    }

    /** Compares two unsigned 48-bit big-endian numbers: negative, zero or positive. */
    private static short compare(byte[] a, short aOffset, byte[] b, short bOffset) {
        for (short i = 0; i < SIZE; i++) {
            short x = (short) (a[(short) (aOffset + i)] & 0xFF);
            short y = (short) (b[(short) (bOffset + i)] & 0xFF);
            if (x != y) {
                return (short) (x - y);
            }
        }
        return 0;
    }

    /** dest = a - b for a >= b, unsigned 48-bit big-endian. */
    private static void subtract(byte[] a, short aOffset, byte[] b, short bOffset, byte[] dest, short destOffset) {
        short borrow = 0;
        for (short i = (short) (SIZE - 1); i >= 0; i--) {
            short value = (short) ((a[(short) (aOffset + i)] & 0xFF) - (b[(short) (bOffset + i)] & 0xFF) - borrow);
            borrow = (short) (value < 0 ? 1 : 0);
            dest[(short) (destOffset + i)] = (byte) value;
        }
    }

    private static boolean isZero(byte[] value) {
        for (short i = 0; i < SIZE; i++) {
            if (value[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
