from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.discover.manifests import (
    CDK_READS,
    SAM_READS,
    cdk_bundling,
    sam_build,
    serverless_plugin,
)

POETRY = (
    '[tool.poetry.dependencies]\npython = "^3.12"\nrequests = "^2"\n\n'
    '[build-system]\nrequires = ["poetry-core"]\n'
)
POETRY_NO_BUILD = '[tool.poetry.dependencies]\npython = "^3.12"\nrequests = "^2"\n'
PROJECT = '[project]\nname = "fn"\ndependencies = ["requests"]\n'
ONLY_PYTHON = '[tool.poetry.dependencies]\npython = "^3.12"\n'


def _folder(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    root.mkdir(exist_ok=True)
    return root


@pytest.mark.parametrize(
    ("files", "installs", "skipped"),
    [
        ({}, True, None),
        ({"requirements.txt": "requests\n"}, True, None),
        ({"requirements.txt": "requests\n", "Pipfile": "[packages]\n"}, True, None),
        ({"Pipfile": "[packages]\nrequests = '*'\n"}, False, "Pipfile"),
        ({"Pipfile": "", "Pipfile.lock": "{}"}, False, "Pipfile, Pipfile.lock"),
        ({"pyproject.toml": POETRY}, False, "pyproject.toml [tool.poetry.dependencies]"),
        ({"pyproject.toml": PROJECT}, False, "pyproject.toml [project.dependencies]"),
        ({"requirements.in": "requests\n"}, False, "requirements.in"),
        ({"pyproject.toml": ONLY_PYTHON}, True, None),
        ({"pyproject.toml": "[tool.black]\nline-length = 80\n"}, True, None),
        ({"pyproject.toml": "[broken"}, True, None),
    ],
)
def test_sam_build_installs_only_requirements_txt(tmp_path, files, installs, skipped):
    """``sam build`` never installs a Pipfile, a Poetry table or [project] dependencies."""
    choice = sam_build(_folder(tmp_path / "fn", files))
    assert choice.file is None
    assert choice.installs is installs
    assert choice.installs_only == (None if installs else SAM_READS)
    assert choice.notes == (
        ()
        if skipped is None
        else (f"sam build installs only {SAM_READS}; {skipped} is not installed",)
    )


@pytest.mark.parametrize(
    ("files", "file", "installs"),
    [
        ({"Pipfile": "", "Pipfile.lock": "{}", "requirements.txt": ""}, "Pipfile", True),
        ({"Pipfile.lock": "{}"}, "Pipfile.lock", True),
        (
            {"poetry.lock": "", "pyproject.toml": POETRY, "requirements.txt": ""},
            "pyproject.toml",
            True,
        ),
        ({"Pipfile": "", "requirements.txt": ""}, None, True),
        ({"pyproject.toml": POETRY, "requirements.txt": ""}, None, True),
        ({"requirements.txt": ""}, None, True),
        ({}, None, True),
        ({"Pipfile": "[packages]\nrequests = '*'\n"}, None, False),
        ({"pyproject.toml": POETRY}, None, False),
        ({"poetry.lock": ""}, None, True),
    ],
)
def test_cdk_bundling_order(tmp_path, files, file, installs):
    """PythonFunction takes Pipfile.lock, then poetry.lock, then requirements.txt; nothing else."""
    folder = _folder(tmp_path / "fn", files)
    choice = cdk_bundling(folder)
    assert choice.file == (folder / file if file else None)
    assert choice.installs is installs
    assert choice.installs_only == (None if installs else CDK_READS)


@pytest.mark.parametrize(
    ("module", "service", "options", "expected"),
    [
        ({"pyproject.toml": POETRY, "requirements.txt": ""}, {}, {}, ("fn/pyproject.toml", True)),
        ({"pyproject.toml": POETRY}, {}, {"poetry": False}, (None, False)),
        ({"pyproject.toml": POETRY_NO_BUILD}, {}, {}, (None, False)),
        ({"requirements.txt": ""}, {"Pipfile": ""}, {}, ("Pipfile", True)),
        (
            {"requirements.txt": ""},
            {"Pipfile": ""},
            {"pipenv": False},
            ("fn/requirements.txt", True),
        ),
        ({"Pipfile": "[packages]\nx = '*'\n"}, {}, {}, (None, False)),
        ({"pyproject.toml": PROJECT, "requirements.txt": ""}, {}, {}, ("fn/pyproject.toml", True)),
        ({"requirements.txt": ""}, {}, {}, ("fn/requirements.txt", True)),
        ({}, {}, {"file_name": "requirements/prod.txt"}, ("fn/requirements/prod.txt", True)),
        ({}, {}, {}, (None, True)),
    ],
)
def test_serverless_plugin_order(tmp_path, module, service, options, expected):
    """The plugin takes a Poetry project, the service's Pipfile, [project], then its file."""
    root = _folder(tmp_path / "svc", service)
    folder = _folder(root / "fn", module)
    choice = serverless_plugin(
        folder,
        root,
        options.get("file_name", "requirements.txt"),
        poetry=options.get("poetry", True),
        pipenv=options.get("pipenv", True),
    )
    file, installs = expected
    assert choice.file == (root / file if file else None)
    assert choice.installs is installs
