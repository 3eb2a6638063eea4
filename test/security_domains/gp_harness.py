"""The integration harness's private pcscd and vpcd (test/integration/harness.py) with
gp_test_card, the card manager on the Java Card runtime, in place of `uicc run`."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402,F401  (re-exported for the scripts that import this module)


class GpTestCard(harness.VirtualReader):
    """pcscd + vpcd + one gp_test_card process, stopped by pid when the block ends."""

    def __init__(self, gp_test_card):
        super().__init__(uicc=None)
        self.gp_test_card = gp_test_card

    def start_card(self, wait=True):
        command = [self.gp_test_card, "--image", self.image, "--vpcd-port", str(self.port)]
        with open(os.path.join(self.workdir, "card.log"), "a") as log:
            self.card = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        if wait:
            self.wait_for_card()
