"""The on-disk cache of facts fetched over the network (wheel facts, index pages).

Entries are JSON files at ``<root>/v1/<namespace>/<key[:2]>/<key>.json``. Writes go to a temp
file in the same folder and are moved into place with ``os.replace``, so a concurrent reader
sees the old entry or the new one, never half of one. The cache only saves work: every failure
to read is a miss and every failure to write is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from contextlib import suppress
from pathlib import Path
from typing import Any

from lambdalint.atomic import write_text_atomic

ENV_VAR = "LAMBDALINT_CACHE_DIR"
LAYOUT = "v1"  # bump when the shape of stored entries changes; old entries are then ignored
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def cache_dir() -> Path:
    """``$LAMBDALINT_CACHE_DIR`` when set, else the platform's user cache folder."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured)
    import platformdirs  # noqa: PLC0415 - only runs that touch the network need it

    return Path(platformdirs.user_cache_dir("lambdalint"))


def key_for(*parts: str) -> str:
    """A stable file-safe key: the sha256 hex digest of ``parts`` joined with NUL."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class Cache:
    """JSON entries by (namespace, key); ``offline`` tells fetchers to use nothing else.

    ``refresh`` makes every lookup a miss while still storing what is fetched, so a run with
    it replaces stale entries.
    """

    def __init__(
        self, root: Path | None = None, *, offline: bool = False, refresh: bool = False
    ) -> None:
        self.root = root if root is not None else cache_dir()
        self.offline = offline
        self.refresh = refresh

    key_for = staticmethod(key_for)

    def path(self, namespace: str, key: str) -> Path:
        """Where the entry lives; names must be plain (letters, digits, ``_.-``)."""
        if not (_NAME.fullmatch(namespace) and _NAME.fullmatch(key)):
            raise ValueError(f"not a plain cache name: {namespace!r}/{key!r}")
        return self.root / LAYOUT / namespace / key[:2] / f"{key}.json"

    def get_json(self, namespace: str, key: str) -> dict[str, Any] | None:
        """The stored object, or None when missing, unreadable, corrupt or refreshing."""
        path = self.path(namespace, key)  # a bad name is a bug in the caller: it raises
        if self.refresh:
            return None
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):  # ValueError covers bad JSON and bad UTF-8
            return None
        return data if isinstance(data, dict) else None

    def put_json(self, namespace: str, key: str, value: dict[str, Any]) -> None:
        """Store ``value`` atomically; any failure (read-only disk, full disk) is ignored."""
        path = self.path(namespace, key)
        with suppress(OSError, TypeError, ValueError):
            text = json.dumps(value, sort_keys=True, separators=(",", ":"))
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, text)
