#!/usr/bin/python3
"""Independent PC/SC clients (pcsc_scan, opensc-tool, scriptor, pyscard) against the card."""

import subprocess
import unittest

import harness

DEFAULT_ATR = "3B9A9680B1FE451FC78031E073FE215B829000EA"
ICCID_BYTES = "98000101000000000081"  # ICCID 89001010000000000018 of the default profile


def run(command, stdin=None):
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=30)
    return result.returncode, result.stdout + result.stderr


class PcscClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reader = harness.VirtualReader(harness.uicc_binary()).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.reader.__exit__(None, None, None)

    def test_pcsc_scan_lists_reader(self):
        code, output = run(["pcsc_scan", "-r"])
        self.assertEqual(code, 0, output)
        self.assertIn(harness.READER, output)

    def test_opensc_tool_shows_exact_atr(self):
        code, output = run(["opensc-tool", "-r", "0", "-a"])
        self.assertEqual(code, 0, output)
        atr = output.strip().splitlines()[-1].replace(":", "").upper()
        self.assertEqual(atr, DEFAULT_ATR)

    def test_opensc_tool_exchanges_apdu(self):
        code, output = run(["opensc-tool", "-r", "0", "-s", "00A4000C023F00", "-s", "00A4000C022FE2",
                            "-s", "00B000000A"])
        self.assertEqual(code, 0, output)
        self.assertIn("98 00 01 01 00 00 00 00 00 81", output)
        self.assertIn("SW1=0x90, SW2=0x00", output)

    def test_scriptor_exchanges_apdu(self):
        script = "00 A4 00 0C 02 2F E2\n00 B0 00 00 0A\n"
        code, output = run(["scriptor", "-r", harness.READER], stdin=script)
        self.assertEqual(code, 0, output)
        self.assertIn("98 00 01 01 00 00 00 00 00 81 90 00", output)

    def test_pyscard_reads_iccid(self):
        connection = self.reader.connect()
        try:
            self.assertEqual(bytes(connection.getATR()).hex().upper(), DEFAULT_ATR)
            self.assertEqual(harness.transmit(connection, "00A4000C023F00"), ("", 0x9000))
            self.assertEqual(harness.transmit(connection, "00A4000C022FE2"), ("", 0x9000))
            self.assertEqual(harness.transmit(connection, "00B000000A"), (ICCID_BYTES, 0x9000))
        finally:
            connection.disconnect()

    def test_t0_case4_through_get_response(self):
        connection = self.reader.connect()
        try:
            data, sw = harness.transmit(connection, "00A40004022FE2")  # case 4 without Le
            self.assertEqual(sw >> 8, 0x61)
            fcp, sw = harness.transmit(connection, f"00C00000{sw & 0xFF:02X}")
            self.assertEqual(sw, 0x9000)
            self.assertTrue(fcp.startswith("62"), fcp)
            self.assertIn("83022FE2", fcp)
        finally:
            connection.disconnect()

    def test_wrong_le_gets_6c(self):
        connection = self.reader.connect()
        try:
            harness.transmit(connection, "00A4000C022FE2")
            self.assertEqual(harness.transmit(connection, "00B0000020"), ("", 0x6C0A))
            self.assertEqual(harness.transmit(connection, "00B000000A"), (ICCID_BYTES, 0x9000))
        finally:
            connection.disconnect()

    def test_malformed_apdus_through_pcscd(self):
        rows = [
            ("Lc larger than the data", "00A4000C053F00", 0x6700),
            ("truncated extended length", "00B000000001", 0x6700),
            ("Le on a case-3 command", "00D600000101FF", 0x6700),
            ("CLA FF", "FFA4000C023F00", 0x6E00),
            ("INS 6X", "00600000", 0x6D00),
            ("INS 9X", "00900000", 0x6D00),
        ]
        connection = self.reader.connect()
        try:
            for name, apdu, expected in rows:
                with self.subTest(name):
                    self.assertEqual(harness.transmit(connection, apdu)[1], expected)
        finally:
            connection.disconnect()


if __name__ == "__main__":
    harness.enter_private_namespace()
    unittest.main()
