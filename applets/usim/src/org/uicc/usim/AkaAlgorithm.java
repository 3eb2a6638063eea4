package org.uicc.usim;

/**
 * The authentication and key agreement functions of 3GPP TS 33.102 V17.0.0 §6.3 as the USIM
 * computes them: f1 (MAC-A), f1* (MAC-S), f2 (RES), f3 (CK), f4 (IK), f5 (AK) and f5* (AK
 * for resynchronisation).
 */
interface AkaAlgorithm {
    short resLength();
    short ckLength();
    short ikLength();
    short macLength();

    /** Computes f2, f3, f4 and f5 for {@code rand}; the copy methods return them. */
    void deriveKeys(byte[] rand, short randOffset);

    /**
     * Computes f1 over SQN, RAND and AMF into {@code dest}. Must follow deriveKeys for the
     * same RAND, whose intermediate values it may reuse.
     */
    void computeMac(byte[] rand, short randOffset, byte[] sqn, short sqnOffset,
                    byte[] amf, short amfOffset, byte[] dest, short destOffset);

    /**
     * Computes f1* over SQN_MS, RAND and the dummy AMF* = 0000 into {@code macS}, and f5* into
     * {@code akS}. Must follow deriveKeys for the same RAND.
     */
    void computeResync(byte[] rand, short randOffset, byte[] sqnMs, short sqnOffset,
                       byte[] macS, short macSOffset, byte[] akS, short akSOffset);

    void copyAk(byte[] dest, short offset);
    void copyRes(byte[] dest, short offset);
    void copyCk(byte[] dest, short offset);
    void copyIk(byte[] dest, short offset);
}
