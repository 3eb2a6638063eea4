#!/usr/bin/env python3
"""Measures the SDK on the sample applets: the time javac takes (the baseline), the time
`uicc convert` takes with and without loading the result into the VM, and the sizes of the
bytecode and of the CAP file. Prints a Markdown table.

Usage: conversion_benchmark.py BUILD_DIR [--runs N]
BUILD_DIR is a configured and built CMake build directory of the project.
"""

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

# target, package, AID, applet "Class:AID" (or None), source files, packages imported
SAMPLES = [
    ("hello", "com.uicc.samples.hello", "F0756963630101", "HelloWorld:F075696363010101",
     ["hello/com/uicc/samples/hello/HelloWorld.java"], []),
    ("echo", "com.uicc.samples.echo", "F0756963630102", "Echo:F075696363010201",
     ["echo/com/uicc/samples/echo/Echo.java"], []),
    ("wallet", "com.uicc.samples.wallet", "F0756963630103", "Wallet:F075696363010301",
     ["wallet/com/uicc/samples/wallet/Wallet.java"], []),
    ("counterlib", "com.uicc.samples.counterlib", "F0756963630104", None,
     ["counter/lib/com/uicc/samples/counterlib/Counter.java",
      "counter/lib/com/uicc/samples/counterlib/Checksums.java"], []),
    ("counterclient", "com.uicc.samples.counterclient", "F0756963630106",
     "CounterClient:F075696363010601",
     ["counter/client/com/uicc/samples/counterclient/CounterClient.java"], ["counterlib"]),
    ("crypto", "com.uicc.samples.crypto", "F0756963630107", "CryptoDemo:F075696363010701",
     ["crypto/com/uicc/samples/crypto/CryptoDemo.java"], []),
]


def run(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def median_ms(command, runs):
    return statistics.median(run(command) for _ in range(runs)) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    args = parser.parse_args()
    build = os.path.abspath(args.build_dir)
    uicc = os.path.join(build, "tools", "cli", "uicc")
    api_jar = os.path.join(build, "tools", "sdk", "api", "uicc-api.jar")
    api_exp = os.path.join(build, "tools", "sdk", "api", "exp")
    for path in (uicc, api_jar, api_exp):
        if not os.path.exists(path):
            sys.exit(f"missing {path}: build the project first")
    samples_dir = os.path.join(SOURCE_DIR, "applets", "samples")
    work = tempfile.mkdtemp(prefix="uicc-sdk-bench-")
    rows = []
    try:
        out_dirs = {}
        for name, package, aid, applet, sources, imports in SAMPLES:
            classes = os.path.join(work, name, "classes")
            out = os.path.join(work, name, "out")
            os.makedirs(classes)
            class_path = [os.path.join(work, i, "classes") for i in imports]
            javac = ["javac", "-source", "8", "-target", "8", "-Xlint:-options", "-g",
                     "-bootclasspath", api_jar, "-d", classes]
            if class_path:
                javac += ["-classpath", ":".join(class_path)]
            javac += [os.path.join(samples_dir, s) for s in sources]
            convert = [uicc, "--log-level", "warn", "convert", classes, "--package", package,
                       "--aid", aid, "--exp-path", api_exp, "--out", out]
            for i in imports:
                convert += ["--exp-path", out_dirs[i]]
            if applet:
                convert += ["--applet", applet]
            javac_ms = median_ms(javac, args.runs)
            convert_ms = median_ms(convert + ["--no-verify"], args.runs)
            verify_ms = median_ms(convert, args.runs)
            out_dirs[name] = out
            cap = os.path.join(out, package.replace(".", "/"), "javacard",
                               package.rsplit(".", 1)[-1] + ".cap")
            with zipfile.ZipFile(cap) as jar:
                components = sum(i.file_size for i in jar.infolist()
                                 if i.filename.endswith(".cap"))
                method = next(i.file_size for i in jar.infolist()
                              if i.filename.endswith("Method.cap"))
            summary = subprocess.run(convert, check=True, capture_output=True, text=True).stdout
            match = re.search(r"(\d+) bytes of Java Card bytecode \((\d+) of JVM", summary)
            jc_bytes, jvm_bytes = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
            rows.append((name, javac_ms, convert_ms, verify_ms, jvm_bytes, jc_bytes, method,
                         components, os.path.getsize(cap)))
    finally:
        shutil.rmtree(work)

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(l.split(":", 1)[1].strip() for l in info if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
          f"median of {args.runs} runs.\n")
    print("| package | javac (ms) | convert (ms) | convert + VM load (ms) | ratio to javac |"
          " JVM bytecode | JC bytecode | Method.cap | components | CAP JAR |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, javac_ms, convert_ms, verify_ms, jvm, jc, method, components, jar in rows:
        print(f"| {name} | {javac_ms:.0f} | {convert_ms:.1f} | {verify_ms:.1f} | "
              f"{verify_ms / javac_ms:.3f} | {jvm} | {jc} | {method} | {components} | {jar} |")


if __name__ == "__main__":
    main()
