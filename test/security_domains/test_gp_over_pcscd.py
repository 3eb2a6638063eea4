#!/usr/bin/python3
"""`uicc gp` through a private pcscd and the vpcd driver against the card of `uicc run`.

The card's GlobalPlatform card manager runs on its Java Card runtime. The tests list the card, install
the sample applet built by the SDK, use it with pyscard, lock and unlock it, replace the keys,
delete it and list again. They also personalize the GlobalPlatform API test applet with STORE DATA
and use the global PIN through it.

The PC/SC stack is the integration harness's (gp_harness.py): private mount namespace, own vpcd
port, services stopped by pid. Needs root, pcscd, vsmartcard-vpcd and python3-pyscard.
"""

import os
import re
import subprocess
import tempfile
import unittest

import gp_harness
from gp_harness import harness

ISD = "A000000151000000"
PACKAGE = "F0756963630101"
APPLET = "F075696363010101"
SELECT_APPLET = "00A4040008" + APPLET
HELLO = "48656C6C6F2C20776F726C6421"  # "Hello, world!"
TEST_KEY = "404142434445464748494A4B4C4D4E4F"
GP_API_PACKAGE = "F0756963630203"
GP_API_APPLET = "F075696363020301"


def gp(*arguments):
    """Runs `uicc gp` with the arguments; returns (exit code, stdout and stderr)."""
    result = subprocess.run([harness.uicc_binary(), "gp", "--reader", harness.READER] + list(arguments),
                            capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout + result.stderr


def exchange(connection, hex_apdu):
    """Sends an APDU and fetches the response of a case 4 command with GET RESPONSE, as T=0
    requires (ISO/IEC 7816-3:2006 §12.2); returns (data as hex, status word)."""
    data, status = harness.transmit(connection, hex_apdu)
    if status >> 8 == 0x61:
        data, status = harness.transmit(connection, f"00C00000{status & 0xFF:02X}")
    return data, status


class GpOverPcscd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reader = harness.VirtualReader(harness.uicc_binary()).__enter__()
        cls.cap = os.environ["SAMPLE_HELLO_CAP"]

    @classmethod
    def tearDownClass(cls):
        cls.reader.__exit__(None, None, None)

    def select_and_greet(self):
        """Selects the sample applet with pyscard; returns (select status, greeting, status)."""
        connection = self.reader.connect()
        try:
            _, selected = harness.transmit(connection, SELECT_APPLET)
            if selected != 0x9000:
                return selected, "", 0
            greeting, status = harness.transmit(connection, "8010000000")
            return selected, greeting, status
        finally:
            connection.disconnect()

    def test_1_list_shows_isd(self):
        code, output = gp("--list")
        self.assertEqual(code, 0, output)
        self.assertIn(f"ISD: {ISD} (SECURED)", output)
        self.assertIn("SecurityDomain", output)
        # `uicc gp` resets the card when it ends, so the next client finds the file system
        # and not the security domain it left selected.
        connection = self.reader.connect()
        try:
            self.assertEqual(harness.transmit(connection, "00A4000C022FE2")[1], 0x9000)
            data, status = harness.transmit(connection, "00B000000A")
            self.assertEqual(status, 0x9000)
            self.assertEqual(len(data), 20)
        finally:
            connection.disconnect()

    def test_2_install_use_lock_and_delete(self):
        code, output = gp("--install", self.cap, "--security-level", "enc-rmac")
        self.assertEqual(code, 0, output)
        self.assertIn(f"installed {PACKAGE}", output)

        code, output = gp("--list")
        self.assertEqual(code, 0, output)
        self.assertIn(f"APP: {APPLET} (SELECTABLE)", output)
        self.assertIn(f"PKG: {PACKAGE} (LOADED)", output)

        self.assertEqual(self.select_and_greet(), (0x9000, HELLO, 0x9000))

        code, output = gp("--lock", APPLET)
        self.assertEqual(code, 0, output)
        self.assertEqual(self.select_and_greet()[0], 0x6A82)
        code, output = gp("--unlock", APPLET)
        self.assertEqual(code, 0, output)
        self.assertEqual(self.select_and_greet(), (0x9000, HELLO, 0x9000))

        # A second load of the same package: 6985 from INSTALL [for load].
        code, output = gp("--load", self.cap)
        self.assertNotEqual(code, 0, output)
        self.assertIn("6985", output)

        code, output = gp("--delete", PACKAGE, "--related")
        self.assertEqual(code, 0, output)
        code, output = gp("--list")
        self.assertEqual(code, 0, output)
        self.assertNotIn(APPLET, output)
        self.assertNotIn(PACKAGE, output)
        self.assertEqual(self.select_and_greet()[0], 0x6A82)

        # Deleting what is not there: 6A88 (referenced data not found).
        code, output = gp("--delete", PACKAGE)
        self.assertNotEqual(code, 0, output)
        self.assertIn("6A88", output)

    def test_3_put_keys_replaces_keys(self):
        new_key = "000102030405060708090A0B0C0D0E0F"
        code, output = gp("--put-keys", "--new-key", new_key, "--new-key-version", "31",
                          "--replace", "30", "--security-level", "enc")
        self.assertEqual(code, 0, output)
        self.assertIn("key version 31", output)

        code, output = gp("--list")
        self.assertNotEqual(code, 0, output)

        with tempfile.NamedTemporaryFile("w", suffix=".keys", delete=False) as keys:
            keys.write(f"# lab card\nkey = {new_key}\nversion = 31\n")
        try:
            code, output = gp("--key-file", keys.name, "--list")
            self.assertEqual(code, 0, output)
            self.assertIn(f"ISD: {ISD}", output)
            # Back to the test key, so that the card ends as it started.
            code, output = gp("--key-file", keys.name, "--put-keys", "--new-key", TEST_KEY,
                              "--new-key-version", "30", "--replace", "31")
            self.assertEqual(code, 0, output)
        finally:
            os.unlink(keys.name)
        code, output = gp("--list")
        self.assertEqual(code, 0, output)

    def test_4_registry_survives_restart(self):
        code, output = gp("--install", self.cap)
        self.assertEqual(code, 0, output)
        self.reader.kill_card()
        self.reader.start_card()
        self.assertEqual(self.select_and_greet(), (0x9000, HELLO, 0x9000))
        code, output = gp("--delete", PACKAGE, "--related")
        self.assertEqual(code, 0, output)

    def test_5_global_platform_api_applet(self):
        """Personalization of the GlobalPlatform API test applet through processData, on the
        card that `uicc run` serves."""
        code, output = gp("--install", os.environ["GP_API_APPLET_CAP"], "--privileges", "1A")
        self.assertEqual(code, 0, output)
        # INSTALL [for personalization], then STORE DATA with C-MAC and C-DECRYPTION. The second
        # block is case 4, and processData returns the number of bytes stored (GPCS 2.3.1 §11.11).
        install = "80E620000E" + "0000" + "08" + GP_API_APPLET + "000000"
        code, output = gp("--security-level", "enc", "--apdu", install,
                          "--apdu", "80E2000003A1A2A3", "--apdu", "80E2810102B1B200")
        self.assertEqual(code, 0, output)
        # One response per --apdu, after the log lines. INSTALL returns the byte 00 (GPCS 2.3.1
        # §11.5).
        responses = [line for line in output.splitlines() if re.fullmatch("[0-9A-F]+", line)]
        self.assertEqual(responses, ["009000", "9000", "00059000"], output)

        connection = self.reader.connect()
        try:
            self.assertEqual(exchange(connection, "00A4040008" + GP_API_APPLET)[1], 0x9000)
            self.assertEqual(exchange(connection, "8040000000"), ("A1A2A3B1B20002", 0x9000))
        finally:
            connection.disconnect()

        code, output = gp("--delete", GP_API_PACKAGE, "--related")
        self.assertEqual(code, 0, output)

    def test_6_global_pin_and_registry_entry(self):
        """The global PIN and the registry entry through the GlobalPlatform API test applet."""
        code, output = gp("--install", os.environ["GP_API_APPLET_CAP"], "--privileges", "1A")
        self.assertEqual(code, 0, output)
        connection = self.reader.connect()
        try:
            self.assertEqual(exchange(connection, "00A4040008" + GP_API_APPLET)[1], 0x9000)
            # CVM Management: try limit 3 and "1234" in ASCII; then a wrong and a right value.
            self.assertEqual(exchange(connection, "8026030000"), ("01", 0x9000))
            self.assertEqual(exchange(connection, "802401000431323334"), ("01", 0x9000))
            self.assertEqual(exchange(connection, "802001000430303030"), ("", 0x63C2))
            self.assertEqual(exchange(connection, "80200200021234"), ("", 0x9000))
            self.assertEqual(exchange(connection, "8022000000"), ("010101000301", 0x9000))
            # Its registry entry: SELECTABLE, privileges 1A0000, associated with the ISD.
            self.assertEqual(exchange(connection, "8036000000"),
                             ("071A00000301010101" + GP_API_APPLET, 0x9000))
        finally:
            connection.disconnect()
            gp("--delete", GP_API_PACKAGE, "--related")


    def test_7_atr_historical_bytes(self):
        """GPSystem.setATRHistBytes changes the ATR that pcscd reads at the next reset."""
        from smartcard.scard import SCARD_RESET_CARD
        # Privileges 1E: Card Lock, Card Terminate, Card Reset and CVM Management.
        code, output = gp("--install", os.environ["GP_API_APPLET_CAP"], "--privileges", "1E")
        self.assertEqual(code, 0, output)
        historical = "8031C07300"
        connection = self.reader.connect()
        try:
            self.assertNotIn(historical, bytes(connection.getATR()).hex().upper())
            self.assertEqual(exchange(connection, "00A4040008" + GP_API_APPLET)[1], 0x9000)
            self.assertEqual(exchange(connection, "8034000005" + historical), ("01", 0x9000))
            connection.reconnect(disposition=SCARD_RESET_CARD)
            atr = bytes(connection.getATR()).hex().upper()
            # T0 announces 5 historical bytes; TCK follows them because the ATR offers T=1.
            self.assertEqual(int(atr[2:4], 16) & 0x0F, 5, atr)
            self.assertEqual(atr[-12:-2], historical, atr)
        finally:
            connection.disconnect()
            gp("--delete", GP_API_PACKAGE, "--related")

if __name__ == "__main__":
    harness.enter_private_namespace()
    unittest.main()
