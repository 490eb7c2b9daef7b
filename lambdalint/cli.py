"""The command line: flags -> Config -> engine.run() -> render -> exit code.

Only typer and config are imported at start-up; stages and renderers load inside commands.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lambdalint.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from lambdalint.model import Report

app = typer.Typer(
    help="Audit the dependencies and packaging of AWS Lambda Python functions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3, "never": 99}
Paths = Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: .).")]
Runtime = Annotated[str | None, typer.Option(help="Target runtime, e.g. python3.12.")]
Arch = Annotated[str | None, typer.Option(help="x86_64 or arm64.")]
Rules = Annotated[list[str] | None, typer.Option(help="Rule slugs or codes (repeatable).")]
Format = Annotated[str | None, typer.Option("--format", help="text or json.")]
Output = Annotated[Path | None, typer.Option(help="Write the report to this file.")]
FailOn = Annotated[str | None, typer.Option(help="Exit 1 at or above: error/warning/info/never.")]
Flag = Annotated[bool, typer.Option()]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"lambdalint: error: {message}", err=True)
    return typer.Exit(2)


def _run(targets: list[Path], debug: bool, **overrides: Any) -> tuple[Report, Config]:  # noqa: ANN401
    """Load config, apply flags, run every stage; user errors become exit 2."""
    try:
        config = load_config(targets[0]).merged(**overrides)
        from lambdalint import engine  # noqa: PLC0415 - deferred: keeps --help fast

        return engine.run(targets, config), config
    except ConfigError as error:
        raise _fail(str(error)) from None
    except Exception as error:
        if debug:
            raise
        raise _fail(f"internal error: {error!r} (run with --debug for details)") from None


def _emit(report: Report, config: Config, *, quiet: bool = False, plans: bool = False) -> None:
    from lambdalint.report import render  # noqa: PLC0415

    colour = config.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = render(report, config.format, colour=colour, quiet=quiet, plans=plans)
    if not config.output:
        sys.stdout.write(text)
        return
    try:
        Path(config.output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise _fail(f"cannot write {config.output}: {error}") from None


@app.command()
def check(
    paths: Paths = None,
    runtime: Runtime = None,
    arch: Arch = None,
    select: Rules = None,
    ignore: Rules = None,
    output_format: Format = None,
    output: Output = None,
    fail_on: FailOn = None,
    offline: Annotated[bool, typer.Option(help="Use only the cache; no network.")] = False,
    refresh: Annotated[bool, typer.Option(help="Ignore cached resolutions.")] = False,
    quiet: Annotated[bool, typer.Option(help="Hide functions without findings.")] = False,
    debug: Annotated[bool, typer.Option(help="Show tracebacks of internal errors.")] = False,
) -> None:
    """Check Lambda functions under PATHS (default: the current folder)."""
    report, config = _run(
        paths or [Path()],
        debug,
        runtime=runtime,
        arch=arch,
        select=tuple(select or ()),
        ignore=tuple(ignore or ()),
        format=output_format,
        fail_on=fail_on,
        output=str(output) if output else None,
        offline=offline,
        refresh=refresh,
    )
    _emit(report, config, quiet=quiet)
    worst = max((f.severity.rank for f in report.all_findings()), default=0)
    raise typer.Exit(1 if worst >= _SEVERITY_RANK[config.fail_on] else 0)


@app.command()
def plan(
    paths: Paths = None,
    runtime: Runtime = None,
    arch: Arch = None,
    output_format: Format = None,
    output: Output = None,
    offline: Flag = False,
    refresh: Flag = False,
    debug: Flag = False,
) -> None:
    """Recommend how to ship each function's dependencies, with sizes and commands."""
    report, config = _run(
        paths or [Path()],
        debug,
        runtime=runtime,
        arch=arch,
        format=output_format,
        output=str(output) if output else None,
        offline=offline,
        refresh=refresh,
    )
    _emit(report, config, plans=True)


@app.command()
def functions(paths: Paths = None) -> None:
    """List the Lambda functions discovery finds, without running the rules."""
    targets = paths or [Path()]
    try:
        from lambdalint import engine  # noqa: PLC0415 - deferred: keeps --help fast
        from lambdalint.report import functions as table  # noqa: PLC0415

        root, found = engine.discover_functions(targets, load_config(targets[0]))
    except ConfigError as error:
        raise _fail(str(error)) from None
    typer.echo(table.render(found.functions, root), nl=False)


@app.command()
def rules() -> None:
    """List every rule: code, slug, default severity and what it finds."""
    from lambdalint.checks import RULES  # noqa: PLC0415

    for rule in RULES:
        typer.echo(f"{rule.code}  {rule.slug:<26} {rule.severity.value:<8} {rule.summary}")


@app.command()
def explain(slug: Annotated[str, typer.Argument(help="Rule slug or code.")]) -> None:
    """Print the documentation page of a rule."""
    from lambdalint.checks import RULES  # noqa: PLC0415
    from lambdalint.docs import rule_doc  # noqa: PLC0415

    rule = next((r for r in RULES if slug in (r.slug, r.code.upper(), r.code.lower())), None)
    page = rule_doc(rule.slug) if rule else None
    if rule is None or page is None:
        raise _fail(f"no rule '{slug}' (see `lambdalint rules`)")
    typer.echo(page.rstrip())


@app.command()
def runtimes() -> None:
    """Show every known Python runtime with its OS, glibc, architectures and lifecycle."""
    from lambdalint.engine import reference_date  # noqa: PLC0415
    from lambdalint.report import runtimes as table  # noqa: PLC0415
    from lambdalint.runtime.model import all_runtimes  # noqa: PLC0415

    try:
        today = reference_date()
    except ConfigError as error:
        raise _fail(str(error)) from None
    typer.echo(table.render(all_runtimes(), today), nl=False)


def main() -> None:
    """Console-script entry point."""
    app()
