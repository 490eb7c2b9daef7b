"""Functions and layers deployed by Terraform, read statically from ``.tf`` files.

Covers ``aws_lambda_function`` (zip from ``data "archive_file"``, a prebuilt zip, S3, or an
image), ``aws_lambda_layer_version``, and the community module
``terraform-aws-modules/lambda/aws``. Each folder is one Terraform module. ``archive_file``
only zips a folder, so functions packaged that way never get their requirements installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error, relative
from lambdalint.discover.base import Discovery
from lambdalint.discover.terraform_eval import (
    Block,
    Build,
    Module,
    Unresolved,
    Value,
    load_module,
    shown,
)
from lambdalint.model import Finding, Function, Layer, PackageType, Severity

COMMUNITY = re.compile(
    r"(?:^|[/:])terraform-aws-modules/(?:lambda/aws|terraform-aws-lambda(?:\.git)?)/?(?:\?.*)?$"
)
MODULE_PACKAGING = "terraform-aws-modules/lambda"
BUILD_PACKAGING = "terraform local-exec build"
_ARCHIVE_REF = re.compile(r"data\.archive_file\.([\w-]+)(?:\[[^\]]*\])?\.\w+")
_LAYER_REF = re.compile(r"(aws_lambda_layer_version\.[\w-]+)(?:\[[^\]]*\])?\.\w+")
_MODULE_REF = re.compile(r"(module\.[\w-]+)(?:\[[^\]]*\])?\.\w+")
_FIX = (
    "Use a literal or a variable with a default (lambdalint does not run Terraform), "
    "or declare the function in [tool.lambdalint]."
)


def wants(path: Path) -> bool:
    """Terraform source files."""
    return path.suffix == ".tf"


def discover(files: Sequence[Path], root: Path) -> Discovery:
    """Every Python function and layer the Terraform modules among ``files`` deploy."""
    folders: dict[Path, list[Path]] = {}
    for file in files:
        folders.setdefault(file.parent, []).append(file)
    found = Discovery()
    for folder in sorted(folders):
        module = load_module(folder, sorted(folders[folder]), root)
        reader = _Reader(module, root)
        for block in module.blocks:
            try:
                reader.read(block)
            except Exception as error:  # noqa: BLE001 - one odd block must not stop the scan
                reader.warn(block, f"could not be read ({type(error).__name__}: {error})", None)
        findings = (*module.findings, *reader.findings)
        found += Discovery(tuple(reader.functions), tuple(reader.layers), findings, reader.claimed)
    return found


@dataclass(frozen=True, slots=True)
class _Code:
    """Where a function's (or layer's) code is and whether its packaging runs pip."""

    code_dir: Path
    packaging: str
    installs: bool | None = None
    requirements_file: Path | None = None
    notes: tuple[str, ...] = ()
    origin: Block | None = None


class _Reader:
    """Turns the blocks of one module into Function and Layer records."""

    def __init__(self, module: Module, root: Path) -> None:
        self.module, self.root, self.scope = module, root, module.scope
        self.functions: list[Function] = []
        self.layers: list[Layer] = []
        self.findings: list[Finding] = []
        self.claimed: frozenset[Path] = frozenset()
        self.archives = {b.labels[1]: b for b in module.blocks if b.is_("data", "archive_file")}

    def value(self, block: Block, attr: str, name: str | None = None) -> Value:
        raw = block.body.get(attr)
        try:
            return self.scope.evaluate(raw)
        except Unresolved as error:
            self.warn(block, f"{attr} = {_why(raw, error)}", name)
            return None

    def str_(self, block: Block, attr: str, name: str | None = None) -> str | None:
        value = self.value(block, attr, name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        return str(value)

    def warn(self, block: Block, message: str, name: str | None, fix: str = _FIX) -> None:
        where = locate(block.file, self.root, block.line)
        message = f"{block.address}: {message}"
        self.findings.append(parse_error(where, message, fix, function=name, severity=_WARNING))

    def path(self, block: Block, attr: str, name: str | None) -> Path | None:
        raw = block.body.get(attr)
        try:
            return None if raw is None else self.scope.path(raw)
        except Unresolved as error:
            self.warn(block, f"{attr} = {_why(raw, error)}", name)
            return None

    def exists(self, block: Block, attr: str, path: Path, name: str | None) -> bool:
        if _is_dir(path) or (attr != "source_dir" and _is_file(path)):
            return True
        fix = "Fix the path, or create the folder before running lambdalint."
        self.warn(block, f"{attr} {_relative(path, self.root)} does not exist", name, fix)
        return False

    def build(self, needles: Sequence[str | None], target: Path | None = None) -> Build | None:
        """The pip build that fills ``target``, or whose command names one of ``needles``."""
        for build in self.module.builds:
            named = any(n and n in build.command for n in needles)
            if (named or (target and build.target == target)) and _is_dir(build.code_dir):
                return build
        return None

    def read(self, block: Block) -> None:
        """Dispatch one top-level block to what it deploys."""
        if block.is_("resource", "aws_lambda_function"):
            self.deployment(block, community=False)
        elif block.is_("resource", "aws_lambda_layer_version"):
            self.layer(block)
        elif block.kind == "module" and COMMUNITY.search(self.str_(block, "source") or "~"):
            self.deployment(block, community=True)

    def deployment(self, block: Block, *, community: bool) -> None:
        """An ``aws_lambda_function`` or a community module: a function, or a layer."""
        name = self.str_(block, "function_name") or block.labels[-1]
        runtime = self.str_(block, "runtime", name)
        if (community and self.value(block, "create", name) is False) or not (
            runtime or "python"
        ).startswith("python"):
            return
        as_layer = community and self.value(block, "create_layer", name) is True
        image = str(self.str_(block, "package_type", name)).lower() == "image" and not as_layer
        if image:
            uri = self.str_(block, "image_uri", name) or shown(block.body.get("image_uri"))
            code: _Code | None = _Code(
                self.module.folder, "terraform image", notes=(f"container image {uri}",)
            )
        elif not community:
            code = self.zip_code(block, name)
        elif self.value(block, "create_package", name) is False:
            zip_path = self.path(block, "local_existing_package", name)
            code = self.prebuilt(block, name, zip_path, None)
        else:
            code = self.source_path(block, name)
        if code is None:
            return
        if as_layer:
            self.add_layer(block, f"module.{block.labels[0]}", self.str_(block, "layer_name"), code)
        elif not community or self.value(block, "create_function", name) is not False:
            self.add(block, name, code, runtime, image=image)

    def zip_code(self, block: Block, name: str) -> _Code | None:
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

    def from_archive(self, archive: Block, name: str | None) -> _Code | None:
        body, label, packaging = archive.body, archive.labels[1], "terraform archive_file"
        notes = [f"archive_file.{label} excludes {shown(v)}" for v in [body.get("excludes")] if v]
        if "source" in body:
            notes.append(f"archive_file.{label} adds inline source blocks lambdalint does not read")
        folder = self.path(archive, "source_dir", name)
        build = self.build((), folder) if folder else None
        if build is not None:
            return _built(build, notes)
        if folder is not None and self.exists(archive, "source_dir", folder, name):
            return _Code(folder, packaging, installs=False, notes=tuple(notes))
        file = self.path(archive, "source_file", name)
        if file is not None and self.exists(archive, "source_file", file, name):
            only = (
                f"{file.name}: other files in {_relative(file.parent, self.root)} are not deployed"
            )
            notes.append(f"archive_file.{label} zips only {only}")
            return _Code(file.parent, packaging, installs=False, notes=tuple(notes))
        if folder is None and file is None and "source" in body:
            self.warn(archive, "the code location is unknown (only inline source blocks)", name)
        return None

    def prebuilt(
        self, block: Block, name: str | None, zip_path: Path | None, s3_attr: str | None
    ) -> _Code | None:
        """A zip built outside Terraform: a pip build step that names it, or the folder by it."""
        s3_key = self.str_(block, s3_attr) if s3_attr and zip_path is None else None
        build = self.build([zip_path.name if zip_path else None, s3_key and Path(s3_key).name])
        if build is not None:
            return _built(build)
        if zip_path is not None:
            note = f"deployed from the prebuilt {_relative(zip_path, self.root)}"
            for folder in (zip_path.with_suffix(""), zip_path.parent):
                if _has_python(folder) or _is_dir(folder / "python"):
                    return _Code(folder, "terraform prebuilt zip", notes=(note,))
        what = _relative(zip_path, self.root) if zip_path else f"s3_key {s3_key or '?'}"
        fix = "Declare the code folder in [tool.lambdalint] so lambdalint can check it."
        self.warn(block, f"the code location is unknown ({what} is built elsewhere)", name, fix)
        return None

    def add(
        self, block: Block, name: str, code: _Code, runtime: str | None, *, image: bool
    ) -> None:
        handler = self.str_(block, "handler", name)
        arch = self.value(block, "architectures", name)
        memory, timeout = self.value(block, "memory_size"), self.value(block, "timeout")
        if not image:
            self.claimed |= {code.code_dir}
        origin = code.origin
        self.functions.append(
            Function(
                name=name,
                code_dir=code.code_dir,
                discovered_by="terraform",
                requirements_file=code.requirements_file,
                handler=handler,
                handler_known=handler is not None,
                runtime=runtime,
                architecture="arm64"
                if isinstance(arch, list) and arch[:1] == ["arm64"]
                else "x86_64",
                layers=self.layer_refs(block, name),
                package_type=PackageType.IMAGE if image else PackageType.ZIP,
                packaging=code.packaging,
                installs_requirements=code.installs,
                source=locate(block.file, self.root, block.line),
                packaging_source=locate(origin.file, self.root, origin.line) if origin else None,
                memory_mb=memory if type(memory) is int else None,
                timeout_s=timeout if type(timeout) is int else None,
                notes=(*_repeat(block), *code.notes),
            )
        )

    def layer_refs(self, block: Block, name: str) -> tuple[str, ...]:
        """Layer keys of this repository (``aws_lambda_layer_version.x``, ``module.x``), ARNs."""
        raw = block.body.get("layers")
        refs: list[str] = []
        for item in raw if isinstance(raw, list) else [] if raw is None else [raw]:
            ref = self.scope.reference(item) or ""
            if match := _LAYER_REF.fullmatch(ref) or _MODULE_REF.fullmatch(ref):
                refs.append(match.group(1))
                continue
            try:
                value = self.scope.evaluate(item)
            except Unresolved as error:
                self.warn(block, f"layers = {_why(item, error)}", name)
                refs.append(shown(item))
                continue
            refs.extend(str(v) for v in (value if isinstance(value, list) else [value]))
        return tuple(refs)

    def layer(self, block: Block) -> None:
        """An ``aws_lambda_layer_version`` zipped by ``archive_file`` or built elsewhere."""
        archive = self.archive_for(block)
        name = self.str_(block, "layer_name") or block.labels[1]
        if archive is not None:
            code = self.from_archive(archive, None)
        else:
            code = self.prebuilt(block, None, self.path(block, "filename", name), "s3_key")
        self.add_layer(block, block.address, name, code)

    def add_layer(self, block: Block, key: str, name: str | None, code: _Code | None) -> None:
        if code is not None:
            self.claimed |= {code.code_dir}
        self.layers.append(
            Layer(
                key=key,
                name=name or block.labels[-1],
                content_dir=code.code_dir if code else None,
                builds_requirements=bool(code and code.installs),
                source=locate(block.file, self.root, block.line),
                requirements_file=code.requirements_file if code else None,
            )
        )

    def source_path(self, block: Block, name: str) -> _Code | None:
        """The module's ``source_path``: a folder, or a list of folders and build options."""
        value = self.value(block, "source_path", name)
        code_dir, installs, requirements, notes = None, False, None, list[str]()
        for entry in value if isinstance(value, list) else [value]:
            item = entry if isinstance(entry, dict) else {"path": entry}
            path = self.scope.at(str(item["path"])) if item.get("path") else None
            pip = item.get("pip_requirements")
            if isinstance(entry, str) and path is not None:  # the module's default
                pip = _is_file(path / "requirements.txt")
            requirements = self.scope.at(pip) if isinstance(pip, str) else requirements
            installs = installs or bool(pip) or "pip install" in str(item.get("commands", ""))
            notes += [
                f"source_path {k}: {item[k]}" for k in ("patterns", "prefix_in_zip") if k in item
            ]
            if path is not None and code_dir is not None:
                notes.append(f"source_path also zips {_relative(path, self.root)}")
            elif path is not None and not self.exists(block, "source_path", path, name):
                return None
            elif path is not None:
                code_dir = path if _is_dir(path) else path.parent
                notes += [f"source_path zips only {path.name}"] * (code_dir != path)
        if code_dir is None:
            if "source_path" not in block.body or value is not None:
                self.warn(block, "source_path names no folder", name)
            return None
        if self.value(block, "build_in_docker", name) is True:
            notes.append("built in Docker with the Lambda build image")
        return _Code(code_dir, MODULE_PACKAGING, installs, requirements, tuple(notes))


_WARNING = Severity.WARNING


def _built(build: Build, notes: Sequence[str] = ()) -> _Code:
    return _Code(build.code_dir, BUILD_PACKAGING, True, build.requirements, tuple(notes))  # noqa: FBT003


def _why(raw: object, error: Unresolved) -> str:
    text = shown(raw)
    return error.reason if error.reason.startswith(text) else f"{text}: {error.reason}"


def _repeat(block: Block) -> Iterator[str]:
    for meta in ("for_each", "count"):
        if meta in block.body:
            yield f"defined with {meta}: reported once"


def _relative(path: Path, root: Path) -> str:
    try:
        return relative(path, root)
    except (OSError, RuntimeError):  # symlink loops
        return path.as_posix()


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, RuntimeError):
        return False


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, RuntimeError):
        return False


def _has_python(folder: Path) -> bool:
    try:
        return _is_dir(folder) and any(p.suffix == ".py" for p in folder.iterdir())
    except (OSError, RuntimeError):
        return False
