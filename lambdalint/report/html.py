"""HTML audit report: one self-contained page, tables plus an SVG size chart per function.

The page loads nothing: inline CSS, no script, and a Content-Security-Policy that forbids
every fetch, so opening it never touches the network. Output depends only on the Report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape

from lambdalint import __version__
from lambdalint.model import Finding, FunctionReport, Plan, Report, Severity
from lambdalint.resolve.sizes import UNZIPPED_LIMIT, ZIPPED_UPLOAD_LIMIT, MiB

KiB = 1024
ZIP_LIMIT = ZIPPED_UPLOAD_LIMIT
UNKNOWN_SIZES = "sizes unknown (resolution offline or incomplete)"
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_W, _X0, _X1, _ROW, _TOP, _LABEL = 480, 8, 472, 38, 40, 48  # chart geometry, viewBox units

_CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1b1f24;background:#f6f7f9}
header,main,footer{max-width:1240px;margin:0 auto;padding:0 16px}header{padding-top:20px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.2rem;margin:0 0 8px;overflow-wrap:anywhere}
h3{font-size:1rem;margin:16px 0 6px}
.totals{display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:8px 0;list-style:none}
.totals li{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:4px 10px}
.notes{color:#4b5563}section{background:#fff;border:1px solid #d8dde3;border-radius:8px;
padding:14px 16px;margin:16px 0}.path{color:#4b5563;font-size:.9rem;margin:0 0 8px}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;vertical-align:top;padding:5px 7px;border-bottom:1px solid #e5e8ec}
th{background:#eef1f4;white-space:nowrap}.num{text-align:right;white-space:nowrap}
.wrap{overflow-wrap:break-word;min-width:8em}.msg{min-width:16em}.fix{min-width:12em}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f1f3f5;border:1px solid #e1e5ea;border-radius:6px;padding:8px 10px;
white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0}
.badge{border-radius:4px;padding:0 6px;font-size:.78rem;font-weight:600;color:#fff}
.error{background:#b42318}.warning{background:#a15c07}.info{background:#1d5fa8}
.status{display:block;font-size:.8rem;color:#4b5563}.status.bad{color:#b42318;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}figure{margin:10px 0 0}
.size-chart{display:block;width:100%;max-width:640px;height:auto}
figcaption{font-size:.82rem;color:#4b5563;max-width:640px}
.size-chart text{font-size:12px;fill:#1b1f24;paint-order:stroke;stroke:#fff;stroke-width:3px}
.size-chart .ref text{font-size:11px;fill:#7a4504}.size-chart .ref.unzipped text{fill:#b42318}
.size-chart line{stroke:#a15c07;stroke-width:1.5;stroke-dasharray:5 4}
.size-chart .unzipped line{stroke:#b42318}.size-chart rect{fill:#3b7dd8}
.size-chart .total rect{fill:#1e3a8a}.size-chart .zipped rect{fill:#0f766e}
.size-chart .over rect{fill:#b42318}.size-chart .total text{font-weight:600}
.size-chart rect.track{fill:#e8ecf0}footer{color:#6b7280;font-size:.8rem;padding-bottom:24px}
@media (max-width:600px){body{font-size:14px}section{padding:10px;margin:12px 0}
header,main,footer{padding:0 8px}h1{font-size:1.3rem}
.size-chart text{font-size:17px}.size-chart .ref text{font-size:15px}}
"""


def render(report: Report) -> str:
    """The whole report as one HTML5 document."""
    slugs = _slugs(fr.function.name for fr in report.functions)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>lambdalint audit report</title>",
        f"<style>{_CSS}</style></head><body>",
        _header(report),
        "<main>",
        _overview(report.functions, slugs),
        *(_function(fr, slug) for fr, slug in zip(report.functions, slugs, strict=True)),
        '<section id="other-findings"><h2>Findings not tied to a function</h2>',
        f"{_findings_table(report.findings)}</section>",
        "</main>",
        f"<footer><p>lambdalint {escape(__version__)}</p></footer>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _header(report: Report) -> str:
    counts = Counter(f.severity for f in report.all_findings())
    n = len(report.functions)
    items = [f"{n} function{'s' if n != 1 else ''}"]
    items += [
        f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in Severity
    ]
    totals = "".join(f"<li>{escape(i)}</li>" for i in items)
    notes = "".join(f"<li>{escape(note)}</li>" for note in report.notes)
    return (
        "<header><h1>lambdalint audit report</h1>"
        f'<ul class="totals" aria-label="totals">{totals}</ul>'
        + (f'<ul class="notes">{notes}</ul>' if notes else "")
        + "</header>"
    )


def _overview(functions: Sequence[FunctionReport], slugs: Sequence[str]) -> str:
    head = ["function", "path", "runtime", "arch", "packaging", "installs reqs", "plan"]
    head = [f"<th scope=col>{h}</th>" for h in head]
    head += [
        f'<th scope=col class="num">{h}</th>'
        for h in ("zipped", "unzipped", "errors", "warnings", "info")
    ]
    rows = [_overview_row(fr, slug) for fr, slug in zip(functions, slugs, strict=True)]
    return (
        '<section id="overview"><h2>Functions</h2><div class="scroll"><table class="overview">'
        f"<thead><tr>{''.join(head)}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _overview_row(fr: FunctionReport, slug: str) -> str:
    fn, plan = fr.function, fr.plan
    counts = Counter(f.severity for f in fr.findings)
    installs = {True: "yes", False: "no", None: "unknown"}[fn.installs_requirements]
    status, bad = _status(fr.findings)
    status_class = "status bad" if bad else "status"
    cells = [
        f'<td class="wrap"><a href="#fn-{slug}">{_breakable(fn.name)}</a></td>',
        f'<td class="wrap"><code>{_breakable(fr.path)}</code></td>',
        f'<td>{escape(fn.runtime or "-")} <span class="{status_class}">{status}</span></td>',
        *(f"<td>{escape(v)}</td>" for v in (fn.architecture, fn.packaging, installs)),
        f"<td>{escape(plan.strategy)}</td>",
        *(_size_cell(v) for v in (plan.zipped_bytes, plan.unzipped_bytes)),
        *(f'<td class="num">{counts[s]}</td>' for s in Severity),
    ]
    return f"<tr>{''.join(cells)}</tr>"


def _status(findings: Iterable[Finding]) -> tuple[str, bool]:
    """A word for the runtime's support state, read off the deprecated-runtime finding."""
    for finding in findings:
        if finding.rule == "deprecated-runtime":
            if finding.severity is Severity.ERROR:
                return "blocked", True
            if finding.severity is Severity.INFO:
                return "deprecation soon", False
            return ("preview" if "preview" in finding.message else "deprecated"), True
    return "supported", False


def _size_cell(size: int | None) -> str:
    if size is None:
        return '<td class="num">-</td>'
    return f'<td class="num" data-bytes="{size}">{_human(size)}</td>'


def _function(fr: FunctionReport, slug: str) -> str:
    fn = fr.function
    facts = f"{fn.runtime or '-'} · {fn.architecture} · {fn.packaging}"
    if fn.handler:
        facts += f" · handler {fn.handler}"
    return (
        f'<section id="fn-{slug}" class="function"><h2>{escape(fn.name)}</h2>'
        f'<p class="path"><code>{escape(fr.path)}</code> — {escape(facts)}</p>'
        f"<h3>Findings</h3>{_findings_table(fr.findings)}"
        f"<h3>Packaging plan</h3>{_plan(fr.plan)}"
        f"<h3>Unzipped size</h3>{_chart(fn.name, fr.plan)}</section>"
    )


def _findings_table(findings: Iterable[Finding]) -> str:
    ordered = sorted(findings, key=Finding.sort_key)
    if not ordered:
        return '<p class="none">No findings.</p>'
    head = "".join(f'<th scope="col">{h}</th>' for h in ("severity", "code", "rule", "where"))
    rows = "".join(_finding_row(f) for f in ordered)
    return (
        f'<div class="scroll"><table class="findings"><thead><tr>{head}<th scope="col">'
        f'message</th><th scope="col">fix</th></tr></thead><tbody>{rows}</tbody></table></div>'
    )


def _finding_row(finding: Finding) -> str:
    loc = finding.location
    where = loc.file + "".join(f":{n}" for n in (loc.line, loc.column) if n is not None)
    sev = finding.severity.value
    return (
        f'<tr><td><span class="badge {sev}">{sev}</span></td>'
        f"<td><code>{escape(finding.code)}</code></td><td>{escape(finding.rule)}</td>"
        f'<td class="wrap"><code>{_breakable(where)}</code></td>'
        f'<td class="msg">{escape(finding.message)}</td><td class="fix">{escape(finding.fix)}</td>'
        "</tr>"
    )


def _plan(plan: Plan) -> str:
    rows = [("strategy", plan.strategy), ("why", plan.reason or "-")]
    if plan.zipped_bytes is not None and plan.unzipped_bytes is not None:
        sizes = f"{_human(plan.zipped_bytes)} zipped, {_human(plan.unzipped_bytes)} unzipped"
        rows.append(("size", sizes))
    if plan.distributions:
        rows.append(("ships", ", ".join(plan.distributions)))
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    commands = "".join(f"<pre><code>{escape(c)}</code></pre>" for c in plan.commands)
    return f'<dl class="plan">{items}</dl>{commands}'


def _chart(name: str, plan: Plan) -> str:
    """A horizontal bar per part of the unzipped size, with the Lambda limits as dashed lines."""
    parts = list(plan.breakdown)
    if not parts and plan.unzipped_bytes is not None:
        parts = [("package", plan.unzipped_bytes)]
    bars = [(label, size, "") for label, size in parts]
    unzipped = plan.unzipped_bytes if plan.unzipped_bytes is not None else sum(s for _, s in parts)
    if len(parts) > 1:
        bars.append(("total unzipped", unzipped, "total"))
    if parts and plan.zipped_bytes is not None:
        bars.append(("total zipped", plan.zipped_bytes, "total zipped"))
    scale = max([UNZIPPED_LIMIT, *(s for _, s, _ in bars)]) * 1.04
    height = _TOP + max(len(bars), 1) * _ROW
    body = [_ref("zip", scale, height), _ref("unzipped", scale, height)]
    body += [_bar(i, *bar, scale) for i, bar in enumerate(bars)]
    if not bars:
        body.append(
            f'<text x="{_W // 2}" y="{_TOP + 22}" text-anchor="middle">{UNKNOWN_SIZES}</text>'
        )
        label = f"Size chart for {name}: {UNKNOWN_SIZES}."
    else:
        label = f"Unzipped size of {name}: {_human(unzipped)} of the 250 MiB limit; " + ", ".join(
            f"{p} {_human(s)}" for p, s in parts
        )
    return (
        f'<figure><svg class="size-chart" role="img" viewBox="0 0 {_W} {height}" '
        f'aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
        "<figcaption>Bars: unzipped bytes per part (function code, each shipped distribution, "
        "layers). Dashed lines: Lambda's 50 MiB zipped direct-upload limit and 250 MiB "
        "unzipped limit (function plus layers).</figcaption></figure>"
    )


def _x(size: float, scale: float) -> float:
    return _X0 + (_X1 - _X0) * size / scale


def _ref(kind: str, scale: float, height: int) -> str:
    zip_line = kind == "zip"
    x = _x(ZIP_LIMIT if zip_line else UNZIPPED_LIMIT, scale)
    text = "50 MiB zip upload limit" if zip_line else "250 MiB unzipped limit"
    y, anchor, dx = (14, "start", 4) if zip_line else (30, "end", -4)
    return (
        f'<g class="ref {kind}"><title>{text}</title>'
        f'<line x1="{x:.1f}" y1="{y - 12}" x2="{x:.1f}" y2="{height - 4}"/>'
        f'<text x="{x + dx:.1f}" y="{y}" text-anchor="{anchor}">{text}</text></g>'
    )


def _bar(index: int, label: str, size: int, kind: str, scale: float) -> str:
    y = _TOP + index * _ROW
    limit = ZIP_LIMIT if "zipped" in kind else UNZIPPED_LIMIT
    over = " over" if size > limit else ""
    width = max(_x(size, scale) - _X0, 2.0 if size > 0 else 0.0)
    shown = label if len(label) <= _LABEL else label[: _LABEL - 1] + "…"
    tip = f"{label}: {_human(size)} ({size:,} bytes)"
    return (
        f'<g class="bar {kind}{over}"><title>{escape(tip)}</title>'
        f'<text x="{_X0}" y="{y + 14}">{escape(shown)}</text>'
        f'<text x="{_X1}" y="{y + 14}" text-anchor="end">{_human(size)}</text>'
        f'<rect class="track" x="{_X0}" y="{y + 19}" width="{_X1 - _X0}" height="12"/>'
        f'<rect x="{_X0}" y="{y + 19}" width="{width:.1f}" height="12"/></g>'
    )


def _breakable(text: str) -> str:
    """Escaped, with a line-break opportunity after each ``/`` so paths wrap at folders."""
    return escape(text).replace("/", "/<wbr>")


def _human(size: int) -> str:
    if size >= MiB:
        return f"{size / MiB:.1f} MiB"
    return f"{size / KiB:.1f} KiB" if size >= KiB else f"{size} B"


def _slugs(names: Iterable[str]) -> list[str]:
    """URL-fragment-safe ids, unique in order of appearance (``-2``, ``-3`` for repeats)."""
    taken: set[str] = set()
    slugs = []
    for name in names:
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "function"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs
