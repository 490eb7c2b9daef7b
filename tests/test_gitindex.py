"""The git index reader, and the walk keeping tracked files that .gitignore matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import git

from lambdalint.discover import walk
from lambdalint.discover.gitindex import parse_index, tracked_files

NAMES = (
    "a.py",
    "pkg/template.yaml",
    "pkg/deep/folder/with_a_rather_long_file_name_to_cross_padding.txt",
    "pkg/deep/folder/with_a_rather_long_file_name_to_cross_paddinh.txt",
    "x" * 70 + ".py",
    "ünïcode/handler.py",
)


def _repo(tmp_path: Path, version: int) -> Path:
    for name in NAMES:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name, encoding="utf-8")
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", "--all")
    git(tmp_path, "update-index", "--index-version", str(version))
    return tmp_path


@pytest.mark.parametrize("version", [2, 3, 4])
def test_index_paths_equal_what_git_tracks(tmp_path, version):
    """Every index version git writes yields exactly the tracked paths."""
    repo = _repo(tmp_path, version)
    (repo / "later.py").write_text("", encoding="utf-8")
    git(repo, "add", "--intent-to-add", "later.py")  # an entry with extended flags (v3+)
    assert tracked_files(repo) == frozenset({*NAMES, "later.py"})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", []),
        (b"not an index at all", []),
        (b"DIRC\x00\x00\x00\x09\x00\x00\x00\x01", []),  # unknown version
        (b"DIRC\x00\x00\x00\x02\x00\x00\x00\x05" + b"\x00" * 30, []),  # truncated entry
    ],
)
def test_unreadable_index_yields_nothing(data, expected):
    """A foreign, future or truncated index falls back to .gitignore alone."""
    assert parse_index(data) == expected


def test_no_repository_means_no_tracked_files(tmp_path):
    """Outside a git checkout nothing is known to be tracked."""
    assert tracked_files(tmp_path) == frozenset()


def test_tracked_files_are_walked_although_gitignore_matches(tmp_path):
    """Git never ignores a tracked file: a committed template under an ignored pattern counts."""
    repo = _repo(tmp_path, 2)
    git(repo, "commit", "--quiet", "--no-gpg-sign", "-m", "init")
    (repo / ".gitignore").write_text("pkg/template.yaml\npkg/deep/\n*.log\n", encoding="utf-8")
    (repo / "pkg" / "deep" / "untracked.py").write_text("", encoding="utf-8")
    (repo / "run.log").write_text("", encoding="utf-8")
    files = {p.relative_to(repo).as_posix() for p in walk([repo], repo)}
    assert "pkg/template.yaml" in files
    assert "pkg/deep/folder/with_a_rather_long_file_name_to_cross_padding.txt" in files
    assert "pkg/deep/untracked.py" not in files
    assert "run.log" not in files
