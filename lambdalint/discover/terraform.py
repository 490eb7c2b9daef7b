"""Functions and layers deployed by Terraform, read statically from ``.tf`` files.

Covers ``aws_lambda_function`` (zip from ``data "archive_file"``, a prebuilt zip, S3, or an
image), ``aws_lambda_layer_version``, and the community module
``terraform-aws-modules/lambda/aws``. Each folder is one Terraform module. ``archive_file``
only zips a folder, so functions packaged that way never get their requirements installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from lambdalint.diagnostics import locate
from lambdalint.discover.base import Artifact, Discovery, inside, shown_path
from lambdalint.discover.terraform_code import COMMUNITY, Code, CodeLocator
from lambdalint.discover.terraform_eval import Scope, Unresolved, shown
from lambdalint.discover.terraform_hcl import Block, Module, load_module
from lambdalint.discover.terraform_modules import instances
from lambdalint.model import Function, Layer, PackageType

_LAYER_REF = re.compile(r"(aws_lambda_layer_version\.[\w-]+)(?:\[[^\]]*\])?\.\w+")
_MODULE_REF = re.compile(r"(module\.[\w-]+)(?:\[[^\]]*\])?\.\w+")


def wants(path: Path) -> bool:
    """Terraform source files."""
    return path.suffix == ".tf"


def discover(files: Sequence[Path], root: Path) -> Discovery:
    """Every Python function and layer the Terraform modules among ``files`` deploy."""
    folders: dict[Path, list[Path]] = {}
    for file in files:
        folders.setdefault(file.parent, []).append(file)
    modules = {folder: load_module(folder, sorted(folders[folder]), root) for folder in folders}
    readers = [_Reader(i.module, root, i.scope) for i in instances(modules)]
    zips = {path: found for reader in readers for path, found in reader.outputs()}
    found = Discovery(findings=tuple(f for m in modules.values() for f in m.findings))
    for reader in readers:
        reader.elsewhere = zips
        for block in reader.module.blocks:
            try:
                reader.read(block)
            except Exception as error:  # noqa: BLE001 - one odd block must not stop the scan
                reader.warn(block, f"could not be read ({type(error).__name__}: {error})", None)
        kept = tuple(layer for layer in reader.layers if layer.key not in reader.pending)
        waiting = tuple(
            Artifact(reader.pending[layer.key][0].name, *reader.pending[layer.key], layer=layer)
            for layer in reader.layers
            if layer.key in reader.pending
        )
        found += Discovery(tuple(reader.functions), kept, (), reader.claimed, waiting)
    findings = dict.fromkeys(f for reader in readers for f in reader.findings)  # once per block
    return found + Discovery(findings=tuple(findings))


class _Reader(CodeLocator):
    """Turns the blocks of one module into Function and Layer records."""

    def __init__(self, module: Module, root: Path, scope: Scope) -> None:
        super().__init__(module, root, scope)
        self.functions: list[Function] = []
        self.layers: list[Layer] = []
        self.claimed: frozenset[Path] = frozenset()

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
            code: Code | None = Code(
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

    def add(self, block: Block, name: str, code: Code, runtime: str | None, *, image: bool) -> None:
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
                missing_code=shown_path(code.missing, self.root) if code.missing else None,
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
                self.unresolved(block, "layers", item, error, name)
                refs.append(shown(item))
                continue
            refs.extend(str(v) for v in (value if isinstance(value, list) else [value]))
        return tuple(refs)

    def layer(self, block: Block) -> None:
        """An ``aws_lambda_layer_version`` zipped by ``archive_file`` or built elsewhere."""
        found = self.archive_for(block)
        name = self.str_(block, "layer_name") or block.labels[1]
        if found is not None:
            code = found[1].from_archive(found[0], None)  # a layer whose source is missing: None
        elif (zip_path := self.path(block, "filename", name)) and _present_zip(zip_path, self.root):
            self.add_layer(block, block.address, name, None, archive=zip_path)  # read as uploaded
            return
        else:
            code = self.prebuilt(block, None, zip_path, "s3_key")
        self.add_layer(block, block.address, name, code)

    def add_layer(
        self,
        block: Block,
        key: str,
        name: str | None,
        code: Code | None,
        archive: Path | None = None,
    ) -> None:
        if code is not None and code.claims:
            self.claimed |= {code.code_dir}
        self.layers.append(
            Layer(
                key=key,
                name=name or block.labels[-1],
                content_dir=code.code_dir if code else None,
                builds_requirements=bool(code and code.installs),
                source=locate(block.file, self.root, block.line),
                requirements_file=code.requirements_file if code else None,
                archive=archive,
            )
        )


def _present_zip(path: Path, root: Path) -> bool:
    """A ``.zip`` that is in the checkout (committed, or built before the scan)."""
    return path.suffix == ".zip" and path.is_file() and inside(path, root)


def _repeat(block: Block) -> Iterator[str]:
    for meta in ("for_each", "count"):
        if meta in block.body:
            yield f"defined with {meta}: reported once"
