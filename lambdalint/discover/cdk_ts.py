"""A static read (as text, never run) of a CDK TypeScript/JavaScript app's Python functions.

The file ``cdk.json`` runs (``bin/app.ts``) and the relative modules it imports are read;
``new Function(...)`` and ``new PythonFunction(...)`` from ``aws-cdk-lib/aws-lambda`` (or
the v1 ``@aws-cdk/`` packages) with a Python runtime become functions. Asset paths: a string
is relative to the app folder, where ``cdk`` runs; ``__dirname`` is the file's folder;
``path.join``/``path.resolve`` and template literals are followed, and so is a local helper
that returns ``Code.fromAsset(param)``, by substituting the call's arguments.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error, relative
from lambdalint.discover.base import MAX_BYTES, Discovery, inside
from lambdalint.discover.cfn_yaml import UNREAD_FIX
from lambdalint.discover.manifests import Choice, cdk_bundling
from lambdalint.discover.ts_source import (
    Source,
    call,
    closing,
    expression_end,
    members,
    parse,
    split,
    string,
)
from lambdalint.model import Finding, Function, Severity

MAX_MODULES = 200
_LAMBDA = frozenset({"aws-cdk-lib/aws-lambda", "@aws-cdk/aws-lambda", "aws-cdk-lib:aws_lambda"})
_PYTHON = frozenset({"@aws-cdk/aws-lambda-python-alpha", "@aws-cdk/aws-lambda-python"})
_NEW = re.compile(r"\bnew\s+([\w$.]+)\s*\(")
_IMPORTED = re.compile(r"""(?:\bfrom|\brequire\(|\bimport)\s*['"](\.{1,2}/[^'"]+)['"]""")
_BINDING = re.compile(r"\b(?:const|let|var)\s+(\w+)\s*(?::[^=;]+)?=(?!=)")
_HELPER = re.compile(
    r"\bfunction\s+(\w+)\s*\(|\b(?:const|let)\s+(\w+)\s*(?::[^=;]+)?=\s*(?:async\s*)?\("
)
_ASSET = re.compile(r"\bCode\.(?:fromAsset|asset)\s*\(")
_PYTHON_RUNTIME = re.compile(r"\bRuntime\.PYTHON_(\d+)_(\d+)$")
_OTHER_RUNTIME = re.compile(r"\bRuntime\.\w+$")
_SIGNATURE_TAIL = re.compile(r"\s*(?::\s*[\w.<>\[\]| ]+)?\s*(=>)?\s*")  # return type, arrow
_ENDINGS = ("", ".ts", ".js", ".mjs", ".cjs", "/index.ts", "/index.js")


@dataclass
class _Helper:
    """A local function: its parameter names, body, and the file it is written in."""

    params: list[str]
    body: str
    file: Path


@dataclass
class _App:
    app_dir: Path
    root: Path
    files: dict[Path, Source] = field(default_factory=dict)
    bindings: dict[Path, dict[str, str]] = field(default_factory=dict)
    helpers: dict[str, _Helper] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def warn(self, file: Path, line: int, message: str, function: str) -> None:
        where = locate(file, self.root, line)
        self.findings.append(
            parse_error(where, message, UNREAD_FIX, function=function, severity=Severity.WARNING)
        )


def read_ts_app(app_dir: Path, entry: Path, root: Path) -> Discovery:
    """Python functions the CDK TypeScript/JavaScript app in ``app_dir`` declares."""
    app, queue = _App(app_dir, root), [entry]
    while queue and len(app.files) < MAX_MODULES:
        path = queue.pop(0)
        if path in app.files or not inside(path, root):
            continue
        try:
            if path.stat().st_size > MAX_BYTES:
                continue
            source = parse(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        app.files[path] = source
        app.bindings[path] = _bindings(source.text)
        _collect_helpers(app, path, source.text)
        for spec in _IMPORTED.findall(source.text):
            queue.extend(c for end in _ENDINGS if (c := _module(path, spec, end)) is not None)
    result = Discovery()
    for path, source in app.files.items():
        for match in _NEW.finditer(source.text):
            result += _construct(app, path, source, match)
    return result + Discovery(findings=tuple(app.findings))


def _module(importer: Path, spec: str, ending: str) -> Path | None:
    candidate = Path(os.path.normpath(importer.parent / (spec + ending)))
    return candidate if candidate.is_file() and candidate.suffix in {".ts", ".js"} else None


def _bindings(text: str) -> dict[str, str]:
    """``const name = <expression>`` at any depth, the expression up to ``;`` or a newline."""
    found: dict[str, str] = {}
    for match in _BINDING.finditer(text):
        found.setdefault(match[1], text[match.end() : expression_end(text, match.end())].strip())
    return found


def _collect_helpers(app: _App, path: Path, text: str) -> None:
    """``function f(a) {...}`` and ``const f = (a) => ...`` (block or expression body)."""
    for match in _HELPER.finditer(text):
        opening = match.end() - 1
        after = closing(text, opening)
        head = _SIGNATURE_TAIL.match(text, after) if after > 0 else None
        if head is None or (match[2] and head[1] is None):
            continue  # not a function: ``const x = (a + b)``
        start = head.end()
        if text.startswith("{", start):
            body = text[start : closing(text, start)]
        elif head[1] is not None:
            body = text[start : expression_end(text, start)]
        else:
            continue
        params = [
            re.split(r"[?:=]", p, maxsplit=1)[0].strip()
            for p in split(text[opening + 1 : after - 1])
        ]
        app.helpers.setdefault(match[1] or match[2], _Helper(params, body, path))


def _kind(source: Source, name: str) -> str | None:
    """``lambda.Function`` -> ``"lambda:Function"`` / ``"python:PythonFunction"``, or None."""
    head, _, rest = name.partition(".")
    bound = source.imports.get(head)
    if bound is None:
        return None
    module, _, export = bound.partition(":")
    member = export or rest.rpartition(".")[2]
    if not export and "." in rest:  # cdk.aws_lambda.Function
        module = f"{module}:{rest.partition('.')[0]}"
    if module in _LAMBDA and member in {"Function", "SingletonFunction"}:
        return "lambda:Function"
    if module in _PYTHON and member == "PythonFunction":
        return "python:PythonFunction"
    return None


def _construct(app: _App, path: Path, source: Source, match: re.Match[str]) -> Discovery:
    kind = _kind(source, match[1])
    end = closing(source.text, match.end() - 1)
    if kind is None or end < 0:
        return Discovery()
    args = split(source.text[match.end() : end - 1])
    line = source.line(match.start())
    props = members(args[2]) if len(args) > 2 else {}  # noqa: PLR2004 - (scope, id, props)
    name = (string(args[1]) if len(args) > 1 else None) or f"{relative(path, app.root)}:{line}"
    runtime_text = _resolve(app, path, props.get("runtime", ""))
    version = _PYTHON_RUNTIME.search(runtime_text)
    if version is None and (_OTHER_RUNTIME.search(runtime_text) or kind.startswith("lambda")):
        if not _OTHER_RUNTIME.search(runtime_text):
            app.warn(path, line, f"{name}: runtime is not a literal Runtime.PYTHON_3_X", name)
        return Discovery()
    bundled = Choice()
    installs: bool | None
    if kind.startswith("python"):
        folder = _path(app, path, props.get("entry", ""), {})
        module = (string(props.get("index", "")) or "index.py").removesuffix(".py")
        handler: str | None = f"{module}.{string(props.get('handler', '')) or 'handler'}"
        packaging, installs = "cdk PythonFunction (bundled)", True
        bundled = cdk_bundling(folder) if folder and folder.is_dir() else bundled
    else:
        folder, packaging, installs = _code(app, path, props.get("code", ""))
        handler = string(props.get("handler", ""))
    if folder is None or not folder.is_dir() or not inside(folder, app.root):
        problem = "is not a local asset folder" if folder is None else "is missing"
        app.warn(path, line, f"{name}: the code {problem}; not analysed", name)
        return Discovery()
    layers = _resolve(app, path, props.get("layers", ""))
    function = Function(
        name=name,
        code_dir=folder,
        discovered_by="cdk",
        handler=handler,
        handler_known=handler is not None,
        runtime=f"python{version[1]}.{version[2]}" if version else None,
        architecture="arm64" if "ARM_64" in props.get("architecture", "") else "x86_64",
        layers=tuple(split(layers[1:-1])) if layers.startswith("[") else (),
        packaging=packaging,
        installs_requirements=installs and bundled.installs,
        installs_only=bundled.installs_only,
        requirements_file=bundled.file,
        source=locate(
            path, app.root, line, match.start() - source.text.rfind("\n", 0, match.start())
        ),
        packaging_source=locate(
            path, app.root, source.line(_key(source.text, (match.start(), end), "code", "entry"))
        ),
        notes=bundled.notes,
    )
    return Discovery(functions=(function,), claimed=frozenset({folder}))


def _key(text: str, span: tuple[int, int], *keys: str) -> int:
    """The offset of the first ``key:`` among ``keys`` within ``span`` (its start if none)."""
    found = re.compile(rf"\b(?:{'|'.join(keys)})\s*:").search(text, *span)
    return found.start() if found else span[0]


def _resolve(app: _App, path: Path, expr: str) -> str:
    """Follow ``const`` names bound in the same file (a few hops)."""
    for _ in range(5):
        bound = app.bindings.get(path, {}).get(expr.strip())
        if bound is None:
            break
        expr = bound
    return expr.strip()


def _code(app: _App, path: Path, expr: str) -> tuple[Path | None, str, bool | None]:
    """The asset folder of a ``code:`` value, following one local helper."""
    found = call(_resolve(app, path, expr))
    if found is None:
        return None, "", None
    callee, args = found
    if _ASSET.search(callee + "(") and args:
        options = members(args[1]) if len(args) > 1 else {}
        folder = _path(app, path, args[0], {})
        if "bundling" not in options:
            return folder, "cdk Code.fromAsset", False
        return folder, "cdk Code.fromAsset (bundling)", "pip install" in options["bundling"] or None
    helper = app.helpers.get(callee)
    asset = _ASSET.search(helper.body) if helper else None
    if helper is None or asset is None:
        return None, "", None
    inner = split(helper.body[asset.end() : closing(helper.body, asset.end() - 1) - 1])
    given = dict(zip(helper.params, [(a, path) for a in args], strict=False))
    folder = _path(app, helper.file, inner[0], given) if inner else None
    return folder, "cdk Code.fromAsset", False


def _path(app: _App, path: Path, expr: str, given: dict[str, tuple[str, Path]]) -> Path | None:
    """A path expression: a string, ``__dirname``, ``path.join``/``resolve``, a template."""
    expr = expr.strip()
    if expr in given:
        value, where = given[expr]
        return _path(app, where, value, {})
    expr = _resolve(app, path, expr)
    text = string(expr)
    if text is None and len(expr) > 1 and expr[0] == expr[-1] == "`":
        text = _template(app, path, expr[1:-1], given)
    if text is not None:
        return Path(os.path.normpath(app.app_dir / text))
    if expr == "__dirname":
        return path.parent
    found = call(expr)
    if found is None or found[0] not in {"path.join", "path.resolve", "join", "resolve"}:
        return None
    pieces = [_text(app, path, a, given) for a in found[1]]
    if not pieces or None in pieces:
        return None
    return Path(os.path.normpath(app.app_dir.joinpath(*(p for p in pieces if p is not None))))


def _template(app: _App, path: Path, body: str, given: dict[str, tuple[str, Path]]) -> str | None:
    """The text of a template literal whose placeholders are all strings or paths."""
    parts = re.split(r"\$\{([^}]*)\}", body)
    pieces = [_text(app, path, p, given) if i % 2 else p for i, p in enumerate(parts)]
    return None if None in pieces else "".join(p for p in pieces if p is not None)


def _text(app: _App, path: Path, expr: str, given: dict[str, tuple[str, Path]]) -> str | None:
    """A string or a path, as text (a helper's parameter takes the caller's argument)."""
    expr = expr.strip()
    if expr in given:
        value, where = given[expr]
        return _text(app, where, value, {})
    if (text := string(_resolve(app, path, expr))) is not None:
        return text
    folder = _path(app, path, expr, given)
    return str(folder) if folder is not None else None
