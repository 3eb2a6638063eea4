#!/usr/bin/python3
"""Resets through pcscd, a card process killed while it works, and pcscd restarting."""

import os
import random
import threading
import time
import unittest

from smartcard.scard import SCARD_RESET_CARD

import harness

VERIFY_ADM = "0020000A083132333435363738"
SELECT_EF_DIR = "00A4000C022F00"


def update_record(value):
    return "00DC010420" + f"{value:02X}" * 32


class PowerAndRestarts(unittest.TestCase):
    def test_reset_clears_transient_state(self):
        with harness.VirtualReader(harness.uicc_binary()) as reader:
            connection = reader.connect()
            try:
                harness.transmit(connection, SELECT_EF_DIR)
                self.assertEqual(harness.transmit(connection, update_record(0x11))[1], 0x6982)
                self.assertEqual(harness.transmit(connection, VERIFY_ADM)[1], 0x9000)
                self.assertEqual(harness.transmit(connection, update_record(0x11))[1], 0x9000)
                self.assertEqual(harness.transmit(connection, "0070000001"), ("01", 0x9000))

                connection.reconnect(disposition=SCARD_RESET_CARD)

                # Channel 1 is closed, the ADM verification is gone, the EF selection too;
                # the record written before the reset stays.
                self.assertEqual(harness.transmit(connection, "01A4000C023F00")[1], 0x6881)
                self.assertEqual(harness.transmit(connection, "00B2010420")[1], 0x6986)
                harness.transmit(connection, SELECT_EF_DIR)
                self.assertEqual(harness.transmit(connection, update_record(0x22))[1], 0x6982)
                self.assertEqual(harness.transmit(connection, "00B2010420")[0], "11" * 32)
            finally:
                connection.disconnect()

    def test_killed_card_restarts_from_its_image(self):
        """Kills the card process with SIGKILL at random moments while a client updates a
        record, restarts it on the same image, and checks that the image loads and that
        the record holds one of the values written, never a mixture."""
        rounds = 8
        with harness.VirtualReader(harness.uicc_binary()) as reader:
            rng = random.Random(20261204)
            for round_number in range(rounds):
                connection = reader.connect()
                harness.transmit(connection, VERIFY_ADM)
                harness.transmit(connection, SELECT_EF_DIR)
                written = []
                stop = threading.Event()

                def writer():
                    value = 0
                    deadline = time.monotonic() + 10
                    while not stop.is_set() and time.monotonic() < deadline and value < 5000:
                        value += 1
                        try:
                            harness.transmit(connection, update_record(value % 250 + 1))
                        except Exception:
                            return  # the card went away mid-command
                        written.append(value % 250 + 1)

                thread = threading.Thread(target=writer)
                thread.start()
                time.sleep(rng.uniform(0.05, 0.4))
                reader.kill_card()
                stop.set()
                thread.join(timeout=15)
                try:
                    connection.disconnect()
                except Exception:
                    pass

                reader.start_card()
                connection = reader.connect()
                try:
                    harness.transmit(connection, SELECT_EF_DIR)
                    data, sw = harness.transmit(connection, "00B2010420")
                    self.assertEqual(sw, 0x9000, f"round {round_number}")
                    record = bytes.fromhex(data)
                    self.assertEqual(len(set(record)), 1, f"round {round_number}: mixed record {data}")
                    allowed = set(written) | ({written[-1] % 250 + 1} if written else set()) | {0xFF}
                    if written:
                        # The last acknowledged value, or the one being written when the kill came.
                        self.assertIn(record[0], {written[-1], written[-1] % 250 + 1}, f"round {round_number}")
                    else:
                        self.assertIn(record[0], allowed, f"round {round_number}")
                finally:
                    connection.disconnect()

    def test_killed_applet_keeps_transactions_whole(self):
        """The wallet sample credits 1 and counts the operation in one Java Card transaction.
        Killed at random moments while a client credits, the card must come back with the
        balance equal to the operation count (all of each transaction or none of it), no
        acknowledged credit lost, and at most the one in flight added."""
        wallet_cap = os.environ["SAMPLE_WALLET_CAP"]
        install = "F075696363010301:F075696363010301:31323334"  # the PIN, 1234
        rounds = 6
        with harness.VirtualReader(harness.uicc_binary(),
                                   card_args=["--load", wallet_cap, "--install", install]) as reader:
            rng = random.Random(4242)
            acknowledged = 0
            for round_number in range(rounds):
                connection = reader.connect()
                self.assertEqual(harness.transmit(connection, "00A4040008F075696363010301")[1], 0x9000)
                self.assertEqual(harness.transmit(connection, "802000000431323334")[1], 0x9000)
                stop = threading.Event()
                credited = []

                def credit():
                    deadline = time.monotonic() + 10
                    while not stop.is_set() and time.monotonic() < deadline and len(credited) < 2000:
                        try:
                            _, sw = harness.transmit(connection, "80300000020001")
                        except Exception:
                            return
                        if sw != 0x9000:
                            return
                        credited.append(1)

                thread = threading.Thread(target=credit)
                thread.start()
                time.sleep(rng.uniform(0.05, 0.4))
                reader.kill_card()
                stop.set()
                thread.join(timeout=15)
                try:
                    connection.disconnect()
                except Exception:
                    pass
                acknowledged += len(credited)

                reader.start_card()
                connection = reader.connect()
                try:
                    self.assertEqual(harness.transmit(connection, "00A4040008F075696363010301")[1], 0x9000)
                    balance, sw = harness.transmit(connection, "8050000002")
                    self.assertEqual(sw, 0x9000)
                    log, sw = harness.transmit(connection, "8052000005")
                    self.assertEqual(sw, 0x9000)
                    balance = int(balance, 16)
                    count = int(log[6:10], 16)
                    self.assertEqual(balance, count, f"round {round_number}: balance and log disagree")
                    self.assertGreaterEqual(balance, acknowledged, f"round {round_number}: an acknowledged credit was lost")
                    self.assertLessEqual(balance, acknowledged + 1, f"round {round_number}")
                    acknowledged = balance
                finally:
                    connection.disconnect()

    def test_card_reconnects_when_pcscd_restarts(self):
        with harness.VirtualReader(harness.uicc_binary()) as reader:
            card_pid = reader.card.pid
            reader.restart_pcscd()
            reader.wait_for_card(timeout=20)
            self.assertEqual(reader.card.pid, card_pid)
            self.assertIsNone(reader.card.poll(), "the card process ended")
            connection = reader.connect()
            try:
                self.assertEqual(harness.transmit(connection, "00A4000C023F00")[1], 0x9000)
            finally:
                connection.disconnect()


if __name__ == "__main__":
    harness.enter_private_namespace()
    unittest.main()
