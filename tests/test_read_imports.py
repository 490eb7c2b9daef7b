"""Tests for the import reader: what is emitted, guards, scope and the files it walks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from files import write_files

from lambdalint.read.imports import CodeScan, scan_code

TARGET = (3, 11)


def scan(tmp_path: Path, files: dict[str, str | bytes], **kwargs) -> CodeScan:
    """Write ``files`` under tmp_path/fn and scan that function directory."""
    code = tmp_path / "fn"
    write_files(code, files)
    code.mkdir(exist_ok=True)
    return scan_code(code, tmp_path, kwargs.pop("target", TARGET), **kwargs)


def refs(result: CodeScan) -> list[tuple[str, int | None, int | None, bool, bool, bool]]:
    """Flatten imports for comparison: module, line, column, optional, top_level, dynamic."""
    return [
        (r.module, r.location.line, r.location.column, r.optional, r.top_level, r.dynamic)
        for r in result.imports
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import a.b.c\n", [("a.b.c", 1, 1, False, True, False)]),
        ("import a, b as c\n", [("a", 1, 1, False, True, False), ("b", 1, 1, False, True, False)]),
        ("from a.b import c\n", [("a.b", 1, 1, False, True, False)]),
        ("from a import b, c\n", [("a", 1, 1, False, True, False)]),
        ("from . import x\nfrom .m import y\nfrom ..p import z\n", []),
        ("def f():\n    import a\n", [("a", 2, 5, False, False, False)]),
        ("f = lambda: __import__('a')\n", [("a", 1, 13, False, False, True)]),
        ("class C:\n    import a\n", [("a", 2, 5, False, True, False)]),
        (
            "if x:\n    import a\nelse:\n    import b\n",
            [("a", 2, 5, False, True, False), ("b", 4, 5, False, True, False)],
        ),
        (
            "try:\n    import a\nexcept ImportError:\n    import b\n",
            [("a", 2, 5, True, True, False), ("b", 4, 5, False, True, False)],
        ),
        (
            "try:\n    import a\nexcept (ValueError, ModuleNotFoundError):\n    pass\n",
            [("a", 2, 5, True, True, False)],
        ),
        (
            "try:\n    import a\nexcept builtins.ImportError:\n    pass\n",
            [("a", 2, 5, True, True, False)],
        ),
        ("try:\n    import a\nexcept:\n    pass\n", [("a", 2, 5, True, True, False)]),
        ("try:\n    import a\nexcept Exception:\n    pass\n", [("a", 2, 5, True, True, False)]),
        ("try:\n    import a\nexcept BaseException:\n    pass\n", [("a", 2, 5, True, True, False)]),
        ("try:\n    import a\nexcept KeyError:\n    pass\n", [("a", 2, 5, False, True, False)]),
        (
            "try:\n    import a\nfinally:\n    import b\n",
            [("a", 2, 5, False, True, False), ("b", 4, 5, False, True, False)],
        ),
        ("try:\n    import a\nexcept* ImportError:\n    pass\n", [("a", 2, 5, True, True, False)]),
        (
            "with contextlib.suppress(ImportError):\n    import a\n",
            [("a", 2, 5, True, True, False)],
        ),
        ("with suppress(KeyError):\n    import a\n", [("a", 2, 5, False, True, False)]),
        (
            "if TYPE_CHECKING:\n    import a\nelse:\n    import b\n",
            [("b", 4, 5, False, True, False)],
        ),
        ("if typing.TYPE_CHECKING:\n    import a\n", []),
        (
            "import importlib\nimportlib.import_module('a.b')\n",
            [("importlib", 1, 1, False, True, False), ("a.b", 2, 1, False, True, True)],
        ),
        ("import_module(name='a')\n", [("a", 1, 1, False, True, True)]),
        ("import_module('.a', 'pkg')\nimport_module(x)\n__import__('not-a-name')\n", []),
        (
            "import a\nimport a\n",
            [("a", 1, 1, False, True, False), ("a", 2, 1, False, True, False)],
        ),
        ("def f(x=__import__('a')):\n    pass\n", [("a", 1, 9, False, True, True)]),
        (
            "async def f():\n    try:\n        import a\n    except ImportError:\n        pass\n",
            [("a", 3, 9, True, False, False)],
        ),
    ],
)
def test_import_table(tmp_path, source, expected):
    """Each import form is reported with its location, guards and scope."""
    assert refs(scan(tmp_path, {"index.py": source})) == expected


def test_deep_nesting_does_not_recurse(tmp_path):
    """A chain too deep for a recursive visitor is still walked (the host parses 2000)."""
    source = "x = " + " + ".join(["a"] * 2000) + "\nimport z\n"
    assert [r.module for r in scan(tmp_path, {"index.py": source}).imports] == ["z"]


def test_too_deep_for_the_host_parser_is_a_finding(tmp_path):
    """A chain the host parser itself cannot build is a parse-error, not a crash."""
    result = scan(tmp_path, {"index.py": "x = " + " + ".join(["a"] * 20000) + "\n"})
    assert "cannot parse" in result.findings[0].message


def test_local_and_sibling_imports_are_dropped(tmp_path):
    """Imports of the function's own modules, src layout and same-directory siblings vanish."""
    result = scan(
        tmp_path,
        {
            "index.py": "import util, pkg.x, nsp, core, requests\n",
            "util.py": "",
            "pkg/__init__.py": "",
            "nsp/mod.py": "import helper, json\n",
            "nsp/helper.py": "",
            "src/core/__init__.py": "",
        },
    )
    assert result.local_modules == frozenset({"index", "util", "pkg", "nsp", "src", "core"})
    assert [(r.module, r.location.file) for r in result.imports] == [
        ("requests", "fn/index.py"),
        ("json", "fn/nsp/mod.py"),
    ]


def test_walk_skips_non_function_code(tmp_path):
    """Hidden, cache, metadata, virtualenv, node_modules, test and skipped code is not read."""
    result = scan(
        tmp_path,
        {
            "index.py": "",
            ".hidden/a.py": "",
            "__pycache__/b.py": "",
            "x.dist-info/c.py": "",
            "y.egg-info/d.py": "",
            "node_modules/e.py": "",
            "tests/f.py": "",
            "test/g.py": "",
            "venv/lib/h.py": "",
            "env/Lib/i.py": "",
            "myenv/pyvenv.cfg": "",
            "myenv/j.py": "",
            "test_k.py": "",
            "l_test.py": "",
            "conftest.py": "",
            "requests/__init__.py": "import idna\n",
            "six.py": "import os\n",
            "app/handlers.py": "",
            "envs/m.py": "",
        },
        skip=frozenset({"requests", "six"}),
    )
    assert result.files == ("fn/app/handlers.py", "fn/envs/m.py", "fn/index.py")
    assert result.local_modules == frozenset({"app", "envs", "index"})
    assert result.imports == ()


def test_definitions(tmp_path):
    """Top-level bound names are recorded per dotted module, TYPE_CHECKING-only ones are not."""
    result = scan(
        tmp_path,
        {
            "index.py": (
                "import os.path\nimport json as j\nfrom x import y, z as w\nfrom q import *\n"
                "def handler(e, c):\n    inner = 1\nasync def ah():\n    pass\n"
                "class K:\n    m = 1\n"
                "a, (b, *c) = 1, (2, 3)\nd: int = 1\ne: int\nif TYPE_CHECKING:\n    import t\n"
                "try:\n    import ujson as fast\nexcept ImportError:\n    fast = None\n"
                "for i in range(3):\n    pass\nwith open('f') as fh:\n    g = 1\n"
            ),
            "app/__init__.py": "X = 1\n",
            "app/handlers.py": "def main():\n    pass\n",
            "src/svc/api.py": "def run():\n    pass\n",
        },
    )
    assert result.definitions["index"] == frozenset(
        {
            "os",
            "j",
            "y",
            "w",
            "handler",
            "ah",
            "K",
            "a",
            "b",
            "c",
            "d",
            "fast",
            "i",
            "g",
        }
    )
    assert result.definitions["app"] == frozenset({"X"})
    assert result.definitions["app.handlers"] == frozenset({"main"})
    assert result.definitions["src.svc.api"] == {"run"}
    assert "svc.api" not in result.definitions  # Lambda never puts src/ on sys.path


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"x = 1\ny = \xff\n", 2, "cannot decode as utf-8"),
        (b"# -*- coding: latin-1 -*-\nimport a\nx = '\xe9'\n", None, None),
        (b"# coding: nope\nimport a\n", 1, "bad encoding declaration"),
        (b"import a\nx = 1\x00\n", 2, "null byte"),
        (b"\xef\xbb\xbfimport a\n", None, None),
        (b"import a\ndef f(:\n", 2, "cannot parse"),
        (b"import a\r\nx = 1\r\n", None, None),
    ],
)
def test_bad_input_is_a_finding(tmp_path, content, line, fragment):
    """Undecodable, badly declared, binary and broken files become parse-error findings."""
    result = scan(tmp_path, {"index.py": content, "ok.py": "import b\n"})
    if fragment is None:
        assert result.findings == ()
        assert [r.module for r in result.imports] == ["a", "b"]
    else:
        (finding,) = result.findings
        assert (finding.rule, finding.location.file, finding.location.line) == (
            "parse-error",
            "fn/index.py",
            line,
        )
        assert fragment in finding.message
        assert [r.module for r in result.imports] == ["b"]
    assert result.files == ("fn/index.py", "fn/ok.py")


def test_huge_file_is_skipped(tmp_path):
    """A file over 5 MB is not read and says so."""
    result = scan(tmp_path, {"index.py": "#" * (5 * 1024 * 1024 + 1)})
    (finding,) = result.findings
    assert "skipped" in finding.message


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_is_a_finding(tmp_path):
    """A file without read permission is reported, not raised."""
    result = scan(tmp_path, {"index.py": "import a\n"})
    path = tmp_path / "fn" / "index.py"
    path.chmod(0)
    try:
        result = scan_code(tmp_path / "fn", tmp_path, TARGET)
    finally:
        path.chmod(0o644)
    assert "cannot read" in result.findings[0].message


def test_dangling_symlink_is_a_finding(tmp_path):
    """A .py symlink to nowhere is reported as unreadable."""
    code = tmp_path / "fn"
    code.mkdir()
    (code / "index.py").symlink_to(tmp_path / "missing.py")
    (finding,) = scan_code(code, tmp_path, TARGET).findings
    assert (finding.location.file, "cannot read" in finding.message) == ("fn/index.py", True)


@pytest.mark.parametrize(
    ("target", "mentions_host"),
    [((3, 11), False), ((3, 99), True)],
)
def test_host_parse_error_mentions_host_for_newer_targets(tmp_path, target, mentions_host):
    """Code the host cannot parse is a finding that blames the host when the target is newer."""
    result = scan(tmp_path, {"index.py": "x = (\n"}, target=target)
    (finding,) = result.findings
    assert ("lambdalint runs on Python" in finding.message) is mentions_host


@pytest.mark.parametrize(
    ("copied", "dest", "modules"),
    [
        ("shared", "shared", {"shared.db": "shared/db.py", "shared": "shared/__init__.py"}),
        ("shared", "", {"db": "shared/db.py"}),
        ("shared/db.py", "lib/store.py", {"lib.store": "shared/db.py"}),
        ("shared/test_db.py", "lib/test_db.py", {}),
        ("shared/db.py", "lib/store", {}),
    ],
)
def test_copied_code_is_read_at_its_deployed_path(tmp_path, copied, dest, modules):
    """Code copied in from outside the folder is named by where it lands, reported where it is."""
    write_files(
        tmp_path,
        {
            "shared/__init__.py": "",
            "shared/db.py": "import requests\n",
            "shared/test_db.py": "import pytest\n",
        },
    )
    result = scan(tmp_path, {"index.py": "import lib.store\n"}, copied=((tmp_path / copied, dest),))
    found = {m: f for m, f in result.module_files.items() if m != "index"}
    assert found == modules
    assert [r.module for r in result.imports if r.location.file != "fn/index.py"] == (
        ["requests"] if any(f == "shared/db.py" for f in modules.values()) else []
    )
    assert [r.module for r in result.imports if r.location.file == "fn/index.py"] == (
        [] if "lib.store" in modules else ["lib.store"]
    )
