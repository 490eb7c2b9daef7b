"""Container paths, and the build-context files a Dockerfile's ``COPY`` put at them."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from pathlib import Path


def under(path: str | None, *folders: str) -> bool:
    """Whether the container ``path`` is one of ``folders`` or inside one."""
    if path is None:
        return False
    path = posixpath.normpath(path)
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def code_root(host: Path, module: str) -> Path:
    """The build-context folder whose files sit at the task root, seen from the handler file.

    ``src/pkg/app.py`` copied as ``pkg/app.py`` gives ``src``; a file renamed on the way
    (``COPY collection.py app.py``) gives its own folder.
    """
    depth = module.count("/")
    tail = host.parts[-depth - 1 :]
    return (
        host.parents[depth]
        if "/".join(tail) == module and len(host.parts) > depth + 1
        else host.parent
    )


def host_of(copies: Sequence[tuple[tuple[Path, ...], str]], container: str) -> Path | None:
    """The build-context file a container path was copied from, if a COPY put it there."""
    for hosts, dest in reversed(copies):
        for host in hosts:
            if host.is_dir() and under(container, dest):
                candidate = host / posixpath.relpath(container, dest)
            elif container in {dest, posixpath.join(dest, host.name)}:
                candidate = host
            else:
                continue
            if candidate.exists():
                return candidate.resolve()
    return None


def placed(hosts: Sequence[Path], dest: str, *, into: bool) -> list[tuple[Path, str]]:
    """Where one ``COPY`` puts each source, as Docker does.

    A folder's contents go to ``dest``; a file to ``dest/<name>`` when ``dest`` is a folder
    (``into``: a trailing ``/``, several sources, a wildcard), else to ``dest`` itself
    (``COPY collection.py app.py`` renames it).
    """
    return [
        (host, dest if host.is_dir() or not into else posixpath.join(dest, host.name))
        for host in hosts
    ]
