import base64
import hashlib
import os
import socket
import subprocess
import zipfile

import pytest
from wheelhouse import build_wheel

from lambdalint.resolve import wheels
from lambdalint.resolve.cache import Cache
from lambdalint.resolve.wheels import WheelError, WheelFacts, wheel_facts

pytest_plugins = ("local_index",)

MANYLINUX = "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64"
HTML = "application/vnd.pypi.simple.v1+html"
SO = "fast/_speed.cpython-312-x86_64-linux-gnu.so"

# build_wheel keyword arguments, expected facts (a subset of WheelFacts fields)
CASES = [
    (
        {
            "name": "pure",
            "requires": ["six>=1.0", "attrs; extra == 'x'"],
            "requires_python": ">=3.9",
        },
        {
            "modules": ("pure",),
            "native": (),
            "tags": ("py3-none-any",),
            "requires_dist": ("six>=1.0", "attrs; extra == 'x'"),
            "requires_python": ">=3.9",
            "tests_bytes": 0,
            "pycache_bytes": 0,
        },
    ),
    (
        {
            "name": "native",
            "tag": MANYLINUX,
            "files": {SO: b"\x7fELF" * 100, "fast/__init__.py": "", "fast.libs/libz.so.1.2": b"z"},
            "top_level": ["fast"],
        },
        {
            "modules": ("fast",),
            "native": ("fast.libs/libz.so.1.2", SO),
            "tags": (
                "cp312-cp312-manylinux2014_x86_64",
                "cp312-cp312-manylinux_2_17_x86_64",
            ),
            "requires_dist": (),
            "requires_python": None,
        },
    ),
    (
        {
            "name": "slimmable",
            "files": {
                "slim/__init__.py": "x = 1\n",
                "slim/tests/test_a.py": "a" * 300,
                "slim/sub/test/data.bin": b"b" * 200,
                "slim/__pycache__/mod.cpython-312.pyc": b"c" * 70,
                "tests/top.py": "d" * 11,  # a top-level tests/ is a package, not slimmed
            },
        },
        {"modules": ("slim", "tests"), "tests_bytes": 500, "pycache_bytes": 70},
    ),
    (
        {"name": "record-only", "files": {"one.py": "", "two/__init__.py": "", "two/x.py": ""}},
        {"modules": ("one", "two"), "native": ()},
    ),
    (
        {"name": "top-level-wins", "files": {"a/__init__.py": "", "b.py": ""}, "top_level": ["a"]},
        {"modules": ("a",)},
    ),
]


@pytest.fixture(autouse=True)
def _quiet_network(monkeypatch):
    """No proxy for the loopback index, no sleeping between retries, a fresh request count."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setattr(wheels, "BACKOFF", 0.0)
    monkeypatch.setattr(wheels, "REQUESTS", 0)


def _source(kind, path, local_index):
    """The wheel at ``path`` as a local path, a ``file://`` URL or an HTTP URL."""
    if kind == "path":
        return str(path)
    if kind == "file":
        return path.as_uri()
    return local_index.add(path)


@pytest.mark.parametrize("kind", ["path", "file", "http"])
@pytest.mark.parametrize(("options", "expected"), CASES, ids=[c[0]["name"] for c in CASES])
def test_facts_of_built_wheels(tmp_path, local_index, kind, options, expected):
    """Every field matches what the archive holds, however the wheel is reached."""
    path = build_wheel(tmp_path, version="1.0", **options)
    facts = wheel_facts(_source(kind, path, local_index))
    with zipfile.ZipFile(path) as archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        dist_info = sum(i.file_size for i in members if ".dist-info/" in i.filename)
    assert facts.filename == path.name
    assert facts.size == path.stat().st_size
    assert facts.unzipped == sum(i.file_size for i in members)
    assert facts.files == len(members)
    assert facts.dist_info_bytes == dist_info
    assert {k: getattr(facts, k) for k in expected} == expected


def _rewrite(path, *, drop=(), first=()):
    """Rewrite the wheel without members ending in ``drop``, ``first`` ones moved to the front."""
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    order = sorted(members, key=lambda n: not n.endswith(tuple(first)) if first else 0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in order:
            if not (drop and member.endswith(tuple(drop))):
                archive.writestr(member, members[member])


def test_modules_from_member_names_without_record(tmp_path):
    """Without top_level.txt and RECORD the archive's own member names give the modules."""
    path = build_wheel(tmp_path, "bare", "1.0", files={"m.py": "", "pkg/__init__.py": ""})
    _rewrite(path, drop=("RECORD",))
    assert wheel_facts(str(path)).modules == ("m", "pkg")


BLOB = {"big/__init__.py": "", "big/blob.bin": os.urandom(5 * 1024 * 1024)}


@pytest.mark.parametrize("size_known", [True, False], ids=["size-known", "probe"])
@pytest.mark.parametrize("metadata_first", [False, True], ids=["metadata-last", "metadata-first"])
def test_range_reads_fetch_a_small_part(tmp_path, local_index, size_known, metadata_first):
    """A 5 MiB incompressible wheel is read with a few small ranges, not downloaded."""
    path = build_wheel(tmp_path, "big", "1.0", files=BLOB)
    if metadata_first:
        _rewrite(path, first=("METADATA", "RECORD"))
    url = local_index.add(path)
    total = path.stat().st_size
    facts = wheel_facts(url, size=total if size_known else None)
    assert facts.size == total
    assert facts.unzipped > 5 * 1024 * 1024
    assert local_index.bytes_sent < 3 * wheels.BLOCK
    assert wheels.REQUESTS == len(local_index.requests) <= 2
    assert all(r == "GET" and rng for r, _, rng in local_index.requests)


@pytest.mark.parametrize("size_known", [True, False], ids=["size-known", "probe"])
def test_server_without_range_support_is_read_whole(tmp_path, local_index, size_known):
    """A server that answers 200 to a Range request is read once, in full."""
    path = build_wheel(tmp_path, "whole", "1.0", requires=["idna"])
    url = local_index.add(path)
    local_index.range_support = False
    facts = wheel_facts(url, size=path.stat().st_size if size_known else None)
    assert facts.requires_dist == ("idna",)
    assert wheels.REQUESTS == 1
    assert local_index.bytes_sent == path.stat().st_size


def test_full_body_fallback_is_bounded(tmp_path, local_index, monkeypatch):
    """A whole-file answer larger than the cap is refused rather than held in memory."""
    url = local_index.add(build_wheel(tmp_path, "capped", "1.0", files=BLOB))
    local_index.range_support = False
    monkeypatch.setattr(wheels, "MAX_FULL_BODY", 1024 * 1024)
    with pytest.raises(WheelError, match="larger than 1048576 bytes"):
        wheel_facts(url)


@pytest.mark.parametrize(
    ("failures", "requests", "error"),
    [
        ((500,), 2, None),
        ((500, 503), 3, None),
        ((500, 502, 503), 3, "HTTP 503"),
        ((429,), 2, None),
        ((404,), 1, "HTTP 404"),
        ((403,), 1, "HTTP 403"),
    ],
)
def test_retries_are_bounded(tmp_path, local_index, failures, requests, error):
    """Server errors are retried at most three times in all; client errors fail at once."""
    path = build_wheel(tmp_path, "flaky", "1.0")
    url = local_index.add(path)
    local_index.fail(path.name, *failures)
    if error is None:
        assert wheel_facts(url).modules == ("flaky",)
    else:
        with pytest.raises(WheelError, match=error):
            wheel_facts(url)
    assert requests == wheels.REQUESTS


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_errors_are_retried_then_reported():
    """An unreachable server costs exactly three attempts and one clear error."""
    url = f"http://127.0.0.1:{_closed_port()}/files/gone-1.0-py3-none-any.whl"
    with pytest.raises(WheelError, match="after 3 attempts"):
        wheel_facts(url, timeout=2)
    assert wheels.REQUESTS == 3


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("garbage", "not a valid wheel"),
        ("truncated", "not a valid wheel"),
        ("no-metadata", "no \\*.dist-info/METADATA"),
        ("bad-name", "Invalid wheel filename"),
    ],
)
@pytest.mark.parametrize("via_http", [False, True], ids=["path", "http"])
def test_unreadable_wheels_raise_wheel_error(tmp_path, local_index, kind, error, via_http):
    """Corrupt archives, missing metadata and bad file names are a WheelError, never a crash."""
    path = build_wheel(tmp_path, "broken", "1.0", files={"broken/__init__.py": "x" * 5000})
    if kind == "garbage":
        path.write_bytes(b"not a zip at all" * 100)
    elif kind == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif kind == "no-metadata":
        _rewrite(path, drop=("METADATA",))
    else:
        path = path.rename(tmp_path / "broken.whl")
    with pytest.raises(WheelError, match=error):
        wheel_facts(local_index.add(path) if via_http else str(path))


def test_missing_local_file_is_a_wheel_error(tmp_path):
    """A local path that does not exist is reported as a WheelError naming it."""
    with pytest.raises(WheelError, match="cannot read"):
        wheel_facts(str(tmp_path / "absent-1.0-py3-none-any.whl"))


def test_wrong_expected_size_is_reported(tmp_path, local_index):
    """A size that disagrees with the server's Content-Range is an error, not a misread."""
    path = build_wheel(tmp_path, "sized", "1.0")
    with pytest.raises(WheelError, match="expected"):
        wheel_facts(local_index.add(path), size=path.stat().st_size + 10)


def test_offline_miss_is_an_error_without_requests(tmp_path, local_index):
    """Offline, a wheel missing from the cache is an error and nothing is requested."""
    url = local_index.add(build_wheel(tmp_path, "off", "1.0"))
    with pytest.raises(WheelError, match="not in cache and offline"):
        wheel_facts(url, cache=Cache(tmp_path / "cache", offline=True))
    assert wheels.REQUESTS == 0
    assert local_index.requests == []


@pytest.mark.parametrize("keyed_by", ["url", "sha256", "fragment"])
def test_warm_call_makes_no_requests(tmp_path, local_index, keyed_by):
    """A second call answers from the cache, also offline and also for another URL by hash."""
    path = build_wheel(tmp_path, "warm", "1.0", requires=["idna"])
    url = local_index.add(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    sha256 = digest if keyed_by == "sha256" else None
    fragment = f"#sha256={digest}" if keyed_by == "fragment" else ""
    cold = wheel_facts(url + fragment, sha256=sha256, cache=Cache(tmp_path / "cache"))
    wheels.REQUESTS = 0
    mirror = url if keyed_by == "url" else f"{url}?mirror=1{fragment}"
    warm = wheel_facts(mirror, sha256=sha256, cache=Cache(tmp_path / "cache", offline=True))
    assert warm == cold
    assert wheels.REQUESTS == 0


def test_corrupt_cache_entry_is_refetched(tmp_path, local_index):
    """An unreadable or wrongly shaped cache entry is a miss, and is replaced."""
    url = local_index.add(build_wheel(tmp_path, "fix", "1.0"))
    cache = Cache(tmp_path / "cache")
    key = Cache.key_for("url", url)
    for bad in [b"{truncated", b'{"filename": "fix-1.0-py3-none-any.whl"}']:
        entry = cache.path(wheels.NAMESPACE, key)
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_bytes(bad)
        wheels.REQUESTS = 0
        assert wheel_facts(url, cache=cache).modules == ("fix",)
        assert wheels.REQUESTS == 1
    assert WheelFacts.from_json(cache.get_json(wheels.NAMESPACE, key) or {}).modules == ("fix",)


@pytest.mark.parametrize(
    "change",
    [{"size": "12"}, {"modules": "abc"}, {"modules": [1]}, {"extra": 1}, {"requires_python": 3}],
)
def test_from_json_rejects_other_shapes(change):
    """Only what ``to_json`` wrote is accepted back."""
    good = WheelFacts(
        "a-1-py3-none-any.whl", 1, 2, 3, ("a",), (), ("py3-none-any",), (), None, 0, 0, 0
    )
    assert WheelFacts.from_json(good.to_json()) == good
    with pytest.raises(ValueError, match="not wheel facts"):
        WheelFacts.from_json({**good.to_json(), **change})


@pytest.mark.parametrize("status", [404, None], ids=["http-error", "unreachable"])
def test_credentials_are_sent_but_never_shown(tmp_path, local_index, status):
    """Basic-auth credentials in the URL reach the server as a header and never an error."""
    if status is None:
        url = f"http://alice:s3cr%40t@127.0.0.1:{_closed_port()}/files/x-1.0-py3-none-any.whl"
    else:
        url = local_index.files_url("x-1.0-py3-none-any.whl").replace("//", "//alice:s3cr%40t@", 1)
    with pytest.raises(WheelError) as caught:
        wheel_facts(url, timeout=2)
    assert "s3cr" not in str(caught.value)
    assert "alice" not in str(caught.value)
    if status is not None:
        sent = local_index.server.log[-1][0].headers["Authorization"]
        assert sent == "Basic " + base64.b64encode(b"alice:s3cr@t").decode()


@pytest.mark.parametrize("json_support", [True, False], ids=["pep691-json", "pep503-html"])
def test_uv_resolves_against_the_local_index(tmp_path, local_index, json_support):
    """The uv resolver uses the local index, honouring dependencies and data-requires-python."""
    uv = pytest.importorskip("uv")
    local_index.json_support = json_support
    local_index.add(build_wheel(tmp_path / "w", "alpha", "1.0", requires=["beta>=1"]))
    local_index.add(build_wheel(tmp_path / "w", "beta", "1.0"))
    local_index.add(build_wheel(tmp_path / "w", "beta", "2.0", requires_python=">=3.99"))
    (tmp_path / "requirements.in").write_text("alpha\n")
    env = {
        **os.environ,
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    command = [uv.find_uv_bin(), "pip", "compile", "requirements.in", "--index-url"]
    command += [local_index.url, "--no-cache", "--no-config", "--python-version", "3.12"]
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    pins = [line for line in result.stdout.splitlines() if "==" in line]
    assert pins == ["alpha==1.0", "beta==1.0"]
    served = {r.mimetype for q, r in local_index.server.log if q.path == "/simple/alpha/"}
    assert served == ({"application/vnd.pypi.simple.v1+json"} if json_support else {HTML})
