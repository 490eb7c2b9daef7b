from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from files import write_files

from lambdalint.read.requirements import (
    RequirementsResult,
    parse_requirements_file,
    read_requirements,
)

FN = "fn"


def _read(root: Path, files: dict[str, str | bytes]) -> RequirementsResult:
    write_files(root, files)
    return read_requirements(root / FN, root)


def _lines(root: Path, text: str, extra: dict[str, str | bytes] | None = None):
    result = _read(root, {f"{FN}/requirements.txt": text, **(extra or {})})
    assert result.findings == ()
    return result.requirements


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("requests==2.31.0\n", ("requests", "==2.31.0", (), None, None, False, 1)),
        (
            "# a comment\n\n   # indented\nboto3>=1.34.0\n",
            ("boto3", ">=1.34.0", (), None, None, False, 4),
        ),
        ("boto3>=1.34  # comment\n", ("boto3", ">=1.34", (), None, None, False, 1)),
        ("Flask_Cors[B,a] >= 4 , <5\n", ("Flask_Cors", "<5,>=4", ("B", "a"), None, None, False, 1)),
        (
            'attrs; python_version < "3.12"\n',
            ("attrs", "", (), 'python_version < "3.12"', None, False, 1),
        ),
        (
            "numpy==1.26 \\\n  ; platform_machine == 'x86_64'\n",
            ("numpy", "==1.26", (), 'platform_machine == "x86_64"', None, False, 1),
        ),
        (
            "\n\nsix==1.16.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n",
            ("six", "==1.16.0", (), None, None, False, 3),
        ),
        ("six==1.16.0 --hash sha256:aa\n", ("six", "==1.16.0", (), None, None, False, 1)),
        (
            "pkg @ https://example.com/pkg-1.0-py3-none-any.whl\n",
            ("pkg", "", (), None, "https://example.com/pkg-1.0-py3-none-any.whl", False, 1),
        ),
        (
            "git+https://github.com/o/r.git@v1#egg=mylib\n",
            ("mylib", "", (), None, "git+https://github.com/o/r.git@v1#egg=mylib", False, 1),
        ),
        (
            "git+https://h/r.git#egg=mylib[s3]&subdirectory=py ; sys_platform == 'linux'\n",
            (
                "mylib",
                "",
                ("s3",),
                'sys_platform == "linux"',
                "git+https://h/r.git#egg=mylib[s3]&subdirectory=py",
                False,
                1,
            ),
        ),
        (
            "-e git+https://h/r.git#egg=tool\n",
            ("tool", "", (), None, "git+https://h/r.git#egg=tool", True, 1),
        ),
        (
            "--editable=git+ssh://git@h/r.git#egg=tool\n",
            ("tool", "", (), None, "git+ssh://git@h/r.git#egg=tool", True, 1),
        ),
        ("-e ./lib\n", ("shared_lib", "", (), None, "./lib", True, 1)),
        ("./lib[extra]\n", ("shared_lib", "", ("extra",), None, "./lib[extra]", False, 1)),
        ("file:lib\n", ("shared_lib", "", (), None, "file:lib", False, 1)),
        (
            "https://h/wheels/Foo_Bar-1.0-py3-none-any.whl\n",
            ("foo-bar", "", (), None, "https://h/wheels/Foo_Bar-1.0-py3-none-any.whl", False, 1),
        ),
        (
            "dist/x-2.0-py3-none-any.whl[cli]\n",
            ("x", "", ("cli",), None, "dist/x-2.0-py3-none-any.whl[cli]", False, 1),
        ),
        (
            "priv @ https://${TOKEN}@example.com/priv.whl\n",
            ("priv", "", (), None, "https://${TOKEN}@example.com/priv.whl", False, 1),
        ),
    ],
)
def test_line_syntax(tmp_path, text, expected):
    """Each requirement-line form becomes one Requirement with its parts and first line."""
    lib = {f"{FN}/lib/pyproject.toml": '[project]\nname = "shared_lib"\n'}
    (req,) = _lines(tmp_path, text, lib)
    got = (
        req.name,
        req.specifier,
        req.extras,
        req.marker,
        req.url,
        req.editable,
        req.location.line,
    )
    assert got == expected
    assert req.location.file == f"{FN}/requirements.txt"


@pytest.mark.parametrize(
    "option",
    [
        "--index-url https://pypi.example/simple",
        "-i https://pypi.example/simple",
        "--extra-index-url https://x/simple",
        "--find-links ./wheels",
        "-f ./wheels",
        "--trusted-host pypi.example",
        "--no-binary :all:",
        "--only-binary=:all:",
        "--pre",
        "--prefer-binary",
        "--require-hashes",
        "--use-feature=truststore",
        "--made-up-option x",
    ],
)
def test_option_lines_are_skipped(tmp_path, option):
    """Whole-install options are neither requirements nor errors."""
    reqs = _lines(tmp_path, f"{option}\nidna\n")
    assert [r.name for r in reqs] == ["idna"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"requirements.txt": "idna\n"}, []),
        (
            {"requirements.txt": "--find-links  https://packages.example.com/whl/links.html \nx\n"},
            [("find-links", "https://packages.example.com/whl/links.html")],
        ),
        (
            {
                "requirements.txt": "-i https://u:p@packages.example.com/simple\n"
                "--extra-index-url=https://b.example.com/simple\n-fhttps://c.example.com/l\n"
                "--no-index\n--trusted-host b.example.com\nx --hash=sha256:00\n"
            },
            [
                ("index-url", "https://u:p@packages.example.com/simple"),
                ("extra-index-url", "https://b.example.com/simple"),
                ("find-links", "https://c.example.com/l"),
                ("no-index", ""),
            ],
        ),
        (
            {"requirements.txt": "-r base.txt\n-f https://b.example.com/l\n", "base.txt": "-i I\n"},
            [("index-url", "I"), ("find-links", "https://b.example.com/l")],
        ),
        ({"requirements.txt": "-f ./missing\n"}, [("find-links", "./missing")]),
        ({"requirements.txt": "-f wheels\n", "wheels/.keep": ""}, [("find-links", "<fn>/wheels")]),
    ],
)
def test_index_options_are_kept_in_order(tmp_path, files, expected):
    """Source options of the file and its includes are kept, in pip's reading order."""
    result = _read(tmp_path, {f"{FN}/{name}": text for name, text in files.items()})
    here = str((tmp_path / FN).resolve())
    assert [(k, v.replace(here, "<fn>")) for k, v in result.index_options] == expected


def test_normalized_name(tmp_path):
    """The normalized name follows PEP 503, the name stays as written."""
    (req,) = _lines(tmp_path, "Typing.Extensions_Pkg\n")
    assert (req.name, req.normalized) == ("Typing.Extensions_Pkg", "typing-extensions-pkg")


@pytest.mark.parametrize(
    ("files", "expected", "read"),
    [
        (
            {"requirements.txt": "a\n-r base.txt\nb\n", "base.txt": "x\n"},
            [
                ("a", False, "requirements.txt"),
                ("x", False, "base.txt"),
                ("b", False, "requirements.txt"),
            ],
            ["requirements.txt", "base.txt"],
        ),
        (
            {
                "requirements.txt": "-rsub/a.txt\n--requirement=sub/b.txt\n",
                "sub/a.txt": "x\n",
                "sub/b.txt": "--requirement c.txt\n-r=d.txt\n",
                "sub/c.txt": "y\n",
                "sub/d.txt": "w\n",
            },
            [("x", False, "sub/a.txt"), ("y", False, "sub/c.txt"), ("w", False, "sub/d.txt")],
            ["requirements.txt", "sub/a.txt", "sub/b.txt", "sub/c.txt", "sub/d.txt"],
        ),
        (
            {
                "requirements.txt": "a\n-c constraints.txt\n--constraint=more.txt\n",
                "constraints.txt": "a<2\n-r nested.txt\n",
                "nested.txt": "b<3\n",
                "more.txt": "c<4\n",
            },
            [
                ("a", False, "requirements.txt"),
                ("a", True, "constraints.txt"),
                ("b", True, "nested.txt"),
                ("c", True, "more.txt"),
            ],
            ["requirements.txt", "constraints.txt", "nested.txt", "more.txt"],
        ),
        (
            {"requirements.txt": "-r ../common.txt\n", "../common.txt": "shared\n"},
            [("shared", False, "../common.txt")],
            ["requirements.txt", "../common.txt"],
        ),
        (
            {
                "requirements.txt": "-r a.txt\n-r b.txt\n",
                "a.txt": "-r c.txt\n",
                "b.txt": "-r c.txt\n",
                "c.txt": "z\n",
            },
            [("z", False, "c.txt")],
            ["requirements.txt", "a.txt", "c.txt", "b.txt"],
        ),
    ],
)
def test_includes(tmp_path, files, expected, read):
    """Includes are followed in place, relative to the including file, constraints marked."""
    result = _read(tmp_path, {f"{FN}/{name}": text for name, text in files.items()})
    assert result.findings == ()
    got = [(r.name, r.constraint, r.location.file) for r in result.requirements]
    assert got == [(n, c, _repo_path(f)) for n, c, f in expected]
    assert list(result.files) == [_repo_path(f) for f in read]


def _repo_path(name: str) -> str:
    return Path(FN, name).as_posix().replace(f"{FN}/../", "")


COMPILED = """\
#
# This file is autogenerated by pip-compile with Python 3.11
#
boto3==1.34.0
    # via -r requirements.in
botocore==1.34.0
    # via
    #   boto3
    #   s3transfer
jmespath==1.0.1  # via boto3, botocore
requests==2.31.0
    # via
    #   -c constraints.txt
    #   -r requirements.in
s3transfer==0.10.0
    # via boto3
six==1.16.0
urllib3==2.0.7
    # via
    #   -c constraints.txt
    #   botocore

# The following packages are considered to be unsafe in a requirements file:
#   not-a-via-entry
"""


COMPILED_EXPECTED = [
    ("boto3", True, ()),
    ("botocore", False, ("boto3", "s3transfer")),
    ("jmespath", False, ("boto3", "botocore")),
    ("requests", True, ()),
    ("s3transfer", False, ("boto3",)),
    ("six", True, ()),
    ("urllib3", False, ("botocore",)),
]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"requirements.in": "boto3\nURLLib3\n", "requirements.txt": COMPILED},
            [*COMPILED_EXPECTED[:5], ("six", False, ()), ("urllib3", True, ("botocore",))],
        ),
        ({"requirements.txt": COMPILED}, COMPILED_EXPECTED),
        (
            {"requirements.in": "boto3>=1.30\n"},
            [("boto3", True, ())],
        ),
        (
            {"requirements.in": "boto3\n", "requirements.txt": "pandas\nboto3\n"},
            [("pandas", True, ()), ("boto3", True, ())],
        ),
        (
            {"requirements.txt": "flask==3.0\n    # via myapp (pyproject.toml)\n"},
            [("flask", True, ("myapp",))],
        ),
    ],
)
def test_pip_tools(tmp_path, files, expected):
    """A compiled file's ``# via`` comments say which pins are direct and what pulled the rest."""
    result = _read(tmp_path, {f"{FN}/{name}": text for name, text in files.items()})
    assert result.findings == ()
    assert [(r.normalized, r.direct, r.via) for r in result.requirements] == expected


def test_pip_tools_pair_reads_both_files(tmp_path):
    """With a pair, versions come from the compiled file and both files are listed."""
    result = _read(
        tmp_path, {f"{FN}/requirements.in": "boto3\n", f"{FN}/requirements.txt": COMPILED}
    )
    assert result.files == (f"{FN}/requirements.txt", f"{FN}/requirements.in")
    assert result.requirements[0].specifier == "==1.34.0"


PYPROJECT = """\
[tool.other]
x = ["httpx>=0"]

[project]
name = "fn"
dependencies = [
    "httpx>=0.27",
    'pydantic[email]>=2; python_version >= "3.9"',
]

[project.optional-dependencies]
dev = ["pytest"]
"""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"pyproject.toml": PYPROJECT},
            [("httpx", ">=0.27", "pyproject.toml", 7), ("pydantic", ">=2", "pyproject.toml", 8)],
        ),
        (
            {"pyproject.toml": PYPROJECT, "requirements.txt": "boto3\n"},
            [
                ("boto3", "", "requirements.txt", 1),
                ("httpx", ">=0.27", "pyproject.toml", 7),
                ("pydantic", ">=2", "pyproject.toml", 8),
            ],
        ),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, []),
        ({"pyproject.toml": '[project]\nname = "fn"\ndynamic = ["dependencies"]\n'}, []),
        ({}, []),
    ],
)
def test_pyproject(tmp_path, files, expected):
    """Only ``[project.dependencies]`` counts, each at the line that spells it."""
    result = _read(tmp_path, {f"{FN}/{name}": text for name, text in files.items()})
    assert result.findings == ()
    got = [(r.name, r.specifier, r.location.file, r.location.line) for r in result.requirements]
    assert got == [(n, s, f"{FN}/{f}", line) for n, s, f, line in expected]


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + b"requests\n",
        codecs.BOM_UTF16_LE + "requests\n".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "requests\n".encode("utf-16-be"),
        b"requests\r\n",
        # PowerShell 5's `pip freeze > requirements.txt`: UTF-16 LE, BOM, CRLF.
        codecs.BOM_UTF16_LE + "requests==2.25.1\r\n".encode("utf-16-le"),
    ],
)
def test_encodings(tmp_path, data):
    """UTF-8 with or without BOM, UTF-16 with BOM and CRLF line ends all read the same."""
    assert [r.name for r in _lines(tmp_path, "", {f"{FN}/requirements.txt": data})] == ["requests"]


@pytest.mark.parametrize(
    ("files", "line", "message", "names"),
    [
        (
            {"requirements.txt": "ok\nfoo==\nalso-ok\n"},
            2,
            "Invalid requirement 'foo==': Expected",
            ["ok", "also-ok"],
        ),
        (
            {"requirements.txt": "git+https://h/r.git\nok\n"},
            1,
            "Cannot determine the distribution name of git+https://h/r.git",
            ["ok"],
        ),
        (
            {"requirements.txt": "-e ./nowhere\nok\n"},
            1,
            "Cannot determine the distribution name of ./nowhere",
            ["ok"],
        ),
        (
            {"requirements.txt": "a\n-r b.txt\n", "b.txt": "b\n-r requirements.txt\n"},
            2,
            "Include cycle: fn/requirements.txt -> fn/b.txt -> fn/requirements.txt",
            ["a", "b"],
        ),
        (
            {"requirements.txt": "-r requirements.txt\nok\n"},
            1,
            "Include cycle: fn/requirements.txt -> fn/requirements.txt",
            ["ok"],
        ),
        (
            {"requirements.txt": "-r missing.txt\nok\n"},
            1,
            "Requirements file fn/missing.txt does not exist",
            ["ok"],
        ),
        ({"requirements.txt": "-c sub\nok\n", "sub/x": ""}, 1, "Cannot read fn/sub", ["ok"]),
        ({"requirements.txt": "-r bad\x00name\nok\n"}, 1, "Cannot read 'bad\\x00name'", ["ok"]),
        ({"requirements.txt": "-r " + "n" * 5000 + "\nok\n"}, 1, "Cannot read 'nnn", ["ok"]),
        (
            {"requirements.txt": "-r https://example.com/r.txt\nok\n"},
            1,
            "Remote requirements file https://example.com/r.txt is not fetched",
            ["ok"],
        ),
        (
            {"requirements.txt": b"ok\n\xff\xfe\xfa bad\n"},
            2,
            "fn/requirements.txt is not UTF-8 or UTF-16 text",
            [],
        ),
        ({"pyproject.toml": "[project\nname = 1\n"}, 1, "Invalid TOML", []),
        (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = "boto3"\n'},
            3,
            "[project.dependencies] must be a list of strings",
            [],
        ),
        (
            {"pyproject.toml": '[project]\ndependencies = ["ok", "bad ==="]\n'},
            2,
            "Invalid requirement 'bad ===': Expected",
            ["ok"],
        ),
    ],
)
def test_bad_input(tmp_path, files, line, message, names):
    """Bad input is one parse-error finding at its file and line; the rest is still read."""
    result = _read(tmp_path, {f"{FN}/{name}": text for name, text in files.items()})
    (finding,) = result.findings
    assert finding.rule == "parse-error"
    assert finding.location.line == line
    assert finding.message.startswith(message)
    assert [r.name for r in result.requirements] == names


def test_bad_file_is_located_in_itself(tmp_path):
    """An undecodable included file is reported in that file, at the offending line."""
    result = _read(
        tmp_path, {f"{FN}/requirements.txt": "-r b.txt\n", f"{FN}/b.txt": b"x\ny\n\xff\n"}
    )
    (finding,) = result.findings
    assert (finding.location.file, finding.location.line) == (f"{FN}/b.txt", 3)


def test_parse_requirements_file_missing(tmp_path):
    """A missing top-level file is a finding at that file, not an exception."""
    result = parse_requirements_file(tmp_path / "nope.txt", tmp_path)
    (finding,) = result.findings
    assert (finding.location.file, finding.location.line) == ("nope.txt", None)
    assert result.requirements == ()


def test_parse_requirements_file_follows_includes(tmp_path):
    """The single-file entry point follows includes like the directory reader."""
    write_files(tmp_path, {"x/dev.txt": "-r base.txt\npytest\n", "x/base.txt": "boto3\n"})
    result = parse_requirements_file(tmp_path / "x/dev.txt", tmp_path)
    assert [r.name for r in result.requirements] == ["boto3", "pytest"]
    assert result.files == ("x/dev.txt", "x/base.txt")


def test_no_requirements(tmp_path):
    """A directory without dependency files yields an empty result."""
    (tmp_path / FN).mkdir()
    assert read_requirements(tmp_path / FN, tmp_path) == RequirementsResult()
