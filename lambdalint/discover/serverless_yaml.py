"""Load ``serverless.yml`` (or ``.json``) into line-aware values, tolerating any ``!Tag``.

Why not ``cfn_yaml``: a serverless file is not a CloudFormation template. Here any ``!Name``
becomes ``{"Fn::Name": value}`` with its value as written (``!GetAtt A.B`` stays a string),
keys are strings, a scalar PyYAML cannot construct (an impossible date) stays text, aliases
are shared rather than refused (nothing walks the whole document, so a YAML bomb costs
nothing), and every mapping knows its dotted path for messages (``functions.hello.handler``).
"""

from __future__ import annotations

import functools
from typing import Any


class Node(dict[str, Any]):
    """A YAML mapping that knows its dotted path, its line and each key's line (1-based)."""

    __slots__ = ("line", "lines", "path")

    def __init__(self, line: int, path: str = "") -> None:
        super().__init__()
        self.line, self.path = line, path
        self.lines: dict[str, int] = {}

    def at(self, key: str) -> int:
        """The line of ``key``, else of the mapping."""
        return self.lines.get(key, self.line)

    def attr(self, key: str) -> str:
        """The dotted name of ``key``, for messages (``functions.hello.handler``)."""
        return f"{self.path}.{key}" if self.path else key


def load(text: str) -> Any:  # noqa: ANN401 - a YAML document is any value
    """Parse YAML or JSON into ``Node``/list/scalars; unknown ``!Tags`` become plain values."""
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.build(node, "", {})
    finally:
        loader.dispose()


@functools.cache
def _loader_class() -> Any:  # noqa: ANN401 - made on first use so PyYAML is imported lazily
    import yaml  # noqa: PLC0415 - only runs when a serverless file is read

    class Loader(yaml.SafeLoader):
        """Composes nodes, then builds line-aware values; ``!Ref X`` becomes ``{"Ref": X}``."""

        def build(self, node: yaml.Node, path: str, memo: dict[int, Any]) -> Any:  # noqa: ANN401
            if id(node) in memo:  # an alias is shared, never expanded again (no alias bombs)
                return memo[id(node)]
            value: Any
            if isinstance(node, yaml.MappingNode):
                self.flatten_mapping(node)  # ``<<: *anchor`` merge keys
                value = memo[id(node)] = Node(node.start_mark.line + 1, path)
                for key_node, value_node in node.value:
                    key = str(self.build(key_node, "", memo))
                    value[key] = self.build(value_node, value.attr(key), memo)
                    value.lines[key] = key_node.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode):
                value = memo[id(node)] = []
                value.extend(self.build(item, f"{path}[]", memo) for item in node.value)
            elif node.tag.startswith("tag:yaml.org,2002:"):
                try:
                    value = self.construct_object(node)
                except (yaml.YAMLError, ValueError, TypeError):  # e.g. an impossible date
                    value = node.value
            else:
                value = node.value
            if node.tag.startswith("!"):  # CloudFormation short form, or any unknown tag
                name = node.tag[1:]
                value = {name if name in {"Ref", "Condition"} else f"Fn::{name}": value}
            return value

    return Loader
