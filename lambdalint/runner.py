"""One ``check`` or ``plan`` run behind the CLI: scope, config, engine, baseline, output, exit.

Paths that are files (what a pre-commit hook passes) select the functions containing them:
discovery runs from the repository root and keeps only the functions those files touch.
``--changed-only``/``--diff REF`` do the same with the files git says changed.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lambdalint import baseline, engine
from lambdalint.atomic import write_text_atomic
from lambdalint.changes import Scope, git_scope, path_scope
from lambdalint.config import Config, ConfigError, load_config
from lambdalint.model import Finding, Report

_FAIL_RANK = {"info": 1, "warning": 2, "error": 3, "never": 99}


@dataclass(frozen=True, slots=True)
class Selection:
    """What to report: changes since ``diff`` (a git ref), new findings against ``baseline``."""

    diff: str | None = None
    baseline: Path | None = None
    update_baseline: bool = False
    quiet: bool = False


def flags(
    runtime: str | None,
    arch: str | None,
    output_format: str | None,
    output: Path | None,
    *,
    offline: bool,
    refresh: bool,
    runtime_data: Path | None = None,
) -> dict[str, Any]:
    """The Config overrides common to ``check`` and ``plan``, from the CLI's values."""
    return {
        "runtime_data": str(runtime_data.resolve()) if runtime_data else None,
        "runtime": runtime,
        "arch": arch,
        "format": output_format,
        "output": str(output) if output else None,
        "offline": offline,
        "refresh": refresh,
    }


def plan(targets: Sequence[Path], overrides: dict[str, Any]) -> None:
    """``lambdalint plan``: the packaging plans alone (JSON has the whole report)."""
    report, config, _ = execute(targets, overrides)
    emit(report, config, plans=True)


def functions(targets: Sequence[Path]) -> str:
    """``lambdalint functions``: the table of what discovery finds."""
    from lambdalint.report import functions as table  # noqa: PLC0415

    root, found = engine.discover_functions(targets, load_config(targets[0]))
    return table.render(found.functions, root, found.layers)


class Progress:
    """``[n/N] checking functions`` on stderr, only on a terminal and only after a second."""

    def __init__(self) -> None:
        self._start = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        """Redraw the counter; a newline ends it after the last function."""
        if not sys.stderr.isatty() or time.monotonic() - self._start < 1.0:
            return
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r[{done}/{total}] checking functions{end}")
        sys.stderr.flush()


def execute(
    targets: Sequence[Path], overrides: dict[str, Any], diff: str | None = None
) -> tuple[Report, Config, bool]:
    """Run every stage; the flag says whether the scan was narrowed to changed functions."""
    files = any(p.is_file() for p in targets)
    if files:
        missing = [str(p) for p in targets if not p.exists()]
        if missing:
            raise ConfigError(f"path does not exist: {', '.join(missing)}")
    scan = [engine.find_root(targets)] if files else list(targets)
    config = load_config(targets[0]).merged(**overrides)  # the nearest to the first path
    scope: Scope | None = None
    if files:
        scope = path_scope(targets, config.source)
    if diff is not None:
        scope = git_scope(scan[0], diff, config.source, within=scope)
    report = engine.run(scan, config, scope=scope, progress=Progress())
    return report, config, scope is not None


def check(targets: Sequence[Path], overrides: dict[str, Any], selection: Selection) -> int:
    """``lambdalint check``: report, print and return the exit code."""
    if selection.update_baseline and selection.baseline is None:
        raise ConfigError("--update-baseline needs --baseline FILE")
    report, config, partial = execute(targets, overrides, selection.diff)
    if selection.baseline is not None:
        report = _against_baseline(report, selection, partial=partial)
    emit(report, config, quiet=selection.quiet)
    return exit_code(report, config)


def exit_code(report: Report, config: Config) -> int:
    """1 when a finding is at or above ``--fail-on``, else 0."""
    worst = max((f.severity.rank for f in report.all_findings()), default=0)
    return 1 if worst >= _FAIL_RANK[config.fail_on] else 0


def emit(report: Report, config: Config, *, quiet: bool = False, plans: bool = False) -> None:
    """Render ``report`` to stdout or ``--output``; ``quiet`` prints nothing when it is clean."""
    from lambdalint.report import render  # noqa: PLC0415 - renderers load when needed

    if quiet and config.output is None and not report.all_findings():
        return
    colour = config.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = render(report, config.format, colour=colour, quiet=quiet, plans=plans)
    if not config.output:
        sys.stdout.write(text)
        return
    try:
        write_text_atomic(Path(config.output), text)
    except OSError as error:
        raise ConfigError(f"cannot write {config.output}: {error}") from error


def _against_baseline(report: Report, selection: Selection, *, partial: bool) -> Report:
    """Write the baseline when asked (or absent), then keep only findings it does not know."""
    path = selection.baseline
    assert path is not None  # noqa: S101 - checked by the caller
    if selection.update_baseline or not path.exists():
        if partial:
            raise ConfigError(
                f"cannot write baseline {path} from a scan of changed files only: run "
                f"`lambdalint check --baseline {path} --update-baseline` on the whole repository"
            )
        count = baseline.write(path, report)
        if not selection.quiet:
            plural = "" if count == 1 else "s"
            sys.stderr.write(f"lambdalint: wrote baseline {path} ({count} finding{plural})\n")
        known: Counter[str] = Counter(map(baseline.fingerprint, report.all_findings()))
    else:
        known = baseline.load(path)
    report, dropped = baseline.without_known(report, known)
    if not dropped:
        return report
    note = f"{dropped} known finding{'s' if dropped != 1 else ''} hidden by baseline {path}"
    return replace(report, notes=(*report.notes, note))


def inspect(path: Path, overrides: dict[str, Any], *, layer: bool | None) -> int:
    """``lambdalint inspect``: check a built zip, folder or image tar; return the exit code."""
    from lambdalint.inspect import inspect_artifact  # noqa: PLC0415 - only this command needs it

    if not path.exists():
        raise ConfigError(f"path does not exist: {path}")
    config = load_config(path).merged(**overrides)
    from lambdalint.runtime.model import default_runtime_name  # noqa: PLC0415

    runtime = engine.resolve_runtime(config.runtime or default_runtime_name())
    arch = config.arch or "x86_64"
    if arch not in runtime.architectures:
        raise ConfigError(f"{runtime.name} does not run on {arch}")
    report = inspect_artifact(
        path, runtime=runtime.name, architecture=arch, root=engine.find_root([path]), layer=layer
    )
    report = _selected(report, config)
    emit(report, config)
    return exit_code(report, config)


def _selected(report: Report, config: Config) -> Report:
    """Apply --select/--ignore (slugs or code prefixes) to an artifact report."""

    def keep(finding: Finding) -> bool:
        def hit(entry: str) -> bool:
            return entry == finding.rule or finding.code.startswith(entry.upper())

        chosen = not config.select or any(hit(e) for e in config.select)
        return chosen and not any(hit(e) for e in config.ignore)

    functions = tuple(
        replace(fr, findings=tuple(f for f in fr.findings if keep(f))) for fr in report.functions
    )
    return replace(
        report, functions=functions, findings=tuple(f for f in report.findings if keep(f))
    )
