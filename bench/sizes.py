"""Benchmark: calibrate ``lambdalint plan`` size estimates against real builds, time resolution.

For each requirement set and target it writes a one-file function (``index.py`` importing the
set's modules, ``requirements.txt``), runs ``lambdalint plan --format json`` twice (cold: fresh
``LAMBDALINT_CACHE_DIR`` and ``UV_CACHE_DIR``; then warm), runs the plan's install command
(``commands[0]``, ``build/`` replaced by a temporary folder) with ``python -m pip``, and
measures the real package: the sum of file sizes (not ``du``) and the size of a zip (deflate
level 6) of the build plus the function code. Side by side it times resolution alone with
``pip install --dry-run --report`` and with ``uv pip compile`` (cold: fresh cache; warm: second
run). pip and uv use this machine's index configuration (uv gets the same sources lambdalint
derives from it). Downloads go to a temporary folder that is deleted at the end.
Usage: ``python bench/sizes.py [--sets requests pandas] [--targets python3.12/arm64]
[--json results.json]``; the default (every set on two targets) takes about 10 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from lambdalint.recommend import platform_tags
from lambdalint.resolve.cache import LAYOUT
from lambdalint.resolve.indexes import index_config
from lambdalint.resolve.uv import python_platform, uv_binary
from lambdalint.runtime.model import Runtime, load_runtime

MiB = 1024 * 1024
TIMEOUT = 900
# name -> (requirements.txt lines, modules index.py imports)
SETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "requests": (("requests",), ("requests",)),
    "pandas": (("pandas",), ("pandas",)),
    "numpy": (("numpy",), ("numpy",)),
    "pydantic": (("pydantic",), ("pydantic",)),
    "cryptography": (("cryptography",), ("cryptography",)),
    "psycopg2-binary": (("psycopg2-binary",), ("psycopg2",)),
    "fastapi+mangum": (("fastapi", "mangum"), ("fastapi", "mangum")),
    "aws-lambda-powertools": (("aws-lambda-powertools",), ("aws_lambda_powertools",)),
    "pillow": (("pillow",), ("PIL",)),
    "scikit-learn": (("scikit-learn",), ("sklearn",)),
    "pyarrow": (("pyarrow",), ("pyarrow",)),
    "lxml": (("lxml",), ("lxml",)),
}
TARGETS = ("python3.12/arm64", "python3.11/x86_64")
_MACHINE = {"arm64": "aarch64", "x86_64": "x86_64"}
_LEGACY = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
_PIP_WRITTEN = ("INSTALLER", "REQUESTED", "direct_url.json")


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """Wall time and stdout of a command that must succeed (its stderr tail otherwise)."""
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
        raise RuntimeError(f"{shlex.join(command[:4])} ... exit {done.returncode}: {tail}")
    return elapsed, done.stdout


def cold_warm(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Times of a first run (caches empty) and a second one (caches filled)."""
    cold, _ = run(command, env, cwd)
    warm, out = run(command, env, cwd)
    return cold, warm, out


def files_under(folder: Path) -> list[Path]:
    """Every regular file below ``folder``, sorted (symlinks are not followed)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def measure(build: Path, code: Path, scratch: Path) -> dict[str, int]:
    """Unzipped (sum of file sizes) and zipped (deflate 6, files only) size of build + code."""
    members = [(p, p.relative_to(build)) for p in files_under(build)]
    members += [(p, p.relative_to(code)) for p in files_under(code)]
    archive = scratch / "function.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
        for path, name in members:
            bundle.write(path, name.as_posix())
    zipped = archive.stat().st_size
    archive.unlink()
    return {
        "unzipped": sum(p.stat().st_size for p, _ in members),
        "zipped": zipped,
        "files": len(members),
    }


def pip_written(build: Path) -> dict[str, int]:
    """Bytes in files pip writes itself: scripts under bin/, INSTALLER etc., RECORD files."""
    found = {"bin_files": 0, "bin_bytes": 0, "marker_files": 0, "marker_bytes": 0}
    found["record_bytes"] = 0
    for path in files_under(build):
        size = path.stat().st_size
        top, parent = path.relative_to(build).parts[0], path.parent.name
        if top == "bin":
            found["bin_files"] += 1
            found["bin_bytes"] += size
        elif parent.endswith(".dist-info") and path.name in _PIP_WRITTEN:
            found["marker_files"] += 1
            found["marker_bytes"] += size
        elif parent.endswith(".dist-info") and path.name == "RECORD":
            found["record_bytes"] += size
    return found


def pip_platforms(glibc: tuple[int, int], architecture: str) -> list[str]:
    """Every manylinux tag the target accepts, with the legacy aliases (pip 23 needs them all)."""
    machine = _MACHINE[architecture]
    oldest = 5 if machine == "x86_64" else 17
    tags = []
    for minor in range(glibc[1], oldest - 1, -1):
        tags.append(f"manylinux_2_{minor}_{machine}")
        if minor in _LEGACY:
            tags.append(f"{_LEGACY[minor]}_{machine}")
    return tags


def pins(install_command: str) -> dict[str, str]:
    """``name==version`` arguments of the plan's pip command."""
    found = {}
    for word in shlex.split(install_command):
        name, sep, version = word.partition("==")
        if sep and not word.startswith("-"):
            found[canonicalize_name(name)] = version
    return found


def zip_command(
    plan: dict[str, Any], cache: Path, runtime: Runtime, architecture: str, pip: dict[str, str]
) -> tuple[str, str]:
    """The pip command a ``zip`` plan would print, for plans that print none (managed-layer).

    Versions come from the lock lambdalint cached for this run (one function, one target),
    else from pip's own resolution.
    """
    locks = list((cache / LAYOUT / "lock").glob("*/*.json"))
    versions, source = dict(pip), "pip pins"
    if len(locks) == 1:
        packages = json.loads(locks[0].read_text(encoding="utf-8"))["packages"]
        versions = {p["normalized"]: p["version"] for p in packages}
        source = "lambdalint lock"
    names = [canonicalize_name(name) for name in plan["distributions"]]
    pinned = " ".join(f"'{name}=={versions[name]}'" for name in names)
    platforms = " ".join(f"--platform {t}" for t in platform_tags(runtime.glibc, architecture))
    command = (
        f"pip install --no-deps {pinned} --target build/ {platforms} --implementation cp "
        f"--python-version {runtime.python} --only-binary=:all: --no-compile"
    )
    return command, source


def calibrate(name: str, target: str, folder: Path) -> dict[str, Any]:
    """Plan, build and measure one set on one target; time pip and uv resolution beside it."""
    runtime_name, architecture = target.split("/")
    runtime = load_runtime(runtime_name)
    requirements, modules = SETS[name]
    code = folder / "fn"
    code.mkdir(parents=True)
    imports = "".join(f"import {module}\n" for module in modules)
    handler = "\n\ndef handler(event, context):\n    return {}\n"
    (code / "index.py").write_text(imports + handler, encoding="utf-8")
    (code / "requirements.txt").write_text("\n".join(requirements) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "LAMBDALINT_CACHE_DIR": str(folder / "lambdalint-cache"),
        "UV_CACHE_DIR": str(folder / "lambdalint-uv-cache"),
        "PIP_CACHE_DIR": str(folder / "pip-cache"),
    }
    result: dict[str, Any] = {"set": name, "target": target, "times": {}}
    times = result["times"]

    plan_command = [sys.executable, "-m", "lambdalint", "plan", str(code), "--format", "json"]
    plan_command += ["--runtime", runtime_name, "--arch", architecture]
    times["lambdalint_cold"], times["lambdalint_warm"], out = cold_warm(plan_command, env, folder)
    plan = json.loads(out)["functions"][0]["plan"]
    result |= {"estimated_zipped": plan["zipped_bytes"], "estimated_unzipped": plan["unzipped_bytes"]}
    result["distributions"] = plan["distributions"]

    python = ["--python-version", runtime.python]
    platforms = [f"--platform={tag}" for tag in pip_platforms(runtime.glibc, architecture)]
    report = folder / "pip-report.json"
    dry_run = [sys.executable, "-m", "pip", "install", "--dry-run", "--report", str(report)]
    dry_run += ["--ignore-installed", "--only-binary=:all:", *platforms, *python]
    dry_run += ["--target", str(folder / "dry-run")]  # pip 23 allows --platform only with it
    dry_run += ["--implementation", "cp", "--quiet", "-r", "requirements.txt"]
    times["pip_cold"], times["pip_warm"], _ = cold_warm(dry_run, env, code)
    resolved = {
        canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text(encoding="utf-8"))["install"]
    }

    build = folder / "build"
    install = plan["commands"][0] if plan["commands"] else ""
    result["install_from"] = "plan"
    if not install.startswith("pip install "):  # e.g. managed-layer: the zip it would replace
        install, result["install_from"] = zip_command(
            plan, folder / "lambdalint-cache", runtime, architecture, resolved
        )
    words = [str(build) if word == "build/" else word for word in shlex.split(install)]
    pip_install = [sys.executable, "-m", "pip", *words[1:], "--quiet"]
    try:
        times["build"], _ = run(pip_install, env, code)
    except RuntimeError as error:  # pip < 24 checks Requires-Python against the host (#12216)
        if "requires a different Python" not in str(error):
            raise
        result["build_note"] = "the command failed: " + str(error).rsplit(": ", 1)[-1]
        times["build"], _ = run([*pip_install, "--ignore-requires-python"], env, code)
    result |= measure(build, code, folder) | {"pip_written": pip_written(build)}
    shutil.rmtree(build)

    planned = pins(install)
    provided = {p.normalized for p in runtime.preinstalled if p.confirmed}
    result["pin_differences"] = sorted(
        f"{dist}: plan {planned.get(dist, '-')}, pip {resolved.get(dist, '-')}"
        for dist in set(planned) | (set(resolved) - provided)
        if planned.get(dist) != resolved.get(dist)
    )

    uv_env = {**env, "UV_CACHE_DIR": str(folder / "uv-cache")}
    platform = python_platform(runtime.glibc, architecture)
    compile_command = [uv_binary(), "pip", "compile", "requirements.txt", *python]
    compile_command += ["--python-platform", platform, "--no-build", "--quiet", "--no-progress"]
    # The host interpreter, as lambdalint passes it: otherwise uv may spend seconds looking for
    # a Python matching --python-version (pyenv shims, downloads), which is not resolution.
    compile_command += [f"--python={sys.executable}", *index_config().uv_args()]
    times["uv_cold"], times["uv_warm"], _ = cold_warm(compile_command, uv_env, code)
    return result


def error_pct(estimate: int, actual: int) -> float:
    """Signed error of the estimate relative to the real size."""
    return 100 * (estimate - actual) / actual


def size_table(results: list[dict[str, Any]]) -> list[str]:
    """Markdown rows: estimate vs real build, zipped and unzipped, in MiB."""
    lines = [
        "| set | target | dists | est. zipped | real zipped | err | est. unzipped "
        "| real unzipped | err |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['set']} | {r['target']} | failed: {r['error'][:80]} |")
            continue
        cells = [r["set"], r["target"], str(len(r["distributions"]))]
        for kind in ("zipped", "unzipped"):
            estimate, actual = r[f"estimated_{kind}"], r[kind]
            cells += [f"{estimate / MiB:.2f} MiB", f"{actual / MiB:.2f} MiB"]
            cells.append(f"{error_pct(estimate, actual):+.2f} %")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def time_table(results: list[dict[str, Any]]) -> list[str]:
    """Markdown rows: seconds for lambdalint plan, pip --dry-run and uv compile, cold and warm."""
    keys = ("lambdalint_cold", "lambdalint_warm", "pip_cold", "pip_warm", "uv_cold", "uv_warm")
    lines = [
        "| set | target | lambdalint cold | lambdalint warm | pip cold | pip warm "
        "| uv cold | uv warm | pip build |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    done = [r for r in results if "error" not in r]
    for r in done:
        cells = [f"{r['times'][key]:.2f}" for key in (*keys, "build")]
        lines.append(f"| {r['set']} | {r['target']} | " + " | ".join(cells) + " |")
    if done:
        medians = [statistics.median(r["times"][key] for r in done) for key in (*keys, "build")]
        lines.append("| **median** | | " + " | ".join(f"{m:.2f}" for m in medians) + " |")
    return lines


def summary(results: list[dict[str, Any]]) -> list[str]:
    """Mean and max absolute error against the targets (2 % unzipped, 5 % zipped)."""
    done = [r for r in results if "error" not in r]
    lines = []
    for kind, goal in (("unzipped", 2.0), ("zipped", 5.0)):
        errors = [abs(error_pct(r[f"estimated_{kind}"], r[kind])) for r in done]
        if errors:
            worst = max(errors)
            verdict = "ok" if worst <= goal else "over target"
            lines.append(
                f"- {kind}: mean |error| {statistics.mean(errors):.2f} %, "
                f"max {worst:.2f} % (target <= {goal:g} %: {verdict})"
            )
    for r in done:
        notes = []
        if r["install_from"] != "plan":
            notes.append(f"no pip command in the plan: built from the {r['install_from']}")
        if "build_note" in r:
            notes.append(f"{r['build_note']}; built again with --ignore-requires-python")
        if r["pip_written"]["bin_files"]:
            notes.append(
                f"pip wrote {r['pip_written']['bin_files']} script(s) in bin/ "
                f"({r['pip_written']['bin_bytes']} B)"
            )
        if r["pin_differences"]:
            notes.append("pip --dry-run resolved " + "; ".join(r["pin_differences"]))
        if notes:
            lines.append(f"- {r['set']} {r['target']}: " + "; ".join(notes))
    return lines


def main() -> None:
    """Run every chosen set on every chosen target and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(SETS))
    parser.add_argument("--targets", nargs="+", default=list(TARGETS), metavar="RUNTIME/ARCH")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lambdalint-sizes-") as tmp:
        for number, (name, target) in enumerate(
            ((n, t) for n in args.sets for t in args.targets), start=1
        ):
            print(f"[{number}] {name} {target} ...", file=sys.stderr, flush=True)
            folder = Path(tmp) / str(number)
            try:
                results.append(calibrate(name, target, folder))
            except (RuntimeError, OSError, ValueError, KeyError, subprocess.TimeoutExpired) as e:
                print(f"    failed: {e}", file=sys.stderr, flush=True)
                results.append({"set": name, "target": target, "error": str(e)})
            shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print("\n".join(["", *size_table(results), "", *summary(results), ""]))
    print("\n".join([*time_table(results), "", f"total wall time: {elapsed:.0f} s"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
