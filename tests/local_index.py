"""A package index on 127.0.0.1 serving a folder of wheels, for tests that must not go online.

It speaks the PEP 503 HTML simple API, the PEP 691 JSON form (with file sizes, PEP 700) when
the client prefers it, and serves files under ``/files/<name>`` with ``Range`` support
(``bytes=a-b``, ``bytes=a-``, ``bytes=-n``) that a test can switch off, and a pip
``--find-links`` page at ``/links/`` (one HTML list of every file). Every request is
recorded. Use it with ``pytest_plugins = ("local_index",)`` and the ``local_index`` fixture;
resolvers (``uv pip compile --index-url index.url``) can point at it too.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import zipfile
from contextlib import suppress
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path
from urllib.parse import quote

import pytest
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

JSON = "application/vnd.pypi.simple.v1+json"
HTML = "application/vnd.pypi.simple.v1+html"
_RANGE = re.compile(r"bytes=(?:(\d+)-(\d*)|-(\d+))")


@dataclass(frozen=True, slots=True)
class IndexFile:
    """One file the index serves, with what the project page says about it."""

    name: str
    path: Path
    project: str
    version: str
    sha256: str
    size: int
    requires_python: str | None
    listed: bool = True  # on its project page; False: only on the find-links page


class LocalIndex:
    """The index state: files, recorded requests and switches that tests flip."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.files: dict[str, IndexFile] = {}
        self.requests: list[tuple[str, str, str | None]] = []  # (method, path, Range header)
        self.bytes_sent = 0  # body bytes of file responses
        self.range_support = True
        self.json_support = True
        self.failures: dict[str, list[int]] = {}  # file name -> statuses for its next requests
        server.expect_request(re.compile(r"/.*")).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        """The simple index root, ``http://127.0.0.1:<port>/simple/``."""
        return self.server.url_for("/simple/")

    @property
    def links_url(self) -> str:
        """The find-links page, ``http://127.0.0.1:<port>/links/``: every file, one flat list."""
        return self.server.url_for("/links/")

    def files_url(self, name: str) -> str:
        """Where the file ``name`` is served."""
        return self.server.url_for(f"/files/{quote(name)}")

    def add(self, path: Path, *, listed: bool = True) -> str:
        """Serve the file at ``path`` and return its URL.

        Wheels and sdists are also listed on their project page unless ``listed`` is False
        (then only the find-links page has them); other files are only served.
        """
        data = path.read_bytes()
        project, version, requires_python = "", "", None  # unnamed files are served, not listed
        with suppress(InvalidWheelFilename):
            project, parsed, _, _ = parse_wheel_filename(path.name)
            version, requires_python = str(parsed), _requires_python(path)
        with suppress(InvalidSdistFilename):
            project, parsed = parse_sdist_filename(path.name)
            version = str(parsed)
        self.files[path.name] = IndexFile(
            name=path.name,
            path=path,
            project=project,
            version=version,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            requires_python=requires_python,
            listed=listed,
        )
        return self.files_url(path.name)

    def fail(self, name: str, *statuses: int) -> None:
        """Answer the next requests for file ``name`` with these HTTP statuses, in order."""
        self.failures.setdefault(name, []).extend(statuses)

    def _handle(self, request: Request) -> Response:
        self.requests.append((request.method, request.path, request.headers.get("Range")))
        path = request.path
        if path.startswith("/files/"):
            return self._file(path.removeprefix("/files/"), request)
        if path == "/simple":
            return Response(status=301, headers={"Location": "/simple/"})
        if path == "/simple/":
            return self._page(request, None)
        if path == "/links/":
            links = "".join(_anchor(f, self.files_url(f.name)) for f in self.files.values())
            return Response(_html("Find links", links), content_type="text/html")
        match = re.fullmatch(r"/simple/([^/]+)(/?)", path)
        if match and not match[2]:
            return Response(status=301, headers={"Location": f"{path}/"})
        return self._page(request, match[1]) if match else Response("not found\n", status=404)

    def _page(self, request: Request, project: str | None) -> Response:
        offers = [JSON, HTML, "text/html"] if self.json_support else [HTML, "text/html"]
        kind = request.accept_mimetypes.best_match(offers, default="text/html") or "text/html"
        if project is None:
            names = sorted({f.project for f in self.files.values() if f.project and f.listed})
            if kind == JSON:
                body = {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}
                return Response(json.dumps(body), content_type=JSON)
            links = "".join(f'<a href="/simple/{n}/">{html.escape(n)}</a>\n' for n in names)
            return Response(_html("Simple index", links), content_type=kind)
        name = canonicalize_name(project)
        files = sorted(
            (f for f in self.files.values() if f.project == name and f.listed), key=lambda f: f.name
        )
        if not files:
            return Response("not found\n", status=404)
        if kind == JSON:
            body = {
                "meta": {"api-version": "1.1"},
                "name": name,
                "versions": sorted({f.version for f in files}),
                "files": [_json_file(f, self.files_url(f.name)) for f in files],
            }
            return Response(json.dumps(body), content_type=JSON)
        links = "".join(_anchor(f, self.files_url(f.name)) for f in files)
        return Response(_html(f"Links for {name}", links), content_type=kind)

    def _file(self, name: str, request: Request) -> Response:
        found = self.files.get(name)
        if found is None:
            return Response("not found\n", status=404)
        if self.failures.get(name):
            return Response("injected failure\n", status=self.failures[name].pop(0))
        data = found.path.read_bytes()
        headers = {"Accept-Ranges": "bytes"} if self.range_support else {}
        wanted = _RANGE.fullmatch(request.headers.get("Range", "").strip())
        status, body = 200, data
        if wanted and self.range_support:  # no match (malformed, multi-range): the whole file
            span = _span(wanted, len(data))
            if span is None:
                headers["Content-Range"] = f"bytes */{len(data)}"
                return Response(status=416, headers=headers)
            status, body = 206, data[span[0] : span[1] + 1]
            headers["Content-Range"] = f"bytes {span[0]}-{span[1]}/{len(data)}"
        if request.method != "HEAD":
            self.bytes_sent += len(body)
        return Response(body, status=status, headers=headers, content_type="application/zip")


def _span(match: re.Match[str], size: int) -> tuple[int, int] | None:
    """The inclusive byte span a single ``Range`` asks for; None when unsatisfiable."""
    if match[3] is not None:
        suffix = int(match[3])
        return (max(0, size - suffix), size - 1) if suffix and size else None
    start = int(match[1])
    last = min(int(match[2]) if match[2] else size - 1, size - 1)
    return (start, last) if start <= last else None


def _requires_python(path: Path) -> str | None:
    """The wheel's ``Requires-Python``; None for broken archives, which tests serve too."""
    with suppress(zipfile.BadZipFile, OSError, KeyError), zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if re.fullmatch(r"[^/]+\.dist-info/METADATA", member):
                text = archive.read(member).decode("utf-8", errors="replace")
                return HeaderParser().parsestr(text).get("Requires-Python")
    return None


def _anchor(found: IndexFile, url: str) -> str:
    href = html.escape(f"{url}#sha256={found.sha256}")
    python = found.requires_python
    extra = f' data-requires-python="{html.escape(python)}"' if python else ""
    return f'<a href="{href}"{extra}>{html.escape(found.name)}</a><br>\n'


def _json_file(found: IndexFile, url: str) -> dict[str, object]:
    return {
        "filename": found.name,
        "url": url,
        "hashes": {"sha256": found.sha256},
        "requires-python": found.requires_python,
        "size": found.size,
        "yanked": False,
    }


def _html(title: str, links: str) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{links}</body></html>\n"
    )


@pytest.fixture
def local_index(httpserver_ipv4: HTTPServer) -> LocalIndex:
    """An empty index on 127.0.0.1 (a free port); add files with ``local_index.add(path)``."""
    return LocalIndex(httpserver_ipv4)
