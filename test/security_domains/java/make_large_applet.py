#!/usr/bin/python3
"""Writes the Java sources of a Java Card applet whose CAP file is about 30 KB.

The load benchmark of `uicc gp` loads it. Most of its size is four byte tables in the Static
Field component; the applet returns one byte of a table per command (INS = table, P1-P2 =
index), so the linker and the runtime have to keep every table.

Usage: make_large_applet.py OUTPUT_DIR [TABLE_SIZE]
"""

import os
import sys

PACKAGE = "com.uicc.test.large"
TABLES = 4


def table_source(index, size):
    # A fixed pseudo-random sequence, so the CAP file is the same on every build.
    values = [((i * 37 + index * 101) * 2654435761 >> 13) % 256 - 128 for i in range(size)]
    lines = []
    for start in range(0, size, 16):
        lines.append("        " + ", ".join(str(v) for v in values[start:start + 16]) + ",")
    body = "\n".join(lines)
    return (f"package {PACKAGE};\n\n"
            f"final class Table{index} {{\n"
            f"    static final byte[] DATA = {{\n{body}\n    }};\n\n"
            f"    private Table{index}() {{}}\n}}\n")


def applet_source():
    cases = "\n".join(f"            case {i}:\n                table = Table{i}.DATA;\n                break;"
                      for i in range(TABLES))
    return f"""package {PACKAGE};

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;

/** Returns byte P1-P2 of table INS. */
public final class LargeApplet extends Applet {{
    private LargeApplet() {{
        register();
    }}

    public static void install(byte[] parameters, short offset, byte length) {{
        new LargeApplet();
    }}

    public void process(APDU apdu) {{
        if (selectingApplet()) {{
            return;
        }}
        byte[] buffer = apdu.getBuffer();
        byte[] table;
        switch (buffer[ISO7816.OFFSET_INS]) {{
{cases}
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
                return;
        }}
        short index = Util.getShort(buffer, ISO7816.OFFSET_P1);
        if (index < 0 || index >= (short) table.length) {{
            ISOException.throwIt(ISO7816.SW_WRONG_P1P2);
        }}
        buffer[0] = table[index];
        apdu.setOutgoingAndSend((short) 0, (short) 1);
    }}
}}
"""


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path) as existing:
            if existing.read() == text:
                return
    with open(path, "w") as out:
        out.write(text)


def main():
    output = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 7580
    directory = os.path.join(output, *PACKAGE.split("."))
    os.makedirs(directory, exist_ok=True)
    write_if_changed(os.path.join(directory, "LargeApplet.java"), applet_source())
    for index in range(TABLES):
        write_if_changed(os.path.join(directory, f"Table{index}.java"), table_source(index, size))


if __name__ == "__main__":
    main()
