"""Synthesize minimal but real compiled-file headers for tests: ELF64 with .gnu.version_r, Mach-O.

The ELF files carry a header, three sections (.shstrtab, .dynstr, .gnu.version_r) and their
section header table, enough for a loader-style parser; they have no code.
"""

from __future__ import annotations

import struct

EM_X86_64 = 62
EM_AARCH64 = 183
SHT_STRTAB = 3
SHT_GNU_VERNEED = 0x6FFFFFFE


def _strtab(names: list[str]) -> tuple[bytes, dict[str, int]]:
    table = b"\0"
    offsets = {}
    for name in names:
        offsets[name] = len(table)
        table += name.encode() + b"\0"
    return table, offsets


def elf64(machine: int = EM_X86_64, glibc: tuple[str, ...] = ("GLIBC_2.17",)) -> bytes:
    """An ELF64 little-endian shared object whose verneed asks libc.so.6 for ``glibc``."""
    shstrtab, sh_names = _strtab([".shstrtab", ".dynstr", ".gnu.version_r"])
    dynstr, dyn_names = _strtab(["libc.so.6", *glibc])
    verneed = struct.pack("<HHIII", 1, len(glibc), dyn_names["libc.so.6"], 16, 0)
    for index, version in enumerate(glibc):
        following = 16 if index < len(glibc) - 1 else 0
        verneed += struct.pack(
            "<IHHII", 0x0D696910 + index, 0, 2 + index, dyn_names[version], following
        )
    body = b""
    offsets = []
    for blob in (shstrtab, dynstr, verneed):
        offsets.append(64 + len(body))
        body += blob
    shoff = 64 + len(body)
    sections = [
        bytes(64),
        struct.pack(
            "<IIQQQQIIQQ",
            sh_names[".shstrtab"],
            SHT_STRTAB,
            0,
            0,
            offsets[0],
            len(shstrtab),
            0,
            0,
            1,
            0,
        ),
        struct.pack(
            "<IIQQQQIIQQ",
            sh_names[".dynstr"],
            SHT_STRTAB,
            2,
            0,
            offsets[1],
            len(dynstr),
            0,
            0,
            1,
            0,
        ),
        struct.pack(
            "<IIQQQQIIQQ",
            sh_names[".gnu.version_r"],
            SHT_GNU_VERNEED,
            2,
            0,
            offsets[2],
            len(verneed),
            2,
            1,
            4,
            0,
        ),
    ]
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH", 3, machine, 1, 0, 0, shoff, 0, 64, 0, 0, 64, len(sections), 1
    )
    return header + body + b"".join(sections)


def elf32(machine: int = 3) -> bytes:
    """A 32-bit ELF header (i386 by default), padded to the size of an ELF64 header."""
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    return (ident + struct.pack("<HHI", 3, machine, 1)).ljust(64, b"\0")


def macho64() -> bytes:
    """A 64-bit little-endian Mach-O header (arm64 dylib), as built on macOS."""
    return struct.pack("<IiiIIII", 0xFEEDFACF, 0x0100000C, 0, 6, 0, 0, 0).ljust(64, b"\0")


def pe() -> bytes:
    """The start of a Windows PE file (a ``.pyd``)."""
    return b"MZ" + bytes(62)
