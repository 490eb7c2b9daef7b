"""The runtime probe, probe manifests, the overlay hook and the data refresh script."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import platform
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from lambdalint.checks import RULES
from lambdalint.config import Config
from lambdalint.engine import analyse
from lambdalint.model import Function
from lambdalint.runtime import model
from lambdalint.runtime.manifest import (
    apply_manifests,
    load_runtime_with,
    read_manifests,
    validate_manifest,
)
from lambdalint.runtime.model import bundled_runtime, load_runtime, set_overlay
from lambdalint.runtime.probe import (
    PROBE_SOURCE,
    ProbeError,
    ProbeNotConfirmedError,
    manifest_from_probe,
    probe_source_id,
    probe_zip,
    run_probe,
    write_manifest,
)

ROOT = Path(__file__).resolve().parent.parent
RECORDED = Path(__file__).parent / "data" / "probe-python3.12-arm64.json"
DAY = dt.date(2026, 9, 14)
SOURCE = probe_source_id("python3.12", "arm64", DAY)
TODAY = dt.date(2026, 12, 4)
REGION = "eu-west-1"


def _answer():
    return json.loads(RECORDED.read_text())


def _manifest(answer=None, day=DAY):
    return manifest_from_probe(
        answer or _answer(),
        runtime="python3.12",
        architecture="arm64",
        observed_on=day,
        source=probe_source_id("python3.12", "arm64", day),
    )


def _latest(runtime, name, architecture="arm64"):
    found = next(p for p in runtime.preinstalled if p.name == name)
    seen = found.latest(architecture)
    return (seen.version, seen.date, seen.source) if seen else None


@pytest.fixture
def overlay():
    """Set the runtime overlay for one test and always clear it afterwards."""
    yield set_overlay
    set_overlay(None)


def test_probe_runs_locally_and_reports_this_host(tmp_path):
    """The probe source runs under plain Python and reports this interpreter's facts only."""
    (tmp_path / "index.py").write_text(PROBE_SOURCE)
    env = {**os.environ, "AWS_EXECUTION_ENV": "AWS_Lambda_test", "LL_SECRET": "do-not-leak"}
    code = "import json, index; print(json.dumps(index.handler({}, None)))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, check=True
    )
    answer = json.loads(done.stdout)
    assert answer["python"][:3] == list(sys.version_info[:3])
    assert answer["machine"] == platform.machine()
    assert answer["aws_execution_env"] == "AWS_Lambda_test"
    assert "do-not-leak" not in done.stdout.decode()
    assert set(answer) == {
        "probe_format",
        "python",
        "implementation",
        "machine",
        "glibc",
        "sys_path",
        "aws_execution_env",
        "distributions",
    }
    pytest_dist = next(d for d in answer["distributions"] if d["name"] == "pytest")
    assert pytest_dist["modules"] == ["_pytest", "py", "pytest"]
    assert Path(pytest_dist["location"]) == Path(pytest.__file__).parent.parent


def test_probe_zip_holds_only_the_handler():
    """The deployment package is index.py with the probe source, identical on every build."""
    archive = zipfile.ZipFile(io.BytesIO(probe_zip()))
    assert archive.namelist() == ["index.py"]
    assert archive.read("index.py").decode() == PROBE_SOURCE
    assert probe_zip() == probe_zip()


def test_manifest_from_recorded_answer():
    """A recorded answer becomes a dated manifest with a clean sys_path and glibc X.Y."""
    manifest = _manifest()
    assert validate_manifest(manifest, "recorded") == manifest
    assert (manifest["python"], manifest["glibc"], manifest["region"]) == (
        "3.12.12",
        "2.34",
        REGION,
    )
    assert manifest["observed_on"] == "2026-09-14"
    assert manifest["source"] == SOURCE == "probe-python3.12-arm64-2026-09-14"
    assert len(manifest["sys_path"]) == len(set(manifest["sys_path"])) == 8
    boto3 = next(d for d in manifest["preinstalled"] if d["name"] == "boto3")
    assert boto3 == {
        "name": "boto3",
        "version": "1.40.61",
        "modules": ["boto3"],
        "location": "/var/lang/lib/python3.12/site-packages",
    }


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"python": [3, 13, 1, "final", 0]}, "not python3.12"),
        ({"machine": "x86_64"}, "not arm64"),
        ({"python": None}, "no python version"),
        ({"distributions": None}, "no distributions"),
    ],
)
def test_manifest_rejects_a_contradicting_answer(change, fragment):
    """An answer from another Python or architecture, or without facts, is refused."""
    with pytest.raises(ValueError, match=fragment):
        _manifest({**_answer(), **change})


def test_recorded_manifest_overlays_the_runtime():
    """The manifest adds the recorded boto3 observation with the probe's date and source."""
    bundled = bundled_runtime("python3.12")
    runtime = apply_manifests(bundled, [_manifest()])
    assert _latest(bundled, "boto3") == ("1.38.36", dt.date(2025, 8, 16), "aioboto3-381")
    assert _latest(runtime, "boto3") == ("1.40.61", DAY, SOURCE)
    assert _latest(runtime, "boto3", "x86_64") == _latest(bundled, "boto3", "x86_64")
    assert SOURCE in runtime.sources
    assert "eu-west-1" in runtime.sources[SOURCE].title
    assert runtime.sys_path == tuple(_manifest()["sys_path"])
    assert runtime.fact_sources["sys_path"] == runtime.fact_sources["glibc"] == SOURCE
    assert runtime.glibc == (2, 34)


@pytest.mark.parametrize(
    ("location", "provided"),
    [
        ("/var/lang/lib/python3.12/site-packages", True),
        ("/var/runtime", True),
        ("/var/task", False),
        ("/opt/python", False),
        ("/opt/python/lib/python3.12/site-packages", False),
        (None, False),
    ],
)
def test_only_the_runtime_folders_count(location, provided):
    """Distributions seen in the function's code or a layer never become runtime-provided."""
    answer = _answer()
    answer["distributions"].append(
        {"name": "requests", "version": "2.32.5", "modules": ["requests"], "location": location}
    )
    runtime = apply_manifests(bundled_runtime("python3.12"), [_manifest(answer)])
    hit = runtime.provider_of("requests")
    assert (hit is not None) is provided


def test_probe_confirms_what_the_data_left_open():
    """A distribution the data marks unconfirmed becomes provided once the probe sees it."""
    assert bundled_runtime("python3.12").provider_of("awslambdaric") is None
    runtime = apply_manifests(bundled_runtime("python3.12"), [_manifest()])
    provider = runtime.provider_of("awslambdaric")
    assert provider is not None
    assert provider.source == SOURCE


def test_first_copy_on_sys_path_wins():
    """Of two copies in runtime folders, the one earlier on sys.path is the observed one."""
    answer = _answer()
    answer["distributions"].append(
        {"name": "boto3", "version": "1.20.32", "modules": ["boto3"], "location": "/var/runtime"}
    )
    runtime = apply_manifests(bundled_runtime("python3.12"), [_manifest(answer)])
    assert _latest(runtime, "boto3")[0] == "1.40.61"


def test_newest_manifest_wins():
    """Manifests apply oldest first: the newest observation is the one rules see."""
    later = _answer()
    boto3 = next(d for d in later["distributions"] if d["name"] == "boto3")
    boto3["version"] = "1.42.3"
    manifests = [_manifest(later, dt.date(2026, 11, 1)), _manifest()]
    runtime = apply_manifests(bundled_runtime("python3.12"), manifests)
    assert _latest(runtime, "boto3")[:2] == ("1.42.3", dt.date(2026, 11, 1))


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"runtime": 3.12}, "'runtime' has the wrong type"),
        ({"architecture": "mips"}, "architecture must be one of"),
        ({"observed_on": "yesterday"}, "is not a date"),
        ({"source": "Probe One"}, "lowercase source id"),
        ({"glibc": "2"}, "X.Y version"),
        ({"manifest_format": 99}, "unknown manifest_format"),
        ({"sys_path": ["relative"]}, "absolute paths"),
        ({"preinstalled": [{"name": "x"}]}, r"preinstalled\[0\]: missing 'version'"),
        (
            {"preinstalled": [{"name": "x", "version": "1", "modules": ["a-b"], "location": None}]},
            "import names",
        ),
    ],
)
def test_invalid_manifest_names_its_origin(change, fragment):
    """A badly typed manifest raises a ValueError that names where it came from."""
    with pytest.raises(ValueError, match=f"^probe.json: .*{fragment}"):
        validate_manifest({**_manifest(), **change}, "probe.json")


def test_manifest_for_another_runtime_is_refused():
    """apply_manifests refuses a manifest made for a different runtime."""
    with pytest.raises(ValueError, match=r"is for python3\.12, not python3\.13"):
        apply_manifests(bundled_runtime("python3.13"), [_manifest()])


def test_folder_loader_skips_bad_files(tmp_path):
    """Invalid files in the runtime-data folder are skipped with a message naming them."""
    (tmp_path / "good.json").write_text(json.dumps(_manifest()))
    (tmp_path / "broken.json").write_text("{")
    (tmp_path / "wrong.json").write_text(json.dumps({**_manifest(), "python": 3}))
    found = read_manifests(tmp_path)
    assert len(found.manifests) == 1
    assert [p.split(":")[0] for p in found.problems] == [
        f"skipped {tmp_path / 'broken.json'}",
        f"skipped {tmp_path / 'wrong.json'}",
    ]
    assert _latest(load_runtime_with("python3.12", tmp_path), "boto3")[0] == "1.40.61"
    assert load_runtime_with("3.13", tmp_path) == bundled_runtime("python3.13")
    assert load_runtime_with("python3.12", None) is bundled_runtime("python3.12")


def test_overlay_hook_switches_load_runtime(tmp_path, overlay):
    """set_overlay makes load_runtime apply the folder's manifests, and None turns it off."""
    assert write_manifest(_manifest(), tmp_path) == tmp_path / f"{SOURCE}.json"
    (tmp_path / "bad.json").write_text("[]")
    problems = overlay(tmp_path)
    assert len(problems) == 1
    assert "bad.json" in problems[0]
    assert _latest(load_runtime("python3.12"), "boto3")[0] == "1.40.61"
    assert overlay(None) == ()
    assert _latest(load_runtime("python3.12"), "boto3")[0] == "1.38.36"
    assert model.load_runtime("python3.12") is bundled_runtime("python3.12")


def _analyse(tmp_path, requirement):
    code = tmp_path / "fn"
    code.mkdir(exist_ok=True)
    (code / "app.py").write_text("import boto3\n")
    (code / "requirements.txt").write_text(f"{requirement}\n")
    function = Function(name="fn", code_dir=code, architecture="arm64", installs_requirements=False)
    report = analyse(function, tmp_path, Config(runtime="python3.12"), RULES, TODAY)
    return [f for f in report.findings if f.rule == "runtime-version-mismatch"]


@pytest.mark.parametrize(
    ("requirement", "bundled", "probed"),
    [
        ("boto3>=1.40", True, False),
        ("boto3>=1.38", False, False),
        ("boto3>=1.41", True, True),
        ("boto3==1.38.36", False, True),
    ],
)
def test_probe_changes_the_version_finding(tmp_path, overlay, requirement, bundled, probed):
    """runtime-version-mismatch follows the newest observation: bundled, then probed."""
    assert bool(_analyse(tmp_path, requirement)) is bundled
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "probe.json").write_text(json.dumps(_manifest()))
    overlay(tmp_path / "data")
    hits = _analyse(tmp_path, requirement)
    assert bool(hits) is probed
    if hits:
        assert "1.40.61 (as observed on 2026-09-14" in hits[0].message


@pytest.fixture
def aws(monkeypatch):
    """A moto-mocked AWS with a Lambda execution role; Lambda runs without docker."""
    moto = pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    with moto.mock_aws(config={"lambda": {"use_docker": False}}):
        iam = boto3.client("iam", region_name=REGION)
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.create_role(RoleName="probe", AssumeRolePolicyDocument=json.dumps(trust))
        yield boto3.client("lambda", region_name=REGION), role["Role"]["Arn"]


def _answer_next(text):
    """Queue what moto's docker-less Lambda returns on the next invoke."""
    core = pytest.importorskip("moto.core")
    api = pytest.importorskip("moto.moto_api._internal.models")
    api.moto_api_backend.set_lambda_simple_result(text, core.DEFAULT_ACCOUNT_ID, REGION)


class _Recorder:
    """Wraps a Lambda client and records the functions created and deleted."""

    def __init__(self, client):
        self.client, self.created, self.deleted = client, [], []
        self.meta = client.meta

    def __getattr__(self, name):
        return getattr(self.client, name)

    def create_function(self, **kwargs):
        self.created.append(kwargs["FunctionName"])
        return self.client.create_function(**kwargs)

    def delete_function(self, **kwargs):
        self.deleted.append(kwargs["FunctionName"])
        return self.client.delete_function(**kwargs)


def test_run_probe_creates_invokes_and_deletes(aws):
    """run_probe deploys the probe, returns its answer with the Region, and deletes it."""
    client, role = aws
    recorder = _Recorder(client)
    _answer_next(RECORDED.read_text())
    answer = run_probe(recorder, role, "python3.12", "arm64", confirm=True)
    assert answer["distributions"] == _answer()["distributions"]
    assert answer["region"] == REGION
    assert recorder.created == recorder.deleted
    (name,) = recorder.created
    assert name.startswith("lambdalint-probe-python312-arm64-")
    assert client.list_functions()["Functions"] == []


@pytest.mark.parametrize(
    "payload",
    ["not json", json.dumps({"probe_format": 99}), json.dumps(["a list"])],
)
def test_run_probe_deletes_after_a_bad_answer(aws, payload):
    """An unreadable answer raises ProbeError and the function is still deleted."""
    client, role = aws
    recorder = _Recorder(client)
    _answer_next(payload)
    with pytest.raises(ProbeError, match="the probe answered"):
        run_probe(recorder, role, "python3.12", "x86_64", confirm=True)
    assert len(recorder.created) == 1
    assert recorder.deleted == recorder.created
    assert client.list_functions()["Functions"] == []


def test_run_probe_deletes_when_invoke_fails(aws):
    """A failing invoke propagates, and the function is still deleted."""
    client, role = aws
    recorder = _Recorder(client)

    def broken_invoke(**kwargs):
        raise ConnectionError("network down")

    recorder.invoke = broken_invoke
    with pytest.raises(ConnectionError):
        run_probe(recorder, role, "python3.13", "x86_64", confirm=True)
    assert recorder.deleted == recorder.created != []
    assert client.list_functions()["Functions"] == []


@pytest.mark.parametrize(
    ("runtime", "architecture", "error"),
    [
        ("python3.12", "arm64", ProbeNotConfirmedError),
        ("nodejs20.x", "arm64", ValueError),
        ("python3.12", "mips", ValueError),
    ],
)
def test_run_probe_refuses_before_touching_aws(runtime, architecture, error):
    """Without confirm=True (or with a bad target) run_probe raises before any AWS call."""

    class NoCalls:
        def __getattr__(self, name):
            raise AssertionError(f"unexpected AWS call {name}")

    with pytest.raises(error):
        run_probe(
            NoCalls(), "arn:aws:iam::123456789012:role/x", runtime, architecture, confirm=False
        )


def _run_script(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "refresh_runtime_data.py"), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def _data_copy(tmp_path):
    data = ROOT / "lambdalint" / "runtime" / "data"
    target = tmp_path / "data"
    target.mkdir()
    for name in ("python3.12.json", "runtime.schema.json"):
        (target / name).write_text((data / name).read_text())
    manifest = tmp_path / "probe.json"
    manifest.write_text(json.dumps(_manifest()))
    return target, manifest


def test_refresh_script_dry_run_prints_the_diff_only(tmp_path):
    """--dry-run prints the diff (new observation, new source) and leaves the file alone."""
    data, manifest = _data_copy(tmp_path)
    before = (data / "python3.12.json").read_text()
    done = _run_script(manifest, "--dry-run", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    assert '+          "version": "1.40.61",' in done.stdout
    assert f'+      "id": "{SOURCE}",' in done.stdout
    assert "# python3.12.json: confirmed: awslambdaric 3.1.1" in done.stdout
    assert (data / "python3.12.json").read_text() == before


def test_refresh_script_writes_valid_data(tmp_path):
    """The refreshed data file validates, references every source, and loads the new version."""
    data, manifest = _data_copy(tmp_path)
    done = _run_script(manifest, "--data-dir", data)
    assert done.returncode == 0, done.stderr
    doc = json.loads((data / "python3.12.json").read_text())
    schema = json.loads((data / "runtime.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)
    boto3 = next(d for d in doc["preinstalled"] if d["name"] == "boto3")
    assert boto3["observations"][-1] == {
        "version": "1.40.61",
        "date": "2026-09-14",
        "architecture": "arm64",
        "source": SOURCE,
    }
    assert doc["sys_path_source"] == SOURCE
    assert doc["glibc_source"] == "lambda-builders-glibc"
    used = {v for k, v in doc.items() if k.endswith("_source") and v is not None}
    for dist in doc["preinstalled"]:
        used |= {dist["source"], *(o["source"] for o in dist["observations"])}
    used |= {n["source"] for n in doc["notes"]}
    assert used == {s["id"] for s in doc["sources"]}
    again = _run_script(manifest, "--data-dir", data)
    assert (again.returncode, again.stdout) == (0, "")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("{", "probe.json"), (json.dumps({"runtime": "python3.12"}), "missing 'manifest_format'")],
)
def test_refresh_script_rejects_bad_manifests(tmp_path, content, fragment):
    """A bad manifest stops the script with exit 2 and a message naming the file."""
    data, manifest = _data_copy(tmp_path)
    manifest.write_text(content)
    done = _run_script(manifest, "--data-dir", data)
    assert done.returncode == 2
    assert fragment in done.stderr


def test_probe_sample_is_marked_as_hand_written():
    """The recorded answer says it is a hand-written sample, not a real observation."""
    assert copy.deepcopy(_answer())["recorded"] == "hand-written sample for tests"


def test_run_probe_reports_a_function_error(aws):
    """A handler error surfaces as ProbeError and the function is still deleted."""
    client, role = aws
    recorder = _Recorder(client)

    def failing_invoke(**kwargs):
        assert kwargs["FunctionName"] == recorder.created[0]
        return {"FunctionError": "Unhandled", "Payload": io.BytesIO(b'{"errorMessage": "boom"}')}

    recorder.invoke = failing_invoke
    with pytest.raises(ProbeError, match="the probe function failed"):
        run_probe(recorder, role, "python3.12", "arm64", confirm=True)
    assert recorder.deleted == recorder.created != []


def test_run_probe_says_when_it_leaves_a_function_behind(aws):
    """A failed delete of a created function is an error that names the function to remove."""
    client, role = aws
    recorder = _Recorder(client)
    _answer_next(RECORDED.read_text())

    def broken_delete(**kwargs):
        raise ConnectionError("network down")

    recorder.delete_function = broken_delete
    with pytest.raises(ProbeError, match="delete it by hand") as caught:
        run_probe(recorder, role, "python3.12", "arm64", confirm=True)
    assert recorder.created[0] in str(caught.value)
    client.delete_function(FunctionName=recorder.created[0])
