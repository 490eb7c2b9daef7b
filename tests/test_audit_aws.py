"""`lambdalint audit aws` against a real moto server on 127.0.0.1, plus the pure size rules."""

from __future__ import annotations

import datetime
import functools
import io
import json
import logging
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import pytest

pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

import boto3  # noqa: E402 -- only once the skip above has passed
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

from lambdalint.audit import iam_policy  # noqa: E402
from lambdalint.audit.aws import AuditError, audit_account  # noqa: E402
from lambdalint.audit.deployed import (  # noqa: E402
    DeployedFunction,
    DeployedLayer,
    function_report,
    image_runtime,
)
from lambdalint.audit.download import DownloadError, download_code  # noqa: E402
from lambdalint.audit.sdk import RETRIES, client  # noqa: E402
from lambdalint.model import PackageType, Report, Severity  # noqa: E402
from lambdalint.report import render  # noqa: E402

TODAY = datetime.date(2026, 12, 4)
MiB = 1024 * 1024
MARKER = "lambdalint-marker-7f3a"
SECRET_KEY = "lambdalint-secret-key-9c1e"  # noqa: S105 -- a fake, to prove it never leaks
SESSION_TOKEN = "lambdalint-session-token-55ab"  # noqa: S105 -- likewise
SECRETS = (MARKER, SECRET_KEY, SESSION_TOKEN, "X-Amz-Signature", "X-Amz-Credential")
FORMATS = ("text", "json", "sarif", "github", "markdown", "junit", "html")
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambdalint-test"
ECR = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
EMULATOR_LOGGERS = ("werkzeug", "moto")  # the server side, not lambdalint


def _zip(text: str, size: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", text)
        if size:
            archive.writestr("blob.bin", bytes(range(256)) * (size // 256))
    return buffer.getvalue()


CODE = _zip("def handler(event, context):\n    return 'ok'\n")


@functools.cache
def _boto_session() -> Any:
    """One boto3 session for all test clients: it caches the service models they are built from."""
    return boto3.Session()


@dataclass
class EmulatorSession:
    """A boto3-like session whose clients talk to the moto server (some calls refused)."""

    endpoint: str
    region_name: str | None = "us-east-1"
    disabled: tuple[str, ...] = ()
    unlisted: tuple[str, ...] = ()
    denied: dict[str, str] = field(default_factory=dict)
    fresh: bool = False

    def client(self, service: str, region_name: str, config: Any = None) -> Any:
        """A real client on the emulator; refused regions and calls raise AWS errors."""
        boto = boto3.Session() if self.fresh else _boto_session()
        real = boto.client(
            service, region_name=region_name, endpoint_url=self.endpoint, config=config
        )
        refused = {"UnrecognizedClientException": self.disabled}
        refused["AccessDeniedException"] = self.unlisted
        for code, regions in refused.items():
            if region_name in regions:
                stubber = Stubber(real)
                stubber.add_client_error("list_functions", service_error_code=code)
                stubber.activate()
        return _Refusing(real, self.denied) if self.denied else real


class _Refusing:
    """Forwards to a client, refusing a method when its first argument holds a given text."""

    def __init__(self, real: Any, denied: dict[str, str]) -> None:
        self._real, self._denied = real, denied

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._real, name)
        if name not in self._denied:
            return method

        def call(**kwargs: Any) -> Any:
            if self._denied[name] in str(next(iter(kwargs.values()), "")):
                error = {"Code": "AccessDeniedException", "Message": f"denied {ROLE}"}
                raise ClientError({"Error": error}, name)
            return method(**kwargs)

        return call


@dataclass
class Emulator:
    """The running moto server and the functions made in it."""

    endpoint: str
    code_sizes: dict[str, int]
    layer_sizes: dict[str, int]

    def session(self, **options: Any) -> EmulatorSession:
        """A session on the emulator with the given refusals."""
        return EmulatorSession(self.endpoint, **options)

    def factory(self, **options: Any) -> Any:
        """A session factory as `audit_account` takes it."""
        session = self.session(**options)
        return lambda _profile: session


@pytest.fixture(scope="module")
def aws(tmp_path_factory):
    """Start moto on a free loopback port with test credentials and populate two regions."""
    home = tmp_path_factory.mktemp("aws")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        patch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        patch.setenv("AWS_CONFIG_FILE", str(home / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
        werkzeug = logging.getLogger("werkzeug")
        level, werkzeug.level = werkzeug.level, logging.ERROR
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            yield _populate(f"http://{host}:{port}")
        finally:
            server.stop()
            werkzeug.setLevel(level)


def _populate(endpoint: str) -> Emulator:
    def make(service: str, region: str = "us-east-1") -> Any:
        return boto3.client(service, region_name=region, endpoint_url=endpoint)

    trust = {"Version": "2012-10-17", "Statement": []}
    make("iam").create_role(RoleName="lambdalint-test", AssumeRolePolicyDocument=json.dumps(trust))
    lam = make("lambda")
    layer_sizes, arns = {}, []
    for index in range(7):
        name = "denied-layer" if index == 6 else f"shared-{index}"
        answer = lam.publish_layer_version(
            LayerName=name,
            Content={"ZipFile": _zip(f"VALUE = {index}\n", 1024 * (index + 1))},
            CompatibleRuntimes=["python3.9", "python3.11"],
            CompatibleArchitectures=["x86_64"],
        )
        arns.append(answer["LayerVersionArn"])
        layer_sizes[f"{name}:1"] = answer["Content"]["CodeSize"]
    secret = {"Variables": {"SECRET_TOKEN": MARKER}}
    specs = [
        ("us-east-1", _spec("legacy-py37", "python3.7")),
        ("us-east-1", _spec("orders-py39", "python3.9", Layers=[arns[6]])),
        ("us-east-1", _spec("reports-py312", "python3.12", Environment=secret)),
        ("us-east-1", _spec("layered-py311", "python3.11", Layers=arns[:6])),
        ("us-east-1", _spec("web-node", "nodejs20.x")),
        ("us-east-1", _spec("img-py", f"{ECR}/orders/python:3.9")),
        ("us-east-1", _spec("img-other", f"{ECR}/web:latest")),
        ("eu-west-1", _spec("billing-py313", "python3.13", Architectures=["arm64"])),
    ]
    code_sizes = {}
    for region, spec in specs:
        answer = make("lambda", region).create_function(Role=ROLE, **spec)
        code_sizes[spec["FunctionName"]] = answer["CodeSize"]
    return Emulator(endpoint, code_sizes, layer_sizes)


def _spec(name: str, runtime_or_image: str, **settings: Any) -> dict[str, Any]:
    """CreateFunction arguments: a zip on a runtime, or a container image by its URI."""
    if runtime_or_image.startswith(ECR):
        image = {"PackageType": "Image", "Code": {"ImageUri": runtime_or_image}}
        return {"FunctionName": name, **image, **settings}
    code = {"Runtime": runtime_or_image, "Handler": "index.handler", "Code": {"ZipFile": CODE}}
    return {"FunctionName": name, **code, **settings}


def _audit(aws: Emulator, **options: Any) -> Report:
    regions = options.pop("regions", ["us-east-1"])
    functions = options.pop("functions", ())
    return audit_account(
        regions=regions,
        all_regions=False,
        profile=None,
        functions=functions,
        today=TODAY,
        session_factory=aws.factory(**options),
        max_workers=4,
    )


def _findings(report: Report) -> dict[str, list[tuple[str, str]]]:
    return {
        fr.function.name: [(f.rule, f.severity.value) for f in fr.findings]
        for fr in report.functions
    }


@pytest.fixture(scope="module")
def report(aws):
    """The audit of us-east-1 with one refused layer."""
    return _audit(aws, denied={"get_layer_version": "denied-layer"})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("legacy-py37", [("deprecated-runtime", "error")]),
        ("orders-py39", [("deprecated-runtime", "warning"), ("parse-error", "warning")]),
        ("reports-py312", []),
        ("layered-py311", [("layer-limit", "error")]),
        ("img-py", [("deprecated-runtime", "warning")]),
    ],
)
def test_findings_per_function(report, name, expected):
    """Each function gets the runtime, layer and access findings its configuration calls for."""
    assert sorted(_findings(report)[name]) == sorted(expected)


def test_only_python_functions_are_reported(report):
    """Node.js and non-Python images are skipped with a note, Python ones are sorted by path."""
    names = [fr.function.name for fr in report.functions]
    assert names == ["img-py", "layered-py311", "legacy-py37", "orders-py39", "reports-py312"]
    notes = "\n".join(report.notes)
    assert "skipped 1 function(s) on other runtimes (nodejs20.x 1)" in notes
    assert "img-other" in notes
    assert "base image age not visible from the API" in notes


@pytest.mark.parametrize(
    ("name", "field_name", "value"),
    [
        ("legacy-py37", "runtime", "python3.7"),
        ("legacy-py37", "handler", "index.handler"),
        ("legacy-py37", "handler_known", False),
        ("legacy-py37", "packaging", "deployed (us-east-1)"),
        ("legacy-py37", "discovered_by", "aws"),
        ("img-py", "runtime", "python3.9"),
        ("img-py", "package_type", PackageType.IMAGE),
        ("reports-py312", "package_type", PackageType.ZIP),
    ],
)
def test_function_records(report, name, field_name, value):
    """The Function record carries what the API said, with a virtual path and location."""
    fr = next(fr for fr in report.functions if fr.function.name == name)
    assert getattr(fr.function, field_name) == value
    assert fr.path == f"aws/us-east-1/{name}"
    assert fr.function.source.file == f"aws://lambda/us-east-1/{name}"


def test_messages_match_the_repository_rules(report):
    """Runtime, layer and access messages read like the `check` ones."""
    messages = {f.function: f.message for fr in report.functions for f in fr.findings}
    assert "python3.7 is deprecated and Lambda blocks function create" in messages["legacy-py37"]
    assert "attaches 6 layers; Lambda allows at most 5" in messages["layered-py311"]
    orders = [
        f.message for fr in report.functions for f in fr.findings if f.function == "orders-py39"
    ]
    assert "could not read layer denied-layer:1 (AccessDeniedException)" in " ".join(orders)


def test_plan_sizes_come_from_code_size(aws, report):
    """The plan's zipped size is CodeSize; the breakdown adds each layer's zipped size."""
    layered = next(fr for fr in report.functions if fr.function.name == "layered-py311")
    assert layered.plan.strategy == "none"
    assert layered.plan.zipped_bytes == aws.code_sizes["layered-py311"]
    expected = [("function code", aws.code_sizes["layered-py311"])]
    expected += [(f"shared-{i}:1", aws.layer_sizes[f"shared-{i}:1"]) for i in range(6)]
    assert list(layered.plan.breakdown) == expected
    orders = next(fr for fr in report.functions if fr.function.name == "orders-py39")
    assert ("denied-layer:1", aws.layer_sizes["denied-layer:1"]) in orders.plan.breakdown


def test_regions_and_function_filter(aws):
    """Several regions are audited; --function keeps the named ones and notes the missing."""
    result = _audit(
        aws, regions=["us-east-1", "eu-west-1"], functions=["billing-py313", "orders-py39", "nope"]
    )
    assert [fr.path for fr in result.functions] == [
        "aws/eu-west-1/billing-py313",
        "aws/us-east-1/orders-py39",
    ]
    assert result.functions[0].function.architecture == "arm64"
    assert "function nope: not found in us-east-1, eu-west-1" in result.notes


@pytest.mark.parametrize(
    ("options", "note", "finding"),
    [
        (
            {"disabled": ("ap-east-1",)},
            "region ap-east-1 skipped (UnrecognizedClientException)",
            None,
        ),
        ({"unlisted": ("ap-east-1",)}, None, "could not list the functions of ap-east-1"),
    ],
)
def test_region_errors_do_not_stop_the_audit(aws, options, note, finding):
    """A region that is not enabled is a note; a refused listing a finding; others go on."""
    result = _audit(aws, regions=["us-east-1", "ap-east-1"], **options)
    assert len(result.functions) == 5
    if note:
        assert any(n.startswith(note) for n in result.notes)
    if finding:
        assert [f.message for f in result.findings] == [f"{finding} (AccessDeniedException)"]
        assert result.findings[0].severity is Severity.WARNING


def test_refused_image_uri_is_a_finding(aws):
    """When GetFunction is refused the image function is still reported, with a warning."""
    result = _audit(aws, functions=["img-other"], denied={"get_function": "img-other"})
    (fr,) = result.functions
    assert [f.message for f in fr.findings] == [
        "could not read the image URI of img-other (GetFunction) (AccessDeniedException)"
    ]


def test_all_regions_lists_the_enabled_regions(aws):
    """--all-regions asks EC2 for the regions and finds functions in each."""
    result = audit_account(
        regions=None,
        all_regions=True,
        profile=None,
        today=TODAY,
        session_factory=aws.factory(),
        max_workers=8,
    )
    paths = {fr.path for fr in result.functions}
    assert {"aws/eu-west-1/billing-py313", "aws/us-east-1/orders-py39"} <= paths


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"regions": ["us-east-1"], "all_regions": True}, "not both"),
        ({"regions": ["not a region"]}, "not an AWS region name"),
        ({"regions": None, "region_name": None}, "no AWS region"),
    ],
)
def test_unusable_options_are_audit_errors(aws, options, message):
    """Options that cannot work raise AuditError (exit 2) before any listing."""
    session = aws.session(region_name=options.pop("region_name", "us-east-1"))
    with pytest.raises(AuditError, match=message):
        audit_account(
            regions=options.get("regions"),
            all_regions=options.get("all_regions", False),
            profile=None,
            today=TODAY,
            session_factory=lambda _profile: session,
        )


def test_missing_credentials_are_an_audit_error(aws, monkeypatch):
    """Without credentials the audit stops with AuditError, not an SDK traceback."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(AuditError, match="Unable to locate credentials"):
        _audit(aws, fresh=True)


def test_missing_sdk_is_an_audit_error(monkeypatch):
    """Without boto3 installed the audit says how to install it."""
    for name in ("boto3", "botocore", "botocore.config", "botocore.exceptions"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(AuditError, match=r"needs boto3: pip install 'lambdalint\[aws\]'"):
        audit_account(regions=["us-east-1"], all_regions=False, profile=None, today=TODAY)


def test_clients_retry_in_standard_mode(aws):
    """Every client uses standard retries: eight retries, nine attempts in all."""
    made = client(aws.session(), "lambda", "us-east-1")
    assert made.meta.config.retries == {"mode": "standard", "total_max_attempts": 9}
    assert RETRIES == {"mode": "standard", "max_attempts": 8}


def test_no_secret_reaches_output_or_logs(aws, caplog, capsys):
    """Environment values, keys, tokens and presigned URLs appear in no format and no log."""
    caplog.set_level(logging.DEBUG)
    result = _audit(aws, denied={"get_layer_version": "denied-layer"})
    texts = [render(result, fmt) for fmt in FORMATS] + [render(result, "text", plans=True)]
    records = [r.getMessage() for r in caplog.records if not r.name.startswith(EMULATOR_LOGGERS)]
    captured = capsys.readouterr()
    assert logging.getLogger("botocore").level == logging.NOTSET  # restored after the audit
    for secret in SECRETS:
        for text in [*texts, *records, captured.out, captured.err]:
            assert secret not in text


def test_sdk_debug_logs_would_leak_without_the_guard(aws, caplog):
    """The leak check is real: the SDK itself logs environment values at DEBUG."""
    caplog.set_level(logging.DEBUG)
    session = aws.session()
    session.client("lambda", "us-east-1").list_functions()
    assert any(MARKER in r.getMessage() for r in caplog.records)


def test_json_report_matches_the_schema(report):
    """The audit's JSON validates against the report schema (with "aws" as a discoverer)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema_file = files("lambdalint").joinpath("schemas/report.schema.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(render(report, "json")))


@dataclass
class PresignedClient:
    """A Lambda client whose GetFunction hands out a moto S3 presigned URL for the code."""

    real: Any
    location: str | None

    def get_function(self, **kwargs: Any) -> dict[str, Any]:
        """The real answer, with Code.Location pointing at the emulator's S3."""
        answer = self.real.get_function(**kwargs)
        if self.location is not None:
            answer.setdefault("Code", {})["Location"] = self.location
        return answer


@pytest.fixture(scope="module")
def presigned(aws):
    """A presigned URL (from moto S3) serving reports-py312's zip, and one for a missing key."""
    sigv4 = Config(signature_version="s3v4")
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=aws.endpoint, config=sigv4)
    s3.create_bucket(Bucket="lambdalint-code")
    s3.put_object(Bucket="lambdalint-code", Key="reports.zip", Body=CODE)

    def url(key: str) -> str:
        params = {"Bucket": "lambdalint-code", "Key": key}
        return s3.generate_presigned_url("get_object", Params=params, ExpiresIn=600)

    return url("reports.zip"), url("missing.zip")


def test_download_code_streams_the_zip(aws, presigned, caplog):
    """The zip comes back whole, and the presigned URL is not logged."""
    caplog.set_level(logging.DEBUG)
    real = aws.session().client("lambda", "us-east-1")
    assert "X-Amz-Signature" in presigned[0]
    assert download_code(PresignedClient(real, presigned[0]), "reports-py312") == CODE
    records = [r.getMessage() for r in caplog.records if not r.name.startswith(EMULATOR_LOGGERS)]
    assert not any(s in m for m in records for s in SECRETS)


def test_download_code_over_the_cap_is_none(aws, presigned):
    """A zip larger than max_bytes is not returned."""
    real = aws.session().client("lambda", "us-east-1")
    assert download_code(PresignedClient(real, presigned[0]), "reports-py312", max_bytes=10) is None


@pytest.mark.parametrize(
    "case",
    [
        ("reports-py312", "missing", {}, "could not download the code of reports-py312 (HTTP 404)"),
        ("reports-py312", "http://198.51.100.7/code.zip?X-Amz-Signature=x", {}, "not an HTTPS URL"),
        ("reports-py312", "file:///etc/passwd", {}, "not an HTTPS URL"),
        ("img-py", None, {}, "img-py has no zip to download"),
        (
            "orders-py39",
            None,
            {"get_function": "orders"},
            "could not read orders-py39 (AccessDenied",
        ),
    ],
)
def test_download_errors_never_show_the_url(aws, presigned, case):
    """Failed downloads raise DownloadError naming the function, never the URL."""
    name, location, denied, message = case
    url = presigned[1] if location == "missing" else location
    real = aws.session(denied=denied).client("lambda", "us-east-1")
    with pytest.raises(DownloadError) as raised:
        download_code(PresignedClient(real, url), name)
    assert message in str(raised.value)
    assert raised.value.__cause__ is None
    assert not any(s in str(raised.value) for s in SECRETS)


def test_iam_policy_is_read_only_json():
    """The packaged IAM policy parses and only lists read actions."""
    policy = json.loads(iam_policy())
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert actions == {
        "lambda:ListFunctions",
        "lambda:GetLayerVersion",
        "lambda:GetFunction",
        "ec2:DescribeRegions",
    }
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])


def _deployed(code_mib: float, *layer_mib: float, runtime: str = "python3.12") -> DeployedFunction:
    layers = tuple(
        DeployedLayer(f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:l{i}:1", int(size * MiB))
        for i, size in enumerate(layer_mib)
    )
    return DeployedFunction(
        region="us-east-1",
        name="fn",
        runtime=runtime,
        handler="index.handler",
        architecture="x86_64",
        package_type=PackageType.ZIP,
        code_size=int(code_mib * MiB),
        layers=layers,
    )


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (_deployed(10), []),
        (_deployed(60), [("info", "over the 50.0 MiB limit for a direct upload")]),
        (_deployed(30, 42, 42, 42, 42, 42), [("warning", "at least 240.0 MiB zipped")]),
        (
            _deployed(150, 60),
            [("info", "the function's zip is 150.0 MiB"), ("warning", "84 % or more")],
        ),
        (_deployed(200, 60), [("error", "over Lambda's 250.0 MiB limit"), ("info", "200.0 MiB")]),
        (_deployed(199), [("info", "199.0 MiB")]),
    ],
)
def test_size_limit_from_zipped_sizes(fn, expected):
    """Zipped code plus layers near or over 250 MiB warns or errs; over 50 MiB zipped informs."""
    found = [f for f in function_report(fn, TODAY).findings if f.rule == "size-limit"]
    got = sorted((f.severity.value, f.message) for f in found)
    assert len(got) == len(expected)
    for (severity, message), (want_severity, fragment) in zip(got, sorted(expected), strict=True):
        assert severity == want_severity
        assert fragment in message
        assert "so at least that much unzipped" in message or "direct upload" in message


@pytest.mark.parametrize(
    ("runtime", "severity", "fragment"),
    [
        ("python3.99", "info", "python3.99 is not in lambdalint's runtime data"),
        ("python3.15", "warning", "public preview runtime"),
        ("python3.10", "warning", "python3.10 is deprecated"),
        ("python3.11", None, None),
    ],
)
def test_runtime_status(runtime, severity, fragment):
    """Unknown, preview, deprecated and supported runtimes, as on the reference date."""
    found = [
        f
        for f in function_report(_deployed(1, runtime=runtime), TODAY).findings
        if f.rule == "deprecated-runtime"
    ]
    assert [f.severity.value for f in found] == ([severity] if severity else [])
    if fragment:
        assert fragment in found[0].message


@pytest.mark.parametrize(
    ("uri", "runtime"),
    [
        (f"{ECR}/orders/python:3.12", "python3.12"),
        (f"{ECR}/orders:python3.9-2026", "python3.9"),
        (f"{ECR}/orders:latest", None),
        (None, None),
    ],
)
def test_image_runtime_from_the_uri_tag(uri, runtime):
    """Only an image URI that names python3.X gives a runtime."""
    assert image_runtime(uri) == runtime


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:deps:7", "deps:7"),
        ("not-an-arn", "not-an-arn"),
    ],
)
def test_layer_names(arn, name):
    """A layer is named name:version in plans and messages."""
    assert DeployedLayer(arn, 1).name == name


def test_cli_audits_the_emulator_without_leaking(aws, tmp_path):
    """`lambdalint audit aws` through the real CLI lists functions and prints no secret."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": aws.endpoint,
        "LAMBDALINT_TODAY": "2026-12-04",
        "LAMBDALINT_CACHE_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lambdalint",
            "audit",
            "aws",
            "--region",
            "us-east-1",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    names = [fn["name"] for fn in json.loads(result.stdout)["functions"]]
    assert names
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr


def test_download_runs_inspect_on_each_zip(aws, report, tmp_path, monkeypatch):
    """--download inspects each zip at its deployed location and leaves no file behind."""
    from lambdalint.audit.inspect_deployed import inspect_downloads  # noqa: PLC0415

    monkeypatch.setenv("LAMBDALINT_CACHE_DIR", str(tmp_path))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "import requests\n")
        archive.writestr("python/requests/__init__.py", "")
    sigv4 = Config(signature_version="s3v4")
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=aws.endpoint, config=sigv4)
    s3.create_bucket(Bucket="lambdalint-layout")
    s3.put_object(Bucket="lambdalint-layout", Key="bad.zip", Body=buffer.getvalue())
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "lambdalint-layout", "Key": "bad.zip"}, ExpiresIn=600
    )
    real = aws.session().client("lambda", "us-east-1")
    inspected = inspect_downloads(report, lambda _region: PresignedClient(real, url))
    by_name = {fr.function.name: fr for fr in inspected.functions}
    layout = [f for f in by_name["reports-py312"].findings if f.rule == "misplaced-layer-layout"]
    assert layout
    assert layout[0].location.file.startswith("aws://lambda/us-east-1/reports-py312!python/")
    assert list((tmp_path / "downloads").iterdir()) == []
    rendered = render(inspected, "json")
    assert not any(secret in rendered for secret in SECRETS)
