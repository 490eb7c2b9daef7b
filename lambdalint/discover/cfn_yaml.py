"""Load CloudFormation/SAM templates (YAML or JSON) with line numbers for every mapping key.

Short-form intrinsics (``!Ref X``, ``!GetAtt A.B``, ``!Sub``, ``!If`` …) become their long form
(``{"Ref": "X"}``, ``{"Fn::GetAtt": ["A", "B"]}`` …); an unknown ``!Tag`` becomes ``{"!Tag": …}``
instead of an error. Mappings are ``LineDict`` instances that remember the 1-based line of each
key. Alias bombs are refused before construction. PyYAML is imported only when a template is
loaded, so importing this module costs nothing. ``read_template`` and ``Template`` are what
SAM and CDK discovery share: a size-limited read that turns problems into findings, key
locations, parameter defaults and checked local folders.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lambdalint.diagnostics import locate, parse_error
from lambdalint.discover.base import TooLargeError, inside, read_capped
from lambdalint.model import Finding, Location, Severity

if TYPE_CHECKING:
    import yaml

UNREAD_FIX = "Point lambdalint at the source folder, or ignore this function."
MAX_EXPANDED_NODES = 200_000
"""Nodes a document may expand to through aliases; a billion-laughs file exceeds it at once."""

INTRINSICS = frozenset(
    {
        "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If",
        "ImportValue", "Join", "Length", "Not", "Or", "Select", "Split", "Sub", "ToJsonString",
        "Transform",
    }
)  # fmt: skip
"""Short forms ``!Name`` that mean ``Fn::Name``; ``!Ref`` and ``!Condition`` keep their name."""


class TemplateError(Exception):
    """A template that cannot be read; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class LineDict(dict[Any, Any]):
    """A mapping from a template that remembers where it and each of its keys start."""

    __line__: int | None = None

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[Hashable, int] = {}


class Lines:
    """Looks up the line of a mapping key; approximate (text search) for the JSON fallback."""

    def __init__(self, text: str | None = None) -> None:
        self._text = text

    def key(self, mapping: object, key: str) -> int | None:
        """The 1-based line where ``key`` is written in ``mapping``, when it can be told."""
        if isinstance(mapping, LineDict):
            return mapping.key_lines.get(key)
        if self._text is not None:
            match = re.search(rf'"{re.escape(key)}"\s*:', self._text)
            if match:
                return self._text.count("\n", 0, match.start()) + 1
        return None

    def of(self, mapping: object) -> int | None:
        """The 1-based line where ``mapping`` starts, when it can be told."""
        return mapping.__line__ if isinstance(mapping, LineDict) else None


def load_with_lines(text: str) -> tuple[Any, Lines]:
    """Parse a YAML or JSON template; raise ``TemplateError`` (with a line) if it is unreadable."""
    import yaml  # noqa: PLC0415 - PyYAML loads only when a template is read

    try:
        return _load(yaml, text), Lines()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        yaml_error = TemplateError(f"invalid template: {problem}", line)
    except yaml.YAMLError as error:
        yaml_error = TemplateError(f"invalid template: {error}")
    except RecursionError:
        yaml_error = TemplateError("invalid template: nested too deeply")
    except (ValueError, TypeError) as error:  # a value PyYAML cannot construct
        yaml_error = TemplateError(f"invalid template: {error}")
    if text.lstrip().startswith(("{", "[")):  # JSON that YAML refused, e.g. tab indentation
        try:
            return json.loads(text), Lines(text)
        except json.JSONDecodeError as error:
            raise TemplateError(f"invalid JSON template: {error.msg}", error.lineno) from None
        except RecursionError:
            raise TemplateError("invalid JSON template: nested too deeply") from None
    raise yaml_error


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


def _load(yaml: Any, text: str) -> object:  # noqa: ANN401 - the yaml module itself
    """Compose with libyaml when present (ten times faster), construct with ``CfnLoader``."""
    node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if node is None:
        return None
    if "&" in text:  # only anchors make aliases, and only aliases can explode
        _check_expansion(node)
    loader = _loader()("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


@functools.cache
def _loader() -> type[yaml.SafeLoader]:
    import yaml  # noqa: PLC0415 - PyYAML loads only when a template is read

    class CfnLoader(yaml.SafeLoader):
        """SafeLoader with CloudFormation tags and the line of every mapping key."""

        def construct_line_map(self, node: yaml.MappingNode) -> Iterator[LineDict]:
            data = LineDict()
            data.__line__ = node.start_mark.line + 1
            yield data
            data.update(self.construct_mapping(node))
            for key_node, _value in node.value:
                key = self.construct_object(key_node)
                if isinstance(key, Hashable):
                    data.key_lines[key] = key_node.start_mark.line + 1

        def construct_date_text(self, node: yaml.ScalarNode) -> str:
            return str(self.construct_scalar(node))

    CfnLoader.add_constructor(
        "tag:yaml.org,2002:map",
        CfnLoader.construct_line_map,
    )
    CfnLoader.add_multi_constructor("!", _construct_tag)
    # CloudFormation reads dates as strings; building datetime objects only invites errors
    # (``2020-13-45`` is a YAML timestamp that cannot be constructed).
    CfnLoader.add_constructor("tag:yaml.org,2002:timestamp", CfnLoader.construct_date_text)
    return CfnLoader


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    """The long form of a short-form tag: ``!Ref X`` becomes ``{"Ref": "X"}``."""
    import yaml  # noqa: PLC0415 - PyYAML loads only when a template is read

    value: object
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    if suffix in {"Ref", "Condition"}:
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    if suffix in INTRINSICS:
        return {f"Fn::{suffix}": value}
    return {f"!{suffix}": value} if suffix else value


def _check_expansion(root: yaml.Node) -> None:
    """Refuse documents whose aliases expand past ``MAX_EXPANDED_NODES`` or refer to themselves."""
    import yaml  # noqa: PLC0415 - PyYAML loads only when a template is read

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    # Iterative post-order walk: (node, children visited?)
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        ident = id(node)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if done:
            open_nodes.discard(ident)
            sizes[ident] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[ident] > MAX_EXPANDED_NODES:
                raise yaml.YAMLError("aliases expand to too many nodes (a YAML bomb?)")
            continue
        if ident in sizes:
            continue
        if ident in open_nodes:
            raise yaml.YAMLError("an alias refers to the node that contains it")
        open_nodes.add(ident)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
