"""Functions deployed by the Serverless Framework, read from ``serverless.yml``.

Whether requirements reach a function depends on the ``serverless-python-requirements``
plugin: without it the zip holds only the code; with ``layer: true`` the requirements go into
a layer that each function must reference. ``${…}`` variables are resolved from the file itself
(``self:``, ``sls:stage``, the fallbacks of ``opt:`` and ``env:``); the environment is never
read. Container functions are read through their Dockerfile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error
from lambdalint.discover import docker
from lambdalint.discover.base import Discovery, TooLargeError, inside, read_capped
from lambdalint.discover.serverless_plugin import LAYER_KEY, PLUGIN, PluginSettings
from lambdalint.discover.serverless_yaml import Node, load
from lambdalint.model import Function, Layer

__all__ = ["LAYER_KEY", "PLUGIN", "discover", "wants"]
_NOT_ATTACHED = (
    "custom.pythonRequirements.layer puts the requirements in a layer this function does not "
    "reference (add `- Ref: PythonRequirementsLambdaLayer` to its layers): its zip has only code"
)


def wants(path: Path) -> bool:
    """``serverless.yml``, ``serverless.yaml`` and ``serverless.json``."""
    return path.name in {"serverless.yml", "serverless.yaml", "serverless.json"}


def discover(files: Sequence[Path], root: Path) -> Discovery:
    """The Python functions and layers of every serverless service file in ``files``."""
    found = Discovery()
    for path in files:
        found += _Service(path, root).read()
    return found


class _Service(PluginSettings):
    """One serverless.yml: its plugin settings, layers and functions."""

    def __init__(self, path: Path, root: Path) -> None:
        super().__init__(path, root)
        self.layers: list[Layer] = []
        self.dockerfiles: list[Path] = []

    def read(self) -> Discovery:
        where = locate(self.path, self.root)
        try:
            doc = load(read_capped(self.path, "utf-8-sig"))
        except TooLargeError:
            return Discovery(findings=(parse_error(where, "over 5 MB: not read"),))
        except (OSError, UnicodeDecodeError, RecursionError) as error:
            return Discovery(findings=(parse_error(where, f"cannot read: {error!r}"),))
        except Exception as error:  # noqa: BLE001 - PyYAML is imported lazily; any YAMLError
            mark = getattr(error, "problem_mark", None)
            where = locate(self.path, self.root, mark.line + 1 if mark else None)
            message = f"invalid YAML: {getattr(error, 'problem', None) or error}"
            return Discovery(findings=(parse_error(where, message),))
        if not isinstance(doc, Node):
            return Discovery(findings=(parse_error(where, "not a mapping: no function read"),))
        self.doc, self.provider = doc, self.node(doc, "provider")
        if self.value(self.provider, "name") not in {None, "aws"}:
            return Discovery(findings=tuple(self.findings))
        self.read_layers()
        functions = self.node(doc, "functions")
        modules = [spec.get("module") for spec in functions.values() if isinstance(spec, Node)]
        self.owned = {(self.folder / m).resolve() for m in modules if isinstance(m, str)} | {
            x.content_dir.resolve() for x in self.layers if x.content_dir
        }
        kept = tuple(f for key in functions if (f := self.function(key, functions)) is not None)
        claimed = {f.code_dir for f in kept} | {x.content_dir for x in self.layers if x.content_dir}
        claimed |= {d.parent for d in self.dockerfiles}  # docker.py would report them again
        return Discovery(kept, tuple(self.layers), tuple(self.findings), frozenset(claimed))

    def read_layers(self) -> None:
        """Layers under ``layers:`` and, with the plugin's ``layer: true``, its requirements."""
        service = self.value(self.doc, "service")
        if isinstance(service, Node):  # the old ``service: {name: …}`` form
            service = self.value(service, "name")
        plugins = self.value(self.doc, "plugins")
        if isinstance(plugins, Node):
            plugins = self.value(plugins, "modules")
        self.plugin = isinstance(plugins, list) and PLUGIN in plugins
        self.options = self.node(self.node(self.doc, "custom"), LAYER_KEY)
        defined = self.node(self.doc, "layers")
        for key in defined:
            spec = self.node(defined, key)
            path = self.text(spec, "path")
            folder = (self.folder / path).resolve() if path else None
            if folder is None or not inside(folder, self.root) or not folder.is_dir():
                self.warn(spec.at("path"), f"layers.{key}.path is not a folder in the repository")
                folder = None
            where = locate(self.path, self.root, defined.at(key))
            self.layers.append(Layer(key, self.text(spec, "name") or key, folder, source=where))
        if self.plugin and self.value(self.options, "layer"):
            chosen = self.manifest(self.folder)
            self.layers.append(
                Layer(
                    key=LAYER_KEY,
                    name=f"{service if isinstance(service, str) else self.folder.name}"
                    "-python-requirements",
                    content_dir=self.folder,
                    builds_requirements=chosen.installs,
                    source=locate(self.path, self.root, self.options.at("layer")),
                    requirements_file=chosen.file,
                )
            )

    def number(self, spec: Node, key: str) -> int | None:
        value = self.setting(spec, key)
        if isinstance(value, str) and value.isdigit():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int | None):
            self.warn(spec.at(key), f"{spec.attr(key)} is not a number: {value!r}")
            return None
        return value

    def function(self, key: str, functions: Node) -> Function | None:
        spec = self.node(functions, key, key)
        if not isinstance(functions[key], Node):
            return None
        arch = self.setting(spec, "architecture") or "x86_64"
        if arch not in {"x86_64", "arm64"}:
            where = spec if "architecture" in spec else self.provider
            self.warn(where.at("architecture"), f"{key}: unknown architecture {arch!r}", key)
            arch = "x86_64"
        base = Function(
            name=key,
            code_dir=self.folder,
            discovered_by="serverless",
            architecture=arch,
            source=locate(self.path, self.root, functions.at(key)),
            memory_mb=self.number(spec, "memorySize"),
            timeout_s=self.number(spec, "timeout"),
        )
        return self.image(key, spec, base) if "image" in spec else self.zipped(key, spec, base)

    def zipped(self, key: str, spec: Node, base: Function) -> Function | None:
        runtime, handler = self.setting(spec, "runtime"), self.text(spec, "handler", key)
        module = self.text(spec, "module", key)
        folder = (self.folder / module).resolve() if module else self.folder
        module_file = folder / (str(handler).rpartition(".")[0] + ".py")
        notes = (
            [] if runtime else ["no runtime is set, so the Serverless Framework deploys Node.js"]
        )
        if not str(runtime or "python").startswith("python") or not (
            runtime or module_file.is_file()
        ):
            return None  # another language (the framework's default runtime is Node.js)
        if not inside(folder, self.root) or not folder.is_dir():
            self.warn(spec.at("module"), f"{key}: module '{module}' is not a folder here", key)
            return None
        if "handler" not in spec:
            self.warn(spec.line, f"functions.{key} has no handler", key)
        layers = self.layer_refs(spec if "layers" in spec else self.provider, key)
        chosen = self.packaged(folder)
        installs: bool | None = self.plugin and chosen.installs
        notes += self.plugin_notes()
        if self.plugin and chosen.installs and any(x.key == LAYER_KEY for x in self.layers):
            installs = LAYER_KEY in layers
            notes.append(
                "requirements are in the pythonRequirements layer" if installs else _NOT_ATTACHED
            )
        packaging = (
            "serverless-python-requirements"
            if self.plugin
            else "serverless (no requirements plugin)"
        )
        if "artifact" in self.node(spec if "package" in spec else self.doc, "package"):
            installs, packaging = None, "serverless (prebuilt artifact)"
            notes.append("package.artifact: a prebuilt zip is deployed; it is not analysed")
        if module and not self.value(self.node(self.doc, "package"), "individually"):
            notes.append("module without package.individually: one zip is built for the service")
        return replace(
            base,
            code_dir=folder,
            handler=handler,
            handler_known=handler is not None,
            runtime=runtime,
            layers=layers,
            packaging=packaging,
            installs_requirements=installs,
            requirements_file=chosen.file,
            installs_only=chosen.installs_only,
            notes=(*notes, *chosen.notes),
        )

    def image(self, key: str, spec: Node, base: Function) -> Function | None:
        """``image: name`` built from ``provider.ecr.images.<name>`` (``path`` is the context)."""
        image = self.value(spec, "image", key)
        name = image.get("name") if isinstance(image, Node) else image
        command = image.get("command") if isinstance(image, Node) else None
        images = self.node(self.node(self.provider, "ecr"), "images")
        build = images.get(name) if isinstance(name, str) else None
        build = build if isinstance(build, Node) else Node(spec.at("image"), "image")
        path, file = self.text(build, "path", key), self.text(build, "file", key)
        context = (self.folder / (path or ".")).resolve()
        dockerfile = context / (file or "Dockerfile")
        if path is None or not inside(dockerfile, self.root) or not dockerfile.is_file():
            self.warn(
                spec.at("image"), f"{key}: image {name!r} is not built from a Dockerfile here", key
            )
            return None
        given = self.node(build, "buildArgs", key)
        args = {k: str(v) for k in given if isinstance(v := self.value(given, k, key), str | int)}
        facts, found = docker.read_dockerfile(dockerfile, self.root, context, args)
        self.findings.extend(found)
        if facts is None:
            return None
        self.dockerfiles.append(dockerfile.resolve())
        handler = command[0] if isinstance(command, list) and command else None
        arch = base.architecture if self.setting(spec, "architecture") else None
        packaging = "container image (serverless ecr)"
        return docker.image_function(base, facts, packaging, handler, architecture=arch)

    def layer_refs(self, parent: Node, function: str) -> tuple[str, ...]:
        """Layer ARNs as written; ``Ref: XLambdaLayer`` becomes the key of layer ``X``."""
        items = self.value(parent, "layers", function)
        logical = {_logical_id(layer.key): layer.key for layer in self.layers}  # plugin's too
        refs: list[str] = []
        for item in items if isinstance(items, list) else [items] if items else []:
            ref = item.get("Ref") if isinstance(item, dict) else item
            literal = isinstance(item, str)
            if isinstance(item, dict) and ref is None:  # !Sub "arn:...:${AWS::Region}:..."
                sub = item.get("Fn::Sub")
                ref = sub[0] if isinstance(sub, list) and sub else sub
                literal = isinstance(ref, str) and ref.startswith("arn:")
            if isinstance(ref, str) and (ref in logical or literal):
                refs.append(logical.get(ref, ref))
            else:
                self.warn(
                    parent.at("layers"), f"{function}: layer {item!r} is not defined here", function
                )
        return tuple(refs)


def _logical_id(key: str) -> str:
    """The CloudFormation name the framework gives layer ``key`` (``foo-bar`` → ``FooDashBar…``)."""
    name = key[:1].upper() + key[1:]
    return name.replace("-", "Dash").replace("_", "Underscore") + "LambdaLayer"
