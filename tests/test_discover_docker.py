from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.discover.docker import copied_code, discover, read_dockerfile, wants
from lambdalint.discover.docker_builds import read_builds
from lambdalint.model import Location, PackageType, Severity

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "container-image"


def _facts(tmp_path: Path, dockerfile: str, files: dict[str, str] | None = None):
    for name, text in {"requirements.txt": "requests\n", **(files or {})}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    return read_dockerfile(tmp_path / "Dockerfile", tmp_path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dockerfile", True),
        ("Dockerfile.lambda", True),
        ("api.Dockerfile", True),
        ("dockerfile.md", False),
        ("Dockerfiles", False),
    ],
)
def test_wants(name, expected):
    """Dockerfile, Dockerfile.* and *.Dockerfile are read; other names are not."""
    assert wants(Path(name)) is expected


@pytest.mark.parametrize(
    ("dockerfile", "runtime", "arch"),
    [
        ("FROM public.ecr.aws/lambda/python:3.12\n", "python3.12", None),
        ("FROM public.ecr.aws/lambda/python:3.11-arm64\n", "python3.11", "arm64"),
        ("FROM public.ecr.aws/lambda/python:3.12.2024.10.15.10-x86_64\n", "python3.12", "x86_64"),
        ("FROM public.ecr.aws/lambda/python:3.13@sha256:0123abcd\n", "python3.13", None),
        ("FROM --platform=linux/arm64 public.ecr.aws/lambda/python:3.10\n", "python3.10", "arm64"),
        ("FROM amazon/aws-lambda-python:3.9 AS final\n", "python3.9", None),
        (
            "ARG PY_VERSION=3.12\nFROM public.ecr.aws/lambda/python:${PY_VERSION}\n",
            "python3.12",
            None,
        ),
        ("ARG V\nFROM public.ecr.aws/lambda/python:${V:-3.11}-arm64\n", "python3.11", "arm64"),
        ("FROM public.ecr.aws/lambda/python:latest\n", None, None),
    ],
)
def test_base_image(tmp_path, dockerfile, runtime, arch):
    """The final stage's Lambda base image tag gives the runtime and architecture."""
    facts, findings = _facts(tmp_path, dockerfile)
    assert findings == ()
    assert facts is not None
    assert (facts.runtime, facts.architecture) == (runtime, arch)
    assert facts.location == Location("Dockerfile", dockerfile.count("\n"))


@pytest.mark.parametrize(
    "dockerfile",
    [
        'FROM python:3.12-slim\nCMD ["app.handler"]\n',
        "FROM public.ecr.aws/sam/build-python3.12\n",
        "ARG BASE\nFROM ${BASE}\n",
        "FROM public.ecr.aws/lambda/python:3.12 AS build\nFROM node:20\n",
        "# only a comment\n",
    ],
)
def test_other_bases_are_ignored(tmp_path, dockerfile):
    """A final stage on another base image yields no facts and no findings."""
    assert _facts(tmp_path, dockerfile) == (None, ())


BASE = "FROM public.ecr.aws/lambda/python:3.12\n"


@pytest.mark.parametrize(
    ("body", "installs", "requirements"),
    [
        ("COPY requirements.txt .\nRUN pip install -r requirements.txt -t .\n", True, 1),
        (
            (
                "COPY requirements.txt /tmp/req.txt\n"
                "RUN python3 -m pip install --no-cache-dir --requirement=/tmp/req.txt\n"
            ),
            True,
            1,
        ),
        (
            (
                "COPY requirements.txt ${LAMBDA_TASK_ROOT}\n"
                "RUN dnf install -y gcc && pip3.12 install -rrequirements.txt --target /var/task\n"
            ),
            True,
            1,
        ),
        ('COPY . .\nRUN ["pip", "install", "-r", "requirements.txt"]\n', True, 1),
        ("COPY requirements.txt ./\nRUN uv pip install --system -r requirements.txt\n", True, 1),
        ("RUN pip install requests boto3 --target ${LAMBDA_TASK_ROOT}\n", True, 0),
        ("RUN pip install -r requirements.txt\n", True, 0),
        ("COPY requirements.txt .\nRUN pip install -t /build -r requirements.txt\n", False, 0),
        ("COPY requirements.txt .\nRUN pip download -r requirements.txt -d /wheels\n", False, 0),
        ("COPY . .\n", False, 0),
    ],
)
def test_pip_install(tmp_path, body, installs, requirements):
    """RUN pip install into the task root or site-packages installs; other targets do not."""
    facts, _ = _facts(tmp_path, BASE + body)
    assert facts is not None
    assert facts.installs_requirements is installs
    assert facts.requirements_files == (tmp_path / "requirements.txt",) * requirements


def test_multi_stage_builder(tmp_path):
    """A builder stage's pip install counts once COPY --from puts it in the task root."""
    facts, findings = _facts(
        tmp_path,
        "FROM public.ecr.aws/lambda/python:3.12-arm64 AS builder\n"
        "COPY requirements.txt .\n"
        "RUN pip install -r requirements.txt -t /asset\n"
        "FROM public.ecr.aws/lambda/python:3.12-arm64\n"
        "COPY --from=builder /asset ${LAMBDA_TASK_ROOT}\n"
        "COPY app.py ${LAMBDA_TASK_ROOT}\n"
        'CMD ["app.handler"]\n',
        {"app.py": "def handler(event, context): ...\n"},
    )
    assert findings == ()
    assert facts is not None
    assert facts.installs_requirements is True
    assert facts.requirements_files == (tmp_path / "requirements.txt",)
    assert facts.code_dirs == (tmp_path / "app.py",)
    assert facts.location.line == 4
    assert "multi-stage build: final stage used" in facts.notes


@pytest.mark.parametrize(
    ("cmd", "handler"),
    [
        ('CMD ["app.main.handler"]', "app.main.handler"),
        ('CMD [ "lambda_function.lambda_handler" ]', "lambda_function.lambda_handler"),
        ("CMD app.handler", "app.handler"),
        ('CMD ["python", "app.py"]', None),
        ("CMD app.py", None),
        ('ENTRYPOINT ["/lambda-entrypoint.sh"]', None),
    ],
)
def test_handler_from_cmd(tmp_path, cmd, handler):
    """CMD in exec or shell form names the handler; anything else leaves it unknown."""
    facts, _ = _facts(tmp_path, BASE + cmd + "\n")
    assert facts is not None
    assert facts.handler == handler


def test_continuations_comments_and_escape(tmp_path):
    """Backtick continuations (escape directive), comments and heredocs are handled."""
    facts, findings = _facts(
        tmp_path,
        "# escape=`\n"
        "FROM public.ecr.aws/lambda/python:3.11\n"
        "COPY requirements.txt .\n"
        "RUN pip install `\n"
        "# a comment inside the instruction\n"
        "    -r requirements.txt `\n"
        "    -t .\n"
        "RUN <<EOF\n"
        "FROM python:3.12\n"
        "EOF\n"
        'CMD ["handler.main"]\n',
    )
    assert findings == ()
    assert facts is not None
    assert (facts.runtime, facts.handler, facts.installs_requirements) == (
        "python3.11",
        "handler.main",
        True,
    )


def test_old_runtime_system_site_packages_note(tmp_path):
    """On python3.8-3.10 a pip install into site-packages is noted: /var/runtime still wins."""
    facts, _ = _facts(tmp_path, "FROM public.ecr.aws/lambda/python:3.9\nRUN pip install boto3\n")
    assert facts is not None
    assert any("/var/runtime still wins" in note for note in facts.notes)


@pytest.mark.parametrize(
    ("dockerfile", "severity", "line"),
    [
        (BASE + "RUN pip install 'unbalanced\n", Severity.WARNING, 2),
        ("ARG PY\nFROM public.ecr.aws/lambda/python:${PY}\n", Severity.WARNING, 2),
        (b"FROM public.ecr.aws/lambda/python:3.12\n\xff\xfe\n", Severity.ERROR, None),
    ],
)
def test_bad_input_is_a_finding(tmp_path, dockerfile, severity, line):
    """Unreadable files and unresolvable values become parse-error findings, never exceptions."""
    path = tmp_path / "Dockerfile"
    if isinstance(dockerfile, bytes):
        path.write_bytes(dockerfile)
    else:
        path.write_text(dockerfile, encoding="utf-8")
    _, findings = read_dockerfile(path, tmp_path)
    assert [(f.rule, f.severity, f.location.line) for f in findings] == [
        ("parse-error", severity, line)
    ]


def test_huge_file_is_skipped(tmp_path):
    """A Dockerfile over 5 MB is not read, and says so."""
    path = tmp_path / "Dockerfile"
    path.write_text(BASE + "#" * (5 * 1024 * 1024), encoding="utf-8")
    facts, findings = read_dockerfile(path, tmp_path)
    assert facts is None
    assert "5 MB" in findings[0].message


@pytest.mark.parametrize(
    ("copy", "module"),
    [
        ("COPY src/ ${LAMBDA_TASK_ROOT}", "src.main"),
        ("COPY ./src/main.py ./", "src.main"),
        ("COPY src/main.py /var/task/", "src.main"),
        ("COPY src ./", "src.main"),
        ("COPY src/ ${LAMBDA_TASK_ROOT}/src/", None),
    ],
)
def test_handler_module_follows_copy(tmp_path, copy, module):
    """COPY from a subfolder to the task root: the handler is checked in the file it copies."""
    (tmp_path / "svc" / "src").mkdir(parents=True)
    (tmp_path / "svc" / "src" / "main.py").write_text("def handler(e, c): ...\n", encoding="utf-8")
    dockerfile = tmp_path / "svc" / "Dockerfile"
    dockerfile.write_text(BASE + f'{copy}\nCMD ["main.handler"]\n')
    (function,) = discover([dockerfile], tmp_path).functions
    assert (function.handler, function.handler_known) == ("main.handler", True)
    assert function.code_dir == (tmp_path / "svc").resolve()
    assert function.handler_module() == (module or "main")


def test_context_outside_dockerfile_folder(tmp_path):
    """With a build context above the Dockerfile, COPY sources are read from the context."""
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text("def handler(e, c): ...\n", encoding="utf-8")
    (tmp_path / "fn" / "requirements.txt").write_text("requests\n", encoding="utf-8")
    (tmp_path / "fn" / "Dockerfile").write_text(
        BASE + "COPY fn/app.py fn/requirements.txt ./\n"
        "RUN pip install -r requirements.txt -t .\n"
        'CMD ["app.handler"]\n',
        encoding="utf-8",
    )
    facts, findings = read_dockerfile(tmp_path / "fn" / "Dockerfile", tmp_path, tmp_path)
    assert findings == ()
    assert facts is not None
    assert facts.requirements_files == ((tmp_path / "fn" / "requirements.txt").resolve(),)
    assert facts.handler_file == (tmp_path / "fn" / "app.py").resolve()
    assert facts.folder == (tmp_path / "fn").resolve()


def test_handler_copied_from_outside_the_dockerfile_folder(tmp_path):
    """Code copied from a sibling folder of the Dockerfile is read from that folder."""
    (tmp_path / "docker").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(e, c): ...\n", encoding="utf-8")
    (tmp_path / "docker" / "Dockerfile").write_text(
        BASE + 'COPY src/ ${LAMBDA_TASK_ROOT}\nCMD ["app.handler"]\n', encoding="utf-8"
    )
    facts, _ = read_dockerfile(tmp_path / "docker" / "Dockerfile", tmp_path, tmp_path)
    assert facts is not None
    assert facts.folder == (tmp_path / "src").resolve()


def test_fixture_container_image():
    """The container-image fixture is one python3.12 image function that installs its deps."""
    found = discover([FIXTURE / "Dockerfile"], FIXTURE.parent)
    assert found.findings == ()
    assert found.claimed == frozenset({FIXTURE})
    (function,) = found.functions
    assert function.code_dir.relative_to(FIXTURE.parent).as_posix() == "container-image"
    assert (
        function.name,
        function.runtime,
        function.architecture,
        function.handler,
        function.handler_known,
        function.packaging,
        function.installs_requirements,
        function.layers,
        function.package_type,
        function.requirements_file,
        function.source,
    ) == (
        "container-image",
        "python3.12",
        "x86_64",
        "app.main.handler",
        True,
        "container image (Dockerfile)",
        True,
        (),
        PackageType.IMAGE,
        FIXTURE / "requirements.txt",
        Location("container-image/Dockerfile", 3),
    )


def test_named_pip_installs(tmp_path):
    """Requirements a RUN pip install names are kept with their line; pip upgrades are not."""
    facts, _ = _facts(
        tmp_path,
        BASE + "RUN pip install --upgrade pip wheel && pip install pipenv\n"
        "RUN pip install -t /build awscli\n",
    )
    assert facts is not None
    assert facts.named == (("pipenv", Location("Dockerfile", 2)),)


@pytest.mark.parametrize(
    ("entrypoint", "handler"),
    [
        ("ENV H=app.main\nENTRYPOINT /lambda-entrypoint.sh ${H}", "app.main"),
        ('ENTRYPOINT ["/lambda-entrypoint.sh", "app.handler"]', "app.handler"),
        ('ENTRYPOINT ["/lambda-entrypoint.sh"]\nCMD ["app.handler"]', "app.handler"),
        ('ENTRYPOINT ["python", "-m", "awslambdaric"]', None),
    ],
)
def test_handler_from_entrypoint(tmp_path, entrypoint, handler):
    """The Lambda entrypoint script followed by a handler names it (shell form reads ENV)."""
    facts, _ = _facts(tmp_path, BASE + entrypoint + "\n")
    assert facts is not None
    assert facts.handler == handler


WORKFLOW = """\
jobs:
  build:
    strategy:
      matrix:
        fn: [auth, submit]
    steps:
      - uses: docker/build-push-action@v5
        with:
          context: ./svc
          build-args: |
            MODULE=${{ matrix.fn }}
            UNKNOWN=${{ secrets.TOKEN }}
      - run: docker buildx build --build-arg MODULE=status -f svc/Dockerfile -t x:1 svc
"""


def test_builds_from_a_workflow_matrix(tmp_path):
    """Each matrix value and each docker build line is one build with its build args."""
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW, encoding="utf-8")
    builds = read_builds([workflow], tmp_path)
    dockerfile = (tmp_path / "svc" / "Dockerfile").resolve()
    assert [(b.dockerfile, b.args, b.location.line) for b in builds] == [
        (dockerfile, (("MODULE", "auth"),), 7),
        (dockerfile, (("MODULE", "status"),), 13),
        (dockerfile, (("MODULE", "submit"),), 7),
    ]


def test_one_function_per_build_arg_handler(tmp_path):
    """A handler taken from a build ARG without a default is one function per build."""
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW, encoding="utf-8")
    (tmp_path / "svc").mkdir()
    for module in ("auth", "submit", "status"):
        (tmp_path / "svc" / f"{module}.py").write_text("def handler(e, c): ...\n")
    dockerfile = tmp_path / "svc" / "Dockerfile"
    dockerfile.write_text(
        BASE + "ARG MODULE\nENV H=${MODULE}.handler\nCOPY *.py ./\n"
        "ENTRYPOINT /lambda-entrypoint.sh ${H}\n"
    )
    found = discover([dockerfile, workflow], tmp_path)
    assert found.findings == ()
    assert sorted((f.name, f.handler) for f in found.functions) == [
        ("svc:auth", "auth.handler"),
        ("svc:status", "status.handler"),
        ("svc:submit", "submit.handler"),
    ]


@pytest.mark.parametrize(
    ("copies", "values"),
    [
        ("COPY fns/${FN}/app.py ./\n", ("a", "b")),
        ("COPY fns/${FN}/app.py ./\nCOPY fns/${FN}/requirements.txt ./\n", ("a",)),
        ('COPY "./fns/${FN}/*" ${LAMBDA_TASK_ROOT}/\n', ("a", "b", "c")),
        ("COPY fns/x-$FN.txt ./\n", ()),
        ("COPY --from=builder /tmp/${FN} ./\nCOPY fns/${FN}/app.py ./\n", ("a", "b")),
    ],
)
def test_build_arg_values_from_copy_sources(tmp_path, copies, values):
    """An ARG without a value takes the values for which every COPY source naming it exists."""
    from lambdalint.discover.docker_args import arg_values  # noqa: PLC0415 - one test

    for rel in ("fns/a/app.py", "fns/a/requirements.txt", "fns/b/app.py", "fns/c/data.json"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    (tmp_path / "fns" / "__pycache__").mkdir()
    (tmp_path / "Dockerfile").write_text(BASE + "ARG FN\n" + copies, encoding="utf-8")
    assert arg_values(tmp_path / "Dockerfile", tmp_path, "FN") == values


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        ("COPY shared/ ${LAMBDA_TASK_ROOT}/shared/", [("shared", "shared")]),
        ("COPY shared ./", [("shared", "")]),
        ('COPY "shared/*" "./lib/"', [("shared/db.py", "lib/db.py")]),
        ("COPY shared/db.py ${LAMBDA_TASK_ROOT}", [("shared/db.py", "db.py")]),
        ("COPY shared/db.py store.py", [("shared/db.py", "store.py")]),
        ("COPY shared/db.py app.py lib", [("shared/db.py", "lib/db.py"), ("app.py", "lib/app.py")]),
        ("COPY shared/ /opt/shared/", []),
    ],
)
def test_task_files_say_where_each_copy_lands(tmp_path, copy, expected):
    """Each COPY source is placed at its path under the task root, as Docker places it."""
    facts, _ = _facts(
        tmp_path,
        f'FROM public.ecr.aws/lambda/python:3.12\n{copy}\nCMD ["app.handler"]\n',
        {"app.py": "def handler(event, context): ...\n", "shared/db.py": "import requests\n"},
    )
    assert facts is not None
    assert [(h.relative_to(tmp_path).as_posix(), d) for h, d in facts.task_files] == expected


def test_copied_code_is_what_lands_from_outside_the_code_folder(tmp_path):
    """Only copies from outside the function's folder are extra code; its own are read anyway."""
    facts, _ = _facts(
        tmp_path,
        "FROM public.ecr.aws/lambda/python:3.12\n"
        "COPY shared/ ./shared/\nCOPY fn/ ./\nCOPY . ./\n"
        'CMD ["app.handler"]\n',
        {"fn/app.py": "import shared.db\n", "shared/db.py": "import requests\n"},
    )
    assert facts is not None
    assert copied_code(facts, tmp_path / "fn") == ((tmp_path / "shared", "shared"),)
