"""Where a Terraform-deployed function's code is, and whether its packaging runs pip.

Four ways are read: a ``data "archive_file"`` that zips a folder (never installs requirements),
a prebuilt zip (or S3 key) found next to its folder or named by a pip build step, and the
``source_path`` of the community module ``terraform-aws-modules/lambda/aws``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error
from lambdalint.discover.base import is_dir, is_file, shown_path
from lambdalint.discover.terraform_eval import Scope, Unresolved, Value, shown
from lambdalint.discover.terraform_hcl import Block, Build, Module
from lambdalint.model import Finding, Severity

MODULE_PACKAGING = "terraform-aws-modules/lambda"
BUILD_PACKAGING = "terraform local-exec build"
COMMUNITY = re.compile(
    r"(?:^|[/:])terraform-aws-modules/(?:lambda/aws|terraform-aws-lambda(?:\.git)?)/?(?:\?.*)?$"
)
_ARCHIVE_REF = re.compile(r"data\.archive_file\.([\w-]+)(?:\[[^\]]*\])?\.\w+")
_PACKAGER_REF = re.compile(r"module\.([\w-]+)(?:\[[^\]]*\])?(?:\.\w+)+")
_FIX = (
    "Use a literal or a variable with a default (lambdalint does not run Terraform), "
    "or declare the function in [tool.lambdalint]."
)


@dataclass(frozen=True, slots=True)
class Code:
    """Where a function's (or layer's) code is and whether its packaging runs pip."""

    code_dir: Path
    packaging: str
    installs: bool | None = None
    requirements_file: Path | None = None
    notes: tuple[str, ...] = ()
    origin: Block | None = None
    claims: bool = True  # False when code_dir only holds the requirements file it installs
    missing: Path | None = None  # what the packaging zips when that does not exist


class CodeLocator:
    """Reads attributes of one module's blocks and finds the code they deploy."""

    def __init__(self, module: Module, root: Path, scope: Scope | None = None) -> None:
        self.module, self.root, self.scope = module, root, scope or module.scope
        self.findings: list[Finding] = []
        self.archives = {b.labels[1]: b for b in module.blocks if b.is_("data", "archive_file")}
        self.elsewhere: dict[Path, tuple[Block, CodeLocator]] = {}  # archives of other instances
        self.pending: dict[str, tuple[Path, Finding]] = {}  # layer zips a script may write

    def outputs(self) -> Iterator[tuple[Path, tuple[Block, CodeLocator]]]:
        """Where each ``archive_file`` of this instance writes its zip (when that is static)."""
        for archive in self.archives.values():
            try:
                yield self.scope.path(archive.body.get("output_path")), (archive, self)
            except Unresolved:
                continue

    def value(self, block: Block, attr: str, name: str | None = None) -> Value:
        """``block.attr`` evaluated; None (and a warning) when it has no static value."""
        raw = block.body.get(attr)
        try:
            return self.scope.evaluate(raw)
        except Unresolved as error:
            self.unresolved(block, attr, raw, error, name)
            return None

    def str_(self, block: Block, attr: str, name: str | None = None) -> str | None:
        """``block.attr`` as a string, or None when absent, unresolved or not scalar."""
        value = self.value(block, attr, name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        return str(value)

    def warn(self, block: Block, message: str, name: str | None, fix: str = _FIX) -> None:
        """Record a warning located at ``block`` (the scan goes on)."""
        self.findings.append(self.warning(block, message, name, fix))

    def warning(self, block: Block, message: str, name: str | None, fix: str = _FIX) -> Finding:
        """A warning located at ``block``."""
        where = locate(block.file, self.root, block.line)
        message = f"{block.address}: {message}"
        return parse_error(where, message, fix, function=name, severity=_WARNING)

    def unresolved(
        self, block: Block, attr: str, raw: object, error: Unresolved, name: str | None
    ) -> None:
        """Warn that ``attr = raw`` has no static value."""
        text = shown(raw)
        why = error.reason if error.reason.startswith(text) else f"{text}: {error.reason}"
        self.warn(block, f"{attr} = {why}", name)

    def path(self, block: Block, attr: str, name: str | None) -> Path | None:
        """``block.attr`` as a path from the module folder; None when absent or unresolved."""
        raw = block.body.get(attr)
        try:
            return None if raw is None else self.scope.path(raw)
        except Unresolved as error:
            self.unresolved(block, attr, raw, error, name)
            return None

    def exists(self, block: Block, attr: str, path: Path, name: str | None) -> bool:
        """Whether the path ``attr`` names is there; a warning when it is not."""
        if is_dir(path) or (attr != "source_dir" and is_file(path)):
            return True
        fix = "Fix the path, or create the folder before running lambdalint."
        self.warn(block, f"{attr} {shown_path(path, self.root)} does not exist", name, fix)
        return False

    def build(self, needles: Sequence[str | None], target: Path | None = None) -> Build | None:
        """The pip build that fills ``target``, or whose command names one of ``needles``."""
        for build in self.module.builds:
            named = any(n and n in build.command for n in needles)
            if (named or (target and build.target == target)) and is_dir(build.code_dir):
                return build
        return None

    def zip_code(self, block: Block, name: str) -> Code | None:
        """The code of a plain ``aws_lambda_function``: its archive_file, else a prebuilt zip."""
        found = self.archive_for(block)
        if found is not None:
            archive, locator = found
            code = locator.from_archive(archive, name)
            return replace(code, origin=archive) if code else None
        packager = self.packager_for(block)
        if packager is not None:
            code = self.source_path(packager, name)
            return replace(code, origin=packager) if code else None
        return self.prebuilt(block, name, self.path(block, "filename", name), "s3_key")

    def packager_for(self, block: Block) -> Block | None:
        """The community module whose zip (``s3_object``, ``local_filename``) ``block`` deploys.

        With ``create_function = false`` the module only builds and uploads the package.
        """
        calls = {b.labels[0]: b for b in self.module.blocks if b.kind == "module" and b.labels}
        for attr in ("s3_key", "filename", "s3_bucket"):
            match = _PACKAGER_REF.fullmatch(self.scope.reference(block.body.get(attr)) or "")
            module = calls.get(match.group(1)) if match else None
            if module is not None and COMMUNITY.search(self.str_(module, "source") or "~"):
                return module
        return None

    def archive_for(self, block: Block) -> tuple[Block, CodeLocator] | None:
        """The ``archive_file`` (and its instance) whose zip ``filename`` names."""
        for attr in ("filename", "source_code_hash"):
            match = _ARCHIVE_REF.fullmatch(self.scope.reference(block.body.get(attr)) or "")
            if match and match.group(1) in self.archives:
                return self.archives[match.group(1)], self
        if "filename" not in block.body:
            return None
        try:
            filename = self.scope.path(block.body.get("filename"))
        except Unresolved:
            return None
        return dict(self.outputs()).get(filename) or self.elsewhere.get(filename)

    def from_archive(self, archive: Block, name: str | None) -> Code | None:
        """The folder (or single file) an ``archive_file`` zips; it never installs anything."""
        body, label, packaging = archive.body, archive.labels[1], "terraform archive_file"
        notes = [f"archive_file.{label} excludes {shown(v)}" for v in [body.get("excludes")] if v]
        if "source" in body:
            notes.append(f"archive_file.{label} adds inline source blocks lambdalint does not read")
        folder = self.path(archive, "source_dir", name)
        build = self.build((), folder) if folder else None
        if build is not None:
            return _built(build, notes)
        if folder is not None and self.exists(archive, "source_dir", folder, name):
            return Code(folder, packaging, installs=False, notes=tuple(notes))
        file = self.path(archive, "source_file", name)
        if file is not None and self.exists(archive, "source_file", file, name):
            only = (
                f"{file.name}: other files in {shown_path(file.parent, self.root)} are not deployed"
            )
            notes.append(f"archive_file.{label} zips only {only}")
            return Code(file.parent, packaging, installs=False, notes=tuple(notes))
        if folder is None and file is None and "source" in body:
            self.warn(archive, "the code location is unknown (only inline source blocks)", name)
        missing = folder or file
        meant = self.meant(missing) if missing is not None and name is not None else None
        if missing is None or meant is None:
            return None
        notes.append(f"archive_file.{label} zips {shown_path(missing, self.root)}: it is missing")
        notes.append(f"checked the code at {shown_path(meant, self.root)}, as if it were fixed")
        code_dir = meant if folder is not None else meant.parent
        return Code(code_dir, packaging, False, None, tuple(notes), missing=missing)  # noqa: FBT003

    def meant(self, missing: Path) -> Path | None:
        """The path a relative ``missing`` path has from an enclosing folder of the repository."""
        relative = os.path.relpath(missing, self.scope.folder)
        for parent in self.scope.folder.parents:
            if not parent.is_relative_to(self.root):
                break
            there = Path(os.path.normpath(parent / relative))
            if is_dir(there) or is_file(there):
                return there
        return None

    def prebuilt(
        self, block: Block, name: str | None, zip_path: Path | None, s3_attr: str | None
    ) -> Code | None:
        """A zip built outside Terraform: a pip build step that names it, or the folder by it."""
        s3_key = self.str_(block, s3_attr) if s3_attr and zip_path is None else None
        build = self.build([zip_path.name if zip_path else None, s3_key and Path(s3_key).name])
        if build is not None:
            return _built(build)
        if zip_path is not None:
            note = f"deployed from the prebuilt {shown_path(zip_path, self.root)}"
            for folder in (zip_path.with_suffix(""), zip_path.parent):
                if _has_python(folder) or is_dir(folder / "python"):
                    return Code(folder, "terraform prebuilt zip", notes=(note,))
        what = shown_path(zip_path, self.root) if zip_path else f"s3_key {s3_key or '?'}"
        fix = "Declare the code folder in [tool.lambdalint] so lambdalint can check it."
        warning = self.warning(
            block, f"the code location is unknown ({what} is built elsewhere)", name, fix
        )
        if name is None and zip_path is not None:  # a layer: a build script may write its zip
            self.pending[block.address] = (zip_path, warning)
        else:
            self.findings.append(warning)
        return None

    def source_path(self, block: Block, name: str) -> Code | None:
        """The module's ``source_path``: a folder, or a list of folders and build options."""
        value = self.value(block, "source_path", name)
        code_dir, installs, requirements, notes = None, False, None, list[str]()
        for entry in value if isinstance(value, list) else [value]:
            item = entry if isinstance(entry, dict) else {"path": entry}
            path = self.scope.at(str(item["path"])) if item.get("path") else None
            pip = item.get("pip_requirements")
            if isinstance(entry, str) and path is not None:  # the module's default
                pip = is_file(path / "requirements.txt")
            requirements = self.scope.at(pip) if isinstance(pip, str) else requirements
            installs = installs or bool(pip) or "pip install" in str(item.get("commands", ""))
            notes += [
                f"source_path {k}: {item[k]}" for k in ("patterns", "prefix_in_zip") if k in item
            ]
            if path is not None and code_dir is not None:
                notes.append(f"source_path also zips {shown_path(path, self.root)}")
            elif path is not None and not self.exists(block, "source_path", path, name):
                return None
            elif path is not None:
                code_dir = (
                    _zip_root(path, item.get("prefix_in_zip")) if is_dir(path) else path.parent
                )
                notes += [f"source_path zips only {path.name}"] * (not is_dir(path))
        if code_dir is None and requirements is not None:  # a layer of requirements only
            return Code(requirements.parent, MODULE_PACKAGING, True, requirements, (), claims=False)  # noqa: FBT003
        if code_dir is None:
            if "source_path" not in block.body or value is not None:
                self.warn(block, "source_path names no folder", name)
            return None
        if self.value(block, "build_in_docker", name) is True:
            notes.append("built in Docker with the Lambda build image")
        return Code(code_dir, MODULE_PACKAGING, installs, requirements, tuple(notes))


_WARNING = Severity.WARNING


def _built(build: Build, notes: Sequence[str] = ()) -> Code:
    return Code(build.code_dir, BUILD_PACKAGING, True, build.requirements, tuple(notes))  # noqa: FBT003


def _zip_root(path: Path, prefix: object) -> Path:
    """The folder the zip's root stands for when ``path`` is zipped under ``prefix_in_zip``.

    ``../src/models`` under ``models`` is ``../src``; another prefix names no folder, so the
    path itself is read.
    """
    parts = Path(str(prefix).strip("/")).parts if isinstance(prefix, str) else ()
    if parts and path.parts[-len(parts) :] == parts:
        return path.parents[len(parts) - 1]
    return path


def _has_python(folder: Path) -> bool:
    try:
        return is_dir(folder) and any(p.suffix == ".py" for p in folder.iterdir())
    except (OSError, RuntimeError):
        return False
