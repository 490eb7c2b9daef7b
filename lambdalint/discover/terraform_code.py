"""Where a Terraform-deployed function's code is, and whether its packaging runs pip.

Four ways are read: a ``data "archive_file"`` that zips a folder (never installs requirements),
a prebuilt zip (or S3 key) found next to its folder or named by a pip build step, and the
``source_path`` of the community module ``terraform-aws-modules/lambda/aws``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error
from lambdalint.discover.base import is_dir, is_file, shown_path
from lambdalint.discover.terraform_eval import Unresolved, Value, shown
from lambdalint.discover.terraform_hcl import Block, Build, Module
from lambdalint.model import Finding, Severity

MODULE_PACKAGING = "terraform-aws-modules/lambda"
BUILD_PACKAGING = "terraform local-exec build"
_ARCHIVE_REF = re.compile(r"data\.archive_file\.([\w-]+)(?:\[[^\]]*\])?\.\w+")
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


class CodeLocator:
    """Reads attributes of one module's blocks and finds the code they deploy."""

    def __init__(self, module: Module, root: Path) -> None:
        self.module, self.root, self.scope = module, root, module.scope
        self.findings: list[Finding] = []
        self.archives = {b.labels[1]: b for b in module.blocks if b.is_("data", "archive_file")}

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
        where = locate(block.file, self.root, block.line)
        message = f"{block.address}: {message}"
        self.findings.append(parse_error(where, message, fix, function=name, severity=_WARNING))

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
        archive = self.archive_for(block)
        if archive is not None:
            code = self.from_archive(archive, name)
            return replace(code, origin=archive) if code else None
        return self.prebuilt(block, name, self.path(block, "filename", name), "s3_key")

    def archive_for(self, block: Block) -> Block | None:
        """The ``archive_file`` whose zip ``filename`` (or ``source_code_hash``) names."""
        for attr in ("filename", "source_code_hash"):
            match = _ARCHIVE_REF.fullmatch(self.scope.reference(block.body.get(attr)) or "")
            if match and match.group(1) in self.archives:
                return self.archives[match.group(1)]
        for archive in self.archives.values():
            try:
                output = self.scope.path(archive.body.get("output_path"))
                if output == self.scope.path(block.body.get("filename")):
                    return archive
            except Unresolved:
                continue
        return None

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
        self.warn(block, f"the code location is unknown ({what} is built elsewhere)", name, fix)
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
                code_dir = path if is_dir(path) else path.parent
                notes += [f"source_path zips only {path.name}"] * (code_dir != path)
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


def _has_python(folder: Path) -> bool:
    try:
        return is_dir(folder) and any(p.suffix == ".py" for p in folder.iterdir())
    except (OSError, RuntimeError):
        return False
