"""Write a synthetic monorepo of N Lambda functions across Terraform, SAM, serverless and CDK.

Used by ``bench/scan.py``; the repository is realistic in shape (IaC files, handler modules with
imports, requirements files, a shared layer) but tiny in content, so the benchmark measures
discovery, parsing and rule evaluation rather than disk throughput.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HANDLER = '''"""Generated function {name}."""

import json
import os

import boto3
{extra}


def handler(event, context):
    client = boto3.client("s3")
    body = {{"fn": "{name}", "env": os.environ.get("STAGE"), "s3": bool(client)}}
    return {{"statusCode": 200, "body": json.dumps(body)}}
'''
EXTRAS = ["import requests", "import yaml", "from pydantic import BaseModel", "import jwt", ""]
REQUIREMENTS = [
    "requests==2.32.3",
    "PyYAML==6.0.2",
    "pydantic==2.9.2",
    "PyJWT==2.9.0",
    "boto3>=1.34",
]
RUNTIMES = ["python3.10", "python3.11", "python3.12", "python3.13"]


def function_dir(base: Path, name: str, index: int) -> None:
    """One function folder: a handler and a requirements file."""
    base.mkdir(parents=True, exist_ok=True)
    extra = EXTRAS[index % len(EXTRAS)]
    (base / "index.py").write_text(HANDLER.format(name=name, extra=extra), encoding="utf-8")
    (base / "requirements.txt").write_text(REQUIREMENTS[index % len(REQUIREMENTS)] + "\n")


def terraform(root: Path, count: int) -> None:
    """Functions zipped by archive_file (half) or built by the community module (half)."""
    blocks = []
    for i in range(count):
        name = f"tf{i:03d}"
        function_dir(root / "terraform-svc" / "src" / name, name, i)
        runtime = RUNTIMES[i % len(RUNTIMES)]
        if i % 2:
            blocks.append(
                f'module "{name}" {{\n  source = "terraform-aws-modules/lambda/aws"\n'
                f'  function_name = "{name}"\n  handler = "index.handler"\n'
                f'  runtime = "{runtime}"\n  source_path = "${{path.module}}/src/{name}"\n}}\n'
            )
        else:
            blocks.append(
                f'data "archive_file" "{name}" {{\n  type = "zip"\n'
                f'  source_dir = "${{path.module}}/src/{name}"\n'
                f'  output_path = "${{path.module}}/build/{name}.zip"\n}}\n'
                f'resource "aws_lambda_function" "{name}" {{\n  function_name = "{name}"\n'
                f"  filename = data.archive_file.{name}.output_path\n"
                f'  handler = "index.handler"\n  runtime = "{runtime}"\n'
                '  role = "arn:aws:iam::123456789012:role/x"\n}\n'
            )
    (root / "terraform-svc" / "main.tf").write_text("\n".join(blocks), encoding="utf-8")


def sam(root: Path, count: int) -> None:
    """A SAM template with Globals and ``count`` functions."""
    lines = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Transform: AWS::Serverless-2016-10-31",
        "Globals:",
        "  Function:",
        "    Runtime: python3.12",
        "    Timeout: 10",
        "Resources:",
    ]
    for i in range(count):
        name = f"Sam{i:03d}"
        function_dir(root / "sam-app" / "functions" / name, name, i)
        lines += [
            f"  {name}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            f"      CodeUri: functions/{name}/",
            "      Handler: index.handler",
            f"      Architectures: [{'arm64' if i % 2 else 'x86_64'}]",
            "      Role: !GetAtt LambdaRole.Arn",
        ]
    (root / "sam-app" / "template.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def serverless(root: Path, count: int) -> None:
    """A serverless.yml service with the requirements plugin and ``count`` functions."""
    service = root / "sls-service"
    function_dir(service, "sls", 0)
    lines = [
        "service: bench",
        "provider:",
        "  name: aws",
        "  runtime: python3.11",
        "  stage: ${opt:stage, 'dev'}",
        "plugins:",
        "  - serverless-python-requirements",
        "functions:",
    ]
    for i in range(count):
        (service / "handlers").mkdir(exist_ok=True)
        (service / "handlers" / f"fn{i:03d}.py").write_text(
            HANDLER.format(name=f"sls{i}", extra=""), encoding="utf-8"
        )
        lines += [f"  fn{i:03d}:", f"    handler: handlers/fn{i:03d}.handler"]
    (service / "serverless.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def cdk(root: Path, count: int) -> None:
    """A synthesized CDK template with ``count`` functions and their asset folders."""
    out = root / "cdk-app" / "cdk.out"
    (root / "cdk-app" / "cdk.json").parent.mkdir(parents=True, exist_ok=True)
    (root / "cdk-app" / "cdk.json").write_text('{"app": "python3 app.py"}\n')
    resources = {}
    for i in range(count):
        name = f"Cdk{i:03d}"
        asset = f"asset.{i:064x}"
        function_dir(out / asset, name, i)
        resources[f"{name}Fn"] = {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Handler": "index.handler",
                "Runtime": RUNTIMES[i % len(RUNTIMES)],
                "Code": {"S3Bucket": "cdk-assets", "S3Key": f"{i:064x}.zip"},
            },
            "Metadata": {"aws:asset:path": asset, "aws:asset:property": "Code"},
        }
    out.mkdir(parents=True, exist_ok=True)
    (out / "BenchStack.template.json").write_text(json.dumps({"Resources": resources}, indent=1))


def main() -> None:
    """Parse arguments and write the repository."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--functions", type=int, default=200)
    args = parser.parse_args()
    quarter = args.functions // 4
    args.target.mkdir(parents=True, exist_ok=True)
    terraform(args.target, quarter)
    sam(args.target, quarter)
    serverless(args.target, quarter)
    cdk(args.target, args.functions - 3 * quarter)
    print(f"wrote {args.functions} functions under {args.target}")


if __name__ == "__main__":
    main()
