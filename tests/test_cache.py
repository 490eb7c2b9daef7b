import json
import threading
from pathlib import Path

import pytest

from lambdalint.resolve.cache import Cache, cache_dir, key_for


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    """``LAMBDALINT_CACHE_DIR`` wins; without it the platform's user cache folder is used."""
    monkeypatch.setenv("LAMBDALINT_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    assert Cache().root == tmp_path / "here"
    monkeypatch.delenv("LAMBDALINT_CACHE_DIR")
    assert "lambdalint" in cache_dir().parts[-2:]


@pytest.mark.parametrize(
    ("parts", "other"),
    [(("a", "bc"), ("ab", "c")), (("a",), ("a", "")), (("x", "y"), ("y", "x"))],
)
def test_key_for_is_a_stable_digest_of_separated_parts(parts, other):
    """Keys are 64 hex digits, the same every time, and parts cannot run into each other."""
    key = key_for(*parts)
    assert len(key) == 64
    assert int(key, 16) >= 0
    assert key == Cache.key_for(*parts)
    assert key != key_for(*other)


def test_round_trip_and_layout(tmp_path):
    """A stored object comes back equal from ``<root>/v1/<namespace>/<key[:2]>/<key>.json``."""
    cache = Cache(tmp_path)
    key = key_for("some", "thing")
    assert cache.get_json("wheel-facts", key) is None
    cache.put_json("wheel-facts", key, {"a": [1, 2], "b": None})
    assert cache.get_json("wheel-facts", key) == {"a": [1, 2], "b": None}
    path = tmp_path / "v1" / "wheel-facts" / key[:2] / f"{key}.json"
    assert json.loads(path.read_text()) == {"a": [1, 2], "b": None}
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe\x00garbage", b"", None],
    ids=["bad-json", "list", "string", "bad-utf8", "empty", "directory"],
)
def test_corrupt_entries_are_misses(tmp_path, content):
    """Anything but a JSON object at the entry path reads as a miss, without raising."""
    cache = Cache(tmp_path)
    key = key_for("k")
    path = cache.path("ns", key)
    path.parent.mkdir(parents=True)
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    assert cache.get_json("ns", key) is None


def test_refresh_misses_but_still_stores(tmp_path):
    """With ``refresh`` every lookup misses, and what is stored is there for the next run."""
    key = key_for("k")
    Cache(tmp_path).put_json("ns", key, {"v": 1})
    refreshing = Cache(tmp_path, refresh=True)
    assert refreshing.get_json("ns", key) is None
    refreshing.put_json("ns", key, {"v": 2})
    assert Cache(tmp_path).get_json("ns", key) == {"v": 2}


@pytest.mark.parametrize("problem", ["root-is-a-file", "not-serialisable"])
def test_failed_writes_are_ignored(tmp_path, problem):
    """A write that cannot happen is dropped silently and leaves no stray files."""
    root = tmp_path / "root"
    value: dict[str, object] = {"v": 1}
    if problem == "root-is-a-file":
        root.write_text("in the way")
    else:
        value = {"v": {1, 2}}
    cache = Cache(root)
    cache.put_json("ns", key_for("k"), value)
    assert cache.get_json("ns", key_for("k")) is None
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []


@pytest.mark.parametrize(("namespace", "key"), [("../up", "ab"), ("ns", "a/b"), ("", "ab")])
def test_names_must_be_plain(tmp_path, namespace, key):
    """Namespaces and keys that could leave the cache folder are a programming error."""
    with pytest.raises(ValueError, match="not a plain cache name"):
        Cache(tmp_path).get_json(namespace, key)
    with pytest.raises(ValueError, match="not a plain cache name"):
        Cache(tmp_path).put_json(namespace, key, {})
    assert list(tmp_path.iterdir()) == []


def test_concurrent_writers_never_expose_partial_entries(tmp_path):
    """Threads racing on one key only ever read a whole entry, and leave no temp files.

    An exception in any thread fails the test through pytest's unhandled-thread warning.
    """
    key = key_for("contended")
    values = [{"writer": n, "payload": "x" * 50_000 * (n + 1)} for n in range(6)]
    seen: list[object] = []

    def write(value: dict[str, object]) -> None:
        cache = Cache(tmp_path)
        for _ in range(25):
            cache.put_json("ns", key, value)

    def read() -> None:
        cache = Cache(tmp_path)
        seen.extend(cache.get_json("ns", key) for _ in range(200))

    threads = [threading.Thread(target=write, args=(v,)) for v in values]
    threads += [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(entry is None or entry in values for entry in seen)
    assert Cache(tmp_path).get_json("ns", key) in values
    leftovers = [p for p in Path(tmp_path).rglob("*") if p.is_file() and p.suffix != ".json"]
    assert leftovers == []
