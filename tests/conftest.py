"""Shared test options: ``--update-expected`` rewrites fixture oracles instead of comparing."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--update-expected``."""
    parser.addoption(
        "--update-expected",
        action="store_true",
        help="rewrite fixtures/*/expected.json from the current output",
    )


@pytest.fixture
def update_expected(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites the fixture oracles."""
    return bool(request.config.getoption("--update-expected"))
