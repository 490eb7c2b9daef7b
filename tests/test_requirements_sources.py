"""A requirements file's own ``--find-links``/``--index-url`` lines, end to end through the CLI.

pip applies them to that file's install; so must the resolution. Everything is served from
127.0.0.1 (a closed port stands in for a host that cannot be reached).
"""

from __future__ import annotations

import json
import socket

import pytest
from test_resolution_e2e import check_json, function_repo
from wheelhouse import build_wheel

pytest_plugins = ("local_index",)

LINUX = "cp312-cp312-linux_x86_64"
CODE = "import bignum\nimport imgkit\n\n\ndef handler(event, context):\n    return bignum, imgkit\n"


def _closed_port() -> int:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        return int(closed.getsockname()[1])


@pytest.fixture
def served(tmp_path, local_index):
    """``bignum 1.0+cpu`` only on the find-links page; its dependency ``imgkit`` on the index.

    Like PyTorch's ``+cpu`` builds, the wheel is tagged ``linux_x86_64``, which pip installs.
    """
    wheels = tmp_path / "wheels"
    native = build_wheel(wheels, "bignum", "1.0+cpu", tag=LINUX, requires=["imgkit"])
    local_index.add(native, listed=False)
    local_index.add(build_wheel(wheels, "imgkit", "2.0"))
    return local_index


def _report(tmp_path, requirements: str, index_url: str) -> tuple[list[tuple[str, str]], dict]:
    repo = function_repo(tmp_path, CODE, requirements)
    result, data = check_json(repo, index_url, tmp_path / "cache", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    found = [(f["rule"], f["message"]) for fn in data["functions"] for f in fn["findings"]]
    return found, data


@pytest.mark.parametrize(
    "options",
    ["--find-links {links}", "-f{links}", "--index-url {index}\n--find-links={links}"],
)
def test_find_links_page_of_the_file_serves_its_pins(tmp_path, served, options):
    """A local-version pin found only on the file's find-links page resolves; the chain is known."""
    text = options.format(links=served.links_url, index=served.url) + "\nbignum==1.0+cpu\n"
    dead = f"http://127.0.0.1:{_closed_port()}/simple/"  # only the file's --index-url can work
    default = dead if "--index-url" in options else served.url
    found, data = _report(tmp_path, text, default)
    assert [rule for rule, _ in found] == ["transitive-import"]
    assert "bignum -> imgkit" in found[0][1]
    assert data["summary"]["notes"] == []


@pytest.mark.parametrize(
    ("pins", "resolved"),
    [
        ("bignum==1.0+cpu", False),  # not found without the page: unknown, not unsatisfiable
        ("imgkit==2.0", True),  # found on the configured index: resolved without the page
    ],
)
def test_unreachable_find_links_is_a_hedged_note(tmp_path, served, monkeypatch, pins, resolved):
    """A source the file names that cannot be reached is a note, never a no-compatible-wheel."""
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    links = f"http://user:secret@127.0.0.1:{_closed_port()}/links/"
    found, data = _report(tmp_path, f"--find-links {links}\n{pins}\n", served.url)
    assert [rule for rule, _ in found] == ["missing-dependency"]  # the undeclared import
    [note] = data["summary"]["notes"]
    assert note.startswith("a package source could not be reached")
    assert "http://***@127.0.0.1" in note
    assert "secret" not in json.dumps(data)
    assert any(path.startswith("/files/imgkit") for _, path, _ in served.requests) is resolved
