"""Benchmark: score lambdalint, deptry and FawltyDeps against a hand-labelled corpus of real repos.

Each ``repos/*.toml`` pins a repository, its Lambda functions and their expected findings. On
each checkout ``CHECKOUTS_DIR/<owner>__<name>`` lambdalint runs on the whole tree (only the
listed functions' findings count), deptry in and FawltyDeps on each function folder; findings
match on rule, file and line (see ``match``); a crash is an error and finds nothing. ``python
bench/corpus/score.py CHECKOUTS_DIR [--corpus DIR] [--only owner/name] [--offline] [--json
FILE]`` prints Markdown; ``--json`` also saves every match.
"""

import argparse
import datetime
import json
import os
import posixpath
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

PYTHON_M = (sys.executable, "-m")  # every tool runs from this interpreter's environment
MISSING, UNUSED, TRANSITIVE = "missing-dependency", "unused-requirement", "transitive-import"
DEPENDENCY = (MISSING, UNUSED, TRANSITIVE)
PEER_RULES = {"deptry": DEPENDENCY, "fawltydeps": (MISSING, UNUSED)}  # the rules each can express
TOOLS = ("lambdalint", *PEER_RULES)
DEPTRY_CODES = {"DEP001": MISSING, "DEP002": UNUSED, "DEP003": TRANSITIVE}
TEMPLATE = """\
### Corpus results ({date}: {repos} repos, {functions} functions, {expected} expected findings)

{versions}; lambdalint {mode}, empty cache. Cells: precision / recall / TP FP FN; —: no such rule.

| rule | lambdalint | deptry | fawltydeps |
|---|---|---|---|
{rows}

Function discovery (lambdalint): {found} of {functions} expected functions found (recall {recall}).
"""
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
EXACT = (".py", ".txt", ".in", ".toml", ".cfg")  # code and requirements; IaC lines are hints
# Rules about a function's declaration: their line is a hint wherever it is declared (a CDK
# stack is a .py file, but the construct spans several lines).
HINTED = frozenset({"deprecated-runtime", "requirements-not-installed", "handler-not-found"})
KINDS = ("tp", "fp", "fn")
Rules = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Found:
    """A finding, reported or expected; ``name`` is its normalized subject (distribution/module)."""

    rule: str
    file: str
    line: int | None
    name: str | None = None
    message: str = field(default="", compare=False)


def normalize(name: str) -> str:
    """A distribution or module name in PEP 503 form, so ``PyYAML`` equals ``pyyaml``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _matches(want: Found, got: Found, *, exact: bool) -> bool:
    # An expected folder (a vendored ``*.dist-info``) holds the file a tool points at.
    inside = not exact and got.file.startswith(f"{want.file}/")
    if want.rule != got.rule or (want.file != got.file and not inside):
        return False
    if exact:
        return want.line is not None and want.line == got.line
    if want.rule == UNUSED and want.name:
        return want.name in {got.name, *map(normalize, _NAME.findall(got.message))}
    hinted = want.rule in HINTED or not want.file.endswith(EXACT)
    return want.line is None or got.line is None or hinted


def match(expected: list[Found], reported: list[Found]) -> tuple[list[Found], ...]:
    """One-to-one matches, then (true positives, false positives, false negatives) by location.

    Equal lines first; then rule and file alone if a side has no line or the file is IaC, or for
    an unused requirement its name. A location several functions share counts once either way.
    """
    left, pending, hits = list(expected), list(reported), list[tuple[Found, Found]]()
    for exact in (True, False):
        for want in list(left):
            if got := next((r for r in pending if _matches(want, r, exact=exact)), None):
                left.remove(want)
                pending.remove(got)
                hits.append((want, got))
    tp, seen = list(dict.fromkeys(want for want, _ in hits)), {got for _, got in hits}
    fn = [want for want in dict.fromkeys(left) if want not in tp]
    return tp, [r for r in dict.fromkeys(pending) if r not in seen], fn


def _run(command: list[str], cwd: Path) -> tuple[int, str, str]:
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return -1, "", f"{type(exc).__name__}: {exc}"
    return done.returncode, done.stdout, done.stderr


def _failed(code: int, stderr: str) -> RuntimeError:
    return RuntimeError(f"exit {code}: {['no message', *stderr.strip().splitlines()][-1][:200]}")


def run_lambdalint(
    checkout: Path, listed: set[tuple[str, str]] | None = None
) -> tuple[list[str], list[Found]]:
    """Function paths and findings of ``lambdalint check --format json``, checkout-relative.

    With ``listed`` (path, handler) pairs, findings of functions the corpus does not list are
    dropped (a verdict may list 8 of a repository's functions); a path whose handlers never
    compare equal (written another way) keeps all of its functions.
    """
    command = [*PYTHON_M, "lambdalint", "check", ".", "--format", "json"]
    code, out, err = _run([*command, "--fail-on", "never"], checkout)
    if code or "Traceback" in out + err:
        raise _failed(code, err)
    report, base = json.loads(out), checkout.resolve()
    top = next((p for p in (base, *base.parents) if (p / ".git").exists()), base)  # as lambdalint
    rel = partial(posixpath.relpath, start=base.relative_to(top).as_posix())
    functions = [(f, rel(f["path"]), f.get("handler") or "") for f in report["functions"]]
    if listed is not None:
        paths = {path for path, _handler in listed}
        paired = {p for _f, p, h in functions if (p, h) in listed}
        functions = [
            x for x in functions if x[1] in paths and (x[1:] in listed or x[1] not in paired)
        ]
    items = [*report["findings"], *(x for f, _p, _h in functions for x in f["findings"])]
    return [p for _f, p, _h in functions], [
        Found(x["rule"], rel(x["file"]), x["line"], normalize(name), x["message"])
        for x in items
        if x.get("file")
        for name in _NAME.findall(x["message"])[:1]  # the subject comes first
    ]


def run_deptry(checkout: Path, folder: str) -> list[Found]:
    """Deptry run inside a function's folder, as its users do (it reads requirements there)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "deptry.json"
        command = [*PYTHON_M, "deptry", ".", "--json-output", str(out)]
        code, _, err = _run(command, checkout / folder)
        if not out.exists():  # exit 1 means "violations found" and "crashed" alike
            raise _failed(code, err)
        items = json.loads(out.read_text(encoding="utf-8"))
    return [
        Found(rule, posixpath.normpath(f"{folder}/{at['file']}"), at["line"], name, message)
        for x in items
        if (rule := DEPTRY_CODES.get(x["error"]["code"]))
        for at, name, message in [(x["location"], normalize(x["module"]), x["error"]["message"])]
    ]


def run_fawltydeps(checkout: Path, folder: str) -> list[Found]:
    """FawltyDeps on a function's folder: one finding per reference to an undeclared/unused dep."""
    command = [*PYTHON_M, "fawltydeps", "--code", folder, "--deps", folder, "--json"]
    code, out, err = _run(command, checkout)
    if code not in {0, 3, 4}:  # 3: undeclared dependencies found, 4: unused ones
        raise _failed(code, err)
    report = json.loads(out)
    return [
        Found(rule, posixpath.normpath(ref["path"]), ref.get("lineno"), normalize(dep["name"]), key)
        for key, rule in (("undeclared_deps", MISSING), ("unused_deps", UNUSED))
        for dep in report[key]
        for ref in dep["references"]
    ]


RUNNERS = {"deptry": run_deptry, "fawltydeps": run_fawltydeps}


def _expected(item: dict[str, Any], checkout: Path) -> Found:
    file, line, name = posixpath.normpath(item["file"]), item.get("line"), item.get("distribution")
    if name is None and item["rule"] == UNUSED and line:  # the name written on that line
        path = checkout / file
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        hit = _NAME.match([*text.splitlines()[line - 1 : line], ""][0].strip(" \t\"'"))
        name = hit.group() if hit else None
    return Found(item["rule"], file, line, normalize(name) if name else None, item.get("why", ""))


def _in_scope(file: str, files: set[str], folders: list[str]) -> bool:  # labelled or in a function
    return file in files or any(d in {".", file} or file.startswith(f"{d}/") for d in folders)


def score_repo(entry: dict[str, Any], checkout: Path, rules: Rules) -> dict[str, Any]:
    """Each tool's true and false positives and false negatives on one repository, and discovery."""
    print(f"scoring {entry['repo']} ...", file=sys.stderr)
    functions = entry["functions"]
    folders = list(dict.fromkeys(posixpath.normpath(f["path"]) for f in functions))
    expected = [_expected(x, checkout) for f in functions for x in f.get("expected", [])]
    files = {e.file for e in expected}
    tools, problems, paths, reported = {}, [], list[str](), {t: list[Found]() for t in TOOLS}
    listed = {(posixpath.normpath(f["path"]), f.get("handler", "")) for f in functions}
    for tool, folder in [("lambdalint", "."), *((t, f) for t in RUNNERS for f in folders)]:
        try:
            if tool == "lambdalint":
                paths, reported[tool] = run_lambdalint(checkout, listed)
            else:
                reported[tool] += RUNNERS[tool](checkout, folder)
        except (RuntimeError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{tool} failed ({folder}: {exc})"[:300])
    for tool, found in reported.items():
        ours = [r for r in found if r.rule in rules[tool] and _in_scope(r.file, files, folders)]
        parts = match([e for e in expected if e.rule in rules[tool]], ours)
        tools[tool] = {k: [asdict(x) for x in v] for k, v in zip(KINDS, parts, strict=True)}
    wanted, left = Counter(posixpath.normpath(f["path"]) for f in functions), Counter(paths)
    discovery = [{"path": p, "expected": n, "found": min(n, left[p])} for p, n in wanted.items()]
    head = _run(["git", "rev-parse", "HEAD"], checkout)[1] if (checkout / ".git").exists() else ""
    if head and not head.strip().startswith(entry["commit"]):
        problems.append(f"checkout at {head[:12]}, corpus pins {entry['commit']}")
    counts = {"expected": len(set(expected)), "tools": tools, "discovery": discovery}
    return {"repo": entry["repo"], **counts, "problems": problems}


def load_corpus(folder: Path, only: list[str]) -> list[dict[str, Any]]:
    """The corpus entries (those in ``only`` when given), checked for the keys the scorer reads."""
    entries = []
    for path in sorted(folder.glob("*.toml")):
        try:
            entry = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SystemExit(f"{path}: {exc}") from None
        if only and entry.get("repo") not in only:
            continue
        functions = entry.get("functions", [])
        need = [({"repo", "commit", "functions"}, entry), *(({"path"}, f) for f in functions)]
        need += [({"rule", "file"}, x) for f in functions for x in f.get("expected", [])]
        if missing := sorted({k for keys, table in need for k in keys - table.keys()}):
            raise SystemExit(f"{path}: missing {', '.join(missing)}")
        entries.append(entry)
    if unknown := set(only) - {e["repo"] for e in entries}:
        raise SystemExit(f"not in the corpus: {', '.join(sorted(unknown))}")
    return entries


def _row(tp: int, fp: int, fn: int) -> dict[str, Any]:
    ratio = [round(tp / n, 4) if n else None for n in (tp + fp, tp + fn)]
    return {"tp": tp, "fp": fp, "fn": fn, "precision": ratio[0], "recall": ratio[1]}


def summarize(results: list[dict[str, Any]], rules: Rules) -> dict[str, Any]:
    """TP, FP, FN, precision and recall per tool and rule, and over all the rules a tool has."""
    scores: dict[str, Any] = {t: {} for t in TOOLS}
    for tool, rule in ((t, rule) for t in TOOLS for rule in (*rules[t], "all rules")):
        hits = [(k, x["rule"]) for r in results for k in KINDS for x in r["tools"][tool][k]]
        n = Counter(k for k, of in hits if rule in {"all rules", of})
        scores[tool][rule] = _row(n["tp"], n["fp"], n["fn"])
    return scores


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "—"
    p, r = ("n/a" if v is None else f"{v:.2f}" for v in (row["precision"], row["recall"]))
    return f"{p} / {r} / {row['tp']} {row['fp']} {row['fn']}"


def render(report: dict[str, Any]) -> str:
    """The Markdown results: header, a rule-by-tool table, discovery, then what went wrong."""
    scores, found = report["scores"], report["discovery"]
    problems = [f"- {r['repo']}: {problem}" for r in report["repos"] for problem in r["problems"]]
    problems += [f"- {repo}: skipped, no checkout" for repo in report["skipped"]]
    rows = [
        f"| {rule} | {' | '.join(_cell(scores[t].get(rule)) for t in TOOLS)} |"
        for rule in scores["lambdalint"]
    ]
    text = TEMPLATE.format(
        date=report["date"],
        mode=report["mode"],
        versions=", ".join(f"{tool} {version}" for tool, version in report["versions"].items()),
        rows="\n".join(rows),
        found=found["tp"],
        recall=_cell(found).split(" / ")[1],
        **report["corpus"],
    )
    return text + ("\nFailures and errors:\n\n" + "\n".join(problems) if problems else "")


def main(argv: list[str] | None = None) -> None:
    """Score every corpus repository that has a checkout; print Markdown, optionally save JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkouts", type=Path, help="one checkout per repo, named owner__name")
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent / "repos")
    parser.add_argument("--only", action="append", default=[], metavar="OWNER/NAME")
    parser.add_argument("--json", type=Path, help="also write every match and error here")
    parser.add_argument("--offline", action="store_true", help="lambdalint without the index")
    args = parser.parse_args(argv)
    entries = load_corpus(args.corpus, args.only)
    labelled = {x["rule"] for e in entries for f in e["functions"] for x in f.get("expected", [])}
    rules = {"lambdalint": (*DEPENDENCY, *sorted(labelled - {*DEPENDENCY})), **PEER_RULES}
    checkouts = {e["repo"]: args.checkouts / e["repo"].replace("/", "__") for e in entries}
    present = [e for e in entries if checkouts[e["repo"]].is_dir()]
    with tempfile.TemporaryDirectory() as cache:
        os.environ["LAMBDALINT_CACHE_DIR"] = cache  # the children inherit it
        if args.offline:
            os.environ["LAMBDALINT_OFFLINE"] = "1"
        results = [score_repo(entry, checkouts[entry["repo"]], rules) for entry in present]
    wanted = sum(d["expected"] for r in results for d in r["discovery"])
    found = sum(d["found"] for r in results for d in r["discovery"])
    corpus = {"repos": len(results), "functions": wanted}
    installed = {normalize(d.metadata["Name"]): d.version for d in metadata.distributions()}
    report = {
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "mode": "offline" if args.offline else "online (the configured index)",
        "corpus": corpus | {"expected": sum(r["expected"] for r in results)},
        "versions": {tool: installed.get(tool, "(not installed)") for tool in TOOLS},
        "scores": summarize(results, rules),
        "discovery": _row(found, 0, wanted - found) | {"precision": None},
        "repos": results,
        "skipped": [e["repo"] for e in entries if e not in present],
    }
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
