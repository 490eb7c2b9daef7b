"""Fold probe manifests into the bundled runtime data (``lambdalint/runtime/data/python3.X.json``).

Run ``python scripts/refresh_runtime_data.py MANIFEST.json [...] [--dry-run]``. A manifest is what
``lambdalint runtimes probe`` (``lambdalint.runtime.probe.manifest_from_probe``) wrote. For every
distribution the probe found in the runtime's own folders (``/var/runtime``,
``/var/lang/lib/python3.X/site-packages``; never ``/var/task`` or ``/opt``) the script:

- adds a dated observation (version, architecture, the manifest's source id) to its entry;
- confirms an unconfirmed entry (its ``source`` becomes the probe) and adds import names the
  probe saw; a distribution the data does not list yet is added, confirmed, with its modules;

then replaces ``sys_path`` and ``glibc`` when the probe saw something else (their ``*_source``
becomes the probe), lists the probe in ``sources`` and drops sources no fact names any more.
It prints a unified diff per file; ``--dry-run`` prints it without writing. The result is
validated against ``runtime.schema.json`` when ``jsonschema`` is installed. ``as_of`` and the
notes are left to the reviewer.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from lambdalint.runtime.manifest import probe_source, provided, validate_manifest

DATA_DIR = Path(__file__).resolve().parent.parent / "lambdalint" / "runtime" / "data"


def _folders(doc: dict[str, Any]) -> frozenset[str]:
    python = doc["python_version"]
    return frozenset(
        {"/var/runtime", f"/var/lang/lib/python{python}/site-packages", doc["preinstalled_path"]}
    )


def _referenced(doc: dict[str, Any]) -> set[str]:
    ids = {v for k, v in doc.items() if k.endswith("_source") and v is not None}
    for dist in doc["preinstalled"]:
        ids.add(dist["source"])
        ids.update(o["source"] for o in dist["observations"])
    ids.update(n["source"] for n in doc["notes"])
    return ids


def _observe(doc: dict[str, Any], manifest: dict[str, Any], log: list[str]) -> None:
    entries = {canonicalize_name(d["name"]): d for d in doc["preinstalled"]}
    source = manifest["source"]
    for dist in provided(manifest, _folders(doc)):
        observation = {
            "version": dist["version"],
            "date": manifest["observed_on"],
            "architecture": manifest["architecture"],
            "source": source,
        }
        entry = entries.get(canonicalize_name(dist["name"]))
        if entry is None:
            if not dist["modules"]:
                log.append(f"not added: {dist['name']} (the probe saw no import names)")
                continue
            entry = {
                "name": dist["name"],
                "modules": list(dist["modules"]),
                "confirmed": True,
                "source": source,
                "observations": [],
            }
            doc["preinstalled"].append(entry)
            log.append(f"added: {dist['name']} {dist['version']}")
        elif not entry["confirmed"]:
            entry.update(confirmed=True, source=source)
            log.append(f"confirmed: {entry['name']} {dist['version']}")
        entry["modules"] += [m for m in dist["modules"] if m not in entry["modules"]]
        if observation not in entry["observations"]:
            entry["observations"].append(observation)


def refresh(doc: dict[str, Any], manifest: dict[str, Any], log: list[str]) -> dict[str, Any]:
    """A copy of runtime document ``doc`` with ``manifest`` folded in; notes go to ``log``."""
    new = copy.deepcopy(doc)
    source = manifest["source"]
    _observe(new, manifest, log)
    if manifest["sys_path"] and manifest["sys_path"] != new["sys_path"]:
        new.update(sys_path=list(manifest["sys_path"]), sys_path_source=source)
        log.append("sys_path replaced by the probe's")
    if manifest["glibc"] is not None and manifest["glibc"] != new["glibc"]:
        log.append(f"glibc {new['glibc']} -> {manifest['glibc']}")
        new.update(glibc=manifest["glibc"], glibc_source=source)
    record = probe_source(manifest)
    entry = {"id": record.id, "title": record.title, "ref": record.ref}
    new["sources"] = [s for s in new["sources"] if s["id"] != source]
    used = _referenced(new)
    dropped = [s["id"] for s in new["sources"] if s["id"] not in used]
    if dropped:
        log.append(f"sources no fact names any more, dropped: {', '.join(dropped)}")
    new["sources"] = sorted(
        [s for s in new["sources"] if s["id"] in used] + [entry], key=lambda s: s["id"]
    )
    return new


def _validate(doc: dict[str, Any], data_dir: Path) -> None:
    try:  # optional: jsonschema is a test dependency, not a runtime one
        jsonschema = importlib.import_module("jsonschema")
    except ImportError:
        return
    schema = json.loads((data_dir / "runtime.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)


def main(argv: list[str] | None = None) -> int:
    """Apply each manifest to its runtime file and print the diff."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("manifests", nargs="+", type=Path, help="probe manifest JSON files")
    parser.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="runtime data folder")
    args = parser.parse_args(argv)
    for path in args.manifests:
        try:
            manifest = validate_manifest(json.loads(path.read_text(encoding="utf-8")), str(path))
        except (OSError, ValueError) as error:
            message = str(error)
            where = "" if message.startswith(str(path)) else f"{path}: "
            print(f"error: {where}{message}", file=sys.stderr)
            return 2
        target = args.data_dir / f"{manifest['runtime']}.json"
        if not target.is_file():
            print(f"error: {path}: no runtime data file {target}", file=sys.stderr)
            return 2
        old_text = target.read_text(encoding="utf-8")
        doc = json.loads(old_text)
        if manifest["architecture"] not in doc["architectures"]:
            print(
                f"error: {path}: {doc['name']} has no {manifest['architecture']}", file=sys.stderr
            )
            return 2
        log: list[str] = []
        new = refresh(doc, manifest, log)
        _validate(new, args.data_dir)
        new_text = json.dumps(new, indent=2, ensure_ascii=False) + "\n"
        sys.stdout.writelines(
            difflib.unified_diff(
                old_text.splitlines(keepends=True),
                new_text.splitlines(keepends=True),
                fromfile=str(target),
                tofile=f"{target} (+ {path.name})",
            )
        )
        for line in log:
            print(f"# {target.name}: {line}")
        if not args.dry_run and new_text != old_text:
            target.write_text(new_text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
