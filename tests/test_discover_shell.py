"""Shell command lines read as words: pip installs, requirement exports, ``cd`` and variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.discover.shell import (
    Export,
    Install,
    Shell,
    Zip,
    export,
    pip_install,
    pip_packages,
    split,
)

ROOT = Path("/repo")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("pip install -r requirements.txt -t build", ("build", ["requirements.txt"])),
        ("pip3.12 install --requirement=r.txt --target=out", ("out", ["r.txt"])),
        ("python3 -m pip install -rreq.txt -tpkg", ("pkg", ["req.txt"])),
        ("uv pip install -r a.txt -r b.txt --target x", ("x", ["a.txt", "b.txt"])),
        ("PIP_NO_CACHE_DIR=1 pip install -r r.txt", (None, ["r.txt"])),
        ("pip install --platform manylinux2014_x86_64 -r r.txt -t d", ("d", ["r.txt"])),
        ("pip install requests -t d", ("d", [])),
        ("pip download -r r.txt -d wheels", None),
        ("pipx install poetry", None),
    ],
)
def test_pip_install(line, expected):
    """A pip install gives its target and requirements files; other commands give None."""
    assert pip_install(split(line)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("pip3 install pipenv", ["pipenv"]),
        ('pip install "requests>=2" boto3==1.34.0 -t /x', ["requests>=2", "boto3==1.34.0"]),
        ("PIP_X=1 python -m pip install numpy[all] --no-cache-dir", ["numpy[all]"]),
        ("pip install --trusted-host packages.example.com .", []),
        ("pip install ./pkg.whl dist/app.tar.gz git+https://packages.example.com/a.git", []),
        ("pip install -e . -r requirements.txt", []),
        ("pip download requests", []),
    ],
)
def test_pip_packages(line, expected):
    """The requirements a pip install names on its command line; paths and URLs are not."""
    assert pip_packages(split(line)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "poetry export --without-hashes -f requirements.txt -o requirements.txt",
            ("poetry export", "requirements.txt", None),
        ),
        ("poetry export -f requirements.txt > req.txt", ("poetry export", "req.txt", None)),
        ("uv export --no-dev --output-file=r.txt", ("uv export", "r.txt", None)),
        ("uv export --project svc -o r.txt", ("uv export", "r.txt", "svc")),
        ("pdm export -o r.txt --prod", ("pdm export", "r.txt", None)),
        ("pip freeze > r.txt", ("pip freeze", "r.txt", None)),
        ("pip-compile -o r.txt requirements.in", ("pip-compile", "r.txt", "requirements.in")),
        ("uv pip compile pyproject.toml -o r.txt", ("pip compile", "r.txt", "pyproject.toml")),
        ("poetry export -f requirements.txt", None),
        ("poetry install", None),
    ],
)
def test_export(line, expected):
    """Exporters give (tool, the file written, their input); without an output file, None."""
    assert export(split(line)) == expected


SCRIPT_CASES = [
    (
        "relative-to-cwd",
        "pip install -r requirements.txt -t layer/python\n",
        [Install(1, (ROOT / "requirements.txt",), ROOT / "layer/python")],
    ),
    (
        "cd-and-continuation",
        "cd services/api && \\\n  pip install -r req.txt \\\n  -t ../../build\n",
        [Install(1, (ROOT / "services/api/req.txt",), ROOT / "build")],
    ),
    (
        "subshell-cd-does-not-last",
        "(cd build && zip -r ../x.zip .)\npip install -r r.txt -t out\n",
        [
            Zip(1, ROOT / "x.zip", ROOT / "build", (ROOT / "build",)),
            Install(2, (ROOT / "r.txt",), ROOT / "out"),
        ],
    ),
    (
        "zip-options-and-implied-suffix",
        "zip -r -q -9 dist/fn app.py python/ -x '*.pyc' tests\n",
        [Zip(1, ROOT / "dist/fn.zip", ROOT, (ROOT / "app.py", ROOT / "python"))],
    ),
    (
        "sh-c-inside-docker-run",
        (
            'docker run -v "$PWD":/var/task img /bin/sh -c "cd src && pip install -r r.txt -t py"\n'
            "pip install -r r.txt -t out\n"
        ),
        [
            Install(1, (ROOT / "src/r.txt",), ROOT / "src/py"),
            Install(2, (ROOT / "r.txt",), ROOT / "out"),
        ],
    ),
    (
        "script-dir-quietly",
        (
            'D="$( cd "$( dirname "${BASH_SOURCE[0]}" )" &> /dev/null && pwd )"\n'
            'zip -r "$D/layer.zip" python\n'
        ),
        [Zip(2, ROOT / "scripts/layer.zip", ROOT, (ROOT / "python",))],
    ),
    (
        "variables",
        'OUT="dist/layer"\nexport REQ=reqs/prod.txt\npip install -r "$REQ" -t "${OUT}/python"\n',
        [Install(3, (ROOT / "reqs/prod.txt",), ROOT / "dist/layer/python")],
    ),
    (
        "dirname-of-script",
        'cd "$(dirname "$0")/.."\npip install -r r.txt -t out\n',
        [Install(2, (ROOT / "r.txt",), ROOT / "out")],
    ),
    (
        "export-then-install",
        "poetry export -o build/r.txt\npip install -r build/r.txt -t build/layer\n",
        [
            Export(1, "poetry export", ROOT / "build/r.txt", ROOT / "pyproject.toml"),
            Install(2, (ROOT / "build/r.txt",), ROOT / "build/layer"),
        ],
    ),
    (
        "listing-of-the-folder",
        "cd fn\nitems=$(ls -A | tr '\\n' ' ')\nzip -r fn.zip $items\n",
        [Zip(3, ROOT / "fn/fn.zip", ROOT / "fn", (ROOT / "fn",))],
    ),
    (
        "moved-then-uploaded",
        "cd fn && zip -r fn.zip .\ncd ..\nmv fn/fn.zip dist/\naws s3 cp dist/fn.zip s3://b/v2/api.zip\n",
        [
            Zip(1, ROOT / "fn/fn.zip", ROOT / "fn", (ROOT / "fn",)),
            Zip(1, ROOT / "dist/fn.zip", ROOT / "fn", (ROOT / "fn",)),
            Zip(1, ROOT / "dist/fn.zip", ROOT / "fn", (ROOT / "fn",), uploaded="api.zip"),
        ],
    ),
    (
        "copies-of-other-files",
        "cp a.zip b.zip\naws s3 cp s3://b/x.zip y.zip\naws s3 cp x.zip s3://b/${KEY}\n",
        [],
    ),
    (
        "heredoc-and-comments",
        "# pip install -r no.txt -t no\ncat <<EOF > x\npip install -r no.txt -t no\nEOF\n",
        [],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in SCRIPT_CASES], ids=[c[0] for c in SCRIPT_CASES]
)
def test_shell_run(text, expected):
    """Paths land where the script would put them: after ``cd``, variables and continuations."""
    assert list(Shell(ROOT, here=ROOT / "scripts").run(text)) == expected


def test_unbalanced_quote_still_reads_the_words():
    """A line shlex cannot split is read as plain words rather than dropped."""
    [step] = Shell(ROOT).run("pip install -r r.txt -t out 'oops\n")
    assert step == Install(1, (ROOT / "r.txt",), ROOT / "out")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            (
                "git clone --depth 1 https://git.example.com/shop.git src\n"
                "cd src/fn\nzip -r ../../fn.zip .\ncd ../..\npip install -r src/r.txt -t python\n"
            ),
            [
                Zip(3, ROOT / "fn.zip", ROOT / "fn", (ROOT / "fn",)),
                Install(5, (ROOT / "r.txt",), ROOT / "python"),
            ],
        ),
        (
            "git clone https://git.example.com/shop.git\ncd shop && zip -r ../a.zip fn\n",
            [Zip(2, ROOT / "a.zip", ROOT, (ROOT / "fn",))],
        ),
        (
            "git clone https://git.example.com/other.git src\ncd src && zip -r ../a.zip fn\n",
            [Zip(2, ROOT / "a.zip", ROOT / "src", (ROOT / "src/fn",))],
        ),
    ],
)
def test_clone_of_the_repository(script, expected):
    """Paths in a clone of a known URL are the original folder's; ``../`` leaves the clone."""
    shell = Shell(ROOT, clones={"https://git.example.com/shop.git": ROOT})
    assert list(shell.run(script)) == expected
