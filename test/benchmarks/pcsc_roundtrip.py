#!/usr/bin/python3
"""Round trips through pcscd and vpcd: the uicc card against a minimal responder.

Both sit in the same private pcscd, one after the other, in alternating rounds. For each
the script measures the time from starting the process to the first answered APDU, and the
time of COUNT pairs of SELECT + READ BINARY sent by a C++ PC/SC client. Prints a Markdown
table with medians and the ratio uicc / minimal responder.

Usage: pcsc_roundtrip.py BUILD_DIR [COUNT] [ROUNDS]
"""

import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402


def first_response_seconds(reader, command):
    """Starts `command`, returns the seconds until an APDU through pcscd is answered."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + 30
    while time.monotonic() < deadline:
        try:
            connection = reader.connect()
            connection.transmit([0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00])
            elapsed = time.monotonic() - start
            connection.disconnect()
            return process, elapsed
        except Exception:
            time.sleep(0.005)
    process.kill()
    raise TimeoutError(f"{command[0]} never answered")


def stop(process):
    process.terminate()
    process.wait(timeout=10)
    time.sleep(1.0)  # let pcscd's 400 ms poll see the slot empty before the next card


def main():
    harness.enter_private_namespace()
    build = os.path.abspath(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    uicc = os.path.join(build, "tools", "cli", "uicc")
    minimal = os.path.join(build, "test", "benchmarks", "minimal_vpcd_responder")
    client = os.path.join(build, "test", "benchmarks", "pcsc_roundtrip_client")

    reader = harness.VirtualReader(uicc)
    reader.start_pcscd()
    results = {"minimal": {"start": [], "loop": []}, "uicc": {"start": [], "loop": []}}
    commands = {
        "minimal": [minimal, str(reader.port)],
        "uicc": [uicc, "--log-level", "warn", "run", "--memory", "--vpcd-port", str(reader.port)],
    }
    try:
        for _ in range(rounds):
            for name in ("minimal", "uicc"):
                process, started = first_response_seconds(reader, commands[name])
                loop = float(subprocess.check_output([client, harness.READER, str(count)], text=True))
                results[name]["start"].append(started)
                results[name]["loop"].append(loop)
                stop(process)
    finally:
        reader.stop_pcscd()

    def median(name, key):
        return statistics.median(results[name][key])

    per_pair = {name: median(name, "loop") / count for name in results}
    print(f"| measure (median of {rounds} rounds, {count} pairs each) | minimal responder | uicc | ratio |")
    print("|---|---|---|---|")
    print(f"| SELECT + READ BINARY pairs per second | {1 / per_pair['minimal']:.0f} | {1 / per_pair['uicc']:.0f} "
          f"| {per_pair['uicc'] / per_pair['minimal']:.3f} |")
    print(f"| time to first response (ms) | {median('minimal', 'start') * 1000:.1f} "
          f"| {median('uicc', 'start') * 1000:.1f} | {median('uicc', 'start') / median('minimal', 'start'):.3f} |")


if __name__ == "__main__":
    main()
