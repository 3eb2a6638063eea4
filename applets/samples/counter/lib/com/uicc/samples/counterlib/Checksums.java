package com.uicc.samples.counterlib;

/** Library code that other packages call directly, linked through this package's export file. */
public final class Checksums {
  private Checksums() {}

  /** Returns the longitudinal redundancy check (XOR of the bytes) of a range of an array. */
  public static byte lrc(byte[] data, short offset, short length) {
    byte lrc = 0;
    for (short i = 0; i < length; i++) {
      lrc ^= data[(short) (offset + i)];
    }
    return lrc;
  }
}
