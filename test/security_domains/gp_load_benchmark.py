#!/usr/bin/python3
"""Load benchmark of `uicc gp`'s client through pcscd: gp_load_benchmark against gp_test_card.

Runs the benchmark program twice in one private pcscd: through pcscd and vpcd, and against
the same card in-process (no PC/SC), and prints their Markdown rows. A row gives the size of
the Load File Data Block, the security level and the number of APDUs of the whole sequence
(SELECT, INITIALIZE UPDATE, EXTERNAL AUTHENTICATE, INSTALL [for load], LOAD, INSTALL [for
install]). Then come the median time of that sequence, the median time of as many unprotected
APDUs of the same lengths, and the ratio of the two.

Usage: gp_load_benchmark.py BUILD_DIR [ROUNDS] [LEVEL]
"""

import os
import subprocess
import sys

import gp_harness
from gp_harness import harness


def main():
    harness.enter_private_namespace()
    build = os.path.abspath(sys.argv[1])
    rounds = sys.argv[2] if len(sys.argv) > 2 else "7"
    level = sys.argv[3] if len(sys.argv) > 3 else "03"
    programs = os.path.join(build, "test", "security_domains")
    program = os.path.join(programs, "gp_load_benchmark")
    cap = os.path.join(programs, "gp_large_applet", "out", "com", "uicc", "test", "large", "javacard",
                       "large.cap")
    print("| path | Load File Data Block | level | APDUs | load + install | same APDUs unprotected | ratio |")
    print("|---|---|---|---|---|---|---|")
    with gp_harness.GpTestCard(os.path.join(programs, "gp_test_card")):
        for where in (["--reader", harness.READER], ["--in-process"]):
            result = subprocess.run([program, "--cap", cap, "--rounds", rounds, "--level", level] + where,
                                    capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                sys.exit(result.stdout + result.stderr)
            sys.stdout.write(result.stdout)


if __name__ == "__main__":
    main()
