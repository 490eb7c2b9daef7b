"""Published layers: which family an attached ARN belongs to, and which are recommended."""

from __future__ import annotations

import pytest

from lambdalint.resolve.managed_layers import covering, layer_for_arn

V2 = "Powertools for AWS Lambda (Python) v2"
V3 = "Powertools for AWS Lambda (Python) v3"
PT = ":017000801446:layer:AWSLambdaPowertoolsPython"


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        (f"arn:aws:lambda:eu-west-1{PT}V2:61", V2),
        (f"arn:aws:lambda:${{AWS::Region}}{PT}V2-Arm64:61", V2),
        (f"arn:aws:lambda:eu-west-1{PT}V3-python312-x86_64:7", V3),
        ("arn:aws:lambda:eu-west-1:123456789012:layer:my-own:3", None),
    ],
)  # fmt: skip
def test_layer_for_arn(arn, name):
    """An ARN is matched by its layer name, whatever region placeholder it carries."""
    layer = layer_for_arn(arn)
    assert (layer.name if layer else None) == name


def test_superseded_v2_is_recognised_but_never_recommended():
    """Powertools v2 provides pydantic when attached; a recommendation names v3."""
    layer = layer_for_arn(
        "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:1"
    )
    assert layer is not None
    assert "pydantic" in layer.distributions
    chosen = covering({"aws-lambda-powertools"}, "3.12")
    assert chosen is not None
    assert chosen.name == V3
