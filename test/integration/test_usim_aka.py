#!/usr/bin/python3
"""3GPP AKA through the PC/SC stack, checked by an independent AuC: Debian's osmo-auc-gen
(libosmocore) computes Milenage vectors for the default card's K and OPc with random RAND and
SQN; pyscard sends them to the USIM applet through pcscd and vpcd."""

import os
import random
import re
import subprocess
import unittest

import harness

# The default profile: 3GPP TS 35.208 test set 1.
K = "465b5ce8b199b49faa5f0a2ee238a6bc"
OPC = "cd63cb71954a9f4e48a5994e37a02baf"
USIM_AID = "A0000000871002FFFFFFFF8907090000"


def auc(*arguments):
    """Runs osmo-auc-gen for the card's subscriber and returns its fields as a dict."""
    command = ["osmo-auc-gen", "-3", "-a", "milenage", "-k", K, "-o", OPC] + list(arguments)
    output = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout
    return dict(re.findall(r"^([A-Za-z. ]+):\t(\S+)$", output, re.MULTILINE))


class UsimAka(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reader = harness.VirtualReader(harness.uicc_binary()).__enter__()
        cls.connection = cls.reader.connect()
        data, sw = harness.transmit(cls.connection, "00A40404" + f"{len(USIM_AID) // 2:02X}" + USIM_AID)
        assert sw in (0x9000,) or sw >> 8 == 0x61, hex(sw)

    @classmethod
    def tearDownClass(cls):
        cls.connection.disconnect()
        cls.reader.__exit__(None, None, None)

    def authenticate(self, rand, autn):
        return harness.transmit(self.connection, f"0088008122 10{rand} 10{autn} 00")

    def test_random_vectors_match_osmo_auc_gen(self):
        rng = random.Random(20261204)
        sqn = 0
        for round_number in range(20):
            rand = f"{rng.getrandbits(128):032x}"
            sqn += rng.randint(1, 1000) << 5  # a fresh SEQ, IND 0
            vector = auc("-r", rand, "-s", str(sqn), "-f", "8000")
            with self.subTest(round=round_number, sqn=sqn):
                data, sw = self.authenticate(rand, vector["AUTN"])
                self.assertEqual(sw, 0x9000)
                expected = ("DB08" + vector["RES"] + "10" + vector["CK"] + "10" + vector["IK"] + "08" + vector["Kc"]).upper()
                self.assertEqual(data, expected)
                data, sw = harness.transmit(self.connection, f"0088008011 10{rand} 00")
                self.assertEqual((data, sw), (("04" + vector["SRES"] + "08" + vector["Kc"]).upper(), 0x9000))
        self.__class__.last_sqn = sqn

    def test_stale_sqn_gives_auts_that_osmo_auc_gen_accepts(self):
        rand = "23553cbe9637a89d218ae64dae47bf35"
        fresh = auc("-r", rand, "-s", str(1 << 20), "-f", "8000")
        self.assertEqual(self.authenticate(rand, fresh["AUTN"])[1], 0x9000)
        data, sw = self.authenticate(rand, fresh["AUTN"])  # the same SQN again
        self.assertEqual(sw, 0x9000)
        self.assertTrue(data.startswith("DC0E"), data)
        resync = auc("-r", rand, "-A", data[4:])
        self.assertGreaterEqual(int(resync["SQN.MS"]), 1 << 20)

    def test_wrong_mac_gives_9862(self):
        rand = "0123456789abcdef0123456789abcdef"
        vector = auc("-r", rand, "-s", str(1 << 40), "-f", "8000")
        autn = vector["AUTN"][:-2] + f"{int(vector['AUTN'][-2:], 16) ^ 1:02x}"
        self.assertEqual(self.authenticate(rand, autn), ("", 0x9862))


if __name__ == "__main__":
    harness.enter_private_namespace()
    unittest.main()
