"""Reading one Terraform module: its ``.tf`` files into blocks with lines, tfvars, pip builds.

python-hcl2 parses each file; the line of every top-level block comes from its lark tree, and
``local-exec`` provisioners that run ``pip install -r`` (read by ``shell.py``) are recorded as
home-made build steps. Unreadable files become findings; the rest of the module is still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambdalint.diagnostics import locate, parse_error
from lambdalint.discover.base import TooLargeError, read_capped
from lambdalint.discover.shell import Install, Shell
from lambdalint.discover.terraform_eval import Scope, Unresolved
from lambdalint.model import Finding, Severity

_PATH_REF = re.compile(r"\$\{\s*path\.(?:module|root|cwd)\s*\}")


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level block, ``resource "aws_lambda_function" "x" {...}``, and its line."""

    kind: str
    labels: tuple[str, ...]
    body: dict[str, object]
    file: Path
    line: int | None

    @property
    def address(self) -> str:
        """The Terraform address: ``aws_lambda_function.x``, ``data.archive_file.x``."""
        return ("" if self.kind == "resource" else f"{self.kind}.") + ".".join(self.labels)

    def is_(self, kind: str, type_: str) -> bool:
        """Whether this is a ``kind "type_" "name"`` block."""
        return self.kind == kind and self.labels[:1] == (type_,) and len(self.labels) > 1


@dataclass(frozen=True, slots=True)
class Build:
    """A ``local-exec`` provisioner that runs ``pip install`` (a home-made build step)."""

    code_dir: Path
    requirements: Path
    target: Path | None
    command: str


@dataclass(frozen=True, slots=True)
class Module:
    """The blocks of one folder's ``.tf`` files, their scope, and what could not be read."""

    folder: Path
    blocks: list[Block]
    scope: Scope
    findings: list[Finding]
    builds: list[Build]


def load_module(folder: Path, files: list[Path], root: Path) -> Module:
    """Parse the ``.tf`` files (and tfvars) of one folder; unreadable files become findings."""
    import hcl2  # noqa: PLC0415 - only repositories with Terraform pay for the parser

    findings: list[Finding] = []
    blocks = [b for file in files for b in _read(hcl2, file, root, findings)]
    declared = {b.labels[0]: b.body for b in blocks if b.kind == "variable" and b.labels}
    variables = {k: body["default"] for k, body in declared.items() if "default" in body}
    for tfvars in [folder / "terraform.tfvars", *sorted(folder.glob("*.auto.tfvars"))]:
        try:
            variables.update(hcl2.loads(tfvars.read_text(encoding="utf-8", errors="replace")))
        except (OSError, RuntimeError):
            continue
        except Exception:  # noqa: BLE001 - lark raises many kinds for bad input
            where = locate(tfvars, root)
            findings.append(parse_error(where, f"{tfvars.name} is not valid HCL"))
    values = {k: v for b in blocks if b.kind == "locals" for k, v in b.body.items()}
    outputs = {b.labels[0]: b.body.get("value") for b in blocks if b.kind == "output" and b.labels}
    data = {".".join(b.labels): b.body for b in blocks if b.kind == "data" and b.labels[1:]}
    scope = Scope(folder, variables, frozenset(declared), values, outputs, data)
    return Module(folder, blocks, scope, findings, list(_builds(blocks, scope)))


def _read(hcl2: Any, file: Path, root: Path, findings: list[Finding]) -> list[Block]:  # noqa: ANN401
    try:
        text = read_capped(file, errors="replace")
        tree = hcl2.parses_to_tree(text)
        options = hcl2.SerializationOptions(with_comments=False)
        data = hcl2.serialize(hcl2.transform(tree), serialization_options=options)
    except TooLargeError:
        message = f"{file.name} is larger than 5 MB; lambdalint skipped it"
        findings.append(parse_error(locate(file, root), message, severity=Severity.WARNING))
        return []
    except Exception as error:  # noqa: BLE001 - OSError, lark's and hcl2's errors alike
        line, column = getattr(error, "line", 0), getattr(error, "column", 0)
        where = locate(file, root, line or None, column or None)
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        findings.append(parse_error(where, f"{file.name} could not be read as HCL: {reason}"))
        return []
    lines = _header_lines(tree)
    return [
        Block(kind, labels, body, file, lines.get((kind, *labels)))
        for kind, node in data.items()
        for labels, body in _bodies(node, ())
    ]


def _bodies(node: object, labels: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _bodies(item, labels)
    elif isinstance(node, dict) and node.get("__is_block__"):
        yield labels, {k: v for k, v in node.items() if k[:2] != "__"}
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _bodies(value, (*labels, key.strip('"')))


def _header_lines(tree: Any) -> dict[tuple[str, ...], int]:  # noqa: ANN401
    from lark import Token, Tree  # noqa: PLC0415 - comes with hcl2

    lines: dict[tuple[str, ...], int] = {}
    for node in tree.children[0].children if tree.children else []:
        if isinstance(node, Tree) and node.data == "block" and not node.meta.empty:
            words = tuple(
                "".join(map(str, part.scan_values(lambda v: isinstance(v, Token)))).strip('"')
                for part in node.children
                if isinstance(part, Tree) and part.data in {"identifier", "string"}
            )
            lines.setdefault(words, node.meta.line)
    return lines


def _builds(blocks: list[Block], scope: Scope) -> Iterator[Build]:
    """``null_resource``/``terraform_data`` provisioners whose command runs ``pip install -r``."""
    for block in blocks:
        if not (block.is_("resource", "null_resource") or block.is_("resource", "terraform_data")):
            continue
        for item in _as_list(block.body.get("provisioner")):
            body = item.get('"local-exec"') if isinstance(item, dict) else None
            if not isinstance(body, dict):
                continue
            try:
                command = scope.text(body.get("command"))
            except Unresolved:
                command = _PATH_REF.sub(str(scope.folder), str(body.get("command")))
            try:
                base = scope.path(body.get("working_dir", '"."'))
            except Unresolved:
                base = scope.folder
            for step in Shell(base).run(command):
                if isinstance(step, Install):
                    yield from (Build(f.parent, f, step.target, command) for f in step.requirements)


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
