"""``--download``: fetch a deployed function's zip through the presigned URL ``GetFunction`` gives.

The URL is a credential for ten minutes: it is never printed, logged, kept, or put in an
error message; errors say the function and an HTTP status or an error type, nothing more.
"""

from __future__ import annotations

import ipaddress
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from lambdalint.audit.sdk import AuditError, botocore_exceptions, error_code, sdk_debug_silenced
from lambdalint.resolve.sizes import UNZIPPED_LIMIT

CHUNK = 1024 * 1024
TIMEOUT_S = 60


class DownloadError(AuditError):
    """The code could not be downloaded; the message never holds the URL."""


def download_code(
    client: Any,  # noqa: ANN401 -- an untyped boto3 Lambda client
    name: str,
    *,
    max_bytes: int = UNZIPPED_LIMIT,
) -> bytes | None:
    """The function's deployment zip, or None when it is larger than ``max_bytes``.

    Raises ``DownloadError`` when ``GetFunction`` is refused, the function is a container
    image (no zip), or the download fails.
    """
    errors = botocore_exceptions()
    with sdk_debug_silenced():
        try:
            code = client.get_function(FunctionName=name).get("Code", {})
        except (errors.ClientError, errors.BotoCoreError) as error:
            raise DownloadError(f"could not read {name} ({error_code(error)})") from None
    location = code.pop("Location", None)
    if not isinstance(location, str) or not location:
        raise DownloadError(f"{name} has no zip to download (a container image?)")
    return _fetch(location, name, max_bytes)


def _fetch(url: str, name: str, max_bytes: int) -> bytes | None:
    if not _allowed(url):
        raise DownloadError(f"refused to download the code of {name}: not an HTTPS URL")
    request = urllib.request.Request(url, method="GET")  # noqa: S310 -- scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                return None
            return _capped(response, max_bytes)
    except urllib.error.HTTPError as error:
        error.close()  # it holds the open response
        raise DownloadError(f"could not download the code of {name} (HTTP {error.code})") from None
    except (urllib.error.URLError, OSError) as error:
        problem = type(getattr(error, "reason", error)).__name__
        raise DownloadError(f"could not download the code of {name} ({problem})") from None


def _capped(response: Any, max_bytes: int) -> bytes | None:  # noqa: ANN401 -- an HTTP response
    chunks, total = [], 0
    while chunk := response.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _allowed(url: str) -> bool:
    """HTTPS, or plain HTTP to a loopback address (a local emulator in tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False
