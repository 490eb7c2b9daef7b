import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from lambdalint.runtime import model
from lambdalint.runtime.model import (
    RuntimeStatus,
    UnknownRuntimeError,
    all_runtimes,
    default_runtime_name,
    load_runtime,
    runtime_names,
)

DATA = Path(model.__file__).parent / "data"
RUNTIME_FILES = sorted(DATA.glob("python*.json"))
SCHEMA = json.loads((DATA / "runtime.schema.json").read_text())
REMOVED = json.loads((DATA / "removed_stdlib.json").read_text())
STDLIB_FILES = sorted(DATA.glob("stdlib/*.txt"))


def _raw(path):
    return json.loads(path.read_text())


def _stdlib_list(version):
    path = DATA / "stdlib" / f"{version}.txt"
    if not path.exists():
        return None
    lines = path.read_text().splitlines()
    return {ln for ln in lines if ln and not ln.startswith("#")}


def _previous(version):
    major, minor = version.split(".")
    return f"{major}.{int(minor) - 1}"


def _referenced_ids(doc):
    ids = {v for k, v in doc.items() if k.endswith("_source") and v is not None}
    for dist in doc["preinstalled"]:
        ids.add(dist["source"])
        ids.update(o["source"] for o in dist["observations"])
    ids.update(n["source"] for n in doc["notes"])
    return ids


def test_schema_is_valid():
    """The runtime schema is itself a valid draft 2020-12 schema."""
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=lambda p: p.stem)
def test_runtime_file_matches_schema(path):
    """Every runtime file validates against the strict schema."""
    jsonschema.Draft202012Validator(SCHEMA).validate(_raw(path))


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=lambda p: p.stem)
def test_file_name_matches_content(path):
    """The file name, runtime name, Python version and stdlib list agree."""
    doc = _raw(path)
    assert path.stem == doc["name"] == f"python{doc['python_version']}"
    assert (DATA / "stdlib" / f"{doc['stdlib']}.txt").exists()


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=lambda p: p.stem)
def test_every_source_id_exists_and_is_used(path):
    """Every source id a fact names is listed, and every listed source backs some fact."""
    doc = _raw(path)
    listed = [s["id"] for s in doc["sources"]]
    assert len(listed) == len(set(listed))
    assert _referenced_ids(doc) == set(listed)


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=lambda p: p.stem)
def test_lifecycle_dates_are_ordered(path):
    """Release, deprecation, create block and update block dates never go backwards."""
    doc = _raw(path)
    keys = ("released", "deprecated", "block_create", "block_update")
    dates = [dt.date.fromisoformat(doc[k]) for k in keys if doc[k] is not None]
    assert dates == sorted(dates)


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=lambda p: p.stem)
def test_preinstalled_entries_are_unique(path):
    """A distribution appears once per runtime and no two distributions claim a module."""
    doc = _raw(path)
    names = [d["name"] for d in doc["preinstalled"]]
    modules = [m for d in doc["preinstalled"] for m in d["modules"]]
    assert len(names) == len(set(names))
    assert len(modules) == len(set(modules))


@pytest.mark.parametrize(
    "name",
    [f"python3.{minor}" for minor in range(8, 15)],
)
def test_current_runtimes_have_both_architectures(name):
    """python3.8 to python3.14 exist and run on both x86_64 and arm64."""
    assert load_runtime(name).architectures == ("x86_64", "arm64")


@pytest.mark.parametrize(
    ("name", "os", "glibc"),
    [
        ("python3.7", "Amazon Linux 2018.03", (2, 17)),
        ("python3.8", "Amazon Linux 2", (2, 26)),
        ("python3.9", "Amazon Linux 2", (2, 26)),
        ("python3.10", "Amazon Linux 2", (2, 26)),
        ("python3.11", "Amazon Linux 2", (2, 26)),
        ("python3.12", "Amazon Linux 2023", (2, 34)),
        ("python3.13", "Amazon Linux 2023", (2, 34)),
        ("python3.14", "Amazon Linux 2023", (2, 34)),
    ],
)
def test_os_and_glibc_per_family(name, os, glibc):
    """Each runtime sits on its OS family's glibc (AL1 2.17, AL2 2.26, AL2023 2.34)."""
    runtime = load_runtime(name)
    assert (runtime.os, runtime.glibc, runtime.platform_confirmed) == (os, glibc, True)


def test_preview_runtime_is_marked_and_unconfirmed():
    """python3.15 is a preview: unknown dates, presumed platform, only the SDK set confirmed.

    AWS documents that every Python runtime includes boto3 and its dependencies, so those
    count as provided; everything else on the preview stays unconfirmed.
    """
    runtime = load_runtime("python3.15")
    assert runtime.preview
    assert (runtime.deprecated, runtime.block_create, runtime.block_update) == (None, None, None)
    assert not runtime.platform_confirmed
    confirmed = {dist.name for dist in runtime.preinstalled if dist.confirmed}
    assert confirmed == {
        "boto3",
        "botocore",
        "s3transfer",
        "jmespath",
        "python-dateutil",
        "six",
        "urllib3",
    }


@pytest.mark.parametrize(
    ("name", "today", "expected"),
    [
        ("python3.7", dt.date(2026, 12, 4), RuntimeStatus.CREATE_BLOCKED),
        ("python3.7", dt.date(2027, 3, 3), RuntimeStatus.UPDATE_BLOCKED),
        ("python3.8", dt.date(2026, 12, 4), RuntimeStatus.DEPRECATED),
        ("python3.10", dt.date(2026, 10, 30), RuntimeStatus.SUPPORTED),
        ("python3.10", dt.date(2026, 10, 31), RuntimeStatus.DEPRECATED),
        ("python3.10", dt.date(2027, 2, 1), RuntimeStatus.CREATE_BLOCKED),
        ("python3.11", dt.date(2026, 12, 4), RuntimeStatus.SUPPORTED),
        ("python3.14", dt.date(2026, 12, 4), RuntimeStatus.SUPPORTED),
        ("python3.14", dt.date(2029, 9, 1), RuntimeStatus.UPDATE_BLOCKED),
        ("python3.15", dt.date(2026, 12, 4), RuntimeStatus.PREVIEW),
    ],
)
def test_status_on_a_given_day(name, today, expected):
    """The lifecycle status follows the deprecation and block dates, then the preview flag."""
    assert load_runtime(name).status(today) is expected


@pytest.mark.parametrize(
    ("name", "module", "expected"),
    [
        ("python3.11", "dateutil", "python-dateutil"),
        ("python3.11", "dateutil.parser", "python-dateutil"),
        ("python3.11", "boto3", "boto3"),
        ("python3.11", "requests", None),
        ("python3.11", "simplejson", "simplejson"),
        ("python3.8", "simplejson", None),
        ("python3.12", "six", "six"),
        ("python3.12", "pip", None),
        ("python3.12", "awslambdaric", None),
        ("python3.15", "boto3", "boto3"),
    ],
)
def test_provider_of(name, module, expected):
    """Only confirmed preinstalled distributions provide a top-level module."""
    provider = load_runtime(name).provider_of(module)
    assert (provider.name if provider else None) == expected


@pytest.mark.parametrize(
    ("name", "module", "expected"),
    [
        ("python3.11", "tomllib", True),
        ("python3.10", "tomllib", False),
        ("python3.9", "zoneinfo", True),
        ("python3.9", "pyexpat", True),
        ("python3.12", "distutils", False),
        ("python3.11", "distutils", True),
        ("python3.12", "os.path", True),
        ("python3.12", "test", False),
        ("python3.12", "requests", False),
    ],
)
def test_is_stdlib(name, module, expected):
    """Stdlib membership follows the runtime's Python version."""
    assert load_runtime(name).is_stdlib(module) is expected


@pytest.mark.parametrize(
    ("name", "module", "expected"),
    [
        ("python3.12", "imp", "imp"),
        ("python3.11", "imp", None),
        ("python3.12", "distutils.util", "distutils"),
        ("python3.13", "tkinter.tix", "tkinter.tix"),
        ("python3.13", "tkinter", None),
        ("python3.12", "tkinter.tix", None),
        ("python3.14", "cgi", "cgi"),
        ("python3.12", "os", None),
    ],
)
def test_removed_module(name, module, expected):
    """A module (or its parent) removed at or before the runtime's Python is reported."""
    removed = load_runtime(name).removed_module(module)
    assert (removed.name if removed else None) == expected


@pytest.mark.parametrize(("module", "entry"), sorted(REMOVED["modules"].items()))
def test_removed_module_matches_stdlib_lists(module, entry):
    """A removed module is in the previous version's list and absent from removed_in's."""
    root = module.split(".", 1)[0]
    before = _stdlib_list(_previous(entry["removed_in"]))
    after = _stdlib_list(entry["removed_in"])
    assert after is not None
    if before is not None:
        assert root in before
    if root == module:
        assert module not in after


@pytest.mark.parametrize(
    "version",
    [p.stem for p in STDLIB_FILES if _stdlib_list(_previous(p.stem)) is not None],
)
def test_public_removals_are_recorded(version):
    """Every public top-level module that disappears between versions has a removal entry."""
    before = _stdlib_list(_previous(version))
    gone = {m for m in before - _stdlib_list(version) if not m.startswith("_")}
    recorded = {m for m, e in REMOVED["modules"].items() if e["removed_in"] == version}
    assert gone <= recorded


def test_removed_stdlib_sources_exist():
    """Every removal and restoring distribution names a listed source."""
    listed = {s["id"] for s in REMOVED["sources"]}
    for entry in REMOVED["modules"].values():
        assert entry["source"] in listed
        if entry["distribution"] or entry["alternatives"]:
            assert entry["distribution_source"] in listed


@pytest.mark.parametrize("path", STDLIB_FILES, ids=lambda p: p.stem)
def test_stdlib_lists_are_sorted_top_level_names(path):
    """Stdlib lists hold sorted, unique, undotted names after a comment header."""
    lines = path.read_text().splitlines()
    assert lines[0].startswith("#")
    names = [ln for ln in lines if not ln.startswith("#")]
    assert names == sorted(set(names))
    assert all(name.isidentifier() for name in names)


def test_runtime_names_are_sorted_by_version():
    """Runtime names come oldest first, numerically (3.9 before 3.10)."""
    names = runtime_names()
    assert names[0] == "python3.7"
    assert names.index("python3.9") < names.index("python3.10")
    assert [rt.name for rt in all_runtimes()] == list(names)


def test_default_runtime_is_newest_non_preview():
    """The default runtime is the newest one that is not a preview."""
    assert default_runtime_name() == "python3.14"


@pytest.mark.parametrize("name", ["python2.7", "python3.99", "nodejs20.x", ""])
def test_unknown_runtime_lists_known_ones(name):
    """An unknown runtime raises an error whose message lists the known runtimes."""
    with pytest.raises(UnknownRuntimeError, match=r"known runtimes: python3\.7, .*python3\.14"):
        load_runtime(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("3.11", "python3.11"), ("Python3.12", "python3.12")],
)
def test_load_runtime_accepts_loose_names(name, expected):
    """A bare version or different case still finds the runtime."""
    runtime = load_runtime(name)
    assert runtime.name == expected
    assert runtime.python == expected.removeprefix("python")


@pytest.mark.parametrize(
    ("name", "dist", "architecture", "expected"),
    [
        ("python3.11", "boto3", None, ("1.27.1", dt.date(2023, 11, 29))),
        ("python3.11", "s3transfer", "arm64", ("0.6.1", dt.date(2023, 9, 14))),
        ("python3.8", "boto3", "x86_64", ("1.26.90", dt.date(2023, 9, 14))),
        ("python3.12", "botocore", "arm64", ("1.38.36", dt.date(2025, 8, 16))),
        ("python3.14", "boto3", None, None),
    ],
)
def test_latest_observation(name, dist, architecture, expected):
    """latest() returns the newest observation for the architecture or an unattributed one."""
    found = next(p for p in load_runtime(name).preinstalled if p.name == dist)
    latest = found.latest(architecture)
    assert ((latest.version, latest.date) if latest else None) == expected


@pytest.mark.parametrize("name", runtime_names())
def test_fact_sources_resolve(name):
    """Every fact group and removal of a loaded runtime resolves to a Source."""
    runtime = load_runtime(name)
    assert runtime.dates_source in runtime.sources
    for source in runtime.fact_sources.values():
        assert source is None or source in runtime.sources
    assert runtime.removed_module("imp") is None or runtime.removed_module("imp").source in (
        runtime.sources
    )
