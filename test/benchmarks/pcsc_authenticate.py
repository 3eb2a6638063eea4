#!/usr/bin/python3
"""AUTHENTICATE per second through pcscd and vpcd, against the same number of READ BINARY
commands sent to the same card in the same run.

Usage: pcsc_authenticate.py BUILD_DIR [COUNT] [ROUNDS]
"""

import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402


def main():
    harness.enter_private_namespace()
    build = os.path.abspath(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    uicc = os.path.join(build, "tools", "cli", "uicc")
    client = os.path.join(build, "test", "benchmarks", "pcsc_authenticate_client")
    authenticate, plain = [], []
    for _ in range(rounds):
        # A fresh card each round: the challenges' SQNs start from 1 again.
        with harness.VirtualReader(uicc, card_args=["--memory", "--log-level", "warn"]) as reader:
            a, p = (float(x) for x in subprocess.check_output([client, harness.READER, str(count)], text=True).split())
            authenticate.append(a)
            plain.append(p)
    a = statistics.median(authenticate) / count
    p = statistics.median(plain) / count
    print(f"| measure (median of {rounds} rounds, {count} commands each) | per second | time per command |")
    print("|---|---|---|")
    print(f"| 3G AUTHENTICATE, fresh SQN each | {1 / a:.0f} | {a * 1e6:.0f} µs |")
    print(f"| READ BINARY of EF.IMSI (baseline) | {1 / p:.0f} | {p * 1e6:.0f} µs |")
    print(f"| ratio | | {a / p:.3f} |")


if __name__ == "__main__":
    main()
