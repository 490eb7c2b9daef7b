"""Benchmark: scan a generated 200-function monorepo end to end, with peers side by side.

Runs each tool as a user would (a subprocess), several times, and prints wall time (best and
median) and peak memory of the child. Peers (deptry, FawltyDeps) run only when installed;
they do not discover Lambda functions, so they scan the whole tree once as their closest
equivalent. Usage: ``python bench/scan.py [--functions 200] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(command: list[str], cwd: Path, repeat: int) -> tuple[list[float], int, int]:
    """Wall times of ``repeat`` runs, the last exit code, and the peak RSS of any child (KiB)."""
    times = []
    code = 0
    for _ in range(repeat):
        start = time.perf_counter()
        code = subprocess.run(command, cwd=cwd, capture_output=True, check=False).returncode
        times.append(time.perf_counter() - start)
    return times, code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    """Generate the repository, run every available tool, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate_repo.py"),
                str(repo),
                "--functions",
                str(args.functions),
            ],
            check=True,
            capture_output=True,
        )
        (repo / ".git").mkdir()
        check = [
            sys.executable,
            "-m",
            "lambdalint",
            "check",
            ".",
            "--format",
            "json",
            "--fail-on",
            "never",
        ]
        report = subprocess.run(check, cwd=repo, capture_output=True, text=True, check=True)
        found = len(json.loads(report.stdout)["functions"])
        tools = {
            "lambdalint check": check,
            "lambdalint functions": [sys.executable, "-m", "lambdalint", "functions", "."],
        }
        if shutil.which("deptry"):
            tools["deptry (whole tree)"] = ["deptry", "."]
        if shutil.which("fawltydeps"):
            tools["fawltydeps (whole tree)"] = ["fawltydeps", "--code", ".", "--deps", "."]
        print(f"{args.functions} generated functions, {found} discovered by lambdalint")
        print(f"{'tool':<26}{'best s':>9}{'median s':>10}{'exit':>6}")
        for name, command in tools.items():
            times, code, _ = measure(command, repo, args.repeat)
            print(f"{name:<26}{min(times):>9.2f}{statistics.median(times):>10.2f}{code:>6}")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"peak RSS of any child: {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
