"""A static read (``ast``, never executed) of a CDK Python app's Lambda functions and layers.

``app.py`` (or what ``cdk.json`` runs) and the app modules it imports are parsed; ``Function``,
``PythonFunction``, ``LayerVersion`` and ``PythonLayerVersion`` calls are read when their
arguments are literals or names bound to literals in the module; layers come from
``layers=[...]`` and ``fn.add_layers(...)``. Relative asset paths start at the app folder,
where ``cdk`` runs; what cannot be read becomes a warning at the call.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error, relative
from lambdalint.discover.base import MAX_BYTES, Discovery, inside
from lambdalint.discover.cdk_expr import LAMBDA, Expressions, bound_name, class_constants
from lambdalint.discover.cdk_image import IMAGE_FUNCTION, image_functions
from lambdalint.discover.cfn_yaml import UNREAD_FIX
from lambdalint.discover.manifests import Choice, cdk_bundling
from lambdalint.model import Finding, Function, Layer, Location, Severity

MAX_MODULES = 200
PYTHON = "aws_cdk.aws_lambda_python_alpha."
_CONSTRUCTS = frozenset(
    {LAMBDA + "Function", LAMBDA + "SingletonFunction", PYTHON + "PythonFunction", IMAGE_FUNCTION}
    | {LAMBDA + "LayerVersion", PYTHON + "PythonLayerVersion"}
)
# ``AssetCode`` is the class ``Code.from_asset`` returns; CDK v1 apps call it directly.
_ASSET = frozenset(
    f"{LAMBDA}{owner}{method}"
    for owner in ("Code", "AssetCode")
    for method in (".from_asset", ".fromAsset", ".asset", "")
) - {LAMBDA + "Code"}
_ARCHES = {"ARM_64": "arm64", "X86_64": "x86_64"}
_ADD_LAYERS = frozenset({"add_layers", "addLayers"})


def read_app(app_dir: Path, root: Path) -> Discovery:
    """Functions and layers the CDK app in ``app_dir`` declares, as far as ``ast`` can tell."""
    queue, seen = [entry(app_dir)], set[Path]()
    result = Discovery()
    while queue and len(seen) < MAX_MODULES:
        path = queue.pop(0)
        if path in seen or not path.is_file() or not inside(path, root):
            continue
        seen.add(path)
        module = AppModule(path, app_dir, root)
        result += module.read()
        queue.extend(module.imports)
    return result


def entry(app_dir: Path) -> Path:
    """The file ``cdk.json``'s ``app`` command runs (Python, TypeScript or JavaScript).

    ``app.py`` by default.
    """
    try:
        command = json.loads((app_dir / "cdk.json").read_text(encoding="utf-8")).get("app", "")
    except (OSError, ValueError, AttributeError):
        command = ""
    scripts = [w for w in str(command).split() if w.endswith((".py", ".ts", ".js"))]
    return (app_dir / (scripts[0] if scripts else "app.py")).resolve()


@dataclass
class AppModule(Expressions):
    """One parsed module of the app: its imports, bindings and Lambda constructs.

    ``added`` holds the layers ``fn.add_layers(...)`` attaches, by the function's call node.
    """

    imports: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    added: dict[int, list[ast.expr]] = field(default_factory=dict)

    def read(self) -> Discovery:
        """The constructs of this module; a warning when it does not parse."""
        try:
            if self.path.stat().st_size > MAX_BYTES:
                return Discovery()
            tree = ast.parse(self.path.read_bytes(), filename=str(self.path))
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError) as error:
            where = locate(self.path, self.root, getattr(error, "lineno", None))
            message = f"cannot parse the CDK app module: {error}"
            return Discovery(findings=(parse_error(where, message, severity=Severity.WARNING),))
        self._bind(tree)
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        for call in calls:
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in _ADD_LAYERS:
                self.added.setdefault(id(self.resolve(func.value)), []).extend(call.args)
        result = Discovery()
        for call in calls:
            result += self._construct(call)
        return result + Discovery(findings=tuple(self.findings))

    def _bind(self, tree: ast.Module) -> None:
        """Imports, names bound to values, class constants and ``for`` loop variables."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                self._import(node)
            elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
                self.loops[node.target.id] = node.iter
            elif isinstance(node, ast.ClassDef):
                self.env.update(class_constants(node))
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for key in filter(None, map(bound_name, targets)):
                    self.env[key] = node.value
                    self.assigned.setdefault(key, []).append(node.value)

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

    def at(self, node: ast.expr | None) -> Location | None:
        """Where ``node`` is written."""
        return locate(self.path, self.root, node.lineno, node.col_offset + 1) if node else None

    def warn(self, node: ast.AST, message: str, function: str | None = None) -> None:
        """A warning (parse-error) at ``node``: something the app passes could not be read."""
        where = locate(self.path, self.root, getattr(node, "lineno", None))
        self.findings.append(
            parse_error(where, message, UNREAD_FIX, function=function, severity=Severity.WARNING)
        )

    def _construct(self, call: ast.Call) -> Discovery:
        kind = self.qualname(call.func) or ""
        if kind not in _CONSTRUCTS:
            return Discovery()
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        cid = self.string(call.args[1] if len(call.args) > 1 else kw.get("id"))
        name = cid or f"{relative(self.path, self.root)}:{call.lineno}"
        if kind.endswith("LayerVersion"):
            return self._layer(call, kind, kw, name)
        if kind == IMAGE_FUNCTION:
            return image_functions(self, call, kw, name)
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
        bundled = cdk_bundling(folder) if kind.endswith("PythonFunction") else Choice()
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
            installs_requirements=installs and bundled.installs,
            installs_only=bundled.installs_only,
            requirements_file=bundled.file,
            source=self.at(call),
            packaging_source=self.at(kw.get("code") or kw.get("entry")),
            notes=bundled.notes,
        )
        return Discovery(functions=(function,), claimed=frozenset({folder}))

    def _code(
        self, call: ast.Call, code: ast.expr | None, name: str
    ) -> tuple[Path | None, str, bool | None]:
        value = self.resolve(code)
        kind = self.qualname(value.func) if isinstance(value, ast.Call) else None
        path = value.args[0] if isinstance(value, ast.Call) and value.args else None
        if isinstance(value, ast.Call) and path is None:
            path = next((k.value for k in value.keywords if k.arg == "path"), None)
        if not isinstance(value, ast.Call) or kind not in _ASSET or path is None:
            what = "inline code (Code.from_inline)" if kind and "inline" in kind.lower() else "code"
            self.warn(call, f"{name}: {what} is not a local asset folder; not analysed", name)
            return None, "", None
        folder = self.path_of(path)
        bundling = next((k.value for k in value.keywords if k.arg == "bundling"), None)
        if bundling is None:
            return folder, "cdk Code.fromAsset", False
        installs = "pip install" in ast.unparse(self.resolve(bundling) or bundling) or None
        return folder, "cdk Code.fromAsset (bundling)", installs

    def _usable(
        self, node: ast.AST, folder: Path | None, name: str, *, built: bool = False
    ) -> bool:
        """Whether ``folder`` can be read; ``built``: a missing one a build script may fill.

        ``build_scripts.apply`` warns about a missing layer folder no script fills.
        """
        if folder is None:
            self.warn(node, f"{name}: the code path is not a literal; not analysed", name)
            return False
        if inside(folder, self.root) and (folder.is_dir() or (built and not folder.exists())):
            return True
        problem = "is missing" if inside(folder, self.root) else "is outside the repository"
        self.warn(node, f"{name}: code folder '{relative(folder, self.root)}' {problem}", name)
        return False

    def _layers(self, call: ast.Call, value: ast.expr | None, name: str) -> tuple[str, ...]:
        """Layer construct ids (keys of the layers read here), or ARNs as written."""
        items = self.resolve(value)
        listed = items.elts if isinstance(items, ast.List | ast.Tuple) else []
        found: list[str] = []
        for item in [*listed, *self.added.get(id(call), [])]:
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
        if builds is None or not self._usable(call, folder, cid, built=True) or folder is None:
            return Discovery()
        bundled = cdk_bundling(folder) if kind.endswith("PythonLayerVersion") else Choice()
        requirements = bundled.file or folder / "requirements.txt"
        layer = Layer(
            key=cid,
            name=self.string(kw.get("layer_version_name")) or cid,
            content_dir=folder,
            builds_requirements=builds and bundled.installs,
            source=self.at(call),
            requirements_file=requirements if requirements.is_file() else None,
        )
        return Discovery(layers=(layer,), claimed=frozenset({folder}))
