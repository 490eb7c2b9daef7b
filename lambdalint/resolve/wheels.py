"""Facts about a wheel read from its zip central directory, without installing or downloading it.

Sizes come from the central directory (the compressed file size predicts the zipped package,
the sum of uncompressed sizes the unzipped one). Over HTTP only the archive's tail and the few
metadata members are fetched, with range requests; servers that ignore ``Range`` are read whole.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from contextlib import suppress
from dataclasses import asdict, dataclass, fields
from email.parser import HeaderParser
from http.client import HTTPException
from pathlib import Path
from typing import IO, Any

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from lambdalint.read.vendored import modules_from_record
from lambdalint.resolve.cache import Cache

BLOCK = 64 * 1024  # one block from the end holds the whole central directory of most wheels
MAX_FULL_BODY = 512 * 1024 * 1024  # when a server ignores Range: the most we read into memory
MAX_MEMBER = 64 * 1024 * 1024  # a METADATA/RECORD larger than this is not a real wheel
RETRIES = 3
BACKOFF = 0.2  # seconds, doubled per retry
NAMESPACE = "wheel-facts"
REQUESTS = 0  # HTTP requests made by this module; tests reset it to prove a warm run is offline

_NATIVE = re.compile(r"\.(so|pyd)(\.\d+)*$")
_METADATA = re.compile(r"[^/]+\.dist-info/METADATA")


class WheelError(Exception):
    """A wheel that cannot be read: corrupt, missing, or unreachable after retries."""


@dataclass(frozen=True, slots=True)
class WheelFacts:
    """What a wheel would add to a deployment package, and what it needs.

    Each file counts in at most one of ``dist_info_bytes``, ``tests_bytes`` (files under a
    ``tests/`` or ``test/`` folder inside a package) and ``pycache_bytes``, so the three add up
    to what stripping all of them would save.
    """

    filename: str
    size: int
    unzipped: int
    files: int
    modules: tuple[str, ...]
    native: tuple[str, ...]
    tags: tuple[str, ...]
    requires_dist: tuple[str, ...]
    requires_python: str | None
    tests_bytes: int
    dist_info_bytes: int
    pycache_bytes: int

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WheelFacts:
        """Rebuild from ``to_json`` output; raises ValueError on anything else."""
        kinds = {f.name: _KINDS[str(f.type)] for f in fields(cls)}
        items = [i for v in data.values() if isinstance(v, list) for i in v]
        shaped = set(data) == set(kinds) and all(isinstance(i, str) for i in items)
        if not shaped or not all(isinstance(v, kinds[k]) for k, v in data.items()):
            raise ValueError("not wheel facts")
        kw: dict[str, Any] = {k: tuple(v) if type(v) is list else v for k, v in data.items()}
        return cls(**kw)


_KINDS = {"str": (str,), "int": (int,), "str | None": (str, type(None)), "tuple[str, ...]": (list,)}


def wheel_facts(
    url: str,
    *,
    size: int | None = None,
    sha256: str | None = None,
    cache: Cache | None = None,
    timeout: float = 30.0,
) -> WheelFacts:
    """Facts of the wheel at ``url`` (http(s), ``file://`` or a local path)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        path = urllib.request.url2pathname(parts.path) if parts.scheme == "file" else url
        try:
            with Path(path).open("rb") as stream:
                return _analyse(stream, Path(path).name, url)
        except OSError as error:
            raise WheelError(f"{url}: cannot read: {error.strerror or error}") from error
    shown = redact(url)
    digest = sha256 or dict(urllib.parse.parse_qsl(parts.fragment)).get("sha256")
    key = Cache.key_for("sha256", digest.lower()) if digest else Cache.key_for("url", shown)
    if cache is not None:
        entry = cache.get_json(NAMESPACE, key)
        with suppress(ValueError):  # no entry, or one of another shape: a miss
            return WheelFacts.from_json(entry or {})
        if cache.offline:
            raise WheelError(f"{shown}: not in cache and offline")
    with RangeReader(url, size=size, timeout=timeout) as reader:
        facts = _analyse(reader, urllib.parse.unquote(parts.path.rpartition("/")[2]), shown)
    if cache is not None:
        cache.put_json(NAMESPACE, key, facts.to_json())
    return facts


def redact(url: str) -> str:
    """``url`` without ``user:password@`` and without its fragment, safe to print."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


class RangeReader(io.RawIOBase):
    """A read-only, seekable view of a remote file that fetches 64 KiB blocks on demand.

    Blocks are aligned to the end of the file, so the first read (the end-of-central-directory
    record) fetches the whole tail in one request. Contiguous missing blocks are fetched in one
    request and kept in memory. A server answering 200 instead of 206 is read whole, once.
    """

    def __init__(self, url: str, *, size: int | None = None, timeout: float = 30.0) -> None:
        super().__init__()
        parts = urllib.parse.urlsplit(url)
        self.url = redact(url)
        pair = f"{urllib.parse.unquote(parts.username or '')}:"
        pair += urllib.parse.unquote(parts.password or "")
        self._auth = "Basic " + base64.b64encode(pair.encode()).decode() if pair != ":" else None
        self._timeout = timeout
        self._blocks: dict[int, memoryview] = {}  # views into the response bodies: no copies
        self._pos = 0
        self.length = -1 if size is None else size
        if size is None:
            self._fetch(f"bytes=-{BLOCK}")

    def readable(self) -> bool:
        """Always readable."""
        return True

    def seekable(self) -> bool:
        """Always seekable."""
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move like a file; positions past the end read nothing."""
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.length}[whence]
        if base + offset < 0:
            raise OSError(f"negative seek position {base + offset}")
        self._pos = base + offset
        return self._pos

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes (all remaining when negative) from the current position."""
        count = self.length - self._pos if size < 0 else min(size, self.length - self._pos)
        data = self._slice(self._pos, count) if count > 0 else b""
        self._pos += len(data)
        return data

    def _slice(self, start: int, count: int) -> bytes:
        high, low = self._block(start), self._block(start + count - 1)
        missing = [k for k in range(low, high + 1) if k not in self._blocks]
        if missing:
            end = self.length - min(missing) * BLOCK - 1
            self._fetch(f"bytes={self._start(max(missing))}-{end}")
        if any(k not in self._blocks for k in missing):
            raise WheelError(f"{self.url}: the server sent less than the requested range")
        data = b"".join(self._blocks[k] for k in range(high, low - 1, -1))
        return data[start - self._start(high) :][:count]

    def _block(self, position: int) -> int:
        """Block 0 is the last ``BLOCK`` bytes, block 1 the ones before, and so on."""
        return (self.length - 1 - position) // BLOCK

    def _start(self, block: int) -> int:
        return max(0, self.length - (block + 1) * BLOCK)

    def _fetch(self, wanted: str) -> None:
        status, content_range, body = _request(self.url, wanted, self._auth, self._timeout)
        match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", content_range)
        if status == 200:  # noqa: PLR2004 - the server ignored Range: this is the whole file
            start, last, total = 0, len(body) - 1, len(body)
        elif status == 206 and match and int(match[2]) - int(match[1]) + 1 == len(body):  # noqa: PLR2004
            start, last, total = int(match[1]), int(match[2]), int(match[3])
        else:
            raise WheelError(f"{self.url}: bad range response (HTTP {status}, {content_range!r})")
        if self.length not in {-1, total}:
            raise WheelError(f"{self.url}: the file is {total} bytes, expected {self.length}")
        self.length, view = total, memoryview(body)
        for block in range(self._block(last), self._block(start) + 1):
            offset, stop = self._start(block), total - block * BLOCK
            if offset >= start and stop <= last + 1:
                self._blocks[block] = view[offset - start : stop - start]


def _request(url: str, wanted: str, auth: str | None, timeout: float) -> tuple[int, str, bytes]:
    """GET a range with bounded retries on 5xx, timeouts and connection errors; 4xx fails."""
    global REQUESTS  # noqa: PLW0603 - a plain counter is what the tests and benchmarks read
    problem = "no attempt"
    for attempt in range(RETRIES):
        if attempt:
            time.sleep(BACKOFF * 2 ** (attempt - 1))
        request = urllib.request.Request(url, headers={"Range": wanted})  # noqa: S310 - http(s) only
        if auth:  # unredirected: credentials are not forwarded to another host on a redirect
            request.add_unredirected_header("Authorization", auth)
        REQUESTS += 1
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                body = response.read(MAX_FULL_BODY + 1)
                if len(body) > MAX_FULL_BODY:
                    raise WheelError(f"{url}: response larger than {MAX_FULL_BODY} bytes")
                return response.status, response.headers.get("Content-Range", ""), body
        except urllib.error.HTTPError as error:
            with error:
                if error.code < 500 and error.code not in {408, 429}:  # noqa: PLR2004
                    raise WheelError(f"{url}: HTTP {error.code} {error.reason}") from None
                problem = f"HTTP {error.code} {error.reason}"
        except (HTTPException, OSError) as error:
            problem = str(getattr(error, "reason", error)) or type(error).__name__
    raise WheelError(f"{url}: {problem} (after {RETRIES} attempts)")


def _analyse(stream: IO[bytes] | RangeReader, filename: str, url: str) -> WheelFacts:
    try:
        name, _, _, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename as error:
        raise WheelError(f"{url}: {error}") from None
    size = stream.seek(0, io.SEEK_END)
    try:
        with zipfile.ZipFile(stream) as archive:
            return _facts(archive, filename, name, sorted(str(t) for t in tags), size)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as error:
        raise WheelError(f"{url}: not a valid wheel: {error}") from None


def _facts(
    archive: zipfile.ZipFile, filename: str, name: str, tags: list[str], size: int
) -> WheelFacts:
    infos = [i for i in archive.infolist() if not i.is_dir()]
    names = {i.filename for i in infos}
    found = sorted(n.split("/")[0] for n in names if _METADATA.fullmatch(n))
    if not found:
        raise ValueError("no *.dist-info/METADATA")
    dist_info = min(found, key=lambda d: canonicalize_name(d.rpartition("-")[0]) != name)
    metadata = HeaderParser().parsestr(_text(archive, f"{dist_info}/METADATA"))
    if f"{dist_info}/top_level.txt" in names:
        listed = _text(archive, f"{dist_info}/top_level.txt").split()
        modules: tuple[str, ...] = tuple(sorted({n.replace("/", ".") for n in listed}))
    elif f"{dist_info}/RECORD" in names:
        modules = modules_from_record(_text(archive, f"{dist_info}/RECORD"))
    else:
        rows = io.StringIO()
        csv.writer(rows).writerows([n] for n in sorted(names))
        modules = modules_from_record(rows.getvalue())
    buckets = {"dist_info": 0, "tests": 0, "pycache": 0}  # each file counts in one at most
    for info in infos:
        parts = info.filename.split("/")
        if parts[0].endswith(".dist-info"):
            buckets["dist_info"] += info.file_size
        elif {"tests", "test"} & set(parts[1:-1]):
            buckets["tests"] += info.file_size
        elif "__pycache__" in parts or parts[-1].endswith((".pyc", ".pyo")):
            buckets["pycache"] += info.file_size
    python = metadata.get("Requires-Python")
    return WheelFacts(
        filename=filename,
        size=size,
        unzipped=sum(i.file_size for i in infos),
        files=len(infos),
        modules=modules,
        native=tuple(sorted(n for n in names if _NATIVE.search(n))),
        tags=tuple(tags),
        requires_dist=tuple(" ".join(r.split()) for r in metadata.get_all("Requires-Dist") or []),
        requires_python=" ".join(python.split()) if python else None,
        tests_bytes=buckets["tests"],
        dist_info_bytes=buckets["dist_info"],
        pycache_bytes=buckets["pycache"],
    )


def _text(archive: zipfile.ZipFile, member: str) -> str:
    if archive.getinfo(member).file_size > MAX_MEMBER:
        raise ValueError(f"{member} is larger than {MAX_MEMBER} bytes")
    return archive.read(member).decode("utf-8", errors="replace")
