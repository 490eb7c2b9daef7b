"""A static read (``ast``, never executed) of a CDK Python app's Lambda functions and layers.

``app.py`` (or what ``cdk.json`` runs) and the app modules it imports are parsed; ``Function``,
``PythonFunction``, ``LayerVersion`` and ``PythonLayerVersion`` calls are read when their
arguments are literals or names bound to literals in the module. Relative asset paths start
at the app folder, where ``cdk`` runs; what cannot be read becomes a warning at the call.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error, relative
from lambdalint.discover.base import MAX_BYTES, Discovery, inside
from lambdalint.discover.cfn_yaml import UNREAD_FIX
from lambdalint.model import Finding, Function, Layer, Location, Severity

MAX_MODULES = 200
LAMBDA, PYTHON = "aws_cdk.aws_lambda.", "aws_cdk.aws_lambda_python_alpha."
_ALIASES = {"lambda_": LAMBDA[:-1], "_lambda": LAMBDA[:-1], "aws_lambda": LAMBDA[:-1]}
_CONSTRUCTS = frozenset(
    {LAMBDA + "Function", LAMBDA + "SingletonFunction", PYTHON + "PythonFunction"}
    | {LAMBDA + "LayerVersion", PYTHON + "PythonLayerVersion"}
)
_ASSET = frozenset({LAMBDA + "Code.from_asset", LAMBDA + "Code.fromAsset", LAMBDA + "Code.asset"})
_ARCHES = {"ARM_64": "arm64", "X86_64": "x86_64"}
_PATH_CALLS = frozenset({"str", "os.path.abspath", "os.path.realpath", "pathlib.Path"})


def read_app(app_dir: Path, root: Path) -> Discovery:
    """Functions and layers the CDK app in ``app_dir`` declares, as far as ``ast`` can tell."""
    queue, seen = [_entry(app_dir)], set[Path]()
    result = Discovery()
    while queue and len(seen) < MAX_MODULES:
        path = queue.pop(0)
        if path in seen or not path.is_file() or not inside(path, root):
            continue
        seen.add(path)
        module = _Module(path, app_dir, root)
        result += module.read()
        queue.extend(module.imports)
    return result


def _entry(app_dir: Path) -> Path:
    """The Python file ``cdk.json``'s ``app`` command runs (``app.py`` by default)."""
    try:
        command = json.loads((app_dir / "cdk.json").read_text(encoding="utf-8")).get("app", "")
    except (OSError, ValueError, AttributeError):
        command = ""
    scripts = [w for w in str(command).split() if w.endswith(".py")]
    return (app_dir / (scripts[0] if scripts else "app.py")).resolve()


@dataclass
class _Module:
    """One parsed module of the app: its imports, bindings and Lambda constructs."""

    path: Path
    app_dir: Path
    root: Path
    imports: list[Path] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    env: dict[str, ast.expr] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def read(self) -> Discovery:
        try:
            if self.path.stat().st_size > MAX_BYTES:
                return Discovery()
            tree = ast.parse(self.path.read_bytes(), filename=str(self.path))
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError) as error:
            where = locate(self.path, self.root, getattr(error, "lineno", None))
            message = f"cannot parse the CDK app module: {error}"
            return Discovery(findings=(parse_error(where, message, severity=Severity.WARNING),))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                self._import(node)
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                self.env.update({key: node.value for t in targets if (key := _key(t))})
        result = Discovery()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                result += self._construct(node)
        return result + Discovery(findings=tuple(self.findings))

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                self.names[alias.asname or top] = alias.name if alias.asname else top
                self._local(self.app_dir, alias.name.split("."))
            return
        base = self.path.parent if node.level else self.app_dir
        for _ in range(max(node.level - 1, 0)):
            base = base.parent
        module = (node.module or "").split(".") if node.module else []
        for alias in node.names:
            self.names[alias.asname or alias.name] = ".".join([*module, alias.name])
            self._local(base, [*module, alias.name])
        self._local(base, module)

    def _local(self, base: Path, parts: list[str]) -> None:
        """Queue the app's own module (``stacks/orders.py`` or a package ``__init__``)."""
        if not parts:
            return
        stem = base.joinpath(*parts)
        for candidate in (stem.with_suffix(".py"), stem / "__init__.py"):
            if candidate.is_file() and inside(candidate, self.app_dir):
                self.imports.append(candidate.resolve())

    def qualname(self, expr: ast.expr | None) -> str | None:
        """``lambda_.Runtime.PYTHON_3_12`` → ``aws_cdk.aws_lambda.Runtime.PYTHON_3_12``."""
        if isinstance(expr, ast.Name):
            return self.names.get(expr.id) or _ALIASES.get(expr.id, expr.id)
        if isinstance(expr, ast.Attribute):
            base = self.qualname(expr.value)
            return f"{base}.{expr.attr}" if base else None
        return None

    def resolve(self, expr: ast.expr | None) -> ast.expr | None:
        """Follow names bound in this module (``runtime = Runtime.PYTHON_3_12``)."""
        for _ in range(5):
            key = _key(expr) if expr is not None else None
            if key is None or key not in self.env:
                break
            expr = self.env[key]
        return expr

    def string(self, expr: ast.expr | None) -> str | None:
        """A literal string, following names bound in this module."""
        value = self.resolve(expr)
        is_text = isinstance(value, ast.Constant) and isinstance(value.value, str)
        return value.value if is_text else None  # type: ignore[union-attr]

    def path_of(self, expr: ast.expr | None) -> Path | None:
        """A path expression: a literal, ``__file__``, ``os.path.join``/``dirname``, ``Path /``."""
        value = self.resolve(expr)
        if (text := self.string(value)) is not None:
            return Path(os.path.normpath(self.app_dir / text))
        if isinstance(value, ast.Name) and value.id == "__file__":
            return self.path
        if isinstance(value, ast.Attribute) and value.attr == "parent":
            return (parent := self.path_of(value.value)) and parent.parent
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
            return self._join(value.left, [value.right])
        return self._path_call(value) if isinstance(value, ast.Call) else None

    def _path_call(self, call: ast.Call) -> Path | None:
        called = self.qualname(call.func)
        if not call.args:  # Path(...).resolve() or .absolute()
            func = call.func
            keeps = isinstance(func, ast.Attribute) and func.attr in {"resolve", "absolute"}
            return self.path_of(func.value) if isinstance(func, ast.Attribute) and keeps else None
        if called == "os.path.dirname":
            return (child := self.path_of(call.args[0])) and child.parent
        if called == "os.path.join":
            return self._join(call.args[0], call.args[1:])
        return self.path_of(call.args[0]) if called in _PATH_CALLS else None

    def _join(self, first: ast.expr, rest: list[ast.expr]) -> Path | None:
        base, parts = self.path_of(first), [self.string(part) for part in rest]
        if base is None or None in parts:
            return None
        return Path(os.path.normpath(base.joinpath(*(p for p in parts if p is not None))))

    def at(self, node: ast.expr | None) -> Location | None:
        """Where ``node`` is written."""
        return locate(self.path, self.root, node.lineno, node.col_offset + 1) if node else None

    def warn(self, node: ast.AST, message: str, function: str | None = None) -> None:
        where = locate(self.path, self.root, getattr(node, "lineno", None))
        self.findings.append(
            parse_error(where, message, UNREAD_FIX, function=function, severity=Severity.WARNING)
        )

    def _construct(self, call: ast.Call) -> Discovery:
        kind = self.qualname(call.func) or ""
        if kind not in _CONSTRUCTS:
            return Discovery()
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        cid = self.string(call.args[1]) if len(call.args) > 1 else None
        name = cid or f"{relative(self.path, self.root)}:{call.lineno}"
        if kind.endswith("LayerVersion"):
            return self._layer(call, kind, kw, name)
        return self._function(call, kind, kw, name)

    def _function(self, call: ast.Call, kind: str, kw: dict[str, ast.expr], name: str) -> Discovery:
        runtime = self.qualname(self.resolve(kw["runtime"])) if "runtime" in kw else None
        version = (runtime or "").partition(".Runtime.PYTHON_")[2] or None
        if runtime and ".Runtime." in runtime and ".Runtime.PYTHON_" not in runtime:
            return Discovery()  # not a Python function
        if "runtime" in kw and not version:
            self.warn(call, f"{name}: runtime is not a literal Runtime.PYTHON_3_X", name)
        arch = self.qualname(self.resolve(kw["architecture"])) if "architecture" in kw else None
        handler: str | None
        installs: bool | None
        if kind.endswith("PythonFunction"):
            folder = self.path_of(kw.get("entry"))
            module = (self.string(kw.get("index")) or "index.py").removesuffix(".py")
            handler = f"{module}.{self.string(kw.get('handler')) or 'handler'}"
            packaging, installs, handler_known = "cdk PythonFunction (bundled)", True, True
        else:
            folder, packaging, installs = self._code(call, kw.get("code"), name)
            handler = self.string(kw.get("handler"))
            handler_known = handler is not None
        if not packaging or not self._usable(call, folder, name) or folder is None:
            return Discovery()
        function = Function(
            name=name,
            code_dir=folder,
            discovered_by="cdk",
            handler=handler,
            handler_known=handler_known,
            runtime=f"python{version.replace('_', '.')}" if version else None,
            architecture=_ARCHES.get((arch or "").rpartition(".")[2], "x86_64"),
            layers=self._layers(call, kw.get("layers"), name),
            packaging=packaging,
            installs_requirements=installs,
            source=self.at(call),
            packaging_source=self.at(kw.get("code") or kw.get("entry")),
        )
        return Discovery(functions=(function,), claimed=frozenset({folder}))

    def _code(
        self, call: ast.Call, code: ast.expr | None, name: str
    ) -> tuple[Path | None, str, bool | None]:
        value = self.resolve(code)
        kind = self.qualname(value.func) if isinstance(value, ast.Call) else None
        if not isinstance(value, ast.Call) or kind not in _ASSET or not value.args:
            what = "inline code (Code.from_inline)" if kind and "inline" in kind.lower() else "code"
            self.warn(call, f"{name}: {what} is not a local asset folder; not analysed", name)
            return None, "", None
        folder = self.path_of(value.args[0])
        bundling = next((k.value for k in value.keywords if k.arg == "bundling"), None)
        if bundling is None:
            return folder, "cdk Code.fromAsset", False
        installs = "pip install" in ast.unparse(self.resolve(bundling) or bundling) or None
        return folder, "cdk Code.fromAsset (bundling)", installs

    def _usable(self, node: ast.AST, folder: Path | None, name: str) -> bool:
        if folder is None:
            self.warn(node, f"{name}: the code path is not a literal; not analysed", name)
            return False
        if inside(folder, self.root) and folder.is_dir():
            return True
        problem = "is missing" if inside(folder, self.root) else "is outside the repository"
        self.warn(node, f"{name}: code folder '{relative(folder, self.root)}' {problem}", name)
        return False

    def _layers(self, call: ast.Call, value: ast.expr | None, name: str) -> tuple[str, ...]:
        """Layer construct ids (keys of the layers read here), or ARNs as written."""
        items = self.resolve(value)
        found: list[str] = []
        for item in items.elts if isinstance(items, ast.List | ast.Tuple) else []:
            layer = self.resolve(item)
            kind = (self.qualname(layer.func) if isinstance(layer, ast.Call) else None) or ""
            args = [*layer.args, None, None] if isinstance(layer, ast.Call) else [None] * 3
            arn = kind.endswith(("from_layer_version_arn", "fromLayerVersionArn"))
            made = kind in _CONSTRUCTS and kind.endswith("LayerVersion")
            ref = self.string(args[2] if arn else args[1]) if arn or made else None
            if ref is None:
                self.warn(call, f"{name}: a layer reference could not be resolved", name)
            else:
                found.append(ref)
        return tuple(found)

    def _layer(self, call: ast.Call, kind: str, kw: dict[str, ast.expr], cid: str) -> Discovery:
        builds: bool | None = kind.endswith("PythonLayerVersion")
        if builds:
            folder = self.path_of(kw.get("entry"))
        else:
            folder, packaging, installs = self._code(call, kw.get("code"), cid)
            builds = bool(installs) if packaging else None
        if builds is None or not self._usable(call, folder, cid) or folder is None:
            return Discovery()
        requirements = folder / "requirements.txt"
        layer = Layer(
            key=cid,
            name=self.string(kw.get("layer_version_name")) or cid,
            content_dir=folder,
            builds_requirements=builds,
            source=self.at(call),
            requirements_file=requirements if requirements.is_file() else None,
        )
        return Discovery(layers=(layer,), claimed=frozenset({folder}))


def _key(expr: ast.expr | None) -> str | None:
    """``name`` or ``self.name`` for an assignment target or a reference."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        return f"{expr.value.id}.{expr.attr}" if expr.value.id == "self" else None
    return None
