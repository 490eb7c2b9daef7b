from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from files import write_files

from lambdalint.read.poetry import poetry_specifier, python_marker
from lambdalint.read.requirements import parse_requirements_file, read_requirements

FN = "fn"


def _got(root: Path, files: dict[str, str | bytes], manifest: str | None = None):
    write_files(root / FN, files)
    result = (
        parse_requirements_file(root / FN / manifest, root)
        if manifest
        else read_requirements(root / FN, root)
    )
    assert result.findings == ()
    return [
        (r.name, r.specifier, r.extras, r.marker, r.url, r.editable, r.location.line, r.direct)
        for r in result.requirements
    ]


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("^1.2.3", "<2.0.0,>=1.2.3"),
        ("^0.2.3", "<0.3.0,>=0.2.3"),
        ("^0.0.3", "<0.0.4,>=0.0.3"),
        ("^0.0", "<0.1,>=0.0"),
        ("^0", "<1,>=0"),
        ("^1.2", "<2.0,>=1.2"),
        ("^2", "<3,>=2"),
        ("^1.2.3b1", "<2.0.0,>=1.2.3b1"),
        ("~1.2.3", "<1.3.0,>=1.2.3"),
        ("~1.2", "<1.3,>=1.2"),
        ("~1", "<2,>=1"),
        ("~=1.2", "~=1.2"),
        ("*", ""),
        ("", ""),
        ("1.2.3", "==1.2.3"),
        ("1.2.*", "==1.2.*"),
        ("=1.2", "==1.2"),
        (">= 1.2, < 1.5", "<1.5,>=1.2"),
        (">=1.2 <1.5", "<1.5,>=1.2"),
        ("!=1.3,>=1", "!=1.3,>=1"),
        ("^1.0 || ^2.0", ""),
        ("^1 | ~2", ""),
    ],
)
def test_poetry_specifier(constraint, expected):
    """Poetry's caret, tilde, wildcard and bare versions become PEP 440 (as packaging sorts it)."""
    got = poetry_specifier(constraint)
    assert ",".join(sorted(got.split(","))) == ",".join(sorted(expected.split(",")))


@pytest.mark.parametrize("constraint", ["^x", "~banana", "^", ">>1", "^1 || ^y"])
def test_poetry_specifier_rejects_nonsense(constraint):
    """Text Poetry would refuse raises ValueError (the reader turns it into a parse-error)."""
    with pytest.raises(ValueError, match="not a version constraint"):
        poetry_specifier(constraint)


MARKER_OR = (
    '(python_version >= "2.7" and python_version < "2.8") or '
    '(python_version >= "3.6" and python_version < "4.0")'
)


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("^3.9", 'python_version >= "3.9" and python_version < "4.0"'),
        (">=3.8.1", 'python_full_version >= "3.8.1"'),
        ("~2.7 || ^3.6", MARKER_OR),
        ("3.*", 'python_version == "3.*"'),
        ("*", ""),
        ("^3.8 || *", ""),
    ],
)
def test_python_marker(constraint, expected):
    """A ``python`` constraint becomes a marker on the interpreter version."""
    assert python_marker(constraint) == expected


POETRY = """\
[tool.poetry]
name = "fn"

[tool.poetry.dependencies]
python = "^3.11"
requests = "^2.31.0"
"aws-lambda-typing" = "~2.16"
pydantic = { version = "^2.5", extras = ["email"] }
attrs = "*"
old = { version = "<2", python = "<3.12" }
win = { version = ">=1", markers = "sys_platform == 'win32'" }
opt = { version = "^1", optional = true }
mylib = { git = "git@github.com:o/mylib.git", tag = "v1" }
sub = { git = "https://h/r.git", branch = "main", subdirectory = "py" }
wheel = { url = "https://h/w-1.0-py3-none-any.whl" }
local = { path = "../local", develop = true }

[tool.poetry.dependencies.tbl]
version = "^3.1"

[tool.poetry.group.dev.dependencies]
pytest = "*"

[tool.poetry.dev-dependencies]
black = "*"
"""
POETRY_EXPECTED = [
    ("requests", "<3.0.0,>=2.31.0", (), None, None, False, 6, True),
    ("aws-lambda-typing", "<2.17,>=2.16", (), None, None, False, 7, True),
    ("pydantic", "<3.0,>=2.5", ("email",), None, None, False, 8, True),
    ("attrs", "", (), None, None, False, 9, True),
    ("old", "<2", (), 'python_version < "3.12"', None, False, 10, True),
    ("win", ">=1", (), 'sys_platform == "win32"', None, False, 11, True),
    ("mylib", "", (), None, "git+ssh://git@github.com/o/mylib.git@v1", False, 13, True),
    ("sub", "", (), None, "git+https://h/r.git@main#subdirectory=py", False, 14, True),
    ("wheel", "", (), None, "https://h/w-1.0-py3-none-any.whl", False, 15, True),
    ("local", "", (), None, "../local", True, 16, True),
    ("tbl", "<4.0,>=3.1", (), None, None, False, 18, True),
]


@pytest.mark.parametrize(
    ("files", "manifest", "expected"),
    [
        ({"pyproject.toml": POETRY}, "pyproject.toml", POETRY_EXPECTED),
        ({"pyproject.toml": POETRY}, None, POETRY_EXPECTED),
        (
            {"pyproject.toml": POETRY, "requirements.txt": "boto3\n"},
            None,
            [("boto3", "", (), None, None, False, 1, True)],
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "fn"\ndependencies = ["httpx>=0.27"]\n\n'
                '[project.optional-dependencies]\ncli = ["rich"]\n\n'
                '[dependency-groups]\ndev = ["pytest"]\n\n'
                '[tool.poetry.dependencies]\nhttpx = { source = "private" }\n'
            },
            "pyproject.toml",
            [("httpx", ">=0.27", (), None, None, False, 3, True)],
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "fn"\ndynamic = ["dependencies"]\n\n'
                '[tool.poetry.dependencies]\nhttpx = "^0.27"\n'
            },
            "pyproject.toml",
            [("httpx", "<0.28,>=0.27", (), None, None, False, 6, True)],
        ),
        (
            {
                "pyproject.toml": "[tool.poetry.dependencies]\nmulti = [\n"
                '  { version = "<=1.9", python = "<3.8" },\n'
                '  { version = "^2.0", python = ">=3.8" },\n]\n'
            },
            "pyproject.toml",
            [
                ("multi", "<=1.9", (), 'python_version < "3.8"', None, False, 2, True),
                ("multi", "<3.0,>=2.0", (), 'python_version >= "3.8"', None, False, 2, True),
            ],
        ),
    ],
)
def test_poetry(tmp_path, files, manifest, expected):
    """Only the main table installs: no python, optional, group or dev-dependencies entries."""
    assert _got(tmp_path, files, manifest) == expected


PIPFILE = """\
[[source]]
url = "https://packages.example.com/simple"
name = "index"

[packages]
requests = "*"
Django = "==4.2"
numpy = {version = ">=1.26", extras = ["x"], markers = "os_name == 'posix'"}
winonly = {version = "*", sys_platform = "== 'win32'"}
mylib = {git = "https://github.com/o/mylib.git", ref = "main", editable = true}
bare = "1.2"

[dev-packages]
pytest = "*"

[requires]
python_version = "3.11"
"""
PIPFILE_EXPECTED = [
    ("requests", "", (), None, None, False, 6, True),
    ("Django", "==4.2", (), None, None, False, 7, True),
    ("numpy", ">=1.26", ("x",), 'os_name == "posix"', None, False, 8, True),
    ("winonly", "", (), 'sys_platform == "win32"', None, False, 9, True),
    ("mylib", "", (), None, "git+https://github.com/o/mylib.git@main", True, 10, True),
    ("bare", "==1.2", (), None, None, False, 11, True),
]
LOCK = {
    "_meta": {"pipfile-spec": 6},
    "default": {
        "certifi": {"hashes": [], "markers": "python_version >= '3.6'", "version": "==2024.2.2"},
        "django": {"hashes": [], "index": "index", "version": "==4.2"},
        "requests": {"hashes": [], "index": "index", "version": "==2.31.0"},
    },
    "develop": {"pytest": {"version": "==8.0.0"}},
}
LOCKED = [
    ("certifi", "==2024.2.2", (), 'python_version >= "3.6"', None, False, 6, False),
    ("Django", "==4.2", (), None, None, False, 7, True),
    ("requests", "==2.31.0", (), None, None, False, 6, True),
    *(e for e in PIPFILE_EXPECTED if e[0] not in {"Django", "requests"}),
]


@pytest.mark.parametrize(
    ("files", "manifest", "expected"),
    [
        ({"Pipfile": PIPFILE}, "Pipfile", PIPFILE_EXPECTED),
        ({"Pipfile": PIPFILE}, None, PIPFILE_EXPECTED),
        ({"Pipfile": PIPFILE, "Pipfile.lock": json.dumps(LOCK, indent=4)}, "Pipfile", LOCKED),
        ({"Pipfile": PIPFILE, "Pipfile.lock": json.dumps(LOCK, indent=4)}, None, LOCKED),
        (
            {"Pipfile.lock": json.dumps(LOCK, indent=4)},
            "Pipfile.lock",
            [
                ("certifi", "==2024.2.2", (), 'python_version >= "3.6"', None, False, 6, True),
                ("django", "==4.2", (), None, None, False, 11, True),
                ("requests", "==2.31.0", (), None, None, False, 16, True),
            ],
        ),
        (
            {"Pipfile": PIPFILE, "requirements.txt": "boto3\n"},
            None,
            [("boto3", "", (), None, None, False, 1, True)],
        ),
        ({"Pipfile": "[dev-packages]\npytest = '*'\n"}, "Pipfile", []),
    ],
)
def test_pipfile(tmp_path, files, manifest, expected):
    """[packages] install, pinned by the lock's default section; dev-packages never do."""
    assert _got(tmp_path, files, manifest) == expected


def test_pipfile_lock_pins_are_direct_only_when_listed(tmp_path):
    """With a Pipfile, lock pins it does not list are transitive and sit at their lock line."""
    write_files(tmp_path / FN, {"Pipfile": PIPFILE, "Pipfile.lock": json.dumps(LOCK, indent=4)})
    result = read_requirements(tmp_path / FN, tmp_path)
    assert result.files == ("fn/Pipfile", "fn/Pipfile.lock")
    where = {r.name: (r.location.file, r.direct) for r in result.requirements}
    assert where["certifi"] == ("fn/Pipfile.lock", False)
    assert where["requests"] == ("fn/Pipfile", True)


@pytest.mark.parametrize(
    ("files", "manifest", "where", "message"),
    [
        ({"Pipfile": "[packages\n"}, "Pipfile", ("fn/Pipfile", 1), "Invalid TOML"),
        ({"Pipfile": 'packages = "x"\n'}, "Pipfile", ("fn/Pipfile", None), "[packages] must be"),
        ({"Pipfile": "[packages]\nx = 3\n"}, "Pipfile", ("fn/Pipfile", 2), "neither a string"),
        ({"Pipfile": "[packages]\nx = '>>1'\n"}, "Pipfile", ("fn/Pipfile", 2), "Invalid version"),
        ({"Pipfile.lock": "{\n  nope"}, "Pipfile.lock", ("fn/Pipfile.lock", 2), "Invalid JSON"),
        ({"Pipfile.lock": '{"default": []}'}, "Pipfile.lock", ("fn/Pipfile.lock", None), "must be"),
        (
            {"pyproject.toml": "[tool.poetry.dependencies]\nx = '^nope'\n"},
            "pyproject.toml",
            ("fn/pyproject.toml", 2),
            "Invalid Poetry dependency 'x'",
        ),
        (
            {"pyproject.toml": "[tool.poetry]\ndependencies = 3\n"},
            "pyproject.toml",
            ("fn/pyproject.toml", 2),
            "[tool.poetry.dependencies] must be a table",
        ),
        (
            {"pyproject.toml": "[tool.poetry.dependencies]\nx = true\n"},
            "pyproject.toml",
            ("fn/pyproject.toml", 2),
            "neither a string nor a table",
        ),
    ],
)
def test_bad_manifests_are_parse_errors(tmp_path, files, manifest, where, message):
    """A broken Pipfile, lock or Poetry table is one parse-error at its line, never a crash."""
    write_files(tmp_path / FN, files)
    result = parse_requirements_file(tmp_path / FN / manifest, tmp_path)
    assert [(f.rule, f.location.file, f.location.line) for f in result.findings] == [
        ("parse-error", *where)
    ]
    assert message in result.findings[0].message


def test_missing_manifest_is_a_parse_error(tmp_path):
    """A Pipfile the IaC names but the folder lacks is reported like a missing requirements file."""
    (tmp_path / FN).mkdir()
    result = parse_requirements_file(tmp_path / FN / "Pipfile", tmp_path)
    assert [f.message for f in result.findings] == ["Requirements file fn/Pipfile does not exist"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("Pipfile", codecs.BOM_UTF8 + b"[packages]\nrequests = '*'\n"),
        ("Pipfile", codecs.BOM_UTF16_LE + "[packages]\r\nrequests = '*'\r\n".encode("utf-16-le")),
        (
            "pyproject.toml",
            codecs.BOM_UTF16_LE
            + '[tool.poetry.dependencies]\r\nrequests = "*"\r\n'.encode("utf-16-le"),
        ),
    ],
)
def test_manifest_encodings(tmp_path, name, data):
    """Pipfiles and pyproject files saved with a BOM (UTF-8, or UTF-16 from PowerShell) read."""
    assert [r[0] for r in _got(tmp_path, {name: data}, name)] == ["requests"]
