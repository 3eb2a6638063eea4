package org.uicc.usim;

/**
 * Keccak-f[1600] (FIPS 202 §3) on a 200-byte state, with each 64-bit lane held as two ints
 * (the card's widest type). Lane i is bytes 8i..8i+7 of the state, least significant first.
 */
final class Keccak {
    private static final short LANES = 25;

    // Rotation offsets r[x + 5y] of the rho step (FIPS 202 Table 2).
    private static final byte[] RHO = {
        0, 1, 62, 28, 27,
        36, 44, 6, 55, 20,
        3, 10, 43, 25, 39,
        41, 45, 15, 21, 8,
        18, 2, 61, 56, 14,
    };

    // pi step: lane x + 5y moves to y + 5((2x + 3y) mod 5) (FIPS 202 §3.2.3).
    private static final byte[] PI = {
        0, 10, 20, 5, 15, 16, 1, 11, 21, 6, 7, 17, 2, 12, 22, 23, 8, 18, 3, 13, 14, 24, 9, 19, 4,
    };
    // (x + 1) mod 5 and (x + 2) mod 5, as tables so that no index arithmetic needs int.
    private static final byte[] NEXT = {1, 2, 3, 4, 0, 1, 2};

    // Round constants of the iota step (FIPS 202 §3.2.5), high and low 32 bits per round.
    private static final int[] ROUND_CONSTANTS = {
        0x00000000, 0x00000001, 0x00000000, 0x00008082, 0x80000000, 0x0000808A,
        0x80000000, 0x80008000, 0x00000000, 0x0000808B, 0x00000000, 0x80000001,
        0x80000000, 0x80008081, 0x80000000, 0x00008009, 0x00000000, 0x0000008A,
        0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000A,
        0x00000000, 0x8000808B, 0x80000000, 0x0000008B, 0x80000000, 0x00008089,
        0x80000000, 0x00008003, 0x80000000, 0x00008002, 0x80000000, 0x00000080,
        0x00000000, 0x0000800A, 0x80000000, 0x8000000A, 0x80000000, 0x80008081,
        0x80000000, 0x00008080, 0x00000000, 0x80000001, 0x80000000, 0x80008008,
    };

    private final int[] high;  // A[x + 5y] bits 63..32
    private final int[] low;   // A[x + 5y] bits 31..0
    private final int[] highB;
    private final int[] lowB;
    private final int[] highC;
    private final int[] lowC;

    Keccak() {
        high = new int[LANES];
        low = new int[LANES];
        highB = new int[LANES];
        lowB = new int[LANES];
        highC = new int[5];
        lowC = new int[5];
    }

    /** Applies the permutation to {@code state} (200 bytes from {@code offset}). */
    void permute(byte[] state, short offset) {
        load(state, offset);
        for (short round = 0; round < 24; round++) {
            theta();
            rhoPi();
            chi();
            high[0] ^= ROUND_CONSTANTS[(short) (2 * round)];
            low[0] ^= ROUND_CONSTANTS[(short) (2 * round + 1)];
        }
        store(state, offset);
    }

    private void load(byte[] state, short offset) {
        for (short i = 0; i < LANES; i++) {
            short at = (short) (offset + 8 * i);
            low[i] = littleEndianInt(state, at);
            high[i] = littleEndianInt(state, (short) (at + 4));
        }
    }

    private void store(byte[] state, short offset) {
        for (short i = 0; i < LANES; i++) {
            short at = (short) (offset + 8 * i);
            putLittleEndianInt(state, at, low[i]);
            putLittleEndianInt(state, (short) (at + 4), high[i]);
        }
    }

    private void theta() {
        for (short x = 0; x < 5; x++) {
            highC[x] = high[x] ^ high[(short) (x + 5)] ^ high[(short) (x + 10)] ^ high[(short) (x + 15)] ^ high[(short) (x + 20)];
            lowC[x] = low[x] ^ low[(short) (x + 5)] ^ low[(short) (x + 10)] ^ low[(short) (x + 15)] ^ low[(short) (x + 20)];
        }
        for (short x = 0; x < 5; x++) {
            short left = x == 0 ? (short) 4 : (short) (x - 1);
            short right = NEXT[x];
            // D[x] = C[x - 1] xor rot(C[x + 1], 1)
            int highD = highC[left] ^ ((highC[right] << 1) | (lowC[right] >>> 31));
            int lowD = lowC[left] ^ ((lowC[right] << 1) | (highC[right] >>> 31));
            for (short y = 0; y < 25; y += 5) {
                high[(short) (x + y)] ^= highD;
                low[(short) (x + y)] ^= lowD;
            }
        }
    }

    /** B[y, 2x + 3y] = rot(A[x, y], r[x, y]). */
    private void rhoPi() {
        for (short from = 0; from < LANES; from++) {
            {
                short to = PI[from];
                short bits = RHO[from];
                int h = high[from];
                int l = low[from];
                if (bits >= 32) {
                    int swap = h;
                    h = l;
                    l = swap;
                    bits -= 32;
                }
                if (bits == 0) {
                    highB[to] = h;
                    lowB[to] = l;
                } else {
                    highB[to] = (h << bits) | (l >>> (32 - bits));
                    lowB[to] = (l << bits) | (h >>> (32 - bits));
                }
            }
        }
    }

    /** A[x, y] = B[x, y] xor (not B[x + 1, y] and B[x + 2, y]). */
    private void chi() {
        for (short y = 0; y < 25; y += 5) {
            for (short x = 0; x < 5; x++) {
                short next = (short) (y + NEXT[x]);
                short after = (short) (y + NEXT[(short) (x + 1)]);
                high[(short) (x + y)] = highB[(short) (x + y)] ^ (~highB[next] & highB[after]);
                low[(short) (x + y)] = lowB[(short) (x + y)] ^ (~lowB[next] & lowB[after]);
            }
        }
    }

    private static int littleEndianInt(byte[] buffer, short at) {
        return (buffer[at] & 0xFF) | ((buffer[(short) (at + 1)] & 0xFF) << 8)
            | ((buffer[(short) (at + 2)] & 0xFF) << 16) | (buffer[(short) (at + 3)] << 24);
    }

    private static void putLittleEndianInt(byte[] buffer, short at, int value) {
        buffer[at] = (byte) value;
        buffer[(short) (at + 1)] = (byte) (value >>> 8);
        buffer[(short) (at + 2)] = (byte) (value >>> 16);
        buffer[(short) (at + 3)] = (byte) (value >>> 24);
    }
}
