"""Artifact rules about what is shipped and where: SDK copies, layout, bytecode, size."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from lambdalint.checks import misplaced_layer_layout, partial_sdk_vendoring
from lambdalint.checks import size_limit as size_limit_rule
from lambdalint.inspect.facts import ArtifactFacts, ShippedDist
from lambdalint.inspect.rule import ArtifactRule
from lambdalint.model import Finding, Severity
from lambdalint.resolve.sizes import SDK_SET, UNZIPPED_LIMIT, ZIPPED_UPLOAD_LIMIT, mib

IMAGE_LIMIT = 10 * 1024 * 1024 * 1024
_PYC = re.compile(r"(?:^|/)__pycache__/[^/]+\.cpython-(\d)(\d+)[a-z]*(?:\.opt-\d)?\.pyc$")
_LAYER_SITE = re.compile(r"^python/lib/python(\d+)\.(\d+)/site-packages/")


def _own_dists(facts: ArtifactFacts) -> list[ShippedDist]:
    return [d for d in facts.dists if not d.from_base_image]


def shadowed(rule: ArtifactRule, facts: ArtifactFacts) -> Iterator[Finding]:
    """Distributions the runtime already ships; the shipped copy wins on ``sys.path``."""
    for dist in _own_dists(facts):
        provided = next(
            (
                p
                for p in facts.runtime.preinstalled
                if p.confirmed and p.normalized == dist.normalized
            ),
            None,
        )
        if provided is None:
            continue
        seen = provided.latest(facts.architecture)
        theirs = f" ({seen.version} seen {seen.date.isoformat()})" if seen else ""
        yield rule.finding(
            facts,
            dist.info_path,
            f"ships {dist.name} {dist.version or '(unknown version)'} ({mib(dist.size)}), which "
            f"{facts.runtime.name} already provides{theirs}: the shipped copy is imported instead",
            f"Keep it only to pin that version; otherwise leave it out and save {mib(dist.size)}.",
        )


def partial_sdk(rule: ArtifactRule, facts: ArtifactFacts) -> Iterator[Finding]:
    """Some but not all of boto3, botocore and s3transfer: a mixed pair at run time."""
    shipped = {d.normalized: d for d in _own_dists(facts) if d.normalized in SDK_SET}
    if not shipped or set(shipped) == set(SDK_SET):
        return
    missing = [name for name in SDK_SET if name not in shipped]
    names = ", ".join(f"{d.name} {d.version or ''}".strip() for d in shipped.values())
    first = min(shipped.values(), key=lambda d: d.info_path)
    yield rule.finding(
        facts,
        first.info_path,
        f"ships {names} but not {', '.join(missing)}: the runtime's {', '.join(missing)} "
        "load next to the shipped copies, a combination never released together",
        "Ship boto3, botocore and s3transfer together at matching versions, or none of them.",
    )


def misplaced_layout(rule: ArtifactRule, facts: ArtifactFacts) -> Iterator[Finding]:
    """Function zips with packages under ``python/``; layers without it or for another Python."""
    if facts.kind == "image tar":
        return
    under_python = [e for e in facts.entries if e.path.startswith("python/")]
    if not facts.layer:
        size = sum(e.size for e in under_python)
        if under_python and any(_is_code(e.path) for e in under_python):
            yield rule.finding(
                facts,
                "python/",
                f"the function package holds {mib(size)} of code under python/: only layers "
                "get python/ on sys.path (/opt/python); /var/task/python is never searched",
                "Install dependencies at the root of the function zip, or ship python/ as a layer.",
            )
        return
    if not under_python:
        yield rule.finding(
            facts,
            "",
            "the layer has no top-level python/ folder: its packages land in /opt, which is "
            "not on sys.path",
            "Rebuild the layer with pip install -t python/ and zip the python/ folder.",
        )
        return
    wanted = facts.runtime.python_version
    for site in sorted({m[0] for e in under_python if (m := _LAYER_SITE.match(e.path))}):
        match = _LAYER_SITE.match(site)
        if match and (int(match[1]), int(match[2])) != wanted:
            yield rule.finding(
                facts,
                site,
                f"{site} is only on sys.path for Python {match[1]}.{match[2]}; "
                f"{facts.runtime.name} never searches it",
                f"Use python/ or python/lib/python{facts.runtime.python}/site-packages/.",
            )


def _is_code(path: str) -> bool:
    return path.endswith((".py", ".so", ".pyd", "/METADATA"))


def stale_bytecode(rule: ArtifactRule, facts: ArtifactFacts) -> Iterator[Finding]:
    """``*.pyc`` files compiled by another Python: dead weight the runtime ignores."""
    wanted = facts.runtime.python_version
    stale: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)
    for entry in facts.entries:
        match = _PYC.search(entry.path)
        if match and (int(match[1]), int(match[2])) != wanted:
            stale[int(match[1]), int(match[2])].append((entry.path, entry.size))
    for version, files in sorted(stale.items()):
        size = sum(s for _, s in files)
        yield rule.finding(
            facts,
            min(files)[0],
            f"{len(files)} .pyc files compiled for Python {version[0]}.{version[1]} "
            f"({mib(size)}); {facts.runtime.name} ignores them",
            f"Build with pip install --no-compile, or delete the __pycache__ folders: saves "
            f"{mib(size)}.",
        )


def size_limit(rule: ArtifactRule, facts: ArtifactFacts) -> Iterator[Finding]:
    """The artifact over the 50 MiB upload, 250 MiB unzipped or 10 GiB image limits."""
    unzipped = facts.unzipped_bytes
    if facts.kind == "image tar":
        if unzipped > IMAGE_LIMIT:
            yield rule.finding(
                facts,
                "",
                f"the image holds {mib(unzipped)} of files, over Lambda's 10 GiB image limit",
                "Use a slimmer base and multi-stage builds; drop build tools and caches.",
            )
        return
    if unzipped > UNZIPPED_LIMIT:
        yield rule.finding(
            facts,
            "",
            f"the {'layer' if facts.layer else 'package'} unzips to {mib(unzipped)}, over "
            f"Lambda's {mib(UNZIPPED_LIMIT)} limit (function and layers together): deploying fails",
            size_limit_rule.OVER_UNZIPPED_FIX,
        )
    elif facts.zipped_bytes is not None and facts.zipped_bytes > ZIPPED_UPLOAD_LIMIT:
        yield rule.finding(
            facts,
            "",
            f"the zip is {mib(facts.zipped_bytes)}, over the {mib(ZIPPED_UPLOAD_LIMIT)} limit "
            "for a direct upload",
            size_limit_rule.OVER_UPLOAD_FIX,
            Severity.WARNING,
        )


SIZE_LIMIT = ArtifactRule.twin_of(size_limit_rule.RULE, size_limit)
SHADOWED_RUNTIME_PACKAGE = ArtifactRule(
    slug="shadowed-runtime-package",
    code="LL407",
    severity=Severity.INFO,
    summary="The artifact ships a distribution the runtime already has; the shipped copy wins.",
    check=shadowed,
)
PARTIAL_SDK_VENDORING = ArtifactRule.twin_of(partial_sdk_vendoring.RULE, partial_sdk)
MISPLACED_LAYER_LAYOUT = ArtifactRule.twin_of(misplaced_layer_layout.RULE, misplaced_layout)
STALE_BYTECODE = ArtifactRule(
    slug="stale-bytecode",
    code="LL410",
    severity=Severity.INFO,
    summary="Bytecode compiled for another Python version: dead weight in the package.",
    check=stale_bytecode,
)
