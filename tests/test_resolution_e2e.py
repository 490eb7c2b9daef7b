"""Resolution end to end through the real CLI, against a local index of wheels the tests build.

Covers the rules that need resolved wheels (transitive-import, no-compatible-wheel,
size-limit), exact sizes in the plan checked against a real ``pip install --target`` of the
printed command, and a warm re-run that makes no request at all.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from wheelhouse import build_wheel

pytest_plugins = ("local_index",)

TODAY = "2026-12-04"
X86 = "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64"
ARM = "cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64"


def run(repo: Path, index_url: str, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it, with the local index as the only index."""
    env = {
        **os.environ,
        "LAMBDALINT_TODAY": TODAY,
        "LAMBDALINT_CACHE_DIR": str(cache),
        "UV_INDEX_URL": index_url,
        "PIP_CONFIG_FILE": os.devnull,
        "UV_CACHE_DIR": str(cache / "uv"),
    }
    env.pop("LAMBDALINT_OFFLINE", None)
    return subprocess.run(
        [sys.executable, "-m", "lambdalint", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def repo(tmp_path, local_index):
    """A function repo whose requirements resolve only against the local index."""
    wheels = tmp_path / "wheels"
    for path in (
        build_wheel(wheels, "webkit", "1.2.0", requires=["httpcore>=1"]),
        build_wheel(wheels, "httpcore", "1.0.4"),
        build_wheel(
            wheels,
            "fastnum",
            "2.0.0",
            tag=X86,
            files={
                "fastnum/__init__.py": "",
                "fastnum/_core.cpython-312-x86_64-linux-gnu.so": b"\x7fELF" * 4096,
            },
        ),
        build_wheel(
            wheels,
            "fastnum",
            "2.0.0",
            tag=ARM,
            files={
                "fastnum/__init__.py": "",
                "fastnum/_core.cpython-312-aarch64-linux-gnu.so": b"\x7fELF" * 4096,
            },
        ),
        build_wheel(wheels, "x86only", "1.0.0", tag=X86),
    ):
        local_index.add(path)
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    fn = root / "fn"
    fn.mkdir()
    (fn / "app.py").write_text(
        "import webkit\nimport httpcore\nimport fastnum\n\n\ndef handler(event, context):\n"
        "    return webkit, httpcore, fastnum\n"
    )
    (fn / "requirements.txt").write_text("webkit==1.2.0\nfastnum==2.0.0\n")
    return root


def function_repo(tmp_path: Path, code: str, requirements: str) -> Path:
    """A git repository with one function folder ``fn`` holding ``app.py`` and requirements."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "fn").mkdir()
    (root / "fn" / "app.py").write_text(code)
    (root / "fn" / "requirements.txt").write_text(requirements)
    return root


def check_json(
    repo: Path, index_url: str, cache: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], dict]:
    """`lambdalint check --format json` for python3.12 (plus ``args``): the run and its report."""
    result = run(
        repo, index_url, cache, "check", "--runtime", "python3.12", "--format", "json", *args
    )
    return result, json.loads(result.stdout)


def findings(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    """(rule, file) of every finding in a JSON report."""
    data = json.loads(result.stdout)
    return [(f["rule"], f["file"]) for fn in data["functions"] for f in fn["findings"]]


def test_transitive_import_names_the_chain(repo, local_index, tmp_path):
    """An import served only by a dependency of a requirement is reported with its chain."""
    result = check_json(repo, local_index.url, tmp_path / "cache")[0]
    data = json.loads(result.stdout)
    [finding] = data["functions"][0]["findings"]
    assert finding["rule"] == "transitive-import"
    assert "webkit -> httpcore" in finding["message"]
    assert finding["line"] == 2


def test_plan_sizes_match_a_real_install_of_the_printed_command(repo, local_index, tmp_path):
    """The plan's unzipped estimate equals what the printed pip command really installs."""
    result = run(
        repo,
        local_index.url,
        tmp_path / "cache",
        "plan",
        "--runtime",
        "python3.12",
        "--arch",
        "arm64",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)["functions"][0]["plan"]
    assert plan["strategy"] == "zip"
    assert sorted(plan["distributions"]) == ["fastnum", "httpcore", "webkit"]
    command = shlex.split(plan["commands"][0])
    target = tmp_path / "build"
    command[command.index("build/")] = str(target)
    env = {**os.environ, "PIP_INDEX_URL": local_index.url, "PIP_CONFIG_FILE": os.devnull}
    install = subprocess.run(
        [sys.executable, "-m", *command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    assert (target / "fastnum" / "_core.cpython-312-aarch64-linux-gnu.so").exists()
    installed = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    code = sum(p.stat().st_size for p in (repo / "fn").rglob("*") if p.is_file())
    deps_estimate = plan["unzipped_bytes"] - code
    # The estimate includes what pip writes itself (INSTALLER, REQUESTED, their RECORD rows);
    # pip may rewrite RECORD with CRLF line ends: one byte per row.
    assert abs(installed - deps_estimate) <= 64


def test_warm_run_makes_no_request(repo, local_index, tmp_path):
    """A second run on unchanged requirements is answered from the cache alone."""
    cache = tmp_path / "cache"
    first = run(
        repo, local_index.url, cache, "check", "--runtime", "python3.12", "--format", "json"
    )
    assert first.returncode in (0, 1), first.stderr
    seen = len(local_index.requests)
    assert seen > 0
    second = run(
        repo, local_index.url, cache, "check", "--runtime", "python3.12", "--format", "json"
    )
    assert second.stdout == first.stdout
    assert len(local_index.requests) == seen


def test_no_compatible_wheel_says_which_wheels_exist(repo, local_index, tmp_path):
    """A project with only x86_64 wheels cannot ship to an arm64 function."""
    (repo / "fn" / "requirements.txt").write_text("webkit==1.2.0\nx86only==1.0.0\n")
    result = check_json(repo, local_index.url, tmp_path / "cache", "--arch", "arm64")[0]
    assert result.returncode == 1
    rules = [rule for rule, _file in findings(result)]
    assert "no-compatible-wheel" in rules
    message = next(
        f["message"]
        for fn in json.loads(result.stdout)["functions"]
        for f in fn["findings"]
        if f["rule"] == "no-compatible-wheel"
    )
    assert "x86only" in message


def test_size_limit_on_a_huge_dependency(repo, local_index, tmp_path):
    """A wheel that unzips past 250 MiB makes the function too big and the plan a container."""
    big = tmp_path / "big.whl.d"
    path = build_wheel(big, "hugedata", "1.0.0", files={"hugedata/__init__.py": ""})
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("hugedata/blob.bin", b"\0" * (260 * 1024 * 1024))
    local_index.add(path)
    (repo / "fn" / "requirements.txt").write_text("hugedata==1.0.0\n")
    (repo / "fn" / "app.py").write_text("import hugedata\n")
    result = check_json(repo, local_index.url, tmp_path / "cache")[0]
    data = json.loads(result.stdout)
    assert ("size-limit", "fn") in [
        (f["rule"], f["file"]) for f in data["functions"][0]["findings"]
    ]
    assert data["functions"][0]["plan"]["strategy"] == "container"
    assert data["functions"][0]["plan"]["unzipped_bytes"] > 260 * 1024 * 1024


@pytest.mark.parametrize(("arch", "expected"), [("x86_64", []), ("arm64", ["no-compatible-wheel"])])
def test_existing_pylock_is_verified_for_the_target(tmp_path, arch, expected):
    """A project's pylock.toml is checked against the target instead of being re-resolved."""
    wheels = tmp_path / "wheels"
    pure = build_wheel(wheels, "webkit", "1.2.0")
    native = build_wheel(wheels, "x86only", "1.0.0", tag=X86)
    root = function_repo(tmp_path, "import webkit\nimport x86only\n", "webkit\nx86only\n")
    entries = [("webkit", "1.2.0", pure), ("x86only", "1.0.0", native)]
    (root / "fn" / "pylock.toml").write_text(
        'lock-version = "1.0"\ncreated-by = "uv"\n'
        + "".join(
            f'[[packages]]\nname = "{name}"\nversion = "{version}"\n'
            f'wheels = [{{ url = "{path.as_uri()}" }}]\n'
            for name, version, path in entries
        )
    )
    result = check_json(root, "http://127.0.0.1:9/unused/", tmp_path / "cache", "--arch", arch)[0]
    assert [rule for rule, _file in findings(result)] == expected


def test_namespace_packages_map_by_submodule(tmp_path, local_index):
    """`google.auth` from google-auth is transitive; `google.cloud.storage` is declared."""
    wheels = tmp_path / "wheels"
    local_index.add(
        build_wheel(
            wheels,
            "google-cloud-storage",
            "2.18.2",
            requires=["google-auth>=2"],
            files={"google/cloud/storage/__init__.py": ""},
            top_level=["google"],
        )
    )
    local_index.add(
        build_wheel(
            wheels,
            "google-auth",
            "2.35.0",
            files={"google/auth/__init__.py": ""},
            top_level=["google"],
        )
    )
    root = function_repo(
        tmp_path,
        "import google.auth\nfrom google.cloud import storage\n",
        "google-cloud-storage==2.18.2\n",
    )
    result = check_json(root, local_index.url, tmp_path / "cache")[0]
    data = json.loads(result.stdout)
    assert [(f["rule"], f["line"]) for f in data["functions"][0]["findings"]] == [
        ("transitive-import", 1)
    ]


def test_frozen_pins_needed_by_another_requirement_are_not_unused(tmp_path, local_index):
    """A pip-freeze file pins dependencies too: those are not reported as unused."""
    wheels = tmp_path / "wheels"
    local_index.add(build_wheel(wheels, "webkit", "1.2.0", requires=["httpcore>=1"]))
    local_index.add(build_wheel(wheels, "httpcore", "1.0.4"))
    local_index.add(build_wheel(wheels, "leftover", "0.1.0"))
    root = function_repo(
        tmp_path, "import webkit\n", "webkit==1.2.0\nhttpcore==1.0.4\nleftover==0.1.0\n"
    )
    _result, data = check_json(root, local_index.url, tmp_path / "cache")
    unused = [
        f["message"].split()[0]
        for f in data["functions"][0]["findings"]
        if f["rule"] == "unused-requirement"
    ]
    assert unused == ["leftover"]


def test_pins_needed_two_hops_down_are_not_unused(tmp_path, local_index):
    """A declared distribution that another declared one needs through a third is not unused."""
    wheels = tmp_path / "wheels"
    local_index.add(build_wheel(wheels, "webkit", "1.2.0", requires=["httpcore>=1"]))
    local_index.add(build_wheel(wheels, "httpcore", "1.0.4", requires=["sniffio"]))
    local_index.add(build_wheel(wheels, "sniffio", "1.3.0"))
    root = function_repo(tmp_path, "import webkit\n", "webkit==1.2.0\nsniffio\n")
    _result, data = check_json(root, local_index.url, tmp_path / "cache")
    rules = [f["rule"] for f in data["functions"][0]["findings"]]
    assert "unused-requirement" not in rules
