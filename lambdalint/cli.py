"""The command line: flags -> Config -> engine.run() -> render -> exit code.

Only typer and config load at start-up; the rest (``runner``: scope, baseline, output, exit
code; the stages; the renderers) loads inside the command that needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from lambdalint.config import FORMATS, ConfigError

app = typer.Typer(
    help="Audit the dependencies and packaging of AWS Lambda Python functions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
T = TypeVar("T")
Paths = Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: .).")]
Runtime = Annotated[str | None, typer.Option(help="Target runtime, e.g. python3.12.")]
Arch = Annotated[str | None, typer.Option(help="x86_64 or arm64.")]
Rules = Annotated[list[str] | None, typer.Option(help="Rule slugs or codes (repeatable).")]
Format = Annotated[str | None, typer.Option("--format", help=f"{'/'.join(FORMATS)}.")]
Output = Annotated[Path | None, typer.Option(help="Write the report to this file.")]
FailOn = Annotated[str | None, typer.Option(help="Exit 1 at or above: error/warning/info/never.")]
Offline = Annotated[bool, typer.Option(help="Use only the cache; no network.")]
Refresh = Annotated[bool, typer.Option(help="Ignore cached resolutions.")]
Debug = Annotated[bool, typer.Option(help="Show tracebacks of internal errors.")]
Quiet = Annotated[bool, typer.Option(help="Print nothing when there are no findings.")]
Baseline = Annotated[Path | None, typer.Option(help="Report only findings not in this file.")]
Update = Annotated[bool, typer.Option("--update-baseline", help="(Re)write the --baseline file.")]
Changed = Annotated[bool, typer.Option("--changed-only", help="Only uncommitted changes.")]
Diff = Annotated[str | None, typer.Option(help="Only functions changed since this git ref.")]
Data = Annotated[Path | None, typer.Option(help="Probe manifests overriding runtime facts.")]


def fail(message: str) -> typer.Exit:
    """Print a usage error; the caller raises the returned exit (status 2)."""
    typer.echo(f"lambdalint: error: {message}", err=True)
    return typer.Exit(2)


def _guarded(action: Callable[[], T], *, debug: bool = False) -> T:
    """Run ``action``: user errors exit 2; internal ones too, with a traceback under --debug."""
    try:
        return action()
    except ConfigError as error:
        raise fail(str(error)) from None
    except Exception as error:
        if debug:
            raise
        raise fail(f"internal error: {error!r} (run with --debug for details)") from None


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
    offline: Offline = False,
    refresh: Refresh = False,
    quiet: Quiet = False,
    baseline: Baseline = None,
    update: Update = False,
    changed: Changed = False,
    diff: Diff = None,
    runtime_data: Data = None,
    debug: Debug = False,
) -> None:
    """Check Lambda functions under PATHS; files select the functions that contain them."""
    from lambdalint import runner  # noqa: PLC0415 - deferred: keeps --help fast

    flags = runner.flags(
        runtime,
        arch,
        output_format,
        output,
        offline=offline,
        refresh=refresh,
        runtime_data=runtime_data,
    )
    flags.update(select=tuple(select or ()), ignore=tuple(ignore or ()), fail_on=fail_on)
    selection = runner.Selection(diff or ("HEAD" if changed else None), baseline, update, quiet)
    code = _guarded(lambda: runner.check(paths or [Path()], flags, selection), debug=debug)
    raise typer.Exit(code)


@app.command()
def plan(
    paths: Paths = None,
    runtime: Runtime = None,
    arch: Arch = None,
    output_format: Format = None,
    output: Output = None,
    offline: Offline = False,
    refresh: Refresh = False,
    runtime_data: Data = None,
    debug: Debug = False,
) -> None:
    """Recommend how to ship each function's dependencies, with sizes and commands."""
    from lambdalint import runner  # noqa: PLC0415 - deferred: keeps --help fast

    flags = runner.flags(
        runtime,
        arch,
        output_format,
        output,
        offline=offline,
        refresh=refresh,
        runtime_data=runtime_data,
    )
    _guarded(lambda: runner.plan(paths or [Path()], flags), debug=debug)


@app.command()
def functions(paths: Paths = None) -> None:
    """List the Lambda functions discovery finds, without running the rules."""
    from lambdalint import runner  # noqa: PLC0415 - deferred: keeps --help fast

    typer.echo(_guarded(lambda: runner.functions(paths or [Path()])), nl=False)


def main() -> None:
    """Console-script entry point."""
    from lambdalint import cli_deployed, cli_info  # noqa: PLC0415 - the other commands

    cli_info.register(app)
    cli_deployed.register(app)
    app()
