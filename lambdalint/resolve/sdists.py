"""Source-only distributions: what an sdist would install, read from its file list, never built.

Old pins (``future==0.18.2``, ``cloudflare==2.11.1``) often exist only as an sdist. uv's
``--no-build`` rightly refuses to build one, and that used to sink the whole resolution. The
resolver now sets such a package aside; this module finds its sdist on the user's index,
downloads it (bounded) and lists its members without extracting or running anything: the
top-level modules it installs, whether it carries native sources (a local build would then
make a binary for the host, not for Lambda), and the ``Requires-Dist`` its metadata states.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import urllib.parse
import zipfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass
from email.parser import HeaderParser
from functools import lru_cache, partial
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidSdistFilename, canonicalize_name, parse_sdist_filename
from packaging.version import InvalidVersion, Version

from lambdalint.resolve.cache import Cache
from lambdalint.resolve.indexes import IndexConfig
from lambdalint.resolve.uv import UvNotFoundError, uv_binary
from lambdalint.resolve.wheels import RangeReader, WheelError, redact

MAX_SDIST = 32 * 1024 * 1024  # larger source archives are not read (they are rarely pure Python)
MAX_MEMBER = 1024 * 1024  # PKG-INFO and requires.txt are small
NAMESPACE = "sdist-facts"
NATIVE_SUFFIXES = frozenset(
    {".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".pyx", ".pxd", ".rs", ".f", ".f90", ".go", ".cu"}
)
_NATIVE_FILES = frozenset({"Cargo.toml", "CMakeLists.txt", "meson.build"})
_NOT_SHIPPED = frozenset({"test", "tests", "docs", "doc", "examples", "example", "benchmarks"})
_NOT_MODULES = _NOT_SHIPPED | {"setup", "conftest", "noxfile", "tasks", "fabfile"}
_DEFAULT_INDEX = re.compile(
    r"--default-index <[A-Z_]+>\s+The default package index \(by default: <([^>]+)>"
)


class SdistError(Exception):
    """An sdist that cannot be found or read (the package stays an unknown quantity)."""


@dataclass(frozen=True, slots=True)
class SdistFacts:
    """What the source archive of one release says, read from its member list."""

    filename: str
    url: str
    modules: tuple[str, ...]
    native_sources: tuple[str, ...]
    requires_dist: tuple[str, ...]

    @property
    def pure(self) -> bool:
        """No C, C++, Cython, Rust or Fortran sources: pip builds a wheel that runs anywhere."""
        return not self.native_sources

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SdistFacts:
        """Rebuild from :meth:`to_json`; raises ValueError on anything else."""
        try:
            return cls(
                filename=str(data["filename"]),
                url=str(data["url"]),
                modules=tuple(map(str, data["modules"])),
                native_sources=tuple(map(str, data["native_sources"])),
                requires_dist=tuple(map(str, data["requires_dist"])),
            )
        except (KeyError, TypeError) as error:
            raise ValueError("not sdist facts") from error


def sdist_facts(name: str, version: str | None, index: IndexConfig, cache: Cache) -> SdistFacts:
    """Facts of ``name``'s sdist at ``version`` (or the newest in a range, or of all when None)."""
    key = Cache.key_for(canonicalize_name(name), version or "", index.fingerprint())
    entry = cache.get_json(NAMESPACE, key)
    if entry is not None:
        try:
            return SdistFacts.from_json(entry)
        except ValueError:
            pass
    if cache.offline:
        raise SdistError(f"{name}: sdist not in the cache and offline")
    url, filename = find_sdist(name, version, index)
    facts = read_sdist(url, filename)
    cache.put_json(NAMESPACE, key, facts.to_json())
    return facts


def find_sdist(name: str, version: str | None, index: IndexConfig) -> tuple[str, str]:
    """URL and file name of the sdist for that release, from the first index page listing it."""
    project = canonicalize_name(name)
    wanted = _wanted(version)
    for base in index_urls(index):
        page = f"{base.rstrip('/')}/{project}/"
        try:
            with RangeReader(page) as reader:
                text = reader.read().decode("utf-8", errors="replace")
        except (WheelError, OSError):
            continue
        best: tuple[Version, str, str] | None = None
        for href, filename in _links(text):
            try:
                found, release = parse_sdist_filename(filename)
            except InvalidSdistFilename:
                continue
            if found != project or (wanted is not None and release not in wanted):
                continue
            if best is None or release > best[0]:
                best = (release, urllib.parse.urljoin(page, href), filename)
        if best is not None:
            return best[1], best[2]
    raise SdistError(f"{name}: no sdist of {version or 'any version'} on the configured index")


def index_urls(index: IndexConfig) -> list[str]:
    """The simple-API roots lambdalint may ask: the configured ones, else uv's own default."""
    if index.no_index:
        return []
    first = index.index_url or uv_default_index()
    return [url for url in (first, *index.extra_index_urls) if url and url.startswith("http")]


@lru_cache(maxsize=1)
def uv_default_index() -> str | None:
    """The default index uv itself documents in its help (never a host written down here)."""
    try:
        done = subprocess.run(
            [uv_binary(), "pip", "compile", "--help"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired, UvNotFoundError):
        return None
    match = _DEFAULT_INDEX.search(" ".join(done.stdout.split()))
    return match.group(1) if match else None


def read_sdist(url: str, filename: str) -> SdistFacts:
    """Download (at most ``MAX_SDIST`` bytes) and list one sdist; nothing is extracted."""
    shown = redact(url)
    try:
        with RangeReader(url) as reader:
            if reader.length > MAX_SDIST:
                raise SdistError(f"{shown}: {reader.length} bytes, over the {MAX_SDIST} read limit")
            data = reader.read()
    except WheelError as error:
        raise SdistError(str(error)) from None
    try:
        paths, metadata = _members(data, filename)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise SdistError(f"{shown}: not a readable sdist: {error}") from None
    return _facts(filename, shown, paths, metadata)


def _members(data: bytes, filename: str) -> tuple[set[str], dict[str, str]]:
    """Member paths below the archive's top folder, and the small metadata texts."""
    paths: set[str] = set()
    texts: dict[str, str] = {}

    def keep(path: str, size: int, read: Callable[[], bytes]) -> None:
        inner = path.split("/", 1)[1] if "/" in path else path
        paths.add(inner)
        tail = PurePosixPath(inner)
        wanted = inner == "PKG-INFO" or (
            tail.name == "requires.txt" and tail.parent.name.endswith(".egg-info")
        )
        if wanted and size <= MAX_MEMBER:
            texts[inner] = read().decode("utf-8", errors="replace")

    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as zipped:
            for info in zipped.infolist():
                if not info.is_dir():
                    keep(info.filename, info.file_size, partial(zipped.read, info))
        return paths, texts
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tarred:
        for member in tarred:
            if member.isfile():
                stream = tarred.extractfile(member)
                keep(member.name, member.size, stream.read if stream else bytes)
    return paths, texts


def _facts(filename: str, url: str, paths: set[str], texts: dict[str, str]) -> SdistFacts:
    src_layout = any(p.startswith("src/") and p.endswith(".py") for p in paths)
    roots = ("src/", "") if src_layout else ("",)
    modules: set[str] = set()
    for path in paths:
        for root in roots:
            if not path.startswith(root):
                continue
            parts = path[len(root) :].split("/")
            top = parts[0].removesuffix(".py")
            package = len(parts) > 1 and f"{root}{parts[0]}/__init__.py" in paths
            single = len(parts) == 1 and parts[0].endswith(".py")
            if (package or single) and top.isidentifier() and top not in _NOT_MODULES:
                modules.add(top)
            break
    native = sorted(p for p in paths if _native(p))
    return SdistFacts(
        filename=filename,
        url=url,
        modules=tuple(sorted(modules)),
        native_sources=tuple(native[:10]),
        requires_dist=_requires(texts),
    )


def _native(path: str) -> bool:
    """A source file a build compiles (outside tests and docs)."""
    name = PurePosixPath(path)
    compiled = name.suffix.lower() in NATIVE_SUFFIXES or name.name in _NATIVE_FILES
    return compiled and not _NOT_SHIPPED & set(path.split("/")[:-1])


def _requires(texts: dict[str, str]) -> tuple[str, ...]:
    """Requires-Dist from PKG-INFO, else the unconditional part of egg-info ``requires.txt``."""
    if "PKG-INFO" in texts:
        metadata = HeaderParser().parsestr(texts["PKG-INFO"])
        listed = metadata.get_all("Requires-Dist") or []
        if listed:
            return tuple(" ".join(r.split()) for r in listed)
    found: list[str] = []
    for path, text in sorted(texts.items()):
        if not path.endswith("requires.txt"):
            continue
        marker = ""
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("["):
                section = line.strip("[]")
                extra, _, condition = section.partition(":")
                marker = "skip" if extra else condition
                continue
            if line and marker != "skip":
                found.append(f"{line} ; {marker}" if marker else line)
        break
    return tuple(found)


def _wanted(version: str | None) -> SpecifierSet | None:
    """The releases that may be read: one version, a range uv named (``>=1.4,<1.5``), or any."""
    if not version:
        return None
    with suppress(InvalidSpecifier):
        return SpecifierSet(version, prereleases=True)
    try:
        return SpecifierSet(f"=={Version(version)}", prereleases=True)
    except (InvalidVersion, InvalidSpecifier):
        return None


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data: str) -> None:
        if self._href is not None and data.strip():
            self.links.append((self._href, data.strip()))
            self._href = None


def _links(page: str) -> list[tuple[str, str]]:
    """(href, file name) of every anchor on a PEP 503 project page."""
    parser = _Anchors()
    parser.feed(page)
    return [(href, urllib.parse.unquote(text)) for href, text in parser.links]
