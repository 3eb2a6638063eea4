package com.uicc.samples.crypto;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.security.AESKey;
import javacard.security.KeyBuilder;
import javacard.security.MessageDigest;
import javacard.security.RandomData;
import javacardx.crypto.Cipher;

/**
 * The card's cryptography from an applet.
 *
 * <ul>
 *   <li>INS 0x10 DIGEST: the SHA-256 digest of the command data.
 *   <li>INS 0x20 SET KEY: a 16-byte AES key.
 *   <li>INS 0x22 ENCRYPT ECB, INS 0x24 ENCRYPT CBC, INS 0x26 DECRYPT CBC: AES-128 without
 *       padding over the command data (a multiple of 16 bytes); CBC starts from a zero IV.
 *   <li>INS 0x30 RANDOM: Le random bytes.
 * </ul>
 */
public final class CryptoDemo extends Applet {
  private final MessageDigest sha256;
  private final AESKey key;
  private final Cipher ecb;
  private final Cipher cbc;
  private final RandomData random;

  private CryptoDemo() {
    sha256 = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
    key = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
    ecb = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
    cbc = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_CBC_NOPAD, false);
    random = RandomData.getInstance(RandomData.ALG_SECURE_RANDOM);
    register();
  }

  public static void install(byte[] parameters, short offset, byte length) {
    new CryptoDemo();
  }

  public void process(APDU apdu) {
    if (selectingApplet()) {
      return;
    }
    // Results go to the start of the APDU buffer, which the input, at OFFSET_CDATA, does not
    // overlap until the output is written in one call.
    byte[] buffer = apdu.getBuffer();
    byte ins = buffer[ISO7816.OFFSET_INS];
    if (ins == 0x30) {
      short length = apdu.setOutgoing();
      if (length > (short) buffer.length) {
        ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
      }
      random.generateData(buffer, (short) 0, length);
      apdu.setOutgoingLength(length);
      apdu.sendBytes((short) 0, length);
      return;
    }
    short length = apdu.setIncomingAndReceive();
    short out;
    switch (ins) {
      case 0x10:
        out = sha256.doFinal(buffer, ISO7816.OFFSET_CDATA, length, buffer, (short) 0);
        break;
      case 0x20:
        if (length != 16) {
          ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
        key.setKey(buffer, ISO7816.OFFSET_CDATA);
        return;
      case 0x22:
        ecb.init(key, Cipher.MODE_ENCRYPT);
        out = ecb.doFinal(buffer, ISO7816.OFFSET_CDATA, length, buffer, (short) 0);
        break;
      case 0x24:
      case 0x26:
        cbc.init(key, ins == 0x24 ? Cipher.MODE_ENCRYPT : Cipher.MODE_DECRYPT);
        out = cbc.doFinal(buffer, ISO7816.OFFSET_CDATA, length, buffer, (short) 0);
        break;
      default:
        ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        return;
    }
    apdu.setOutgoingAndSend((short) 0, out);
  }
}
