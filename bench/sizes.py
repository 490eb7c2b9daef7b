"""Benchmark: calibrate ``lambdalint plan`` size estimates against real builds; time resolution.

For each requirement set and target: write a one-file function, run ``lambdalint plan --format
json`` cold (fresh ``LAMBDALINT_CACHE_DIR`` and ``UV_CACHE_DIR``) then warm, run the plan's
``pip install`` command into a temporary ``build/``, and measure the package: the sum of file
sizes (not ``du``) and a deflate-6 zip of the files (build + code). Beside it, time resolution
alone with ``pip install --dry-run --report`` and ``uv pip compile`` (cold: fresh cache; warm:
second run). pip and uv use this machine's index configuration (uv gets the sources lambdalint
derives from it). A managed-layer plan sizes the code-only zip plus the layer, so for those rows
the vendoring estimate is recomputed from the run's cached lock and wheel facts, as lambdalint's
estimator does. Everything downloaded is deleted at the end. Usage: ``python bench/sizes.py
[--sets requests pandas] [--targets python3.12/arm64] [--json out.json]``; the default (12 sets
on two targets) takes about 4 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name, parse_wheel_filename

from lambdalint.resolve.cache import LAYOUT, Cache
from lambdalint.resolve.indexes import index_config
from lambdalint.resolve.uv import Lock, LockedFile, choose_wheel, python_platform, uv_binary
from lambdalint.resolve.wheels import wheel_facts
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
TIMES = ("lambdalint_cold", "lambdalint_warm", "pip_cold", "pip_warm", "uv_cold", "uv_warm")
_LEGACY = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
_PIP_MARKERS = ("INSTALLER", "REQUESTED", "direct_url.json")


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """Wall time and stdout of a command that must succeed (else its output's tail is raised)."""
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode:
        tail = " ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        tail = re.sub(r"\w+://\S+", "<url>", tail)  # no index addresses in the output
        raise RuntimeError(f"{shlex.join(command[1:4])} ... exit {done.returncode}: {tail}")
    return elapsed, done.stdout


def cold_warm(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Times of a first run (caches empty) and a second one (caches filled)."""
    cold, _ = run(command, env, cwd)
    warm, out = run(command, env, cwd)
    return cold, warm, out


def files_under(folder: Path) -> list[Path]:
    """Every regular file below ``folder``, sorted (symlinks are not followed)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def measure(build: Path, code: Path, scratch: Path) -> dict[str, Any]:
    """Sizes of build + code: sum of file sizes, a deflate-6 zip, and what pip wrote itself."""
    members = [(p, p.relative_to(build)) for p in files_under(build)]
    members += [(p, p.relative_to(code)) for p in files_under(code)]
    archive = scratch / "function.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
        for path, name in members:
            bundle.write(path, name.as_posix())
    written = dict.fromkeys(("bin_files", "bin_bytes", "marker_files", "marker_bytes"), 0)
    for path, name in members:
        kind = "bin" if path.is_relative_to(build) and name.parts[0] == "bin" else "marker"
        if kind == "bin" or (path.parent.suffix == ".dist-info" and path.name in _PIP_MARKERS):
            written[f"{kind}_files"] += 1
            written[f"{kind}_bytes"] += path.stat().st_size
    written["record_bytes"] = sum(p.stat().st_size for p in build.glob("*.dist-info/RECORD"))
    return {
        "unzipped": sum(path.stat().st_size for path, _ in members),
        "zipped": archive.stat().st_size,
        "files": len(members),
        "pip_written": written,
    }


def pip_platforms(glibc: tuple[int, int], architecture: str) -> list[str]:
    """Every manylinux tag the target accepts, legacy aliases included (pip 23 needs them all)."""
    machine = "aarch64" if architecture == "arm64" else architecture
    tags = []
    for minor in range(glibc[1], (5 if machine == "x86_64" else 17) - 1, -1):
        tags.append(f"manylinux_2_{minor}_{machine}")
        if minor in _LEGACY:
            tags.append(f"{_LEGACY[minor]}_{machine}")
    return tags


def locked_wheels(cache_root: Path, runtime: Runtime, architecture: str) -> dict[str, LockedFile]:
    """The wheel lambdalint sized for each locked distribution, from the run's cached lock."""
    (lock_file,) = (cache_root / LAYOUT / "lock").glob("*/*.json")
    lock = Lock.from_json(json.loads(lock_file.read_text(encoding="utf-8")))
    chosen = {
        p.normalized: choose_wheel(p, runtime.python_version, runtime.glibc, architecture)
        for p in lock.packages
    }
    return {name: wheel for name, wheel in chosen.items() if wheel is not None}


def vendored_estimate(wheels: list[LockedFile], cache_root: Path, code: Path) -> tuple[int, int]:
    """(zipped, unzipped) of vendoring ``wheels``, from the run's cached wheel facts."""
    # The code's share as lambdalint.resolve.sizes.folder_size counts it (importing that module
    # first fails: it imports lambdalint.checks, which imports it back).
    files = [path.read_bytes() for path in files_under(code)]
    unzipped, zipped = sum(map(len, files)), sum(len(zlib.compress(data, 6)) for data in files)
    cache = Cache(cache_root, offline=True)
    for wheel in wheels:
        facts = wheel_facts(wheel.url, size=wheel.size, sha256=wheel.sha256, cache=cache)
        zipped, unzipped = zipped + facts.size, unzipped + facts.unzipped
    return zipped, unzipped


def other_wheels(build: Path, sized: dict[str, LockedFile]) -> list[str]:
    """Distributions whose installed wheel (its WHEEL tags) is not the one lambdalint sized."""
    found = []
    for info in sorted(build.glob("*.dist-info/WHEEL")):
        name = canonicalize_name(info.parent.name.split("-")[0])
        lines = info.read_text(encoding="utf-8").splitlines()
        tags = {line.partition(":")[2].strip() for line in lines if line.startswith("Tag:")}
        wheel = sized.get(name)
        if wheel and tags != {str(tag) for tag in parse_wheel_filename(wheel.filename)[3]}:
            found.append(f"{name}: sized {wheel.filename}, pip installed {' '.join(sorted(tags))}")
    return found


def write_function(name: str, code: Path) -> None:
    """``index.py`` importing the set's modules and its ``requirements.txt``."""
    code.mkdir(parents=True)
    imports = "".join(f"import {module}\n" for module in SETS[name][1])
    handler = "\n\ndef handler(event, context):\n    return {}\n"
    (code / "index.py").write_text(imports + handler, encoding="utf-8")
    (code / "requirements.txt").write_text("\n".join(SETS[name][0]) + "\n", encoding="utf-8")


def pip_resolve(
    runtime: Runtime, architecture: str, folder: Path, env: dict[str, str]
) -> tuple[float, float, dict[str, str]]:
    """Cold and warm times of ``pip install --dry-run --report``, and the versions it chose."""
    report = folder / "pip-report.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--report", str(report)]
    command += ["--ignore-installed", "--only-binary=:all:", "--implementation", "cp"]
    command += ["--python-version", runtime.python, "-r", "requirements.txt"]
    command += [f"--platform={tag}" for tag in pip_platforms(runtime.glibc, architecture)]
    command += ["--target", str(folder / "unused")]  # pip 23 allows --platform only with it
    cold, warm, _ = cold_warm(command, env, folder / "fn")
    installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    meta = [item["metadata"] for item in installs]
    return cold, warm, {canonicalize_name(m["name"]): m["version"] for m in meta}


def build(
    install: str, folder: Path, env: dict[str, str], result: dict[str, Any], sized: dict[str, Any]
) -> None:
    """Run the plan's pip command into a temporary ``build/`` and measure the package."""
    target = folder / "build"
    words = [str(target) if word == "build/" else word for word in shlex.split(install)]
    command = [sys.executable, "-m", "pip", *words[1:], "--quiet"]
    try:
        result["times"]["build"], _ = run(command, env, folder / "fn")
    except RuntimeError as error:  # pip < 24 checks Requires-Python against the host (#12216)
        if "requires a different Python" not in str(error):
            raise
        result["build_note"] = str(error).rsplit(": ", 1)[-1]
        command.append("--ignore-requires-python")
        result["times"]["build"], _ = run(command, env, folder / "fn")
    result |= measure(target, folder / "fn", folder)
    result["wheel_differences"] = other_wheels(target, sized)
    shutil.rmtree(target)


def uv_resolve(
    runtime: Runtime, architecture: str, folder: Path, env: dict[str, str]
) -> tuple[float, float, str]:
    """Cold and warm times of ``uv pip compile`` for the target, with its own fresh cache."""
    command = [uv_binary(), "pip", "compile", "requirements.txt", "--no-build", "--quiet"]
    command += ["--python-version", runtime.python]
    command += ["--python-platform", python_platform(runtime.glibc, architecture)]
    # The host interpreter, as lambdalint passes it: else uv may spend seconds looking for one
    # matching --python-version (pyenv shims, downloads), which is not resolution.
    command += [f"--python={sys.executable}", *index_config().uv_args()]
    return cold_warm(command, {**env, "UV_CACHE_DIR": str(folder / "uv")}, folder / "fn")


def calibrate(name: str, target: str, folder: Path) -> dict[str, Any]:
    """Plan, build and measure one set on one target; time pip and uv resolution beside it."""
    runtime_name, architecture = target.split("/")
    runtime = load_runtime(runtime_name)
    code = folder / "fn"
    write_function(name, code)
    cache = folder / "lambdalint-cache"
    env = {**os.environ, "LAMBDALINT_CACHE_DIR": str(cache), "PIP_CACHE_DIR": str(folder / "pip")}
    env["UV_CACHE_DIR"] = str(folder / "lambdalint-uv")  # lambdalint's uv: cold as well
    result: dict[str, Any] = {"set": name, "target": target, "times": {}}
    times = result["times"]

    command = [sys.executable, "-m", "lambdalint", "plan", str(code), "--format", "json"]
    command += ["--runtime", runtime_name, "--arch", architecture]
    times["lambdalint_cold"], times["lambdalint_warm"], out = cold_warm(command, env, folder)
    plan = json.loads(out)["functions"][0]["plan"]
    result |= {"strategy": plan["strategy"], "distributions": plan["distributions"]}
    result |= {"plan_zipped": plan["zipped_bytes"], "plan_unzipped": plan["unzipped_bytes"]}
    estimate = (plan["zipped_bytes"], plan["unzipped_bytes"])
    sized = locked_wheels(cache, runtime, architecture)
    if plan["strategy"] == "managed-layer":
        names = [canonicalize_name(name) for name in plan["distributions"]]
        estimate = vendored_estimate([sized[name] for name in names], cache, code)
    result["estimated_zipped"], result["estimated_unzipped"] = estimate

    times["pip_cold"], times["pip_warm"], pip_pins = pip_resolve(runtime, architecture, folder, env)
    install = next((c for c in plan["commands"] if c.startswith("pip install ")), None)
    if install is None:
        raise RuntimeError(f"the {plan['strategy']} plan prints no pip install command")
    build(install, folder, env, result, sized)
    planned = {}
    for word in shlex.split(install):
        dist, sep, version = word.partition("==")
        planned |= {canonicalize_name(dist): version} if sep else {}
    provided = {p.normalized for p in runtime.preinstalled if p.confirmed}
    result["pin_differences"] = [
        f"{dist} {planned.get(dist, '-')} (plan) vs {pip_pins.get(dist, '-')} (pip)"
        for dist in sorted(set(planned) | (set(pip_pins) - provided))
        if planned.get(dist) != pip_pins.get(dist)
    ]
    times["uv_cold"], times["uv_warm"], _ = uv_resolve(runtime, architecture, folder, env)
    return result


def error_pct(estimate: int, actual: int) -> float:
    """Signed error of the estimate relative to the real size."""
    return 100 * (estimate - actual) / actual


def size_table(results: list[dict[str, Any]]) -> list[str]:
    """Markdown rows: estimate vs real build, zipped and unzipped, in MiB."""
    head = ["set", "target", "plan", "dists", "est. zipped", "real zipped", "err"]
    head += ["est. unzipped", "real unzipped", "err"]
    lines = ["| " + " | ".join(head) + " |", "|---|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['set']} | {r['target']} | failed: {r['error'][:90]} |")
            continue
        cells = [r["set"], r["target"], r["strategy"], str(len(r["distributions"]))]
        for kind in ("zipped", "unzipped"):
            estimate, actual = r[f"estimated_{kind}"], r[kind]
            cells += [f"{estimate / MiB:.2f} MiB", f"{actual / MiB:.2f} MiB"]
            cells.append(f"{error_pct(estimate, actual):+.2f} %")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def time_table(results: list[dict[str, Any]]) -> list[str]:
    """Markdown rows: seconds for lambdalint plan, pip --dry-run and uv compile, cold and warm."""
    head = ["set", "target", *(key.replace("_", " ") for key in TIMES), "pip build"]
    lines = ["| " + " | ".join(head) + " |", "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    done = [r for r in results if "error" not in r]
    for r in done:
        cells = [f"{r['times'][key]:.2f}" for key in (*TIMES, "build")]
        lines.append(f"| {r['set']} | {r['target']} | " + " | ".join(cells) + " |")
    for label, method in (("median", statistics.median), ("total", sum)):
        if done:
            values = [method(r["times"][key] for r in done) for key in (*TIMES, "build")]
            lines.append(f"| **{label}** | | " + " | ".join(f"{v:.2f}" for v in values) + " |")
    return lines


def summary(results: list[dict[str, Any]]) -> list[str]:
    """Mean and max absolute error against the goals (2 % unzipped, 5 % zipped), then notes."""
    done = [r for r in results if "error" not in r]
    lines = []
    for kind, goal in (("unzipped", 2.0), ("zipped", 5.0)):
        errors = [abs(error_pct(r[f"estimated_{kind}"], r[kind])) for r in done]
        if errors:
            verdict = "ok" if max(errors) <= goal else "over the goal"
            lines.append(
                f"- {kind}: mean |error| {statistics.mean(errors):.2f} %, "
                f"max {max(errors):.2f} % (goal <= {goal:g} %: {verdict})"
            )
    for r in done:
        written, notes = r["pip_written"], []
        if "build_note" in r:
            notes.append(f"plan command failed ({r['build_note']}); added --ignore-requires-python")
        if written["bin_files"]:
            notes.append(f"{written['bin_files']} script(s) in bin/ ({written['bin_bytes']} B)")
        if r["wheel_differences"]:
            notes.append("other wheel installed: " + "; ".join(r["wheel_differences"]))
        if r["pin_differences"]:
            notes.append("pip --dry-run differs: " + ", ".join(r["pin_differences"]))
        if notes:
            lines.append(f"- {r['set']} {r['target']}: " + "; ".join(notes))
    return lines


def main() -> None:
    """Run every chosen set on every chosen target and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--targets", nargs="+", default=list(TARGETS), metavar="RUNTIME/ARCH")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lambdalint-sizes-") as tmp:
        pairs = [(name, target) for name in args.sets for target in args.targets]
        for number, (name, target) in enumerate(pairs, start=1):
            print(f"[{number}/{len(pairs)}] {name} {target}", file=sys.stderr, flush=True)
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
