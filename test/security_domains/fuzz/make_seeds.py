#!/usr/bin/python3
"""Writes the seeds of sd_commands_fuzz: sequences of well-formed GlobalPlatform commands (load,
install, list, lock, store data, delete) in the fuzzer's [flags][length][command] format.

Usage: make_seeds.py OUTPUT_DIR
"""

import os
import sys

PACKAGE = bytes.fromhex("D2760000850101")
APPLET_CLASS = bytes.fromhex("D276000085010101")
INSTANCE = bytes.fromhex("D27600008501010101")


def lv(value):
    return bytes([len(value)]) + value


def apdu(header, data=b"", le=None):
    out = bytes.fromhex(header)
    if data:
        out += bytes([len(data)]) + data
    if le is not None:
        out += bytes([le])
    return out


# The load file the fuzzer's fake runtime accepts (test/security_domains/fake_content.cpp).
LOAD_FILE = b"FAKE-CAP" + lv(PACKAGE) + bytes([1, 2, 1]) + lv(APPLET_CLASS) + bytes(range(20))

INSTALL_FOR_LOAD = apdu("80E60200", lv(PACKAGE) + b"\x00\x00\x00\x00", 0)
LOAD = apdu("80E88000", b"\xC4" + bytes([len(LOAD_FILE)]) + LOAD_FILE, 0)
INSTALL_AND_SELECTABLE = apdu("80E60C00", lv(PACKAGE) + lv(APPLET_CLASS) + lv(INSTANCE) +
                              lv(b"\x00") + lv(b"\xC9\x00") + b"\x00", 0)
GET_STATUS = apdu("80F24002", b"\x4F\x00", 0)
LOCK = apdu("80F04080", INSTANCE)
UNLOCK = apdu("80F04000", INSTANCE)
STORE_DATA = apdu("80E29000", bytes.fromhex("42051122334455"))
PERSONALIZE = apdu("80E62000", b"\x00\x00" + lv(INSTANCE) + b"\x00\x00\x00", 0)
DELETE_RELATED = apdu("80E40080", b"\x4F" + lv(PACKAGE), 0)
GET_DATA = [apdu("80CA0066", le=0), apdu("80CA00E0", le=0), apdu("80CA9F7F", le=0)]

SEEDS = {
    "flow": [INSTALL_FOR_LOAD, LOAD, INSTALL_AND_SELECTABLE, GET_STATUS, LOCK, UNLOCK,
             DELETE_RELATED, GET_STATUS],
    "personalize": [INSTALL_FOR_LOAD, LOAD, INSTALL_AND_SELECTABLE, PERSONALIZE, STORE_DATA],
    "store_data": [STORE_DATA] + GET_DATA,
    "get_data": GET_DATA,
    "reopen": [INSTALL_FOR_LOAD, LOAD, (0x02, INSTALL_AND_SELECTABLE), (0x02, DELETE_RELATED)],
    "unprotected": [(0x01, GET_STATUS), (0x01, INSTALL_FOR_LOAD)],
}


def encode(sequence):
    out = b""
    for step in sequence:
        flags, command = step if isinstance(step, tuple) else (0x00, step)
        out += bytes([flags, len(command)]) + command
    return out


def main():
    directory = sys.argv[1]
    os.makedirs(directory, exist_ok=True)
    for name, sequence in SEEDS.items():
        with open(os.path.join(directory, name), "wb") as seed:
            seed.write(encode(sequence))


if __name__ == "__main__":
    main()
