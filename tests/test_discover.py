"""Discovery orchestration: the walk, .gitignore, convention fallback, config and excludes."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.config import load_config
from lambdalint.discover import discover, walk


def make(tmp_path: Path, files: dict[str, str]) -> Path:
    """Write a small repository and return its root."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def found(root: Path, **kwargs) -> list[str]:
    """Names of the functions discovered under ``root``."""
    return sorted(f.name for f in discover([root], root, **kwargs).functions)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a/handler.py": "", "b/requirements.txt": "", "b/util.py": ""}, ["a", "b"]),
        ({"requirements.txt": "pytest\n", "fn/a/index.py": "", "fn/b/index.py": ""}, ["a", "b"]),
        ({"layer/requirements.txt": "requests\n", "b/setup.py": "", "b/requirements.in": ""}, []),
        ({"infra/app.py": "import aws_cdk as cdk\n", "cdk/requirements.txt": ""}, []),
        ({"stack/requirements.txt": "", "stack/main.py": "from aws_cdk import Stack\n"}, []),
        ({"a/handler.py": "", "a/sub/handler.py": ""}, ["a"]),
        ({"a/tests/handler.py": "", "a/util.py": ""}, []),
        ({"node_modules/x/index.py": "", ".venv/lib/app.py": ""}, []),
        ({"cdk/cdk.json": "{}", "cdk/app.py": ""}, []),
        ({"a/build/handler.py": "", "a/dist/app.py": ""}, []),
        ({"a/lib.py": "", "a/README.md": ""}, []),
    ],
)
def test_convention_finds_top_most_function_folders(tmp_path, files, expected):
    """A handler file, or requirements next to code, marks a function; tooling never does."""
    assert found(make(tmp_path, files)) == expected


SAM = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"template.yaml": SAM + "      CodeUri: src/\n", "src/app.py": "", "old/app.py": ""},
            ["Fn"],
        ),
        (
            {"fn/Dockerfile": "FROM public.ecr.aws/lambda/python:3.12\n", "zip/app.py": ""},
            ["fn", "zip"],
        ),
        ({"lambdalint.toml": "[[functions]]\npath = 'a'\n", "a/app.py": "", "b/app.py": ""}, ["a"]),
        (
            {
                "infra/template.yaml": SAM + "      CodeUri: ../fn/\n",
                "fn/app.py": "",
                "x/app.py": "",
            },
            ["Fn"],
        ),
        (
            {
                "svc/template.yaml": SAM + "      CodeUri: src/\n",
                "svc/src/app.py": "",
                "x/app.py": "",
            },
            ["Fn", "x"],
        ),
    ],
)
def test_convention_only_outside_projects_that_declare_functions(tmp_path, files, expected):
    """Where IaC or config declares functions (its folder and their code) only they count.

    A Dockerfile alone leaves convention discovery on; a folder beside the project stays found.
    """
    root = make(tmp_path, files)
    declared = load_config(root).functions
    assert found(root, declared=declared) == expected


def test_gitignored_folders_are_skipped(tmp_path):
    """Folders matched by .gitignore (at any level) are not walked."""
    root = make(
        tmp_path,
        {
            ".gitignore": "build-output/\n",
            "build-output/fn/handler.py": "",
            "svc/.gitignore": "*.generated.py\n",
            "svc/fn/handler.py": "",
            "svc/fn/x.generated.py": "",
        },
    )
    files = {p.relative_to(root).as_posix() for p in walk([root], root)}
    assert "svc/fn/handler.py" in files
    assert "svc/fn/x.generated.py" not in files
    assert not any(f.startswith("build-output/") for f in files)


def test_exclude_patterns_drop_functions(tmp_path):
    """--exclude/config excludes remove folders by repo-relative glob."""
    root = make(tmp_path, {"keep/handler.py": "", "legacy/old/handler.py": ""})
    assert found(root, exclude=["legacy"]) == ["keep"]
    assert found(root, exclude=["legacy/*"]) == ["keep"]


def test_config_declared_functions_win(tmp_path):
    """[[tool.lambdalint.functions]] entries are used as given and not rediscovered."""
    root = make(
        tmp_path,
        {
            "pyproject.toml": (
                "[tool.lambdalint]\n\n[[tool.lambdalint.functions]]\nname = 'api'\n"
                "path = 'src/api'\nruntime = 'python3.13'\nhandler = 'main.handler'\n"
                "installs-requirements = false\n"
            ),
            "src/api/main.py": "def handler(e, c):\n    return 1\n",
            "src/api/requirements.txt": "requests\n",
        },
    )
    config = load_config(root)
    result = discover([root], root, declared=config.functions)
    assert [
        (f.name, f.runtime, f.handler, f.installs_requirements, f.discovered_by)
        for f in result.functions
    ] == [("api", "python3.13", "main.handler", False, "config")]
    source = result.functions[0].source
    assert source is not None
    assert (source.file, source.line) == ("pyproject.toml", 3)


def test_a_file_argument_is_scanned_in_its_folder(tmp_path):
    """Passing one file (as pre-commit does) still finds the function around it."""
    root = make(tmp_path, {"fn/handler.py": "import os\n"})
    result = discover([root / "fn" / "handler.py"], root)
    assert [f.name for f in result.functions] == ["fn"]
