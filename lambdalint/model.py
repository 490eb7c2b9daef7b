"""Plain typed records that flow between the pipeline stages.

Every stage reads these and returns new ones; none of them knows how it is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """How bad a finding is; ordered so that ``rank`` compares them."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: info 1, warning 2, error 3."""
        return {"info": 1, "warning": 2, "error": 3}[self.value]


class PackageType(StrEnum):
    """How Lambda receives the code: a zip archive or a container image."""

    ZIP = "zip"
    IMAGE = "image"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the scanned tree: repo-relative POSIX path, 1-based line and column."""

    file: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Function:
    """One Lambda function as it is deployed, whoever discovered it.

    ``installs_requirements`` is None when nothing says whether the packaging path runs
    ``pip install`` (a bare directory); True/False when the IaC tells. ``layers`` holds layer
    references as the IaC writes them: ARNs, or keys of layers defined in the same repository
    (see ``Layer.key``). ``requirements_file`` overrides the default lookup in ``code_dir``
    (a requirements file, a Pipfile or a pyproject.toml). ``installs_only`` says what the
    packaging path would install when it skips the declarations the folder has (``sam build``
    installs only requirements.txt, so a lone Pipfile is never installed).
    ``source`` is where the IaC defines the function; ``packaging_source`` where it decides
    how the code is packaged (a Terraform ``archive_file`` block), when that differs.
    ``inline_code`` is source embedded in a template (SAM ``InlineCode``, CloudFormation
    ``ZipFile``); ``inline_origin`` is where its first line sits in that template.
    ``built_by`` is the build-script line (outside the IaC) that installs the requirements.
    ``handler_file`` is the file Lambda loads as the handler module when the packaging puts it
    at the task root from elsewhere (a Dockerfile ``COPY app/app.py ./``); ``runtime_source``
    is where the runtime is chosen when that is not ``source`` (a Dockerfile ``FROM`` line).
    ``named_requirements`` are installed by name, not from a file (a Dockerfile ``RUN pip
    install pipenv``), each with the line that names it.
    ``missing_code`` is the repo-relative path the packaging zips when it does not exist (a
    Terraform relative path resolved from the wrong folder); ``code_dir`` is then where
    lambdalint found the code most likely meant, checked as if the path were fixed.
    ``layer_layout`` is the build-script line that zips installed packages under ``python/``
    into this function's zip, where nothing is on ``sys.path`` (only a layer's ``python/`` is).
    ``copied_code``: build-context files or folders outside ``code_dir`` that the packaging
    puts in the task root too (a Dockerfile ``COPY shared/ ./shared/``), each with its path
    there, so they are read as the modules the handler imports by that path.
    ``ships_declarations`` is False when the packaging zips named files only, none of them a
    requirements file or pyproject.toml of ``code_dir``, and installs nothing (``zip fn.zip
    app.py``): those declarations are not this function's (another build's, or none).
    """

    name: str
    code_dir: Path
    discovered_by: str = "convention"
    requirements_file: Path | None = None
    handler: str | None = None
    handler_known: bool = False
    runtime: str | None = None
    architecture: str = "x86_64"
    layers: tuple[str, ...] = ()
    package_type: PackageType = PackageType.ZIP
    packaging: str = "directory"
    installs_requirements: bool | None = None
    installs_only: str | None = None
    source: Location | None = None
    packaging_source: Location | None = None
    inline_code: str | None = None
    inline_origin: Location | None = None
    memory_mb: int | None = None
    timeout_s: int | None = None
    notes: tuple[str, ...] = ()
    built_by: Location | None = None
    handler_file: Path | None = None
    runtime_source: Location | None = None
    named_requirements: tuple[tuple[str, Location], ...] = ()
    missing_code: str | None = None
    layer_layout: Location | None = None
    copied_code: tuple[tuple[Path, str], ...] = ()
    ships_declarations: bool = True

    def handler_module(self) -> str | None:
        """The handler's module as the code scan of ``code_dir`` names it (dotted)."""
        if not self.handler or "." not in self.handler:
            return None
        if self.handler_file is None:
            return self.handler.rpartition(".")[0].replace("/", ".")
        if not self.handler_file.is_relative_to(self.code_dir):
            return None  # copied from outside the scanned folder: cannot be checked
        return ".".join(self.handler_file.relative_to(self.code_dir).with_suffix("").parts)


@dataclass(frozen=True, slots=True)
class Layer:
    """A Lambda layer defined in the repository, so its contents can count as provided.

    ``content_dir`` is the folder that becomes ``/opt`` (Python code under ``python/``), or,
    when ``builds_requirements`` is True, the folder whose ``requirements.txt`` the build
    installs into ``python/`` (SAM ``BuildMethod``, the serverless plugin's ``layer: true``).
    ``requirements_file`` (a requirements file or a pyproject.toml) overrides that lookup;
    ``built_by`` is the build-script line outside the IaC that installs it, when one does.
    ``copies_content``: the build also copies ``content_dir``'s own files into ``python/``
    (SAM ``BuildMethod: python3.x``). ``zipped_as_is``: no build step at all (SAM without a
    ``BuildMethod``), so a requirements file in the folder is shipped, never installed.
    ``archive``: a layer zip in the checkout that the IaC uploads as it is.
    """

    key: str
    name: str
    content_dir: Path | None
    builds_requirements: bool = False
    source: Location | None = None
    requirements_file: Path | None = None
    built_by: Location | None = None
    copies_content: bool = False
    zipped_as_is: bool = False
    archive: Path | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement line (or pyproject dependency) after includes are followed.

    ``via`` holds the parents a pip-tools compiled file names in its ``# via`` comments;
    ``direct`` is False for pins that are only there because another requirement needs them.
    """

    name: str
    normalized: str
    specifier: str
    extras: tuple[str, ...]
    marker: str | None
    url: str | None
    editable: bool
    location: Location
    via: tuple[str, ...] = ()
    direct: bool = True
    constraint: bool = False


@dataclass(frozen=True, slots=True)
class ImportRef:
    """One imported module name as written in the code (absolute, dotted)."""

    module: str
    location: Location
    optional: bool = False
    top_level: bool = True
    dynamic: bool = False

    @property
    def root(self) -> str:
        """The top-level package name (``google`` for ``google.cloud.storage``)."""
        return self.module.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class VendoredDist:
    """A distribution found installed inside the function directory (a ``*.dist-info``)."""

    name: str
    normalized: str
    version: str | None
    modules: tuple[str, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A Python file of the function: its path and the grammar problems found in it."""

    location: Location
    parsed: bool


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: the fact in ``message``, what to do in ``fix``."""

    rule: str
    code: str
    severity: Severity
    message: str
    fix: str
    location: Location
    function: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: file, line, column, code, message."""
        loc = self.location
        return (loc.file, loc.line or 0, loc.column or 0, self.code, self.message)


@dataclass(frozen=True, slots=True)
class Plan:
    """How to ship a function's dependencies; sizes are None until they can be estimated.

    ``breakdown`` splits the unzipped size: the function's own code, each shipped
    distribution, and the repository layers it attaches.
    """

    strategy: str
    zipped_bytes: int | None = None
    unzipped_bytes: int | None = None
    commands: tuple[str, ...] = ()
    distributions: tuple[str, ...] = ()
    reason: str = ""
    breakdown: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class FunctionReport:
    """A function with what the rules found and the packaging plan."""

    function: Function
    path: str
    findings: tuple[Finding, ...]
    plan: Plan


@dataclass(frozen=True, slots=True)
class Report:
    """The result of one ``check`` run, ready for a renderer."""

    functions: tuple[FunctionReport, ...]
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def all_findings(self) -> list[Finding]:
        """Every finding, per-function ones first, in deterministic order."""
        found = [f for fr in self.functions for f in fr.findings] + list(self.findings)
        return sorted(found, key=Finding.sort_key)


@dataclass(frozen=True, slots=True)
class SyntaxIssue:
    """Code that parses on a newer Python but not on the target's grammar."""

    location: Location
    feature: str
    detail: str
