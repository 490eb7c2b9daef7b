"""Check lambdalint's fallback import-name table against the wheels it describes.

For every distribution named in ``lambdalint/resolve/data/import_names.json`` this script runs
``pip download --no-deps --only-binary=:all:`` into a temporary directory (pip uses its own
configuration, so whatever index pip is set up for is the one asked), reads the wheel's
``RECORD`` and ``top_level.txt`` and reports:

* MISMATCH: an import name the table assigns to a distribution whose wheel does not ship it;
* NO WHEEL: a distribution pip could not download as a wheel (sdist-only projects);
* HINT: a top-level module a wheel ships under a name that differs from the distribution's
  normalized name and that the table does not list yet;
* SOURCE: the wheel version differs from the one named in the entry's ``source``.

An entry may carry ``versions`` (distribution -> specifier) when only some releases ship the
module (``pkg_resources`` left setuptools in 82.0.0); the script then checks the newest release
inside that range.

Exit status 1 when there is at least one MISMATCH, else 0. Nothing is written; edit the JSON by
hand (with a new ``source``) after reading the report.

Usage: python scripts/refresh_import_names.py [--only DIST ...] [--fallback-platform TAG]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name, parse_wheel_filename

DATA = Path(__file__).resolve().parent.parent / "lambdalint/resolve/data/import_names.json"
NATIVE_SUFFIXES = (".so", ".pyd")
NOT_MODULES = frozenset({"tests", "test", "docs", "examples"})


def download(dist: str, dest: Path, fallback_platform: str | None) -> Path | None:
    """Download one wheel of ``dist`` without dependencies; None when pip finds no wheel."""
    base = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--dest",
        str(dest),
        dist,
    ]
    attempts = [base]
    if fallback_platform:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        attempts.append([*base, "--platform", fallback_platform, "--python-version", version])
    for command in attempts:
        if subprocess.run(command, capture_output=True, check=False).returncode == 0:
            wheels = sorted(dest.glob("*.whl"))
            if wheels:
                return wheels[0]
    return None


def wheel_paths(wheel: Path) -> tuple[list[str], list[str]]:
    """Return the paths a wheel installs (RECORD, else the zip listing) and its top_level.txt."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        # Only the wheel's own .dist-info (at the root): vendored copies carry their own.
        record = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/RECORD")]
        top = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/top_level.txt")]
        paths = names
        if record:
            lines = archive.read(record[0]).decode("utf-8").splitlines()
            paths = [line.rsplit(",", 2)[0] for line in lines if line]
        top_level = archive.read(top[0]).decode("utf-8").split() if top else []
    return paths, top_level


def provides(paths: list[str], top_level: list[str], module: str) -> bool:
    """Tell whether the installed paths contain ``module`` (dotted) as a package or module."""
    stem = module.replace(".", "/")
    for path in paths:
        if path.startswith(f"{stem}/") or path == f"{stem}.py":
            return True
        tail = path.removeprefix(f"{stem}.")
        if tail != path and "/" not in tail and path.endswith(NATIVE_SUFFIXES):
            return True
    return module in top_level


def top_modules(paths: list[str]) -> set[str]:
    """Return the top-level importable names of a wheel (no metadata, data or .libs folders)."""
    found: set[str] = set()
    for path in paths:
        head, sep, _ = path.partition("/")
        if sep:
            if not head.endswith((".dist-info", ".data", ".libs")) and head.isidentifier():
                found.add(head)
        elif path.endswith(".py"):
            found.add(path.removesuffix(".py"))
        elif path.endswith(NATIVE_SUFFIXES):
            found.add(path.split(".", 1)[0])
    return {name for name in found if name not in NOT_MODULES}


def main(argv: list[str] | None = None) -> int:
    """Download each listed distribution once and print what disagrees with the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the JSON table to check")
    parser.add_argument("--only", action="append", default=[], help="check only this distribution")
    parser.add_argument(
        "--fallback-platform",
        default="win_amd64",
        help="platform tag to retry with when no wheel exists for this host "
        "(top-level names do not depend on the platform); '' to disable",
    )
    args = parser.parse_args(argv)

    table = json.loads(args.data.read_text(encoding="utf-8"))["modules"]
    claims: dict[tuple[NormalizedName, str], list[str]] = {}
    spelled: dict[NormalizedName, str] = {}
    for module, entry in table.items():
        ranges = entry.get("versions", {})
        for dist in entry["distributions"]:
            key = (canonicalize_name(dist), ranges.get(dist, ""))
            claims.setdefault(key, []).append(module)
            spelled.setdefault(key[0], dist)
    wanted = {canonicalize_name(name) for name in args.only} or set(spelled)
    known_modules = set(table) | {module.split(".", 1)[0] for module in table}

    mismatches = 0
    with tempfile.TemporaryDirectory(prefix="lambdalint-wheels-") as tmp:
        for dist, spec in sorted(key for key in claims if key[0] in wanted):
            name = spelled[dist]
            dest = Path(tmp) / f"{dist}{len(spec)}"
            wheel = download(f"{name}{spec}", dest, args.fallback_platform or None)
            if wheel is None:
                print(f"NO WHEEL  {name}{spec}: {', '.join(claims[dist, spec])} unchecked")
                continue
            _, version, _, _ = parse_wheel_filename(wheel.name)
            paths, top_level = wheel_paths(wheel)
            for module in claims[dist, spec]:
                if not provides(paths, top_level, module):
                    mismatches += 1
                    print(f"MISMATCH  {module}: {name} {version} does not ship it")
                elif f" {version}" not in table[module]["source"]:
                    print(f"SOURCE    {module}: wheel is {name} {version}")
            for module in sorted(top_modules(paths) - known_modules):
                if canonicalize_name(module) != dist and not module.startswith("_"):
                    print(f"HINT      {module}: shipped by {name} {version}, not listed")
    print(f"{mismatches} mismatch(es)")
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
