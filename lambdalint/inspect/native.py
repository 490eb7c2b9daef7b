"""What a compiled file is built for, from its first bytes: ELF, Mach-O or PE.

For ELF it reads the header (class, byte order, machine) and the ``.gnu.version_r`` section
(``SHT_GNU_verneed``): the ``GLIBC_x.y`` symbol versions the loader must find in the runtime's
libc. Only bytes are parsed; nothing is loaded or executed.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

EM_X86_64 = 62
EM_AARCH64 = 183
MACHINES = {"x86_64": EM_X86_64, "arm64": EM_AARCH64}
MACHINE_NAMES = {
    3: "x86 (32-bit)",
    40: "ARM (32-bit)",
    EM_X86_64: "x86_64",
    EM_AARCH64: "aarch64",
    243: "RISC-V",
    20: "PowerPC",
    21: "PowerPC64",
    22: "s390",
}
SHT_GNU_VERNEED = 0x6FFFFFFE
_ELF_MAGIC = b"\x7fELF"
_MACHO_MAGICS = frozenset(
    bytes.fromhex(h)
    for h in ("feedface", "feedfacf", "cefaedfe", "cffaedfe", "cafebabe", "bebafeca")
)
_GLIBC = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.\d+)?")
_NATIVE_SUFFIXES = (".so", ".pyd", ".dylib")
_SONAME = re.compile(r"\.so(\.\d+)+$")
_MAX_VERNEED = 10_000


@dataclass(frozen=True, slots=True)
class Binary:
    """What a compiled file targets; ``problem`` says why it could not be read fully."""

    format: str
    elf_class: int | None = None
    machine: int | None = None
    glibc: tuple[int, int] | None = None
    glibc_library: str | None = None
    problem: str | None = None

    @property
    def machine_name(self) -> str:
        """The ELF machine as a name (``x86_64``, ``aarch64``) or its number."""
        if self.machine is None:
            return "unknown"
        return MACHINE_NAMES.get(self.machine, f"machine {self.machine}")


def is_native_name(path: str) -> bool:
    """Tell whether a file name looks like compiled code Python or the loader would open."""
    name = path.rsplit("/", 1)[-1]
    return name.endswith(_NATIVE_SUFFIXES) or bool(_SONAME.search(name))


def identify(data: bytes) -> Binary:
    """Classify the bytes of a compiled file and, for a 64-bit ELF, find its glibc needs."""
    head = data[:4]
    if head == _ELF_MAGIC:
        return _elf(data)
    if head in _MACHO_MAGICS:
        return Binary(format="mach-o")
    if data[:2] == b"MZ":
        return Binary(format="pe")
    return Binary(format="unknown")


def _elf(data: bytes) -> Binary:
    if len(data) < 0x40:  # noqa: PLR2004 - the size of an ELF64 header
        return Binary(format="elf", problem="truncated ELF header")
    elf_class, order = data[4], "<" if data[5] == 1 else ">"
    (machine,) = struct.unpack_from(order + "H", data, 18)
    if elf_class != 2:  # noqa: PLR2004 - ELFCLASS64; 32-bit files are reported, not parsed
        return Binary(format="elf", elf_class=32, machine=machine)
    try:
        needed = _glibc_needed(data, order)
    except (struct.error, ValueError, IndexError) as error:
        return Binary(format="elf", elf_class=64, machine=machine, problem=str(error))
    best = max(needed, default=None)
    return Binary(
        format="elf",
        elf_class=64,
        machine=machine,
        glibc=best[0] if best else None,
        glibc_library=best[1] if best else None,
    )


def _sections(data: bytes, order: str) -> list[tuple[int, int, int, int, int]]:
    """(type, offset, size, link, info) of every section header of an ELF64 file."""
    (shoff,) = struct.unpack_from(order + "Q", data, 0x28)
    entsize, count = struct.unpack_from(order + "HH", data, 0x3A)
    if shoff == 0 or count == 0:
        return []
    if entsize < 64 or shoff + entsize * count > len(data):  # noqa: PLR2004 - Elf64_Shdr size
        raise ValueError("section headers lie outside the file")
    headers = []
    for index in range(count):
        fields = struct.unpack_from(order + "IIQQQQIIQQ", data, shoff + index * entsize)
        headers.append((fields[1], fields[4], fields[5], fields[6], fields[7]))
    return headers


def _glibc_needed(data: bytes, order: str) -> list[tuple[tuple[int, int], str]]:
    """Each ``GLIBC_x.y`` version the file requires, with the library that must provide it."""
    sections = _sections(data, order)
    found: list[tuple[tuple[int, int], str]] = []
    for sh_type, offset, size, link, info in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        if link >= len(sections):
            raise ValueError("verneed section links to a missing string table")
        _, str_offset, str_size, _, _ = sections[link]
        strings = data[str_offset : str_offset + str_size]
        found += _walk_verneed(data[offset : offset + size], strings, info, order)
    return found


def _walk_verneed(
    table: bytes, strings: bytes, count: int, order: str
) -> list[tuple[tuple[int, int], str]]:
    found = []
    position = 0
    for _ in range(min(count, _MAX_VERNEED)):
        _, aux_count, file_name, aux, following = struct.unpack_from(
            order + "HHIII", table, position
        )
        library = _string(strings, file_name)
        aux_position = position + aux
        for _ in range(min(aux_count, _MAX_VERNEED)):
            _, _, _, name, aux_next = struct.unpack_from(order + "IHHII", table, aux_position)
            match = _GLIBC.fullmatch(_string(strings, name))
            if match:
                found.append(((int(match[1]), int(match[2])), library))
            if aux_next == 0:
                break
            aux_position += aux_next
        if following == 0:
            break
        position += following
    return found


def _string(strings: bytes, offset: int) -> str:
    end = strings.find(b"\0", offset)
    if offset >= len(strings) or end < 0:
        raise ValueError("string offset outside the string table")
    return strings[offset:end].decode("ascii", errors="replace")
