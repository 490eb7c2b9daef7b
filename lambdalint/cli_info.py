"""Informational commands: ``rules``, ``explain``, ``runtimes`` and ``runtimes probe``.

Kept out of ``cli.py`` so that module stays the thin check/plan front door.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lambdalint.cli import fail as _fail
from lambdalint.config import ConfigError

if TYPE_CHECKING:
    from lambdalint.checks.base import Rule
    from lambdalint.inspect.rule import ArtifactRule

runtimes_app = typer.Typer(
    help="Show the known Python runtimes, or probe a real one to refresh its facts.",
    invoke_without_command=True,
    add_completion=False,
)


def register(app: typer.Typer) -> None:
    """Add these commands to the main application."""
    app.command()(rules)
    app.command()(explain)
    app.add_typer(runtimes_app, name="runtimes")


def rules() -> None:
    """List every rule: code, slug, default severity and what it finds."""
    for rule in _catalogue():
        typer.echo(f"{rule.code}  {rule.slug:<26} {rule.severity.value:<8} {rule.summary}")


def explain(slug: Annotated[str, typer.Argument(help="Rule slug or code.")]) -> None:
    """Print the documentation page of a rule."""
    from lambdalint.docs import rule_doc  # noqa: PLC0415

    catalogue = _catalogue()
    rule = next((r for r in catalogue if slug in (r.slug, r.code.upper(), r.code.lower())), None)
    page = rule_doc(rule.slug) if rule else None
    if rule is None or page is None:
        raise _fail(f"no rule '{slug}' (see `lambdalint rules`)")
    typer.echo(page.rstrip())


def _catalogue() -> list[Rule | ArtifactRule]:
    """Source rules, then the artifact rules ``inspect`` adds (one entry per slug)."""
    from lambdalint.checks import RULES  # noqa: PLC0415
    from lambdalint.inspect import ARTIFACT_RULES  # noqa: PLC0415

    slugs = {r.slug for r in RULES}
    extra = sorted((r for r in ARTIFACT_RULES if r.slug not in slugs), key=lambda r: r.code)
    return [*RULES, *extra]


@runtimes_app.callback()
def table(context: typer.Context) -> None:
    """Show every known Python runtime with its OS, glibc, architectures and lifecycle."""
    if context.invoked_subcommand is not None:
        return
    from lambdalint.engine import reference_date  # noqa: PLC0415
    from lambdalint.report import runtimes as runtime_table  # noqa: PLC0415
    from lambdalint.runtime.model import all_runtimes  # noqa: PLC0415

    try:
        today = reference_date()
    except ConfigError as error:
        raise _fail(str(error)) from None
    typer.echo(runtime_table.render(all_runtimes(), today), nl=False)


@runtimes_app.command()
def probe(  # noqa: PLR0917 - one parameter per documented option
    runtime: Annotated[str, typer.Option(help="Runtime to probe, e.g. python3.12.")],
    role_arn: Annotated[str, typer.Option(help="Execution role for the probe function.")],
    output: Annotated[Path, typer.Option(help="Folder the dated manifest is written to.")],
    arch: Annotated[str, typer.Option(help="x86_64 or arm64.")] = "x86_64",
    region: Annotated[str | None, typer.Option(help="AWS region.")] = None,
    profile: Annotated[str | None, typer.Option(help="AWS profile.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: create, invoke, delete.")] = False,
) -> None:
    """Deploy a tiny probe function, invoke it once, delete it, and write a runtime manifest.

    Use the manifest folder with ``--runtime-data DIR`` (or ``runtime-data`` in the config).
    """
    import datetime  # noqa: PLC0415

    from lambdalint.runtime import probe as probing  # noqa: PLC0415

    if not yes:
        raise _fail("probing creates, invokes and deletes a Lambda function: add --yes to confirm")
    try:
        import boto3  # type: ignore[import-untyped]  # noqa: PLC0415 - only this command needs it

        client = boto3.Session(profile_name=profile, region_name=region).client("lambda")
        answer = probing.run_probe(client, role_arn, runtime, arch, confirm=yes)
        today = datetime.datetime.now(tz=datetime.UTC).date()
        manifest = probing.manifest_from_probe(
            answer,
            runtime=runtime,
            architecture=arch,
            observed_on=today,
            source=probing.probe_source_id(runtime, arch, today),
        )
        path = probing.write_manifest(manifest, output)
    except ImportError:
        raise _fail("probing needs boto3: pip install boto3") from None
    except Exception as error:  # noqa: BLE001 - AWS and probe errors are the user's to fix
        raise _fail(f"probe failed: {error}") from None
    typer.echo(f"wrote {path}")
