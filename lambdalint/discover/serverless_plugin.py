"""What the ``serverless-python-requirements`` plugin installs for a serverless function.

The plugin reads one declaration from the service folder (or the function's ``module:``
folder) and nothing else. A requirements file one folder further down (code moved to
``src/`` without telling the plugin) is shipped as a plain file and never installed, which is
``requirements-not-installed``; without the plugin nothing is installed at all.
"""

from __future__ import annotations

from pathlib import Path

from lambdalint.discover.base import is_dir, is_file, shown_path
from lambdalint.discover.convention import SKIP_DIRS
from lambdalint.discover.manifests import REQUIREMENTS, SERVERLESS_READS, Choice, serverless_plugin
from lambdalint.discover.serverless_vars import ServiceValues
from lambdalint.discover.serverless_yaml import Node

PLUGIN = "serverless-python-requirements"
LAYER_KEY = "pythonRequirements"
_NOTES = {
    "dockerizePip": "dockerizePip: requirements are built in a Lambda-like container",
    "slim": "slim: tests, caches and .dist-info folders are stripped from the requirements",
    "zip": "zip: requirements ship as .requirements.zip, unpacked at import time by "
    "`import unzip_requirements`",
}
_SERVICE_FILES = ("serverless.yml", "serverless.yaml", "serverless.json")


class PluginSettings(ServiceValues):
    """``custom.pythonRequirements`` of one service file, once ``plugins:`` lists the plugin."""

    def __init__(self, path: Path, root: Path) -> None:
        super().__init__(path, root)
        self.options = Node(1)
        self.plugin = False
        self.owned: set[Path] = set()  # module: and layer folders, which are not strays

    def manifest(self, module: Path) -> Choice:
        """The declaration the plugin installs for code in ``module`` (the service by default)."""
        poetry, pipenv = (
            self.value(self.options, key) not in {False, "false"}
            for key in ("usePoetry", "usePipenv")
        )
        file_name = self.text(self.options, "fileName") or REQUIREMENTS
        return serverless_plugin(module, self.folder, file_name, poetry=poetry, pipenv=pipenv)

    def packaged(self, module: Path) -> Choice:
        """What reaches a function zipped from ``module``: the plugin's choice, or a stray file."""
        chosen = self.manifest(module)  # without the plugin: whether the folder declares any
        stray = self.stray(module) if chosen.file is None and chosen.installs else None
        if stray is None:
            return chosen if self.plugin else Choice()
        where = "the service folder" if module == self.folder else shown_path(module, self.root)
        reads = SERVERLESS_READS.format(file=self.text(self.options, "fileName") or REQUIREMENTS)
        shown = shown_path(stray, self.root)
        if not self.plugin:
            return Choice(stray, installs=False, notes=(f"{shown} is shipped, never installed",))
        note = f"{PLUGIN} reads only {where}; {shown} is shipped as a file, never installed"
        return Choice(stray, installs=False, installs_only=f"{reads} in {where}", notes=(note,))

    def stray(self, module: Path) -> Path | None:
        """The one requirements file in a code subfolder of ``module`` that no build reads."""
        found = [
            folder / REQUIREMENTS
            for folder in sorted(module.iterdir() if is_dir(module) else ())
            if is_file(folder / REQUIREMENTS)
            and not folder.name.startswith(".")
            and folder.name not in SKIP_DIRS
            and folder.resolve() not in self.owned
            and not any(is_file(folder / name) for name in _SERVICE_FILES)
            and any(folder.glob("*.py"))
        ]
        return found[0] if len(found) == 1 else None

    def plugin_notes(self) -> list[str]:
        """The plugin options that change what ends up in the zip."""
        if not self.plugin:
            return []
        notes = [note for option, note in _NOTES.items() if self.value(self.options, option)]
        skipped = self.value(self.options, "noDeploy")
        if isinstance(skipped, list) and skipped:
            notes.append(f"noDeploy: {', '.join(map(str, skipped))}")
        return notes
