"""The YAML side of CloudFormation/SAM templates: short-form tags and a line for every key.

Short-form intrinsics (``!Ref X``, ``!GetAtt A.B``, ``!Sub``, ``!If`` …) become their long form
(``{"Ref": "X"}``, ``{"Fn::GetAtt": ["A", "B"]}`` …); an unknown ``!Tag`` becomes ``{"!Tag": …}``
instead of an error. Mappings are ``LineDict`` instances that remember the 1-based line of each
key. Alias bombs are refused before construction. PyYAML is imported only when a template is
loaded, so importing this module costs nothing.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

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
