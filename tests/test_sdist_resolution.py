"""Source-only releases: set aside instead of sinking the resolution, judged from their files.

The sdists are real ``.tar.gz`` archives served by a local index; nothing is ever built.
"""

from __future__ import annotations

import json

import pytest
from test_resolution_e2e import check_json, function_repo
from wheelhouse import build_sdist, build_wheel

from lambdalint.resolve.cache import Cache
from lambdalint.resolve.indexes import IndexConfig
from lambdalint.resolve.sdists import SdistError, read_sdist, sdist_facts
from lambdalint.resolve.set_aside import wheelless

pytest_plugins = ("local_index",)


@pytest.fixture
def index(tmp_path, local_index):
    """A local index with a pure sdist-only release, a native one, and ordinary wheels."""
    built = tmp_path / "dists"
    for path in (
        build_sdist(
            built,
            "CloudKit",
            "2.1.0",
            requires=["yamlish>=1", "extra-tool ; extra == 'cli'"],
            files={"CloudKit/__init__.py": "", "CloudKit/api.py": "x = 1\n", "tests/t.py": ""},
        ),
        build_sdist(built, "speedups", "0.3.0", files={"speedups/__init__.py": "", "src/c.c": ""}),
        build_wheel(built, "yamlish", "1.4.0"),
        build_wheel(built, "webkit", "1.2.0"),
    ):
        local_index.add(path)
    return local_index


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Because cloudflare==2.11.1 has no usable wheels and you require cloudflare==2.11.1",
            {"cloudflare": "2.11.1"},
        ),
        (
            "hint: Wheels are required for `future` because building from source is disabled",
            {"future": None},
        ),
        ("Because fastnum==2.0.0 has no wheels with a matching platform tag", {"fastnum": "2.0.0"}),
        (
            "Because aiobotocore>=1.4.1,<=1.4.2 has no usable wheels and only the following",
            {"aiobotocore": ">=1.4.1,<=1.4.2"},
        ),
        ("Because nothing-here was not found in the package registry", {}),
    ],
)
def test_wheelless_reads_uv_messages(message, expected):
    """Only "no usable wheel" verdicts name packages to set aside, with uv's version."""
    assert wheelless(message) == expected


def test_sdist_facts_list_modules_native_sources_and_requirements(index, tmp_path):
    """The archive's member list gives the modules, native sources and Requires-Dist."""
    config = IndexConfig(index_url=index.url)
    cache = Cache(tmp_path / "cache")
    pure = sdist_facts("cloudkit", "2.1.0", config, cache)
    assert pure.modules == ("CloudKit",)
    assert pure.pure
    assert pure.requires_dist == ("yamlish>=1", "extra-tool ; extra == 'cli'")
    native = sdist_facts("speedups", None, config, cache)
    assert native.native_sources == ("src/c.c",)
    assert not native.pure
    requests = len(index.requests)
    assert sdist_facts("cloudkit", "2.1.0", config, cache) == pure
    assert len(index.requests) == requests  # answered from the cache


def test_missing_and_corrupt_sdists_are_errors_not_crashes(index, tmp_path):
    """An sdist the index lacks, or a file that is no archive, raises SdistError."""
    with pytest.raises(SdistError, match="no sdist"):
        sdist_facts("absent", "1.0", IndexConfig(index_url=index.url), Cache(tmp_path / "c"))
    junk = tmp_path / "junk-1.0.tar.gz"
    junk.write_bytes(b"not a tarball")
    with pytest.raises(SdistError, match="not a readable sdist"):
        read_sdist(index.add(junk), junk.name)


def test_pure_sdist_is_set_aside_and_its_modules_count(index, tmp_path):
    """A pure sdist-only pin no longer fails resolution; its own import name maps to it."""
    repo = function_repo(
        tmp_path,
        "import CloudKit\nimport webkit\nimport yamlish\n\n\ndef handler(event, context):\n"
        "    return CloudKit, webkit, yamlish\n",
        "CloudKit==2.1.0\nwebkit==1.2.0\n",
    )
    result, report = check_json(repo, index.url, tmp_path / "cache")
    assert result.returncode in {0, 1}, result.stderr
    found = [(f["rule"], f["line"]) for f in report["functions"][0]["findings"]]
    # yamlish arrives only as CloudKit's dependency (read from the sdist's PKG-INFO).
    assert found == [("transitive-import", 3)], json.dumps(report["functions"][0]["findings"])
    plan = report["functions"][0]["plan"]
    assert "--no-binary=cloudkit" in plan["commands"][0]


def test_native_sdist_is_still_no_compatible_wheel(index, tmp_path):
    """An sdist with C sources needs a build for the target: reported, the rest still resolves."""
    repo = function_repo(
        tmp_path,
        "import speedups\nimport webkit\n\n\ndef handler(event, context):\n"
        "    return speedups, webkit\n",
        "speedups==0.3.0\nwebkit==1.2.0\n",
    )
    _result, report = check_json(repo, index.url, tmp_path / "cache")
    [finding] = report["functions"][0]["findings"]
    assert finding["rule"] == "no-compatible-wheel"
    assert "native sources (src/c.c)" in finding["message"]
    assert report["functions"][0]["plan"]["strategy"] == "container"
