package com.uicc.test.gpapi;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;
import org.globalplatform.Application;
import org.globalplatform.CVM;
import org.globalplatform.GPRegistryEntry;
import org.globalplatform.GPSystem;
import org.globalplatform.SecureChannel;
import org.globalplatform.SecureChannelx;
import org.globalplatform.SecureChannelx2;

/**
 * Uses the org.globalplatform API as a personalized application does: its security domain's
 * secure channel, the global PIN, the card's life cycle and the registry, and personalization
 * data through STORE DATA. Each INS calls one method and returns what it got.
 */
public class GpApiApplet extends Applet implements Application {
  private static final byte INS_INITIALIZE_UPDATE = (byte) 0x50;
  private static final byte INS_EXTERNAL_AUTHENTICATE = (byte) 0x82;
  private static final byte INS_UNWRAP_ECHO = (byte) 0x10;
  private static final byte INS_SECURITY_LEVEL = (byte) 0x12;
  private static final byte INS_DECRYPT = (byte) 0x14;
  private static final byte INS_ENCRYPT = (byte) 0x16;
  private static final byte INS_RESET_SECURITY = (byte) 0x18;
  private static final byte INS_PROCESS_SECURITY_OTHER = (byte) 0x1A;
  private static final byte INS_PROCESS_SECURITY_MODE = (byte) 0x1C;
  private static final byte INS_SET_SECURITY_LEVEL = (byte) 0x1E;
  private static final byte INS_VERIFY = (byte) 0x20;
  private static final byte INS_CVM_STATE = (byte) 0x22;
  private static final byte INS_CVM_UPDATE = (byte) 0x24;
  private static final byte INS_CVM_TRY_LIMIT = (byte) 0x26;
  private static final byte INS_CVM_BLOCK = (byte) 0x28;
  private static final byte INS_CVM_UNBLOCK = (byte) 0x2A;
  private static final byte INS_CVM_RESET = (byte) 0x2C;
  private static final byte INS_CVM_OTHER = (byte) 0x2E;
  private static final byte INS_LOCK_CARD = (byte) 0x30;
  private static final byte INS_TERMINATE_CARD = (byte) 0x32;
  private static final byte INS_ATR_HIST = (byte) 0x34;
  private static final byte INS_REGISTRY_ENTRY = (byte) 0x36;
  private static final byte INS_SET_ENTRY_STATE = (byte) 0x38;
  private static final byte INS_REGISTER_SERVICE = (byte) 0x3A;
  private static final byte INS_PERSONALIZATION = (byte) 0x40;

  private final byte[] personalization;
  private short personalizationLength;
  private short storeDataCalls;
  // 1: processSecurity through SecureChannelx2 with the command in a byte array.
  private byte processSecurityMode;

  private GpApiApplet() {
    personalization = new byte[256];
    register();
  }

  public static void install(byte[] buffer, short offset, byte length) {
    new GpApiApplet();
  }

  public void process(APDU apdu) {
    if (selectingApplet()) {
      return;
    }
    byte[] buffer = apdu.getBuffer();
    switch (buffer[ISO7816.OFFSET_INS]) {
      case INS_INITIALIZE_UPDATE:
      case INS_EXTERNAL_AUTHENTICATE:
      case INS_PROCESS_SECURITY_OTHER:
        processSecurity(apdu);
        return;
      case INS_UNWRAP_ECHO:
        unwrapEcho(apdu);
        return;
      case INS_SECURITY_LEVEL:
        buffer[0] = GPSystem.getSecureChannel().getSecurityLevel();
        apdu.setOutgoingAndSend((short) 0, (short) 1);
        return;
      case INS_DECRYPT:
      case INS_ENCRYPT:
        crypt(apdu);
        return;
      case INS_RESET_SECURITY:
        GPSystem.getSecureChannel().resetSecurity();
        return;
      case INS_PROCESS_SECURITY_MODE:
        processSecurityMode = buffer[ISO7816.OFFSET_P1];
        return;
      case INS_SET_SECURITY_LEVEL:
        ((SecureChannelx) GPSystem.getSecureChannel()).setSecurityLevel(buffer[ISO7816.OFFSET_P1]);
        return;
      case INS_PERSONALIZATION:
        Util.arrayCopyNonAtomic(personalization, (short) 0, buffer, (short) 0, personalizationLength);
        Util.setShort(buffer, personalizationLength, storeDataCalls);
        apdu.setOutgoingAndSend((short) 0, (short) (personalizationLength + 2));
        return;
      default:
        break;
    }
    processServices(apdu, buffer);
  }

  private void processServices(APDU apdu, byte[] buffer) {
    byte p1 = buffer[ISO7816.OFFSET_P1];
    short length = apdu.setIncomingAndReceive();
    CVM cvm = GPSystem.getCVM(GPSystem.CVM_GLOBAL_PIN);
    boolean result;
    switch (buffer[ISO7816.OFFSET_INS]) {
      case INS_VERIFY:
        if (cvm.verify(buffer, ISO7816.OFFSET_CDATA, (byte) length, p1) != CVM.CVM_SUCCESS) {
          ISOException.throwIt((short) (0x63C0 | cvm.getTriesRemaining()));
        }
        return;
      case INS_CVM_STATE:
        buffer[0] = (byte) (cvm.isActive() ? 1 : 0);
        buffer[1] = (byte) (cvm.isSubmitted() ? 1 : 0);
        buffer[2] = (byte) (cvm.isVerified() ? 1 : 0);
        buffer[3] = (byte) (cvm.isBlocked() ? 1 : 0);
        buffer[4] = cvm.getTriesRemaining();
        buffer[5] = (byte) (cvm == GPSystem.getCVM(GPSystem.CVM_GLOBAL_PIN) ? 1 : 0);
        apdu.setOutgoingAndSend((short) 0, (short) 6);
        return;
      case INS_CVM_UPDATE:
        result = cvm.update(buffer, ISO7816.OFFSET_CDATA, (byte) length, p1);
        break;
      case INS_CVM_TRY_LIMIT:
        result = cvm.setTryLimit(p1);
        break;
      case INS_CVM_BLOCK:
        result = cvm.blockState();
        break;
      case INS_CVM_UNBLOCK:
        result = cvm.resetAndUnblockState();
        break;
      case INS_CVM_RESET:
        result = cvm.resetState();
        break;
      case INS_CVM_OTHER:
        result = GPSystem.getCVM(p1) == null;
        break;
      case INS_LOCK_CARD:
        result = GPSystem.lockCard();
        break;
      case INS_TERMINATE_CARD:
        result = GPSystem.terminateCard();
        break;
      case INS_ATR_HIST:
        result = GPSystem.setATRHistBytes(buffer, ISO7816.OFFSET_CDATA, (byte) length);
        break;
      case INS_REGISTRY_ENTRY:
        registryEntry(apdu, buffer, length);
        return;
      case INS_SET_ENTRY_STATE:
        result = entry(buffer, length).setState(p1);
        break;
      case INS_REGISTER_SERVICE:
        entry(buffer, length).registerService((short) 1);
        result = true;
        break;
      default:
        ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        return;
    }
    buffer[0] = (byte) (result ? 1 : 0);
    apdu.setOutgoingAndSend((short) 0, (short) 1);
  }

  // The entry of the AID in the data field, or of this applet for an empty one.
  private GPRegistryEntry entry(byte[] buffer, short length) {
    AID aid = null;
    if (length > 0) {
      aid = JCSystem.lookupAID(buffer, ISO7816.OFFSET_CDATA, (byte) length);
      if (aid == null) {
        aid = new AID(buffer, ISO7816.OFFSET_CDATA, (byte) length);
      }
    }
    GPRegistryEntry entry = GPSystem.getRegistryEntry(aid);
    if (entry == null) {
      ISOException.throwIt(ISO7816.SW_FILE_NOT_FOUND);
    }
    return entry;
  }

  // State, privileges (3 bytes), Card Lock and CVM Management privileges, association with the
  // issuer security domain, and the entry's AID.
  private void registryEntry(APDU apdu, byte[] buffer, short length) {
    GPRegistryEntry entry = entry(buffer, length);
    AID isd = new AID(ISD, (short) 0, (byte) ISD.length);
    buffer[0] = entry.getState();
    short written = entry.getPrivileges(buffer, (short) 1);
    buffer[4] = (byte) written;
    buffer[5] = (byte) (entry.isPrivileged(GPRegistryEntry.PRIVILEGE_CARD_LOCK) ? 1 : 0);
    buffer[6] = (byte) (entry.isPrivileged(GPRegistryEntry.PRIVILEGE_CVM_MANAGEMENT) ? 1 : 0);
    buffer[7] = (byte) (entry.isAssociated(isd) ? 1 : 0);
    buffer[8] = (byte) (entry == GPSystem.getRegistryEntry(entry.getAID()) ? 1 : 0);
    byte aidLength = entry.getAID().getBytes(buffer, (short) 9);
    apdu.setOutgoingAndSend((short) 0, (short) (9 + aidLength));
  }

  private static final byte[] ISD = {
    (byte) 0xA0, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x51, (byte) 0x00, (byte) 0x00,
    (byte) 0x00
  };

  private void processSecurity(APDU apdu) {
    SecureChannel channel = GPSystem.getSecureChannel();
    short length;
    if (processSecurityMode == 1) {
      byte[] buffer = apdu.getBuffer();
      short received = apdu.setIncomingAndReceive();
      length = ((SecureChannelx2) channel).processSecurity(buffer, (short) 0,
          (short) (ISO7816.OFFSET_CDATA + received), ISO7816.OFFSET_CDATA);
    } else {
      length = channel.processSecurity(apdu);
    }
    apdu.setOutgoingAndSend(ISO7816.OFFSET_CDATA, length);
  }

  // Unwraps the command, and returns its plain data wrapped at the session's level.
  private void unwrapEcho(APDU apdu) {
    byte[] buffer = apdu.getBuffer();
    short received = apdu.setIncomingAndReceive();
    SecureChannel channel = GPSystem.getSecureChannel();
    short length = channel.unwrap(buffer, (short) 0, (short) (ISO7816.OFFSET_CDATA + received));
    short data = (short) (length - ISO7816.OFFSET_CDATA);
    Util.arrayCopyNonAtomic(buffer, ISO7816.OFFSET_CDATA, buffer, (short) 0, data);
    Util.setShort(buffer, data, ISO7816.SW_NO_ERROR);
    short wrapped = channel.wrap(buffer, (short) 0, (short) (data + 2));
    apdu.setOutgoingAndSend((short) 0, wrapped);
  }

  private void crypt(APDU apdu) {
    byte[] buffer = apdu.getBuffer();
    short received = apdu.setIncomingAndReceive();
    SecureChannel channel = GPSystem.getSecureChannel();
    short length;
    if (buffer[ISO7816.OFFSET_INS] == INS_DECRYPT) {
      length = channel.decryptData(buffer, ISO7816.OFFSET_CDATA, received);
    } else {
      length = channel.encryptData(buffer, ISO7816.OFFSET_CDATA, received);
    }
    apdu.setOutgoingAndSend(ISO7816.OFFSET_CDATA, length);
  }

  /**
   * STORE DATA after INSTALL [for personalization]: the command with its header, secure
   * messaging removed by the security domain. Encrypted data (P1 b7 and b6) is decrypted with
   * the domain's session. Data starting with EE is rejected with 6A80, and data starting with
   * BB is not kept. A case 4 command (P1 b1), or data starting with CC, gets the number of bytes
   * stored so far.
   */
  public void processData(byte[] buffer, short offset, short length) {
    short lc = (short) (buffer[(short) (offset + ISO7816.OFFSET_LC)] & 0xFF);
    short data = (short) (offset + ISO7816.OFFSET_CDATA);
    if (lc > 0 && buffer[data] == (byte) 0xEE) {
      ISOException.throwIt(ISO7816.SW_WRONG_DATA);
    }
    // P1 b7 and b6 set: data encrypted with the domain's data encryption key.
    if ((buffer[(short) (offset + ISO7816.OFFSET_P1)] & 0x60) == 0x60) {
      lc = GPSystem.getSecureChannel().decryptData(buffer, data, lc);
    }
    // Data starting with BB is counted but not kept, so that a benchmark can repeat it.
    if (lc > 0 && buffer[data] == (byte) 0xBB) {
      storeDataCalls++;
      return;
    }
    if ((short) (personalizationLength + lc) > (short) personalization.length) {
      ISOException.throwIt(ISO7816.SW_FILE_FULL);
    }
    Util.arrayCopy(buffer, data, personalization, personalizationLength, lc);
    personalizationLength += lc;
    storeDataCalls++;
    boolean answer = (buffer[(short) (offset + ISO7816.OFFSET_P1)] & 0x01) != 0
        || (lc > 0 && buffer[data] == (byte) 0xCC);
    if (answer) {
      APDU apdu = APDU.getCurrentAPDU();
      byte[] out = apdu.getBuffer();
      Util.setShort(out, (short) 0, personalizationLength);
      apdu.setOutgoingAndSend((short) 0, (short) 2);
    }
  }
}
