"""Distributions already installed into a function directory (``pip install -t .`` leftovers).

They ship with the zip, so their modules count as provided. The module list comes from the
distribution's own ``top_level.txt`` or, when absent, from the paths in ``RECORD``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.utils import canonicalize_name

from lambdalint.diagnostics import locate, parse_error
from lambdalint.model import Finding, VendoredDist


@dataclass(frozen=True, slots=True)
class VendoredScan:
    """What ``*.dist-info`` folders in the function directory say is installed."""

    dists: tuple[VendoredDist, ...]
    findings: tuple[Finding, ...]

    @property
    def modules(self) -> frozenset[str]:
        """Top-level module names the vendored distributions provide."""
        return frozenset(m.split(".", 1)[0] for d in self.dists for m in d.modules)


def scan_vendored(code_dir: Path, root: Path) -> VendoredScan:
    """Read every ``*.dist-info`` directly under ``code_dir``."""
    dists: list[VendoredDist] = []
    findings: list[Finding] = []
    for info in sorted(code_dir.glob("*.dist-info")):
        if not info.is_dir():
            continue
        try:
            dists.append(_read_dist_info(info, root))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            findings.append(parse_error(locate(info, root), f"cannot read {info.name}: {error}"))
    return VendoredScan(tuple(dists), tuple(findings))


def _read_dist_info(info: Path, root: Path) -> VendoredDist:
    metadata = info / "METADATA"
    headers = HeaderParser().parsestr(
        metadata.read_text(encoding="utf-8", errors="replace") if metadata.is_file() else ""
    )
    stem_name, _, stem_version = info.name.removesuffix(".dist-info").partition("-")
    name = headers.get("Name") or stem_name
    version = headers.get("Version") or stem_version or None
    return VendoredDist(
        name=name,
        normalized=canonicalize_name(name),
        version=version,
        modules=_modules(info),
        location=locate(metadata if metadata.is_file() else info, root),
    )


def _modules(info: Path) -> tuple[str, ...]:
    top_level = info / "top_level.txt"
    if top_level.is_file():
        names = top_level.read_text(encoding="utf-8", errors="replace").split()
        return tuple(sorted({n.replace("/", ".") for n in names if n}))
    record = info / "RECORD"
    if not record.is_file():
        return ()
    return modules_from_record(record.read_text(encoding="utf-8", errors="replace"))


def modules_from_record(text: str) -> tuple[str, ...]:
    """Top-level importable names from a wheel ``RECORD`` (packages and single modules)."""
    names: set[str] = set()
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        first = row[0].split("/", 1)[0]
        if first.endswith((".dist-info", ".data")) or first in {"..", "__pycache__"}:
            continue
        if "/" in row[0]:
            names.add(first)
        elif first.endswith(".py"):
            names.add(first.removesuffix(".py"))
        elif first.endswith((".so", ".pyd")):
            names.add(first.split(".", 1)[0])
    return tuple(sorted(n for n in names if n.isidentifier()))
