#!/usr/bin/env python3
"""Generate the built-in API artefacts from the package data in this folder.

The JSON files next to this script are the single source of truth for the packages that
the card provides: AIDs, versions, class tokens, constant values and method tokens, as the
official export files define them. This script checks the data and turns it into:

  cpp FILE       C++ tables (uicc::api::builtin_packages) for the VM's native bindings
  constants-header FILE
                 the constants as C++ values (uicc::api::jc::<package>::<class>::<NAME>)
  java DIR       Java stub sources that applets compile against
  manifest FILE  one line per class, constant and method, for the test of the stubs

Only the Python 3 standard library is used, so the build needs nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Access flags of export files: Java Card 3.0.5 Virtual Machine Specification §5.7
# (class_info) and §5.8, §5.9 (field_info, method_info).
CLASS_FLAGS = {"public": 0x0001, "final": 0x0010, "interface": 0x0200,
               "abstract": 0x0400, "shareable": 0x0800, "remote": 0x1000}
MEMBER_FLAGS = {"public": 0x0001, "protected": 0x0004, "static": 0x0008,
                "final": 0x0010, "abstract": 0x0400}
CONSTANT_TYPES = {"B": 8, "S": 16, "Z": 1}
CONSTANT_TOKEN = 0xFF  # JCVM 3.0.5 §5.8: compile-time constants carry token 0xFF


class DataError(Exception):
    """The package data is inconsistent; the message names the file and the item."""


@dataclass
class Method:
    token: int
    name: str
    descriptor: str
    flags: list[str]
    doc: str = ""

    @property
    def is_static(self) -> bool:
        # Constructors share the static method token space (JCVM 3.0.5 §4.3.7.4).
        return "static" in self.flags or self.name == "<init>"


@dataclass
class Constant:
    name: str
    type: str
    value: int  # signed value of the Java type; booleans as 0 or 1


@dataclass
class Class:
    token: int
    name: str  # simple name; nested classes as Outer$Inner
    flags: list[str]
    supers: list[str]  # every superclass, root first, dotted names
    interfaces: list[str]  # every superinterface, dotted names
    constants: list[Constant] = field(default_factory=list)
    methods: list[Method] = field(default_factory=list)
    doc: str = ""
    package: "Package | None" = None

    @property
    def qualified(self) -> str:
        return f"{self.package.name}.{self.name}"

    @property
    def is_interface(self) -> bool:
        return "interface" in self.flags


@dataclass
class Package:
    name: str
    aid: bytes
    major: int
    minor: int
    library: bool
    source: str
    classes: list[Class]
    path: Path


def parse_constant(path: Path, cls: str, entry: list) -> Constant:
    name, type_, raw = entry
    if type_ not in CONSTANT_TYPES:
        raise DataError(f"{path}: {cls}.{name}: unsupported constant type {type_!r}")
    if type_ == "Z":
        if not isinstance(raw, bool):
            raise DataError(f"{path}: {cls}.{name}: boolean constant must be true or false")
        return Constant(name, type_, int(raw))
    bits = CONSTANT_TYPES[type_]
    if not (isinstance(raw, str) and raw.startswith("0x") and len(raw) == 2 + bits // 4):
        raise DataError(f"{path}: {cls}.{name}: value {raw!r} must be hex of {bits // 4} digits")
    value = int(raw, 16)
    if value >= 1 << (bits - 1):
        value -= 1 << bits
    return Constant(name, type_, value)


def load_package(path: Path) -> Package:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != "uicc-api-package 1":
        raise DataError(f"{path}: unknown format {data.get('format')!r}")
    major, minor = (int(x) for x in data["version"].split("."))
    aid = bytes.fromhex(data["aid"])
    if not 5 <= len(aid) <= 16:
        raise DataError(f"{path}: AID length {len(aid)} outside 5..16")
    classes = []
    for c in data["classes"]:
        cls = Class(token=c["token"], name=c["name"], flags=c["flags"].split(),
                    supers=c["supers"], interfaces=c["interfaces"], doc=c.get("doc", ""))
        for unknown in set(cls.flags) - set(CLASS_FLAGS):
            raise DataError(f"{path}: class {cls.name}: unknown flag {unknown!r}")
        cls.constants = [parse_constant(path, cls.name, e) for e in c.get("constants", [])]
        for m in c.get("methods", []):
            token, signature, flags = m[0], m[1], m[2]
            doc = m[3] if len(m) > 3 else ""
            name, _, rest = signature.partition("(")
            method = Method(token, name, "(" + rest, flags.split(), doc)
            for unknown in set(method.flags) - set(MEMBER_FLAGS):
                raise DataError(f"{path}: {cls.name}.{signature}: unknown flag {unknown!r}")
            cls.methods.append(method)
        classes.append(cls)
    pkg = Package(data["package"], aid, major, minor, bool(data["library"]), data["source"],
                  classes, path)
    for cls in classes:
        cls.package = pkg
    return pkg


def load_all(data_dir: Path) -> list[Package]:
    packages = [load_package(p) for p in sorted(data_dir.glob("*.json"))]
    check(packages)
    return packages


def class_index(packages: list[Package]) -> dict[str, Class]:
    return {cls.qualified: cls for pkg in packages for cls in pkg.classes}


def check(packages: list[Package]) -> None:
    """Rejects data that no export file could contain, naming the item."""
    names = [p.name for p in packages]
    if len(set(names)) != len(names):
        raise DataError(f"duplicate package in {names}")
    aids = [p.aid for p in packages]
    if len(set(aids)) != len(aids):
        raise DataError("two packages share an AID")
    index = class_index(packages)
    for pkg in packages:
        tokens = [c.token for c in pkg.classes]
        if len(set(tokens)) != len(tokens):
            raise DataError(f"{pkg.path}: duplicate class token")
        for cls in pkg.classes:
            where = f"{pkg.path}: {cls.name}"
            for ref in cls.supers + cls.interfaces:
                if ref not in index:
                    raise DataError(f"{where}: {ref} is not in the data")
            if cls.is_interface and cls.supers != ["java.lang.Object"]:
                raise DataError(f"{where}: an interface must list java.lang.Object alone")
            if not cls.is_interface and cls.supers:
                direct = index[cls.supers[-1]]
                if direct.supers + [direct.qualified] != cls.supers:
                    raise DataError(f"{where}: superclass chain differs from {direct.qualified}")
            seen = {}
            for m in cls.methods:
                key = (m.is_static, m.token)
                if key in seen:
                    raise DataError(f"{where}: token {m.token} used by {seen[key]} and {m.name}")
                seen[key] = m.name
            const_names = [k.name for k in cls.constants]
            if len(set(const_names)) != len(const_names):
                raise DataError(f"{where}: duplicate constant")


# ----------------------------------------------------------------------------------------
# C++ tables

def cpp_string(text: str) -> str:
    return json.dumps(text)  # JSON string escapes are valid C++ for this ASCII data


def flag_bits(flags: list[str], table: dict[str, int]) -> int:
    bits = 0
    for f in flags:
        bits |= table[f]
    return bits


def write_cpp(packages: list[Package], out: Path) -> None:
    lines = [
        "// Generated by vm/api/exports/apigen.py from vm/api/exports/*.json. Do not edit.",
        '#include "vm/api/export_data.h"',
        "",
        "namespace uicc::api {",
        "namespace {",
        "",
    ]
    for pi, pkg in enumerate(packages):
        for ci, cls in enumerate(pkg.classes):
            prefix = f"p{pi}c{ci}"
            refs = ", ".join(cpp_string(s) for s in cls.supers) or ""
            lines.append(f"constexpr std::string_view {prefix}_supers[] = {{{refs}}};"
                         if cls.supers else f"constexpr std::span<const std::string_view> {prefix}_supers;")
            refs = ", ".join(cpp_string(s) for s in cls.interfaces)
            lines.append(f"constexpr std::string_view {prefix}_interfaces[] = {{{refs}}};"
                         if cls.interfaces else
                         f"constexpr std::span<const std::string_view> {prefix}_interfaces;")
            if cls.constants:
                lines.append(f"constexpr ConstantInfo {prefix}_constants[] = {{")
                for k in cls.constants:
                    lines.append(f"    {{{cpp_string(k.name)}, '{k.type}', {k.value}}},")
                lines.append("};")
            else:
                lines.append(f"constexpr std::span<const ConstantInfo> {prefix}_constants;")
            if cls.methods:
                lines.append(f"constexpr MethodInfo {prefix}_methods[] = {{")
                for m in cls.methods:
                    lines.append(f"    {{{m.token}, {cpp_string(m.name)}, {cpp_string(m.descriptor)}, "
                                 f"0x{flag_bits(m.flags, MEMBER_FLAGS):04X}}},")
                lines.append("};")
            else:
                lines.append(f"constexpr std::span<const MethodInfo> {prefix}_methods;")
        lines.append(f"constexpr ClassInfo p{pi}_classes[] = {{")
        for ci, cls in enumerate(pkg.classes):
            prefix = f"p{pi}c{ci}"
            lines.append(f"    {{{cls.token}, {cpp_string(cls.name)}, "
                         f"0x{flag_bits(cls.flags, CLASS_FLAGS):04X}, {prefix}_supers, "
                         f"{prefix}_interfaces, {prefix}_constants, {prefix}_methods}},")
        lines.append("};")
        aid = ", ".join(f"0x{b:02X}" for b in pkg.aid)
        lines.append(f"constexpr std::uint8_t p{pi}_aid[] = {{{aid}}};")
        lines.append("")
    lines.append("constexpr PackageInfo packages[] = {")
    for pi, pkg in enumerate(packages):
        lines.append(f"    {{{cpp_string(pkg.name)}, p{pi}_aid, {pkg.major}, {pkg.minor}, "
                     f"{'true' if pkg.library else 'false'}, p{pi}_classes, {cpp_string(pkg.source)}}},")
    lines += [
        "};",
        "",
        "}  // namespace",
        "",
        "std::span<const PackageInfo> builtin_packages() { return packages; }",
        "",
        "}  // namespace uicc::api",
        "",
    ]
    write_if_changed(out, "\n".join(lines))


def write_constants_header(packages: list[Package], out: Path) -> None:
    """Writes the constants as C++ values, named as in Java: jc::javacardx::crypto::Cipher::X."""
    cpp_types = {"B": "std::int8_t", "S": "std::int16_t", "Z": "bool"}
    lines = [
        "// Generated by vm/api/exports/apigen.py from vm/api/exports/*.json. Do not edit.",
        "// The compile-time constants of the built-in API, so that C++ code names an algorithm,",
        "// a reason or a status word as Java code does.",
        "#pragma once",
        "",
        "#include <cstdint>",
        "",
        "// NOLINTBEGIN(readability-identifier-naming): the names are the Java ones.",
    ]
    for pkg in packages:
        classes = [c for c in pkg.classes if c.constants]
        if not classes:
            continue
        lines.append(f"namespace uicc::api::jc::{pkg.name.replace('.', '::')} {{")
        for cls in classes:
            lines.append(f"namespace {cls.name.replace('$', '_')} {{")
            for k in cls.constants:
                value = ("true" if k.value else "false") if k.type == "Z" else str(k.value)
                lines.append(f"inline constexpr {cpp_types[k.type]} {k.name} = {value};")
            lines.append(f"}}  // namespace {cls.name.replace('$', '_')}")
        lines.append(f"}}  // namespace uicc::api::jc::{pkg.name.replace('.', '::')}")
        lines.append("")
    lines.append("// NOLINTEND(readability-identifier-naming)")
    write_if_changed(out, "\n".join(lines) + "\n")


# ----------------------------------------------------------------------------------------
# Java stubs

JAVA_TYPES = {"B": "byte", "S": "short", "Z": "boolean", "I": "int", "V": "void"}
JAVA_DEFAULTS = {"byte": "0", "short": "0", "boolean": "false", "int": "0"}


def split_descriptor(descriptor: str) -> tuple[list[str], str]:
    """Splits a method descriptor into its parameter descriptors and return descriptor."""
    assert descriptor.startswith("(")
    params, i = [], 1
    while descriptor[i] != ")":
        start = i
        while descriptor[i] == "[":
            i += 1
        if descriptor[i] == "L":
            i = descriptor.index(";", i)
        i += 1
        params.append(descriptor[start:i])
    return params, descriptor[i + 1:]


def java_type(descriptor: str, package: str) -> str:
    dims = len(descriptor) - len(descriptor.lstrip("["))
    base = descriptor[dims:]
    if base in JAVA_TYPES:
        name = JAVA_TYPES[base]
    elif base.startswith("L") and base.endswith(";"):
        name = java_class_name(base[1:-1].replace("/", "."), package)
    else:
        raise DataError(f"unsupported descriptor {descriptor!r}")
    return name + "[]" * dims


def java_class_name(qualified: str, package: str) -> str:
    """Returns the source name of a class: simple within its own package and java.lang."""
    pkg, _, simple = qualified.rpartition(".")
    simple = simple.replace("$", ".")
    if pkg == package or pkg == "java.lang":
        return simple
    return f"{pkg}.{simple}"


def java_default(type_name: str) -> str:
    return JAVA_DEFAULTS.get(type_name, "null")


def direct_interfaces(cls: Class, index: dict[str, Class]) -> list[str]:
    """Drops the interfaces that another listed interface or the superclass already brings."""
    implied = set()
    for name in cls.interfaces:
        implied.update(index[name].interfaces)
    if not cls.is_interface and cls.supers:
        implied.update(index[cls.supers[-1]].interfaces)
    return [name for name in cls.interfaces if name not in implied]


def declared_methods(cls: Class, index: dict[str, Class]) -> list[Method]:
    """Returns the methods that the class's Java source declares.

    An export file lists inherited public methods again under the class. A stub declares a
    virtual method only where the class introduces it or changes its flags (an override
    that becomes final or concrete, for example).
    """
    if cls.is_interface:
        inherited = {(m.name, m.descriptor) for name in cls.interfaces for m in index[name].methods}
        return [m for m in cls.methods if (m.name, m.descriptor) not in inherited]
    parent = index[cls.supers[-1]] if cls.supers else None
    parent_methods = {} if parent is None else {
        (m.name, m.descriptor): m for m in parent.methods if not m.is_static}
    result = []
    for m in cls.methods:
        if not m.is_static:
            same = parent_methods.get((m.name, m.descriptor))
            if same is not None and same.flags == m.flags:
                continue
        result.append(m)
    return result


def java_modifiers(flags: list[str], order=("public", "protected", "abstract", "static", "final")) -> str:
    return " ".join(f for f in order if f in flags)


def super_constructor_call(cls: Class, index: dict[str, Class], package: str) -> str:
    if not cls.supers or cls.supers[-1] == "java.lang.Object":
        return ""
    parent = index[cls.supers[-1]]
    ctors = [m for m in parent.methods if m.name == "<init>"]
    if not ctors:
        if parent.package.name != cls.package.name:
            raise DataError(f"{cls.qualified}: superclass {parent.qualified} has no accessible constructor")
        return ""  # the stub gives the parent a package-private no-argument constructor
    params, _ = split_descriptor(ctors[0].descriptor)
    if not params:
        return ""
    args = []
    for p in params:
        t = java_type(p, package)
        args.append(f"({t}) {java_default(t)}")
    return f"super({', '.join(args)});"


def constant_literal(k: Constant) -> str:
    if k.type == "Z":
        return "true" if k.value else "false"
    bits = CONSTANT_TYPES[k.type]
    return f"({JAVA_TYPES[k.type]}) 0x{k.value & ((1 << bits) - 1):0{bits // 4}X}"


def javadoc(text: str, indent: str) -> list[str]:
    return [f"{indent}/** {text} */"] if text else []


def java_class_body(cls: Class, index: dict[str, Class], indent: str, nested: list[Class]) -> list[str]:
    pkg = cls.package.name
    simple = cls.name.rpartition("$")[2]
    out = javadoc(cls.doc, indent)
    mods = [f for f in ("public",) if f in cls.flags]
    if "$" in cls.name:
        mods.append("static")
    if cls.is_interface:
        mods.append("interface")
        header = f"{' '.join(mods)} {simple}"
        ifaces = direct_interfaces(cls, index)
        if ifaces:
            header += " extends " + ", ".join(java_class_name(i, pkg) for i in ifaces)
    else:
        mods += [f for f in ("abstract", "final") if f in cls.flags]
        header = f"{' '.join(mods)} class {simple}"
        if cls.supers and cls.supers[-1] != "java.lang.Object":
            header += " extends " + java_class_name(cls.supers[-1], pkg)
        ifaces = direct_interfaces(cls, index)
        if ifaces:
            header += " implements " + ", ".join(java_class_name(i, pkg) for i in ifaces)
    out.append(f"{indent}{header} {{")
    inner = indent + "  "
    for k in cls.constants:
        decl = "" if cls.is_interface else "public static final "
        out.append(f"{inner}{decl}{JAVA_TYPES[k.type]} {k.name} = {constant_literal(k)};")
    if cls.constants:
        out.append("")
    methods = declared_methods(cls, index)
    if not cls.is_interface and not any(m.name == "<init>" for m in methods):
        # No public or protected constructor: applets may neither instantiate nor extend it.
        call = super_constructor_call(cls, index, pkg)
        out.append(f"{inner}{simple}() {{{' ' + call + ' ' if call else ''}}}")
        out.append("")
    for m in methods:
        params, ret = split_descriptor(m.descriptor)
        args = ", ".join(f"{java_type(p, pkg)} arg{i}" for i, p in enumerate(params))
        out += javadoc(m.doc, inner)
        if m.name == "<init>":
            call = super_constructor_call(cls, index, pkg)
            mods = java_modifiers(m.flags)
            out.append(f"{inner}{mods} {simple}({args}) {{{' ' + call + ' ' if call else ''}}}")
        elif cls.is_interface:
            out.append(f"{inner}{java_type(ret, pkg)} {m.name}({args});")
        else:
            rtype = java_type(ret, pkg)
            mods = java_modifiers(m.flags)
            if "abstract" in m.flags:
                out.append(f"{inner}{mods} {rtype} {m.name}({args});")
            elif rtype == "void":
                out.append(f"{inner}{mods} {rtype} {m.name}({args}) {{}}")
            else:
                out.append(f"{inner}{mods} {rtype} {m.name}({args}) {{ return {java_default(rtype)}; }}")
        out.append("")
    for child in nested:
        out += java_class_body(child, index, inner, [])
        out.append("")
    while out and out[-1] == "":
        out.pop()
    out.append(f"{indent}}}")
    return out


# Classes that javac needs to compile ordinary code against these stubs alone (as the boot
# class path) but that the card does not provide. javac consults java.lang.Error when it
# checks a throw statement. No export file lists it, so the converter rejects any applet that
# names it.
COMPILER_SUPPORT = {
    "java/lang/Error.java": [
        "package java.lang;",
        "",
        "/** Present for javac only; the card has no such class and the converter rejects it. */",
        "public class Error extends Throwable {",
        "  Error() {}",
        "}",
    ],
}


def write_java(packages: list[Package], out_dir: Path) -> None:
    index = class_index(packages)
    written = set()
    for pkg in packages:
        top = [c for c in pkg.classes if "$" not in c.name]
        for cls in top:
            nested = [c for c in pkg.classes if c.name.startswith(cls.name + "$")]
            lines = [
                f"// Generated by vm/api/exports/apigen.py from {pkg.path.name}. Do not edit.",
                f"// {pkg.name} {pkg.major}.{pkg.minor}, AID {pkg.aid.hex().upper()}.",
                f"// Source of the tokens and constants: {pkg.source}.",
                f"package {pkg.name};",
                "",
            ]
            lines += java_class_body(cls, index, "", nested)
            rel = Path(*pkg.name.split(".")) / f"{cls.name}.java"
            write_if_changed(out_dir / rel, "\n".join(lines) + "\n")
            written.add(rel)
    for rel, lines in COMPILER_SUPPORT.items():
        write_if_changed(out_dir / rel, "\n".join(lines) + "\n")
        written.add(Path(rel))
    # Drop sources of classes that left the data, so javac does not compile stale stubs.
    for path in out_dir.rglob("*.java"):
        if path.relative_to(out_dir) not in written:
            path.unlink()
    # javac reads its source list from this file (javac @sources.txt).
    listing = "".join(f"{(out_dir / rel).as_posix()}\n" for rel in sorted(written))
    write_if_changed(out_dir / "sources.txt", listing)


# ----------------------------------------------------------------------------------------

def write_manifest(packages: list[Package], out: Path) -> None:
    """Writes one line per class, constant and method for the test that reads the jar back.

    K <binary name> <class flags>
    C <binary name> <constant> <type> <signed value>
    M <binary name> <method> <descriptor> <member flags>
    """
    lines = []
    for pkg in packages:
        for cls in pkg.classes:
            binary = cls.qualified
            lines.append(f"K {binary} {','.join(cls.flags)}")
            for k in cls.constants:
                lines.append(f"C {binary} {k.name} {k.type} {k.value}")
            for m in cls.methods:
                lines.append(f"M {binary} {m.name} {m.descriptor} {','.join(m.flags)}")
    write_if_changed(out, "\n".join(lines) + "\n")


def write_if_changed(path: Path, content: str | bytes) -> None:
    """Keeps the timestamp of unchanged outputs, so the build does not redo what follows."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent,
                        help="folder of the package JSON files (default: this script's folder)")
    parser.add_argument("--stamp", type=Path, help="file to touch after a successful run")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("cpp", "C++ table source to write"),
                            ("constants-header", "C++ header of the constants to write"),
                            ("manifest", "class, constant and method list to write")):
        p = sub.add_parser(name)
        p.add_argument("out", type=Path, help=help_text)
    for name, help_text in (("java", "folder for the Java stub sources"),):
        p = sub.add_parser(name)
        p.add_argument("out", type=Path, help=help_text)
    sub.add_parser("check", help="only validate the data")
    args = parser.parse_args(argv)

    try:
        packages = load_all(args.data)
        if args.command == "cpp":
            write_cpp(packages, args.out)
        elif args.command == "java":
            write_java(packages, args.out)
        elif args.command == "constants-header":
            write_constants_header(packages, args.out)
        elif args.command == "manifest":
            write_manifest(packages, args.out)
    except DataError as error:
        print(f"apigen: {error}", file=sys.stderr)
        return 1
    if args.stamp:
        args.stamp.parent.mkdir(parents=True, exist_ok=True)
        args.stamp.touch()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
