"""Target-correct resolution with uv, against a local folder of real wheels (no network)."""

from __future__ import annotations

import dataclasses
import functools
import io
import socket
import tarfile
import time
from pathlib import Path

import pytest
from wheelhouse import build_wheel

from lambdalint.resolve.indexes import IndexConfig, index_config, redact_url, unreachable_note
from lambdalint.resolve.target import choose_wheel
from lambdalint.resolve.uv import (
    Lock,
    LockedFile,
    LockedPackage,
    ResolutionError,
    compile_lock,
    python_platform,
    requirement_lines,
)

AL2 = (2, 26)
AL2023 = (2, 34)
GATED = ['gamma; python_version < "3.12"', 'delta; platform_machine == "aarch64"']


def _sdist(folder: Path, name: str, marker: Path) -> None:
    """An sdist whose in-tree build backend would write ``marker`` if anything ran it."""
    backend = f"from pathlib import Path\nPath({str(marker)!r}).write_text('built')\n"
    pyproject = (
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
        f'[project]\nname = "{name}"\nversion = "1.0"\n'
    )
    members = {
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
        "pyproject.toml": pyproject,
        "backend.py": backend,
    }
    with tarfile.open(folder / f"{name}-1.0.tar.gz", "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-1.0/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of wheels (and one sdist) for every resolution case below."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    build_wheel(folder, "app", "1.0", requires=["lib>=1"])
    build_wheel(folder, "lib", "1.0", requires=["base"])
    build_wheel(folder, "lib", "2.0", requires=["base>=2"])
    build_wheel(folder, "base", "1.0")
    build_wheel(folder, "base", "2.0")
    build_wheel(folder, "gated", "1.0", requires=GATED)
    build_wheel(folder, "gamma", "1.0")
    build_wheel(folder, "delta", "1.0")
    for arch in ("x86_64", "aarch64"):
        build_wheel(folder, "fast", "1.0", tag=f"cp312-cp312-manylinux_2_17_{arch}")
    build_wheel(folder, "intelonly", "1.0", tag="cp312-cp312-manylinux_2_17_x86_64")
    for py in ("cp311", "cp312"):
        build_wheel(folder, "modern", "1.0", tag=f"{py}-{py}-manylinux_2_28_x86_64")
    build_wheel(folder, "pinned", "1.0")
    build_wheel(folder, "pinned", "2.0")
    build_wheel(folder, "needs-old", "1.0", requires=["pinned<2"])
    _sdist(folder, "onlysdist", folder.parent / "BUILT")
    return folder


def _lock(house: Path, tmp_path: Path, text: str, *target) -> Lock:
    """Resolve ``text`` from the wheelhouse for ``(python, glibc, arch)``, default 3.12 x86_64."""
    py, glibc, arch = (*target, *((3, 12), AL2023, "x86_64")[len(target) :])
    index = IndexConfig(find_links=(str(house),), no_index=True, source="test")
    return compile_lock(text, py, glibc, arch, index, cache_dir=tmp_path / "cache", timeout=60)


def _versions(lock: Lock) -> dict[str, str]:
    return {package.normalized: package.version for package in lock.packages}


def test_resolves_transitive_dependencies(house, tmp_path):
    """A direct requirement brings its dependencies, at the newest versions that fit."""
    lock = _lock(house, tmp_path, "app\n")
    assert _versions(lock) == {"app": "1.0", "lib": "2.0", "base": "2.0"}
    (wheel,) = next(p for p in lock.packages if p.name == "lib").wheels
    assert wheel.filename == "lib-2.0-py3-none-any.whl"
    assert wheel.url.startswith("file://")
    assert wheel.sha256 is not None
    assert len(wheel.sha256) == 64


def test_pip_tools_pins_resolve_as_written(house, tmp_path):
    """A compiled file's pins (with hashes and ``# via`` comments) are honoured."""
    text = "lib==1.0 \\\n    --hash=sha256:00\n    # via app\nbase==1.0  # pinned\n-r other.txt\n"
    assert _versions(_lock(house, tmp_path, text)) == {"lib": "1.0", "base": "1.0"}


@pytest.mark.parametrize(
    ("py", "arch", "expected"),
    [
        ((3, 11), "x86_64", {"gated", "gamma"}),
        ((3, 12), "x86_64", {"gated"}),
        ((3, 12), "arm64", {"gated", "delta"}),
        ((3, 11), "arm64", {"gated", "gamma", "delta"}),
    ],
)
def test_dependency_markers_follow_the_target(house, tmp_path, py, arch, expected):
    """Markers in dependency metadata are evaluated for the target, whatever the host is."""
    glibc = AL2 if py < (3, 12) else AL2023
    assert set(_versions(_lock(house, tmp_path, "gated\n", py, glibc, arch))) == expected


@pytest.mark.parametrize(
    ("py", "arch", "expected"),
    [
        ((3, 11), "x86_64", {"gamma"}),
        ((3, 12), "x86_64", set()),
        ((3, 12), "arm64", {"delta"}),
        ((3, 11), "arm64", {"gamma", "delta"}),
    ],
)
def test_requirement_markers_follow_the_target(house, tmp_path, py, arch, expected):
    """Markers on the user's own requirement lines are evaluated for the target too."""
    glibc = AL2 if py < (3, 12) else AL2023
    lock = _lock(house, tmp_path, "\n".join(GATED), py, glibc, arch)
    assert set(_versions(lock)) == expected


@pytest.mark.parametrize(("arch", "machine"), [("x86_64", "x86_64"), ("arm64", "aarch64")])
def test_architecture_picks_its_own_wheel(house, tmp_path, arch, machine):
    """Each architecture gets the wheel built for it."""
    (package,) = _lock(house, tmp_path, "fast\n", (3, 12), AL2023, arch).packages
    chosen = choose_wheel(package, (3, 12), AL2023, arch)
    assert chosen is not None
    assert chosen.filename == f"fast-1.0-cp312-cp312-manylinux_2_17_{machine}.whl"


def test_wheel_for_other_architecture_fails(house, tmp_path):
    """A project with x86_64 wheels only cannot be resolved for arm64."""
    with pytest.raises(ResolutionError) as caught:
        _lock(house, tmp_path, "intelonly\n", (3, 12), AL2023, "arm64")
    assert caught.value.packages == ("intelonly",)


def test_manylinux_2_28_fails_on_al2(house, tmp_path):
    """A manylinux_2_28-only project is refused on python3.11 (glibc 2.26)."""
    with pytest.raises(ResolutionError) as caught:
        _lock(house, tmp_path, "modern\n", (3, 11), AL2)
    assert caught.value.packages == ("modern",)
    assert "manylinux_2_28_x86_64" in caught.value.message


def test_manylinux_2_28_resolves_on_al2023(house, tmp_path):
    """The same project resolves on python3.12 (glibc 2.34)."""
    (package,) = _lock(house, tmp_path, "modern\n", (3, 12), AL2023).packages
    chosen = choose_wheel(package, (3, 12), AL2023, "x86_64")
    assert chosen is not None
    assert chosen.filename == "modern-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"


def test_sdist_only_is_reported_not_built(house, tmp_path):
    """An sdist-only project is named in the error and its build backend never runs."""
    with pytest.raises(ResolutionError) as caught:
        _lock(house, tmp_path, "onlysdist\n")
    assert caught.value.packages == ("onlysdist",)
    assert "--no-build" in caught.value.message
    assert not (house.parent / "BUILT").exists()
    assert str(house) not in caught.value.message


@pytest.mark.parametrize(
    ("text", "blamed"),
    [
        ("nothere\n", {"nothere"}),
        ("base==9\n", {"base"}),
        ("pinned>=2\nneeds-old\n", {"pinned", "needs-old"}),
    ],
)
def test_unresolvable_requirements_name_the_culprits(house, tmp_path, text, blamed):
    """Missing projects, missing versions and conflicting pins raise naming the packages."""
    with pytest.raises(ResolutionError) as caught:
        _lock(house, tmp_path, text)
    assert set(caught.value.packages) == blamed
    assert caught.value.message.startswith("error:")
    assert "warning" not in caught.value.message


def test_empty_requirements_need_no_uv(tmp_path):
    """Comments and blank lines only: an empty lock, without running uv."""
    lock = compile_lock("# nothing\n\n", (3, 12), AL2023, "x86_64", IndexConfig(no_index=True))
    assert lock == Lock(())


def test_host_environment_does_not_leak(house, tmp_path, monkeypatch):
    """A host virtualenv, uv Python choice or uv index variables do not change the result."""
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "venv"))
    monkeypatch.setenv("UV_PYTHON", "/nonexistent/python")
    monkeypatch.setenv("UV_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("UV_NO_BINARY", "1")
    assert _versions(_lock(house, tmp_path, "base\n")) == {"base": "2.0"}


def test_timeout_is_bounded(tmp_path):
    """An index that never answers ends in a ResolutionError after the timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://user:secret@127.0.0.1:{silent.getsockname()[1]}/simple"
        index = IndexConfig(index_url=url)
        started = time.monotonic()
        with pytest.raises(ResolutionError, match="timed out"):
            compile_lock("base\n", (3, 12), AL2023, "x86_64", index, timeout=1, cache_dir=tmp_path)
    assert time.monotonic() - started < 10


def test_unreachable_index_error_hides_credentials(tmp_path, monkeypatch):
    """The network error uv reports is passed on with the index password removed."""
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    index = IndexConfig(index_url=f"http://user:secret@127.0.0.1:{port}/simple")
    with pytest.raises(ResolutionError) as caught:
        compile_lock("base\n", (3, 12), AL2023, "x86_64", index, timeout=60, cache_dir=tmp_path)
    assert "secret" not in caught.value.message
    assert "Connection refused" in caught.value.message


@pytest.mark.parametrize(
    ("glibc", "arch", "expected"),
    [
        ((2, 17), "x86_64", "x86_64-manylinux_2_17"),
        ((2, 26), "x86_64", "x86_64-manylinux_2_17"),
        ((2, 26), "arm64", "aarch64-manylinux_2_17"),
        ((2, 28), "x86_64", "x86_64-manylinux_2_28"),
        ((2, 30), "aarch64", "aarch64-manylinux_2_28"),
        ((2, 34), "arm64", "aarch64-manylinux_2_34"),
        ((2, 34), "x86_64", "x86_64-manylinux_2_34"),
        ((2, 41), "x86_64", "x86_64-manylinux_2_40"),
    ],
)
def test_python_platform_rounds_glibc_down(glibc, arch, expected):
    """The platform passed to uv never claims a newer glibc than the runtime has."""
    assert python_platform(glibc, arch) == expected


@pytest.mark.parametrize(("glibc", "arch"), [((2, 12), "x86_64"), ((2, 34), "ppc64le")])
def test_python_platform_rejects_unknown_targets(glibc, arch):
    """Targets uv cannot express are refused, not guessed."""
    with pytest.raises(ValueError, match=r"glibc|architecture"):
        python_platform(glibc, arch)


@pytest.mark.parametrize("glibc", [(2, 17), AL2, AL2023])
@pytest.mark.parametrize("arch", ["x86_64", "arm64"])
def test_uv_accepts_every_runtime_platform(house, tmp_path, glibc, arch):
    """The installed uv accepts the platform for every Lambda glibc level and architecture."""
    assert _versions(_lock(house, tmp_path, "base==1.0\n", (3, 11), glibc, arch)) == {"base": "1.0"}


ANY = "py3-none-any"
X86 = "manylinux_2_17_x86_64"


@pytest.mark.parametrize(
    ("tags", "py", "glibc", "arch", "expected"),
    [
        ([ANY, f"cp39-abi3-{X86}", f"cp312-cp312-{X86}.manylinux2014_x86_64"], (3, 12), AL2023,
         "x86_64", f"cp312-cp312-{X86}.manylinux2014_x86_64"),
        ([ANY, f"cp39-abi3-{X86}", f"cp311-cp311-{X86}"], (3, 12), AL2023, "x86_64",
         f"cp39-abi3-{X86}"),
        ([ANY, f"cp311-cp311-{X86}"], (3, 12), AL2023, "x86_64", ANY),
        (["cp312-cp312-manylinux_2_35_x86_64"], (3, 12), AL2023, "x86_64", None),
        (["cp312-cp312-manylinux_2_35_x86_64", ANY], (3, 12), AL2023, "x86_64", ANY),
        ([f"cp312-cp312-{X86}", "cp312-cp312-manylinux_2_34_x86_64"], (3, 12), AL2023, "x86_64",
         "cp312-cp312-manylinux_2_34_x86_64"),
        (["cp311-cp311-manylinux_2_28_x86_64"], (3, 11), AL2, "x86_64", None),
        (["cp311-cp311-manylinux_2_24_x86_64"], (3, 11), AL2, "x86_64",
         "cp311-cp311-manylinux_2_24_x86_64"),
        (["cp311-cp311-manylinux1_x86_64"], (3, 11), AL2, "x86_64",
         "cp311-cp311-manylinux1_x86_64"),
        (["cp312-cp312-manylinux2014_aarch64"], (3, 12), AL2023, "arm64",
         "cp312-cp312-manylinux2014_aarch64"),
        (["cp312-cp312-manylinux2014_aarch64"], (3, 12), AL2023, "x86_64", None),
        (["cp312-cp312-linux_x86_64", "cp312-cp312-musllinux_1_2_x86_64"], (3, 12), AL2023,
         "x86_64", "cp312-cp312-linux_x86_64"),
        (["cp312-cp312-linux_x86_64", ANY], (3, 12), AL2023, "x86_64",
         "cp312-cp312-linux_x86_64"),  # pip ranks every cp312 tag above py3-none-any
        (["cp312-cp312-linux_x86_64", f"cp312-cp312-{X86}"], (3, 12), AL2023, "x86_64",
         f"cp312-cp312-{X86}"),
        (["cp38-cp38-linux_x86_64"], (3, 8), AL2, "x86_64", "cp38-cp38-linux_x86_64"),
        (["cp312-cp312-linux_aarch64", "cp312-cp312-musllinux_1_2_x86_64"], (3, 12), AL2023,
         "x86_64", None),
        (["cp312-cp312-macosx_11_0_arm64", "cp312-cp312-win_amd64"], (3, 12), AL2023, "arm64",
         None),
        ([], (3, 12), AL2023, "x86_64", None),
        (["cp37-cp37m-manylinux_2_17_x86_64.manylinux2014_x86_64", ANY], (3, 7), AL2, "x86_64",
         "cp37-cp37m-manylinux_2_17_x86_64.manylinux2014_x86_64"),
        (["cp37-cp37-manylinux2014_x86_64"], (3, 7), AL2, "x86_64", None),
    ],
)  # fmt: skip
def test_choose_wheel_ranks_like_the_target_pip(tags, py, glibc, arch, expected):
    """The best tag for the target wins; wheels it cannot load are never chosen."""
    names = [f"x-1.0-{tag}.whl" for tag in tags]
    wheels = tuple(LockedFile(f"file:///w/{name}", None, None, name) for name in names)
    package = LockedPackage("x", "x", "1.0", None, wheels, None)
    chosen = choose_wheel(package, py, glibc, arch)
    assert (chosen.filename if chosen else None) == (expected and f"x-1.0-{expected}.whl")


def test_lock_round_trips_through_json():
    """A lock written to JSON reads back equal."""
    wheel = LockedFile("file:///w/a-1.0-py3-none-any.whl", 10, "ab" * 32, "a-1.0-py3-none-any.whl")
    sdist = LockedFile("file:///w/a-1.0.tar.gz", None, None, "a-1.0.tar.gz")
    lock = Lock((LockedPackage("A", "a", "1.0", "python_version < '3.12'", (wheel,), sdist),))
    assert Lock.from_json(lock.to_json()) == lock


def test_requirement_lines_drop_options_hashes_and_comments():
    """Only PEP 508 lines reach uv: options that would change sources are dropped."""
    text = (
        "--index-url http://127.0.0.1:9/simple\n-r base.txt\n-e .\n"
        "a==1.0 \\\n    --hash=sha256:00 \\\n    --hash=sha256:11\n"
        "    # via b\n"
        "b[x]>=2; python_version < '3.12'  # comment\n"
    )
    assert requirement_lines(text) == ["a==1.0", "b[x]>=2; python_version < '3.12'"]


MIRROR = "https://mirror.example/simple"
BEST = "unsafe-best-match"  # pip's behaviour: the best version across all indexes
EXTRA = "https://a.example/simple"
PIP_CONF = f"[global]\nindex-url = {MIRROR}\nextra-index-url =\n    {EXTRA}\n"
INSTALL = "[install]\nindex-url = https://i.example/s\nno-index = true\nfind-links = /w\n"
UV_TOML = f'[[index]]\nurl = "{MIRROR}"\ndefault = true\n[[index]]\nurl = "{EXTRA}"\n'


def _config(index_url=None, extra=(), find_links=(), *, source="uv default", **rest) -> IndexConfig:
    return IndexConfig(index_url, tuple(extra), tuple(find_links), source=source, **rest)


@pytest.mark.parametrize(
    ("env", "files", "expected"),
    [
        ({}, {}, _config()),
        (
            {"UV_INDEX_URL": MIRROR, "PIP_INDEX_URL": "https://pip.example/simple"},
            {"pip.conf": PIP_CONF},
            _config(MIRROR, source="UV_INDEX_URL"),
        ),
        (
            {"UV_DEFAULT_INDEX": MIRROR, "UV_INDEX_URL": "https://old.example/simple"},
            {},
            _config(MIRROR, source="UV_DEFAULT_INDEX"),
        ),
        (
            {
                "UV_EXTRA_INDEX_URL": f"{EXTRA} {MIRROR}",
                "UV_FIND_LINKS": "/w1,/w2",
                "UV_NO_INDEX": "1",
            },
            {},
            _config(
                None,
                [EXTRA, MIRROR],
                ["/w1", "/w2"],
                no_index=True,
                source="UV_EXTRA_INDEX_URL, UV_FIND_LINKS, UV_NO_INDEX",
            ),
        ),
        (
            {"PIP_INDEX_URL": "https://pip.example/simple"},
            {"pip.conf": PIP_CONF},
            _config(
                "https://pip.example/simple",
                [EXTRA],
                source="PIP_INDEX_URL, pip.conf {pip.conf}",
                index_strategy=BEST,
            ),
        ),
        (
            {},
            {"pip.conf": PIP_CONF},
            _config(MIRROR, [EXTRA], source="pip.conf {pip.conf}", index_strategy=BEST),
        ),
        (
            {},
            {"pip.conf": PIP_CONF + INSTALL},
            _config(
                "https://i.example/s",
                [EXTRA],
                ["/w"],
                no_index=True,
                source="pip.conf {pip.conf}",
                index_strategy=BEST,
            ),
        ),
        (
            {},
            {"first.conf": "[global]\nno-index = yes\n", "pip.conf": PIP_CONF},
            _config(
                MIRROR,
                [EXTRA],
                no_index=True,
                source="pip.conf {first.conf}, pip.conf {pip.conf}",
                index_strategy=BEST,
            ),
        ),
        (
            {},
            {"uv.toml": UV_TOML, "pip.conf": "[global]\nno-index = 1\n"},
            _config(MIRROR, [EXTRA], source="uv.toml {uv.toml}"),
        ),
        (
            {"PIP_NO_INDEX": "1"},
            {"uv.toml": '[pip]\nfind-links = ["/w"]\n'},
            _config(find_links=["/w"], source="uv.toml {uv.toml}"),
        ),
        (
            {"PIP_INDEX_URL": MIRROR},
            {"uv.toml": 'index-strategy = "unsafe-first-match"\n'},
            _config(MIRROR, source="PIP_INDEX_URL", index_strategy=BEST),
        ),
        (
            {},
            {"uv.toml": f'index-url = "{MIRROR}"\nindex-strategy = "unsafe-first-match"\n'},
            _config(MIRROR, source="uv.toml {uv.toml}", index_strategy="unsafe-first-match"),
        ),
        ({}, {"broken.conf": "[global\nindex-url = x\n", "uv.toml": "index-url = [\n"}, _config()),
    ],
)
def test_index_config_precedence(tmp_path, env, files, expected):
    """Settings for uv beat pip's; environment beats files; earlier files beat later ones."""
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    source = expected.source
    for name in files:
        source = source.replace(f"{{{name}}}", str(tmp_path / name))
    assert index_config(env, paths) == dataclasses.replace(expected, source=source)


def test_index_config_standard_locations(tmp_path):
    """PIP_CONFIG_FILE is read first, then the user's pip.conf supplies the other keys.

    System-wide files (``/etc``) rank below both, so whatever the host holds cannot change this.
    """
    (tmp_path / "custom.conf").write_text(f"[global]\nindex-url = {MIRROR}\n", encoding="utf-8")
    user = tmp_path / "xdg" / "pip" / "pip.conf"
    user.parent.mkdir(parents=True)
    user.write_text("[global]\nindex-url = https://u.example/s\nfind-links = /w\n")
    env = {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "XDG_CONFIG_DIRS": str(tmp_path / "none"),
        "PIP_CONFIG_FILE": str(tmp_path / "custom.conf"),
    }
    got = index_config(env)
    assert (got.index_url, got.find_links) == (MIRROR, ("/w",))
    assert got.source.startswith(f"pip.conf {tmp_path / 'custom.conf'}, pip.conf {user}")


def test_fingerprint_hides_credentials():
    """The cache key never holds a password and survives a rotated token."""
    first = IndexConfig(index_url="https://user:s3cret@mirror.example/simple")
    rotated = IndexConfig(index_url="https://user:0ther@mirror.example/simple")
    other = IndexConfig(index_url="https://elsewhere.example/simple")
    assert "s3cret" not in first.fingerprint()
    assert first.fingerprint() == rotated.fingerprint() != other.fingerprint()
    assert first.fingerprint() != IndexConfig().fingerprint()
    assert redact_url("see https://u:p@h.example/s and http://h/x") == (
        "see https://***@h.example/s and http://h/x"
    )


def test_uv_args_pass_the_configuration():
    """Every configured source becomes an explicit uv option."""
    config = _config(MIRROR, ["https://a.example/s"], ["/w"], no_index=True, index_strategy=BEST)
    assert config.uv_args() == [
        "--index-url", MIRROR, "--extra-index-url", "https://a.example/s",
        "--find-links", "/w", "--no-index", "--index-strategy", BEST,
    ]  # fmt: skip
    assert IndexConfig().uv_args() == []


LINKS = "https://packages.example.com/whl/links.html"
FILE_INDEX = "https://packages.example.com/simple"


@pytest.mark.parametrize(
    ("base", "options", "expected"),
    [
        (_config(MIRROR), [], _config(MIRROR)),
        (
            _config(MIRROR, [EXTRA], ["/w"]),
            [("find-links", LINKS)],
            _config(MIRROR, [EXTRA], ["/w", LINKS], index_strategy=BEST),
        ),
        (
            _config(MIRROR, [EXTRA]),
            [("extra-index-url", EXTRA), ("index-url", FILE_INDEX), ("extra-index-url", MIRROR)],
            _config(FILE_INDEX, [MIRROR], index_strategy=BEST),
        ),
        (
            _config(MIRROR, [EXTRA], ["/w"], index_strategy="first-index"),
            [("no-index", ""), ("index-url", FILE_INDEX), ("find-links", LINKS)],
            _config(None, [], ["/w", LINKS], no_index=True, index_strategy="first-index"),
        ),
        (
            _config(no_index=True),
            [("extra-index-url", EXTRA)],
            _config(no_index=True, index_strategy=BEST),
        ),
    ],
)
def test_file_options_apply_over_the_configuration_as_pip_does(base, options, expected):
    """A file's --index-url replaces the indexes so far, the others add, --no-index drops all."""
    got = base.with_file_options(options)
    assert got.uv_args() == expected.uv_args()
    assert got is base if not options else got.source == f"{base.source} + requirements file"


def test_unreachable_note_names_the_source_without_credentials():
    """A network failure becomes a hedged note with the password masked; others are no note."""
    message = (
        "error: Failed to read `--find-links` URL: https://u:pw@h.example/l\n  cause: dns error"
    )
    note = unreachable_note(message)
    assert note is not None
    assert "https://***@h.example/l" in note
    assert "pw" not in note
    assert unreachable_note("error: Because there is no version of x==1 ...") is None


def _static_index(root: Path, wheels: list[Path]) -> str:
    """A PEP 503 index as plain files, read by uv through a ``file://`` URL."""
    for wheel in wheels:
        project = root / wheel.name.split("-")[0]
        project.mkdir(parents=True, exist_ok=True)
        (project / wheel.name).write_bytes(wheel.read_bytes())
        links = "".join(f'<a href="{w.name}">{w.name}</a>\n' for w in sorted(project.glob("*.whl")))
        (project / "index.html").write_text(f"<html><body>\n{links}</body></html>\n")
    return root.as_uri()


@pytest.mark.parametrize(("tool", "resolves"), [("PIP", True), ("UV", False)])
def test_pip_configuration_finds_the_best_version_across_indexes(tmp_path, tool, resolves):
    """With pip's settings every index is searched, as pip does; uv's own stop at the first."""
    old = _static_index(tmp_path / "old", [build_wheel(tmp_path / "w1", "base", "1.0")])
    new = _static_index(tmp_path / "new", [build_wheel(tmp_path / "w2", "base", "2.0")])
    # An extra index is searched before the default one, so "old" is the first to answer.
    config = index_config({f"{tool}_INDEX_URL": new, f"{tool}_EXTRA_INDEX_URL": old}, [])
    resolve = functools.partial(compile_lock, "base>=2\n", (3, 12), AL2023, "x86_64", config)
    if resolves:
        assert _versions(resolve(cache_dir=tmp_path / "c")) == {"base": "2.0"}
    else:
        with pytest.raises(ResolutionError, match="first index"):
            resolve(cache_dir=tmp_path / "c")


@pytest.mark.online
def test_resolves_requests_from_the_default_index(tmp_path):
    """The user's configured (or uv's default) index resolves requests for python3.12 arm64."""
    lock = compile_lock("requests\n", (3, 12), AL2023, "arm64", index_config(), timeout=120)
    names = {package.normalized for package in lock.packages}
    assert {"requests", "urllib3", "idna", "certifi", "charset-normalizer"} <= names
    for package in lock.packages:
        assert choose_wheel(package, (3, 12), AL2023, "arm64") is not None
