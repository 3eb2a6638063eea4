"""A private PC/SC stack for integration tests: pcscd with the vpcd driver and a uicc card.

pcscd 1.9.9 always binds /run/pcscd/pcscd.comm, so every test re-executes itself in a
private mount namespace (unshare --mount, which needs root) with a tmpfs on /run/pcscd,
and gives vpcd a free TCP port of its own. Clients started from the test (pyscard,
pcsc_scan, opensc-tool, scriptor) inherit the namespace and see only this pcscd. Services
are started and stopped by pid.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

NAMESPACE_MARK = "UICC_TEST_NAMESPACE"
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
READER = "Virtual PCD 00 00"


def enter_private_namespace():
    """Re-executes the running script inside a private mount namespace with its own /run/pcscd."""
    if os.environ.get(NAMESPACE_MARK) != "1":
        env = dict(os.environ, **{NAMESPACE_MARK: "1"})
        command = ["unshare", "--mount", "--propagation", "private", sys.executable] + sys.argv
        os.execvpe("unshare", command, env)
    os.makedirs("/run/pcscd", exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", "/run/pcscd"], check=True)


def free_port_pair():
    """Returns a port p such that p and p + 1 (vpcd's two slots) are both free on all interfaces."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("0.0.0.0", 0))
            port = probe.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as second:
                second.bind(("0.0.0.0", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two consecutive free TCP ports found in 50 attempts")


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


class VirtualReader:
    """pcscd + vpcd + one uicc card process, stopped by pid when the block ends."""

    def __init__(self, uicc, card_args=()):
        self.uicc = uicc
        self.card_args = list(card_args)
        self.workdir = tempfile.mkdtemp(prefix="uicc-it-")
        self.image = os.path.join(self.workdir, "card.img")
        self.port = free_port_pair()
        self.pcscd = None
        self.card = None

    def __enter__(self):
        try:
            self.start_pcscd()
            self.start_card()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc):
        self.stop_card()
        # pyscard releases a connection's PC/SC context when the object is collected; do it
        # while pcscd still runs.
        import gc
        gc.collect()
        self.stop_pcscd()
        if exc[0] is not None:
            for name in ("pcscd.log", "card.log"):
                path = os.path.join(self.workdir, name)
                if os.path.exists(path):
                    with open(path, errors="replace") as log:
                        sys.stderr.write(f"--- {name} ---\n{log.read()[-int(os.environ.get('UICC_LOG_TAIL', '4000')):]}\n")
        shutil.rmtree(self.workdir, ignore_errors=True)
        return False

    # pcscd -------------------------------------------------------------------------------

    def start_pcscd(self):
        conf_dir = os.path.join(self.workdir, "reader.conf.d")
        os.makedirs(conf_dir, exist_ok=True)
        with open(os.path.join(conf_dir, "vpcd"), "w") as conf:
            conf.write(f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:{self.port}\n'
                       f"LIBPATH {VPCD_DRIVER}\nCHANNELID {self.port}\n")
        with open(os.path.join(self.workdir, "pcscd.log"), "a") as log:
            self.pcscd = subprocess.Popen(["pcscd", "--foreground", "--config", conf_dir] + (["--debug"] if os.environ.get("UICC_PCSCD_DEBUG") else []),
                                          stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_until(lambda: os.path.exists("/run/pcscd/pcscd.comm"), 10, "pcscd's socket")
        # pyscard keeps one PC/SC context per process, which dies with the pcscd it was made for.
        if "smartcard.pcsc.PCSCContext" in sys.modules:
            sys.modules["smartcard.pcsc.PCSCContext"].PCSCContext.renewContext()

    def restart_pcscd(self):
        self.stop_pcscd()
        self.start_pcscd()

    def stop_pcscd(self):
        if self.pcscd is not None:
            self.pcscd.terminate()
            try:
                self.pcscd.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.pcscd.kill()
                self.pcscd.wait(timeout=10)
            self.pcscd = None

    # the card ----------------------------------------------------------------------------

    def start_card(self, wait=True):
        command = [self.uicc, "run", "--image", self.image, "--vpcd-port", str(self.port)] + self.card_args
        with open(os.path.join(self.workdir, "card.log"), "a") as log:
            self.card = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if wait:
            self.wait_for_card()

    def kill_card(self, sig=signal.SIGKILL):
        if self.card is not None:
            os.kill(self.card.pid, sig)
            self.card.wait(timeout=10)
            self.card = None
            # pcscd's event thread polls each reader every 400 ms. A card that comes back
            # before one poll saw the slot empty is never powered up again, so let a poll
            # pass, as it would when a person restarts the card.
            time.sleep(1.0)

    def stop_card(self):
        if self.card is not None:
            self.kill_card(signal.SIGTERM)

    def card_present(self):
        from smartcard.System import readers
        try:
            for reader in readers():
                if str(reader) == READER:
                    connection = reader.createConnection()
                    connection.connect()
                    connection.disconnect()
                    return True
        except Exception:
            return False
        return False

    def wait_for_card(self, timeout=15):
        wait_until(self.card_present, timeout, f"a card in '{READER}'")

    def connect(self):
        from smartcard.System import readers
        for reader in readers():
            if str(reader) == READER:
                connection = reader.createConnection()
                connection.connect()
                return connection
        raise RuntimeError(f"reader '{READER}' not found")


def transmit(connection, hex_apdu):
    """Sends an APDU given in hex and returns (data as upper-case hex, status word as int)."""
    data, sw1, sw2 = connection.transmit(list(bytes.fromhex(hex_apdu.replace(" ", ""))))
    return bytes(data).hex().upper(), (sw1 << 8) | sw2


def uicc_binary():
    """The uicc program under test, named by the UICC environment variable."""
    path = os.environ.get("UICC")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError(f"set UICC to the uicc program to test (got {path!r})")
    return path
