"""The JSON report is a contract: every fixture's output validates against the kept schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
from test_fixtures import CASES, FIXTURES, REPO

SCHEMA = json.loads((REPO / "lambdalint" / "schemas" / "report.schema.json").read_text())


def test_schema_is_valid_draft_2020_12():
    """The schema itself is a valid JSON Schema."""
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_fixture_output_validates(case):
    """Each fixture's report (its reviewed oracle) validates against the schema."""
    document = json.loads((FIXTURES / case / "expected.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


def test_schema_rejects_a_finding_without_a_rule():
    """The schema is strict enough to catch a broken finding."""
    document = json.loads((FIXTURES / "founding-requests" / "expected.json").read_text())
    del document["functions"][0]["findings"][0]["rule"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(document)
