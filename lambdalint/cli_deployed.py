"""Commands about what was really deployed: ``inspect`` a built artifact, ``audit aws``.

Registered on the main application by ``cli.main`` so ``cli.py`` stays the thin front door.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lambdalint.cli import fail as _fail
from lambdalint.config import FORMATS, ConfigError

audit_app = typer.Typer(help="Audit deployed functions (read-only).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``inspect`` and ``audit`` to the main application."""
    app.command()(inspect)
    app.add_typer(audit_app, name="audit")


@audit_app.command()
def aws(  # noqa: PLR0917 - one parameter per documented option
    region: Annotated[list[str] | None, typer.Option(help="Region (repeatable).")] = None,
    all_regions: Annotated[bool, typer.Option(help="Every enabled region.")] = False,
    profile: Annotated[str | None, typer.Option(help="AWS profile.")] = None,
    function: Annotated[list[str] | None, typer.Option(help="Only these (repeatable).")] = None,
    max_workers: Annotated[int, typer.Option(help="Concurrent API calls.")] = 4,
    print_iam_policy: Annotated[bool, typer.Option(help="Print the policy it needs.")] = False,
    download: Annotated[bool, typer.Option(help="Fetch each zip and inspect it.")] = False,
    output_format: Annotated[
        str | None, typer.Option("--format", help=f"{'/'.join(FORMATS)}.")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Write the report to this file.")] = None,
    fail_on: Annotated[str | None, typer.Option(help="error/warning/info/never.")] = None,
) -> None:
    """Audit an AWS account's Python functions: runtimes, layers, sizes. Read-only."""
    from lambdalint import runner  # noqa: PLC0415 - deferred: keeps --help fast
    from lambdalint.audit import iam_policy  # noqa: PLC0415
    from lambdalint.audit.aws import audit_account  # noqa: PLC0415
    from lambdalint.config import load_config  # noqa: PLC0415
    from lambdalint.engine import reference_date  # noqa: PLC0415

    if print_iam_policy:
        typer.echo(iam_policy().rstrip())
        return
    try:
        config = load_config(Path()).merged(
            format=output_format, fail_on=fail_on, output=str(output) if output else None
        )
        report = audit_account(
            regions=region,
            all_regions=all_regions,
            profile=profile,
            functions=tuple(function or ()),
            today=reference_date(),
            max_workers=max_workers,
        )
        if download:
            from lambdalint.audit import sdk  # noqa: PLC0415
            from lambdalint.audit.inspect_deployed import inspect_downloads  # noqa: PLC0415

            session = sdk.make_session(profile, None)
            report = inspect_downloads(report, lambda r: sdk.client(session, "lambda", r))
        runner.emit(report, config)
    except ConfigError as error:
        raise _fail(str(error)) from None
    raise typer.Exit(runner.exit_code(report, config))


def inspect(  # noqa: PLR0917 - one parameter per documented option
    path: Annotated[Path, typer.Argument(help="A function or layer zip, a folder, an image tar.")],
    runtime: Annotated[str | None, typer.Option(help="Target runtime, e.g. python3.12.")] = None,
    arch: Annotated[str | None, typer.Option(help="x86_64 or arm64.")] = None,
    layer: Annotated[bool | None, typer.Option("--layer/--function", help="What it is.")] = None,
    select: Annotated[list[str] | None, typer.Option(help="Only these rules.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these rules.")] = None,
    output_format: Annotated[
        str | None, typer.Option("--format", help=f"{'/'.join(FORMATS)}.")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Write the report to this file.")] = None,
    fail_on: Annotated[str | None, typer.Option(help="error/warning/info/never.")] = None,
) -> None:
    """Check a built package: native code, glibc, Python ABI, layout, bytecode, sizes."""
    from lambdalint import runner  # noqa: PLC0415 - deferred: keeps --help fast

    overrides = {
        "runtime": runtime,
        "arch": arch,
        "format": output_format,
        "fail_on": fail_on,
        "output": str(output) if output else None,
        "select": tuple(select or ()),
        "ignore": tuple(ignore or ()),
    }
    try:
        code = runner.inspect(path, overrides, layer=layer)
    except ConfigError as error:
        raise _fail(str(error)) from None
    raise typer.Exit(code)
