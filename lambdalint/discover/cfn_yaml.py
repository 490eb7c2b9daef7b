"""CloudFormation/SAM templates as SAM, CDK and build-script discovery share them.

``read_template`` is a size-limited read that turns problems into findings; ``Template`` gives
key locations, parameter defaults, ``Fn::FindInMap`` values and checked local folders. The YAML
loading itself (short-form tags, key lines, alias bombs) is ``cfn_loader``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdalint.diagnostics import locate, parse_error
from lambdalint.discover.base import TooLargeError, inside, read_capped
from lambdalint.discover.cfn_loader import Lines, TemplateError, load_with_lines
from lambdalint.model import Finding, Location, Severity

UNREAD_FIX = "Point lambdalint at the source folder, or ignore this function."


def read_template(path: Path, root: Path) -> tuple[Any, Lines] | Finding:
    """The parsed template, or a finding saying why it could not be read."""
    where = locate(path, root)
    try:
        text = read_capped(path, "utf-8-sig")
    except TooLargeError as error:
        return parse_error(
            where,
            f"template is {error.size // 1_048_576} MB, more than lambdalint reads (5 MB); skipped",
            severity=Severity.WARNING,
        )
    except (OSError, UnicodeDecodeError) as error:
        return parse_error(where, f"cannot read template: {error}")
    try:
        return load_with_lines(text)
    except TemplateError as error:
        return parse_error(locate(path, root, error.line), error.message)


@dataclass
class Template:
    """One parsed template and what its resources need to resolve values."""

    path: Path
    root: Path
    data: dict[str, Any]
    lines: Lines
    found: list[Finding] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        """Where relative code paths start."""
        return self.path.parent

    @property
    def resources(self) -> dict[str, Any]:
        """The Resources mapping."""
        return mapping(self.data.get("Resources"))

    @property
    def sam(self) -> bool:
        """Whether the SAM transform (hence ``sam build``) applies."""
        transform = self.data.get("Transform")
        names = transform if isinstance(transform, list) else [transform]
        return any(isinstance(n, str) and n.startswith("AWS::Serverless") for n in names)

    def where(self, mapping: object, key: str) -> Location:
        """The location of ``key`` in ``mapping`` (the template file when unknown)."""
        return locate(self.path, self.root, self.lines.key(mapping, key))

    def warn(self, where: Location, message: str, function: str | None = None) -> None:
        """Record something that could not be resolved statically."""
        self.found.append(
            parse_error(where, message, UNREAD_FIX, function=function, severity=Severity.WARNING)
        )

    def literal(self, value: object) -> str | None:
        """A string value, following ``Ref`` to a parameter's literal ``Default``."""
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        ref = value.get("Ref") if isinstance(value, dict) and len(value) == 1 else None
        if not isinstance(ref, str):
            return None
        default = mapping(mapping(self.data.get("Parameters")).get(ref)).get("Default")
        return str(default) if isinstance(default, str | int | float) else None

    def map_values(self, arg: object) -> list[str]:
        """Every string ``Fn::FindInMap [map, top, second]`` can yield.

        A key that is not a literal (``!Ref AWS::Region``) ranges over all the keys it could be.
        """
        if not isinstance(arg, list) or len(arg) != len(("map", "top", "second")):
            return []
        name = self.literal(arg[0])
        level: list[object] = [mapping(self.data.get("Mappings")).get(name or "")]
        for key in arg[1:]:
            fixed = self.literal(key)
            level = [
                value
                for table in map(mapping, level)
                for key_name, value in table.items()
                if fixed is None or key_name == fixed
            ]
        return [value for value in level if isinstance(value, str)]

    def local_dir(self, value: str, where: Location, name: str) -> Path | None:
        """The folder a relative path names, or None (with a finding) when it is unusable."""
        folder = Path(value) if Path(value).is_absolute() else self.folder / value
        problem = None
        if not inside(folder, self.root):
            problem = f"'{value}' is outside the repository; not analysed"
        elif not folder.exists():
            problem = f"'{value}' does not exist (build it or fix the path)"
        elif not folder.is_dir():
            problem = f"'{value}' is a prebuilt archive; its contents are not analysed"
        if problem:
            self.warn(where, f"{name}: code {problem}", name)
            return None
        return folder.resolve()


def mapping(value: object) -> dict[str, Any]:
    """``value`` if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    """``value`` as a list: None is empty, a single item is wrapped."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_int(value: object) -> int | None:
    """``value`` if it is a literal integer."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
