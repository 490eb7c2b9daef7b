"""The HTML audit report: escaping, self-containment, charts, and a real headless Chromium."""

from __future__ import annotations

import datetime
import os
import re
import struct
import subprocess
import tempfile
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_fixtures import REPO

from lambdalint.config import Config
from lambdalint.engine import run
from lambdalint.model import Finding, Function, FunctionReport, Location, Plan, Report, Severity
from lambdalint.report.html import UNKNOWN_SIZES, render

MiB = 1024 * 1024
TODAY = datetime.date(2026, 12, 4)
CHROMIUM = Path("/usr/bin/chromium")
# Headless, file:// only: no sandbox (CI runs as root), no background services, and every host
# name resolves to nothing, so even a stray request could never leave the machine.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr",
    "--v=0",
)


def _function(name: str, runtime: str = "python3.12") -> Function:
    return Function(name=name, code_dir=Path(name), runtime=runtime, handler="app.handler")


def _finding(function: str, message: str = "m", fix: str = "f", **changes: object) -> Finding:
    location = Location(f"src/{function}/app.py", 3, 1)
    found = Finding("missing-dependency", "LL001", Severity.ERROR, message, fix, location, function)
    return replace(found, **changes)


SIZED_PLAN = Plan(
    strategy="zip",
    zipped_bytes=62 * MiB,
    unzipped_bytes=180 * MiB,
    commands=("pip install -r requirements.txt -t build/ --only-binary=:all:",),
    distributions=("pandas", "numpy"),
    reason="the code imports pandas, which the runtime does not provide",
    breakdown=(("function code", 12_000), ("pandas", 110 * MiB), ("numpy", 70 * MiB - 12_000)),
)


def sized_report() -> Report:
    """Three functions: a per-distribution breakdown, one over the limits, one total only."""
    over = replace(SIZED_PLAN, unzipped_bytes=300 * MiB, breakdown=(("torch", 300 * MiB),))
    return Report(
        functions=(
            FunctionReport(_function("etl"), "src/etl", (_finding("etl"),), SIZED_PLAN),
            FunctionReport(_function("train"), "src/train", (), over),
            FunctionReport(_function("tiny"), "src/tiny", (), Plan("zip", 900, 2_000)),
        ),
        notes=("sizes from a fake plan",),
    )


@pytest.fixture(scope="module")
def fixtures_report(tmp_path_factory):
    """The engine's report over every fixture, offline, with a cache of its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LAMBDALINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        patch.chdir(REPO)
        return run([Path("fixtures")], Config(offline=True), today=TODAY)


def test_fixture_report_has_functions(fixtures_report):
    """The fixtures give the browser tests a real, many-function report to render."""
    assert len(fixtures_report.functions) > 10


@pytest.mark.parametrize(
    "where",
    ["message", "fix", "name", "path", "reason", "command", "part", "note"],
)
def test_user_text_is_escaped(where):
    """Text from scanned files or the IaC shows as text and never becomes markup."""
    evil = '<script>alert("x")</script>&'
    fn, plan = _function("f"), SIZED_PLAN
    finding = _finding("f", **({where: evil} if where in {"message", "fix"} else {}))
    path, notes = ("src/f", ())
    if where == "name":
        fn = replace(fn, name=evil)
    elif where == "path":
        path = evil
    elif where == "reason":
        plan = replace(plan, reason=evil)
    elif where == "command":
        plan = replace(plan, commands=(evil,))
    elif where == "part":
        plan = replace(plan, breakdown=((evil, 5 * MiB),))
    elif where == "note":
        notes = (evil,)
    page = render(Report((FunctionReport(fn, path, (finding,), plan),), notes=notes))
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page


@pytest.mark.parametrize("which", ["fixtures", "sized"])
def test_every_function_has_a_section_and_a_chart(which, fixtures_report):
    """One ``section.function`` with a unique id and one ``svg.size-chart`` per function."""
    report = fixtures_report if which == "fixtures" else sized_report()
    page = render(report)
    ids = re.findall(r'<section id="(fn-[a-z0-9-]+)" class="function">', page)
    assert len(ids) == len(set(ids)) == len(report.functions)
    assert page.count('<svg class="size-chart"') == len(report.functions)
    assert all(f'href="#{i}"' in page for i in ids)


@pytest.mark.parametrize("which", ["fixtures", "sized"])
def test_page_loads_nothing(which, fixtures_report):
    """No script, no external resource, and a CSP that forbids fetching anything at all."""
    page = render(fixtures_report if which == "fixtures" else sized_report())
    targets = re.findall(
        r'\b(?:src|href|srcset|action|poster|data)\s*=\s*"([^"]*)"', page, re.IGNORECASE
    )
    assert all(target.startswith("#") for target in targets), targets
    assert not re.search(r"url\(|@import|<script|<link|<iframe|<img|xmlns", page, re.IGNORECASE)
    assert "Content-Security-Policy\" content=\"default-src 'none';" in page


def test_output_is_deterministic(fixtures_report, tmp_path, monkeypatch):
    """Two runs over the same tree give byte-identical pages."""
    monkeypatch.setenv("LAMBDALINT_CACHE_DIR", str(tmp_path))
    monkeypatch.chdir(REPO)
    again = run([Path("fixtures")], Config(offline=True), today=TODAY)
    assert render(again) == render(fixtures_report)


@pytest.mark.parametrize(
    ("plan", "expected", "absent"),
    [
        (SIZED_PLAN, ["pandas", "numpy", "function code", "total unzipped", "180.0 MiB"], []),
        (Plan("zip", 900, 2_000), ["package", "2.0 KiB", "900 B"], ["total unzipped"]),
        (Plan("none"), [UNKNOWN_SIZES], ["<rect"]),
        (replace(SIZED_PLAN, unzipped_bytes=300 * MiB), ['class="bar total over"'], []),
    ],
    ids=["breakdown", "total-only", "unknown", "over-limit"],
)
def test_chart_content(plan, expected, absent):
    """Bars come from the breakdown, else one package bar, else an honest 'unknown' note."""
    page = render(Report((FunctionReport(_function("f"), "src/f", (), plan),)))
    chart = page[page.index('<svg class="size-chart"') : page.index("</svg>")]
    assert "50 MiB zip upload limit" in chart
    assert "250 MiB unzipped limit" in chart
    assert 'aria-label="' in chart
    assert "<title>" in chart
    assert all(text in chart for text in expected)
    assert not any(text in chart for text in absent)


@pytest.mark.parametrize(
    ("severity", "message", "status"),
    [
        (None, "", "supported"),
        (Severity.INFO, "python3.12 will be deprecated on 2027-01-01", "deprecation soon"),
        (Severity.WARNING, "python3.9 is deprecated: no more security patches", "deprecated"),
        (Severity.WARNING, "python3.15 is a public preview runtime", "preview"),
        (Severity.ERROR, "python3.7 is deprecated and Lambda blocks function create", "blocked"),
    ],
)
def test_runtime_status_comes_from_the_finding(severity, message, status):
    """The overview's runtime status is read off the deprecated-runtime finding."""
    findings = ()
    if severity is not None:
        findings = (
            _finding("f", message, rule="deprecated-runtime", code="LL301", severity=severity),
        )
    page = render(Report((FunctionReport(_function("f"), "src/f", findings, Plan("none")),)))
    assert re.search(rf'<span class="status( bad)?">{status}</span>', page)


def test_same_names_get_distinct_anchors():
    """Functions that share a name (or its slug) still get unique section ids."""
    names = ["api", "API", "api-2"]
    reports = tuple(FunctionReport(_function(n), n, (), Plan("none")) for n in names)
    ids = re.findall(r'<section id="(fn-[^"]+)"', render(Report(reports)))
    assert ids == ["fn-api", "fn-api-2", "fn-api-2-2"]


# --- a real browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium; CI must have it (the job fails), a laptop may skip."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a real browser for the HTML report: {reason}")
        pytest.skip(reason)
    return CHROMIUM


def browse(chromium: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a local file, bounded, with its own throwaway profile."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=page.parent)
    return subprocess.run(
        [str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def console(result: subprocess.CompletedProcess[str]) -> list[str]:
    """Lines the page wrote to the console: JS errors, CSP-blocked loads, warnings."""
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


class _Counter(HTMLParser):
    """Counts elements by tag and class in the DOM Chromium dumps."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, set((dict(attrs).get("class") or "").split())))

    def count(self, tag: str, cls: str | None = None) -> int:
        return sum(1 for t, c in self.seen if t == tag and (cls is None or cls in c))


@pytest.fixture(params=["fixtures", "sized"])
def page(request, fixtures_report, tmp_path):
    """The report written to disk, with the number of functions it must show."""
    report = fixtures_report if request.param == "fixtures" else sized_report()
    path = tmp_path / f"{request.param}.html"
    path.write_text(render(report), encoding="utf-8")
    return path, len(report.functions)


def test_browser_dom_has_every_section_and_chart(chromium, page):
    """After Chromium parsed the page: one section and one chart per function, no console."""
    path, functions = page
    result = browse(chromium, path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = _Counter()
    dom.feed(result.stdout)
    assert dom.count("section", "function") == functions
    assert dom.count("svg", "size-chart") == functions
    assert dom.count("script") == 0
    assert console(result) == []


@pytest.mark.parametrize(("width", "height"), [(1280, 2000), (390, 2400)], ids=["desktop", "phone"])
def test_browser_screenshot(chromium, page, width, height):
    """Chromium renders a non-trivial screenshot at desktop and phone widths, silently."""
    path, _ = page
    png = path.with_name(f"{path.stem}-{width}.png")
    result = browse(chromium, path, f"--window-size={width},{height}", f"--screenshot={png}")
    assert result.returncode == 0, result.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (width, height)
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes
    assert console(result) == []


def test_browser_console_check_catches_faults(chromium, tmp_path):
    """The console check is not vacuous: a blocked remote image and a script both show up."""
    page = render(sized_report()).replace(
        "</main>", '<img src="http://example.invalid/x.png"><script>x(</script></main>'
    )
    path = tmp_path / "faulty.html"
    path.write_text(page, encoding="utf-8")
    lines = console(browse(chromium, path, "--dump-dom"))
    assert any("example.invalid" in line for line in lines)
    assert any("script" in line for line in lines)
