"""Audits of what is deployed, as opposed to what a repository says (``lambdalint audit``).

``aws.audit_account`` reads a live account through boto3, which is imported only when an
audit runs; ``iam_policy`` is the read-only policy the audit needs, as JSON text.
"""

from __future__ import annotations

from importlib.resources import files


def iam_policy() -> str:
    """The least-privilege, read-only IAM policy for ``lambdalint audit aws`` (JSON text)."""
    return files(__package__).joinpath("iam-policy.json").read_text(encoding="utf-8")
