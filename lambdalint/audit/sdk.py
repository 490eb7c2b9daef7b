"""The boto3 boundary: sessions, clients, error codes, and SDK logging kept free of secrets.

boto3 and botocore ship no type hints (and lambdalint adds no stubs): sessions, clients and
raw API responses are ``Any`` here and turned into typed records by the callers right away.
Both are imported inside the functions below, so importing lambdalint never loads them.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from lambdalint import __version__
from lambdalint.config import ConfigError

SessionFactory = Callable[[str | None], Any]

RETRIES = {"mode": "standard", "max_attempts": 8}
SDK_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3")
MISSING_SDK = "`lambdalint audit aws` needs boto3: pip install 'lambdalint[aws]'"
_LOG_LOCK = threading.Lock()
_log_depth = 0
_log_saved: list[tuple[logging.Logger, int]] = []


class AuditError(ConfigError):
    """The audit cannot run at all (no credentials, no region, a bad option); exit code 2."""


def botocore_exceptions() -> Any:  # noqa: ANN401 -- the untyped botocore.exceptions module
    """``botocore.exceptions``, imported on first use; a clear error when boto3 is missing."""
    return _sdk_module("botocore.exceptions")


def _sdk_module(name: str) -> Any:  # noqa: ANN401 -- an untyped SDK module
    """Import an SDK module by name: lazily, and without needing stubs for mypy."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise AuditError(MISSING_SDK) from None


def make_session(profile: str | None, factory: SessionFactory | None) -> Any:  # noqa: ANN401
    """A boto3 Session for ``profile`` (or what ``factory`` returns); bad profiles are errors."""
    errors = botocore_exceptions()
    try:
        if factory is not None:
            return factory(profile)
        return _sdk_module("boto3").Session(profile_name=profile)
    except errors.BotoCoreError as error:  # ProfileNotFound: the message names the profile
        raise AuditError(f"AWS session: {error}") from None


def client(session: Any, service: str, region: str) -> Any:  # noqa: ANN401 -- boto3 objects
    """A client with standard retries (throttling backs off), bounded timeouts, our user agent."""
    config = _sdk_module("botocore.config").Config(
        retries=dict(RETRIES),  # botocore rewrites the dict it is given
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra=f"lambdalint/{__version__}",
    )
    return session.client(service, region_name=region, config=config)


def error_code(error: Exception) -> str:
    """The AWS error code of a ``ClientError`` (never its message), else the exception type."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            return str(code)
    return type(error).__name__


@contextlib.contextmanager
def sdk_debug_silenced() -> Iterator[None]:
    """Hold the SDK's loggers at INFO or above: at DEBUG they log whole response bodies.

    Those bodies hold environment variables and presigned URLs, and the signing logs hold
    session tokens; lambdalint never lets them through, whatever the caller's logging setup.
    """
    global _log_depth  # noqa: PLW0603 -- one process-wide setting, nested and threaded safely
    with _LOG_LOCK:
        if _log_depth == 0:
            _log_saved[:] = [(logger, logger.level) for logger in _sdk_loggers()]
            for logger, level in _log_saved:
                if level < logging.INFO:
                    logger.setLevel(logging.INFO)
        _log_depth += 1
    try:
        yield
    finally:
        with _LOG_LOCK:
            _log_depth -= 1
            if _log_depth == 0:
                for logger, level in _log_saved:
                    logger.setLevel(level)
                _log_saved.clear()


def _sdk_loggers() -> list[logging.Logger]:
    """The SDK's root loggers and any of their children given a level of their own."""
    found = [logging.getLogger(name) for name in SDK_LOGGERS]
    found += [
        logger
        for name, logger in list(logging.root.manager.loggerDict.items())
        if isinstance(logger, logging.Logger)
        and logger.level != logging.NOTSET
        and name.startswith(tuple(f"{root}." for root in SDK_LOGGERS))
    ]
    return found
