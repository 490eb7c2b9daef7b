"""The local import graph: which of a function's files a handler really loads."""

from __future__ import annotations

import ast

import pytest

from lambdalint.read.local_imports import closure, local_edges, module_index

FILES = {
    "fn/app.py": ("app.py",),
    "fn/util.py": ("util.py",),
    "fn/pkg/__init__.py": ("pkg", "__init__.py"),
    "fn/pkg/models.py": ("pkg", "models.py"),
    "fn/pkg/db.py": ("pkg", "db.py"),
    "fn/src/core/__init__.py": ("src", "core", "__init__.py"),
    "fn/src/core/rules.py": ("src", "core", "rules.py"),
}
INDEX = module_index(FILES.items())


@pytest.mark.parametrize(
    ("parts", "code", "expected"),
    [
        (("app.py",), "import util", {"fn/util.py"}),
        (("app.py",), "from pkg import models", {"fn/pkg/__init__.py", "fn/pkg/models.py"}),
        (("app.py",), "import pkg.db", {"fn/pkg/__init__.py", "fn/pkg/db.py"}),
        (
            ("app.py",),
            "from core.rules import check",
            {"fn/src/core/__init__.py", "fn/src/core/rules.py"},
        ),
        (("pkg", "models.py"), "from . import db", {"fn/pkg/__init__.py", "fn/pkg/db.py"}),
        (("pkg", "models.py"), "from .. import util", {"fn/util.py"}),
        (("pkg", "models.py"), "from ... import nothing", set()),
        (("app.py",), "import requests, json", set()),
    ],
)
def test_local_edges(parts, code, expected):
    """Absolute, relative, package and src-layout imports resolve to the function's files."""
    assert local_edges(ast.parse(code), parts, INDEX) == expected


def test_closure_follows_edges_transitively():
    """The closure includes the start and everything reachable, once."""
    edges = {"a": frozenset({"b"}), "b": frozenset({"c", "a"}), "d": frozenset({"a"})}
    assert closure("a", edges) == {"a", "b", "c"}
