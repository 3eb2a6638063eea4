package com.uicc.test.api;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.OwnerPIN;
import javacard.framework.Util;
import javacard.security.AESKey;
import javacard.security.Checksum;
import javacard.security.CryptoException;
import javacard.security.DESKey;
import javacard.security.ECPrivateKey;
import javacard.security.ECPublicKey;
import javacard.security.HMACKey;
import javacard.security.KeyAgreement;
import javacard.security.KeyBuilder;
import javacard.security.KeyPair;
import javacard.security.MessageDigest;
import javacard.security.RandomData;
import javacard.security.Signature;
import javacardx.crypto.AEADCipher;
import javacardx.crypto.Cipher;

/**
 * Exercises the built-in API from Java, converted by the SDK and run on the VM. Each INS tests
 * one area and returns its results; the test compares them with published vectors.
 */
public class ApiExercise extends Applet {
  private final OwnerPIN pin;
  private final byte[] persistent;
  private final byte[] scratch;

  private ApiExercise() {
    pin = new OwnerPIN((byte) 3, (byte) 8);
    persistent = new byte[4];
    scratch = JCSystem.makeTransientByteArray((short) 256, JCSystem.CLEAR_ON_DESELECT);
    register();
  }

  public static void install(byte[] bArray, short bOffset, byte bLength) {
    new ApiExercise();
  }

  public void process(APDU apdu) {
    if (selectingApplet()) {
      return;
    }
    byte[] buffer = apdu.getBuffer();
    short length = apdu.setIncomingAndReceive();
    short out;
    switch (buffer[ISO7816.OFFSET_INS]) {
      case 0x01:
        out = transactions(buffer);
        break;
      case 0x02:
        out = pins(buffer, length);
        break;
      case 0x03:
        out = aesCbcPadded(buffer, length);
        break;
      case 0x04:
        out = macs(buffer, length);
        break;
      case 0x05:
        out = publicKeys(buffer);
        break;
      case 0x06:
        out = checksumAndGcm(buffer);
        break;
      case 0x07:
        out = identity(buffer);
        break;
      case 0x08:
        out = errors(buffer);
        break;
      default:
        ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        return;
    }
    apdu.setOutgoingAndSend((short) 0, out);
  }

  // A write inside an aborted transaction disappears; a non-atomic copy stays.
  private short transactions(byte[] buffer) {
    Util.arrayFillNonAtomic(persistent, (short) 0, (short) 4, (byte) 0x11);
    JCSystem.beginTransaction();
    persistent[0] = (byte) 0x22;
    Util.arrayCopyNonAtomic(buffer, ISO7816.OFFSET_CDATA, persistent, (short) 1, (short) 1);
    JCSystem.abortTransaction();
    Util.arrayCopyNonAtomic(persistent, (short) 0, buffer, (short) 0, (short) 4);
    buffer[4] = JCSystem.getTransactionDepth();
    Util.setShort(buffer, (short) 5, JCSystem.getVersion());
    return 7;
  }

  // Sets the PIN to the first half of the data and checks the second half.
  private short pins(byte[] buffer, short length) {
    short half = (short) (length / 2);
    pin.update(buffer, ISO7816.OFFSET_CDATA, (byte) half);
    boolean ok = pin.check(buffer, (short) (ISO7816.OFFSET_CDATA + half), (byte) half);
    buffer[0] = ok ? (byte) 1 : (byte) 0;
    buffer[1] = pin.getTriesRemaining();
    buffer[2] = pin.isValidated() ? (byte) 1 : (byte) 0;
    return 3;
  }

  // AES-128-CBC with ISO 9797-1 method 2 padding: key in the first 16 data bytes.
  private short aesCbcPadded(byte[] buffer, short length) {
    AESKey key = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES_TRANSIENT_DESELECT,
        KeyBuilder.LENGTH_AES_128, false);
    key.setKey(buffer, ISO7816.OFFSET_CDATA);
    Cipher cipher = Cipher.getInstance(Cipher.CIPHER_AES_CBC, Cipher.PAD_ISO9797_M2, false);
    cipher.init(key, Cipher.MODE_ENCRYPT);
    short plainLength = (short) (length - 16);
    Util.arrayCopyNonAtomic(buffer, (short) (ISO7816.OFFSET_CDATA + 16), scratch, (short) 0,
        plainLength);
    short encrypted = cipher.doFinal(scratch, (short) 0, plainLength, buffer, (short) 0);
    // Decrypting gives the message back without its padding.
    cipher.init(key, Cipher.MODE_DECRYPT);
    short decrypted = cipher.doFinal(buffer, (short) 0, encrypted, scratch, (short) 128);
    if (decrypted != plainLength
        || Util.arrayCompare(scratch, (short) 0, scratch, (short) 128, plainLength) != 0) {
      ISOException.throwIt(ISO7816.SW_DATA_INVALID);
    }
    return encrypted;
  }

  // HMAC-SHA-256 (RFC 4231 test case 2 key "Jefe") and the retail MAC of GlobalPlatform SCP02.
  private short macs(byte[] buffer, short length) {
    HMACKey hmacKey = (HMACKey) KeyBuilder.buildKey(KeyBuilder.TYPE_HMAC, (short) 32, false);
    buffer[200] = 'J';
    buffer[201] = 'e';
    buffer[202] = 'f';
    buffer[203] = 'e';
    hmacKey.setKey(buffer, (short) 200, (short) 4);
    Signature hmac = Signature.getInstance(Signature.ALG_HMAC_SHA_256, false);
    hmac.init(hmacKey, Signature.MODE_SIGN);
    Util.arrayCopyNonAtomic(buffer, ISO7816.OFFSET_CDATA, scratch, (short) 0, length);
    short macLength = hmac.sign(scratch, (short) 0, length, buffer, (short) 0);

    DESKey desKey = (DESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_DES,
        KeyBuilder.LENGTH_DES3_2KEY, false);
    final byte[] keyBytes = {
        (byte) 0x29, (byte) 0xA6, (byte) 0x93, (byte) 0x28, (byte) 0xE6, (byte) 0x04,
        (byte) 0x94, (byte) 0x98, (byte) 0x26, (byte) 0x32, (byte) 0x03, (byte) 0x9D,
        (byte) 0xDD, (byte) 0x47, (byte) 0xA2, (byte) 0xF1};
    desKey.setKey(keyBytes, (short) 0);
    final byte[] command = {
        (byte) 0x84, (byte) 0x82, 0x01, 0x00, 0x10, (byte) 0xBA, 0x69, 0x61, 0x66, 0x77, 0x37,
        (byte) 0xC5, (byte) 0xBC};
    Signature retail = Signature.getInstance(Signature.ALG_DES_MAC8_ISO9797_1_M2_ALG3, false);
    retail.init(desKey, Signature.MODE_SIGN);
    return (short) (macLength
        + retail.sign(command, (short) 0, (short) command.length, buffer, macLength));
  }

  // EC and RSA key pairs: sign and verify, and an ECDH agreement from both sides.
  private short publicKeys(byte[] buffer) {
    KeyPair ec = new KeyPair(KeyPair.ALG_EC_FP, KeyBuilder.LENGTH_EC_FP_256);
    ec.genKeyPair();
    KeyPair other = new KeyPair(KeyPair.ALG_EC_FP, KeyBuilder.LENGTH_EC_FP_256);
    other.genKeyPair();
    Signature ecdsa = Signature.getInstance(Signature.ALG_ECDSA_SHA_256, false);
    ecdsa.init(ec.getPrivate(), Signature.MODE_SIGN);
    short sigLength = ecdsa.sign(buffer, (short) 0, (short) 32, scratch, (short) 0);
    ecdsa.init(ec.getPublic(), Signature.MODE_VERIFY);
    buffer[100] = ecdsa.verify(buffer, (short) 0, (short) 32, scratch, (short) 0, sigLength)
        ? (byte) 1 : (byte) 0;

    KeyAgreement dh = KeyAgreement.getInstance(KeyAgreement.ALG_EC_SVDP_DH_PLAIN, false);
    dh.init((ECPrivateKey) ec.getPrivate());
    short wLength = ((ECPublicKey) other.getPublic()).getW(scratch, (short) 0);
    dh.generateSecret(scratch, (short) 0, wLength, scratch, (short) 100);
    dh.init((ECPrivateKey) other.getPrivate());
    wLength = ((ECPublicKey) ec.getPublic()).getW(scratch, (short) 0);
    dh.generateSecret(scratch, (short) 0, wLength, scratch, (short) 140);
    buffer[101] = Util.arrayCompare(scratch, (short) 100, scratch, (short) 140, (short) 32) == 0
        ? (byte) 1 : (byte) 0;

    KeyPair rsa = new KeyPair(KeyPair.ALG_RSA_CRT, KeyBuilder.LENGTH_RSA_1024);
    rsa.genKeyPair();
    Signature pkcs1 = Signature.getInstance(Signature.ALG_RSA_SHA_256_PKCS1, false);
    pkcs1.init(rsa.getPrivate(), Signature.MODE_SIGN);
    sigLength = pkcs1.sign(buffer, (short) 0, (short) 32, scratch, (short) 0);
    pkcs1.init(rsa.getPublic(), Signature.MODE_VERIFY);
    buffer[102] = pkcs1.verify(buffer, (short) 0, (short) 32, scratch, (short) 0, sigLength)
        ? (byte) 1 : (byte) 0;
    buffer[103] = (byte) sigLength;
    Util.arrayCopyNonAtomic(buffer, (short) 100, buffer, (short) 0, (short) 4);
    return 4;
  }

  // CRC-32 of "123456789" started at FFFFFFFF, and AES-GCM test case 2 of McGrew and Viega.
  private short checksumAndGcm(byte[] buffer) {
    for (short i = 0; i < 9; i++) {
      scratch[i] = (byte) ('1' + i);
    }
    Checksum crc = Checksum.getInstance(Checksum.ALG_ISO3309_CRC32, false);
    Util.arrayFillNonAtomic(buffer, (short) 0, (short) 4, (byte) 0xFF);
    crc.init(buffer, (short) 0, (short) 4);
    crc.doFinal(scratch, (short) 0, (short) 9, buffer, (short) 0);

    Util.arrayFillNonAtomic(scratch, (short) 0, (short) 48, (byte) 0);
    AESKey key = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
    key.setKey(scratch, (short) 0);
    AEADCipher gcm = (AEADCipher) Cipher.getInstance(AEADCipher.ALG_AES_GCM, false);
    gcm.init(key, Cipher.MODE_ENCRYPT, scratch, (short) 0, (short) 12, (short) 0, (short) 16,
        (short) 16);
    gcm.doFinal(scratch, (short) 0, (short) 16, buffer, (short) 4);
    gcm.retrieveTag(buffer, (short) 20, (short) 16);

    MessageDigest sha = MessageDigest.getInstance(MessageDigest.ALG_SHA, false);
    scratch[0] = 'a';
    scratch[1] = 'b';
    scratch[2] = 'c';
    sha.doFinal(scratch, (short) 0, (short) 3, buffer, (short) 36);
    return 56;
  }

  // The applet's own AID, as the runtime's AID object gives it.
  private short identity(byte[] buffer) {
    AID aid = JCSystem.getAID();
    byte length = aid.getBytes(buffer, (short) 1);
    buffer[0] = length;
    RandomData random = RandomData.getInstance(RandomData.ALG_SECURE_RANDOM);
    random.nextBytes(buffer, (short) (1 + length), (short) 8);
    return (short) (1 + length + 8);
  }

  // The CryptoException reasons of an unsupported algorithm and of a cipher used before init.
  private short errors(byte[] buffer) {
    buffer[0] = 0;
    buffer[1] = 0;
    try {
      Cipher.getInstance(Cipher.ALG_RSA_ISO9796, false);
    } catch (CryptoException e) {
      buffer[0] = (byte) e.getReason();
    }
    try {
      Cipher cipher = Cipher.getInstance(Cipher.ALG_DES_CBC_NOPAD, false);
      cipher.doFinal(buffer, (short) 0, (short) 8, buffer, (short) 0);
    } catch (CryptoException e) {
      buffer[1] = (byte) e.getReason();
    }
    return 2;
  }
}
