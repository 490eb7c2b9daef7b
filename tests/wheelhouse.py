"""Build small but real wheels for tests: valid zip, METADATA, WHEEL, RECORD with hashes.

Tests serve them from a local index or a find-links folder, so resolution and wheel reading
run against real files without the public internet.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path


def build_wheel(
    folder: Path,
    name: str,
    version: str,
    *,
    tag: str = "py3-none-any",
    requires: Sequence[str] = (),
    requires_python: str | None = None,
    files: Mapping[str, bytes | str] | None = None,
    top_level: Sequence[str] | None = None,
) -> Path:
    """Write ``{name}-{version}-{tag}.whl`` into ``folder`` and return its path.

    ``files`` maps archive paths to contents; by default the wheel holds one package named
    after the distribution with an ``__init__.py``. ``top_level`` adds a ``top_level.txt``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    module = name.replace("-", "_").lower()
    content: dict[str, bytes] = {
        path: data.encode() if isinstance(data, str) else data
        for path, data in (
            files or {f"{module}/__init__.py": f'__version__ = "{version}"\n'}
        ).items()
    }
    dist_info = f"{name.replace('-', '_')}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        metadata.append(f"Requires-Python: {requires_python}")
    metadata += [f"Requires-Dist: {r}" for r in requires]
    content[f"{dist_info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    root_is_purelib = "true" if tag.endswith("-none-any") else "false"
    wheel_tags = "".join(f"Tag: {t}\n" for t in _expand(tag))
    content[f"{dist_info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: lambdalint-tests\nRoot-Is-Purelib: {root_is_purelib}\n"
        f"{wheel_tags}"
    ).encode()
    if top_level is not None:
        content[f"{dist_info}/top_level.txt"] = ("\n".join(top_level) + "\n").encode()
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in content.items()]
    record.append(f"{dist_info}/RECORD,,")
    content[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = folder / f"{name.replace('-', '_')}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in content.items():
            archive.writestr(member, data)
    return path


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _expand(tag: str) -> list[str]:
    """``cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64`` -> one tag per platform."""
    python, abi, platforms = tag.split("-", 2)
    return [f"{p}-{abi}-{plat}" for p in python.split(".") for plat in platforms.split(".")]


def build_sdist(
    folder: Path,
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    files: Mapping[str, bytes | str] | None = None,
) -> Path:
    """Write ``{name}-{version}.tar.gz`` (PKG-INFO, setup.py and ``files``) into ``folder``.

    By default it holds one pure-Python package named after the distribution.
    """
    folder.mkdir(parents=True, exist_ok=True)
    module = name.replace("-", "_").lower()
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {r}" for r in requires]
    content = {
        "PKG-INFO": "\n".join(metadata) + "\n",
        "setup.py": "raise SystemExit('tests never build this')\n",
        **(files or {f"{module}/__init__.py": f'__version__ = "{version}"\n'}),
    }
    base = f"{name.replace('-', '_')}-{version}"
    path = folder / f"{base}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, data in content.items():
            raw = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(f"{base}/{member}")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    return path
