"""Circulation checks: every page of the pack, opened in headless Chromium as a member would.

Each check loads the page from file:// in a fresh browser context whose every request
is routed: anything other than the page's own file is aborted and counted. What each
test checks and why is written up in docs/circulation-checks.md.
"""

from __future__ import annotations

import itertools
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CSP_REQUIRED = "default-src 'none'"
PHONE_WIDTHS = [320, 375]
AXE_WIDTHS = [1280, 320]  # the first is the laptop run reported as "axe rules run"


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _is_briefing(name: str) -> bool:
    """Briefing pages are <date>/<kind>.html; index pages are index.html."""
    return Path(name).name != "index.html"


@dataclass
class Visit:
    """A page opened offline, with what happened while it loaded."""

    page: object
    context: object
    url: str
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_offline(browser, file: Path, *, viewport: dict | None = None, media: str | None = None) -> Visit:
    """Open `file` with every request other than the file itself aborted and counted."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, java_script_enabled=True)
    url = file.resolve().as_uri()
    visit = Visit(page=None, context=context, url=url)

    def route(route, request):
        if request.url.split("#", 1)[0] == url:
            route.continue_()
        else:
            visit.blocked.append(request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    visit.page = page
    page.on("console", lambda message: visit.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))

    def dialog(d):
        visit.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    if media:
        page.emulate_media(media=media)
    page.goto(url, wait_until="load")
    return visit


@pytest.fixture
def visit(browser, page_file):
    opened = open_offline(browser, page_file)
    yield opened
    opened.context.close()


# --------------------------------------------------------------------------- the pack


def test_pack_has_pages(pack_pages, briefings_dir):
    assert pack_pages, f"no .html pages under {briefings_dir}; build the pack with 'briefing build --all'"
    assert "index.html" in pack_pages, "briefings/index.html (the list of meetings) is missing"


def test_page_weight(page_name, page_file, record_metric):
    size = page_file.stat().st_size
    record_metric(page_name, bytes=size)
    assert size > 0


# --------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize("width", AXE_WIDTHS)
def test_axe_wcag_22_aa(browser, page_file, page_name, record_metric, width):
    """axe-core, WCAG 2.0/2.1/2.2 A and AA rules: zero violations, on a laptop and a phone.

    axe is injected with page.evaluate (a DevTools evaluation, which the page's CSP does
    not govern), so the page is tested exactly as circulated, CSP and all. The phone
    width matters: a table that fits a laptop can become a scrolling region on a phone.
    """
    visit = open_offline(browser, page_file, viewport={"width": width, "height": 800})
    try:
        results = _run_axe(visit.page)
    finally:
        visit.context.close()
    groups = ("passes", "violations", "incomplete", "inapplicable")
    run = sum(len(results[g]) for g in groups)
    applicable = run - len(results["inapplicable"])
    violations = results["violations"]
    suffix = "" if width == AXE_WIDTHS[0] else f"_{width}"
    record_metric(
        page_name,
        **{
            f"axe_rules_run{suffix}": run,
            f"axe_rules_applicable{suffix}": applicable,
            f"axe_violations{suffix}": len(violations),
            f"axe_incomplete{suffix}": len(results["incomplete"]),
        },
    )
    for item in results["incomplete"]:
        warnings.warn(
            f"{page_name} at {width}px: axe needs review: {item['id']} ({item['help']}) on {[n['target'] for n in item['nodes']][:5]}",
            stacklevel=1,
        )
    assert run > 0, "axe ran no rules"
    report = [
        f"{v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})\n    " + "\n    ".join(str(n["target"]) for n in v["nodes"])
        for v in violations
    ]
    assert not violations, f"{page_name} at {width}px: {len(violations)} axe violation(s):\n" + "\n".join(report)


def _run_axe(page) -> dict:
    page.evaluate(_axe_source())
    return page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete']})",
        AXE_TAGS,
    )


# --------------------------------------------------------------------------- offline


def test_offline_no_requests_and_every_chart_drawn(visit, page_name, record_metric):
    page = visit.page
    record_metric(page_name, blocked_requests=len(visit.blocked))
    assert visit.blocked == [], f"{page_name} asked for {len(visit.blocked)} resource(s) beyond its own file: {visit.blocked}"
    charts = page.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].map(f => {
            const svg = f.querySelector('svg');
            if (!svg) return {id: f.id, svg: false};
            const box = svg.getBoundingClientRect();
            return {id: f.id, svg: true, width: box.width, height: box.height};
        })"""
    )
    record_metric(page_name, charts=len(charts))
    missing = [c for c in charts if not c["svg"] or c["width"] <= 0 or c["height"] <= 0]
    assert not missing, f"{page_name}: charts not drawn offline: {missing}"


def test_no_console_errors(visit, page_name):
    visit.page.wait_for_timeout(100)
    assert visit.console_errors == [], f"{page_name}: console errors: {visit.console_errors}"
    assert visit.page_errors == [], f"{page_name}: page errors: {visit.page_errors}"
    assert visit.dialogs == [], f"{page_name}: dialogs opened: {visit.dialogs}"


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_no_sideways_scroll_on_a_phone(browser, page_file, page_name, width):
    opened = open_offline(browser, page_file, viewport={"width": width, "height": 740})
    try:
        scroll_width, inner_width, widest = opened.page.evaluate(
            """() => {
                const vw = window.innerWidth;
                // The elements sticking out furthest, to name the culprit on failure.
                const out = [...document.body.querySelectorAll('*')]
                    .map(e => [e.getBoundingClientRect().right, e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')])
                    .filter(([right]) => right > vw + 0.5)
                    .sort((a, b) => b[0] - a[0]).slice(0, 5);
                return [document.documentElement.scrollWidth, vw, out];
            }"""
        )
    finally:
        opened.context.close()
    assert scroll_width <= inner_width, (
        f"{page_name} scrolls sideways at {width}px: scrollWidth {scroll_width} > {inner_width}; widest: {widest}"
    )


# --------------------------------------------------------------------------- the note first


def test_on_a_phone_the_title_and_first_key_issue_are_on_the_first_screen(browser, page_file, page_name):
    if not _is_briefing(page_name):
        pytest.skip("index pages have no note")
    opened = open_offline(browser, page_file, viewport={"width": 390, "height": 844})
    try:
        boxes = opened.page.evaluate(
            """() => {
                const box = s => { const e = document.querySelector(s); return e ? e.getBoundingClientRect().bottom : null; };
                return {title: box('h1'), issue: box('.key-issues > li')};
            }"""
        )
    finally:
        opened.context.close()
    assert boxes["title"] is not None and boxes["title"] <= 844, f"{page_name}: the title ends at {boxes['title']}px"
    assert boxes["issue"] is not None and boxes["issue"] <= 844, (
        f"{page_name}: the first key issue ends at {boxes['issue']}px, below the first screen"
    )


def test_printed_on_a4_the_note_fills_at_most_two_pages(browser, page_file, page_name):
    if not _is_briefing(page_name):
        pytest.skip("index pages have no note")
    opened = open_offline(browser, page_file, media="print")
    try:
        page = opened.page
        breaks = page.evaluate("() => getComputedStyle(document.getElementById('evidence')).breakBefore")
        # The note alone: everything from the evidence on (and the footer) removed.
        page.evaluate(
            """() => {
                const start = document.getElementById('evidence').closest('.cell') || document.getElementById('evidence');
                let node = start;
                while (node) { const next = node.nextSibling; node.remove(); node = next; }
                document.querySelectorAll('footer').forEach(f => f.remove());
            }"""
        )
        pages = _pdf_page_count(page.pdf(format="A4", print_background=True))
    finally:
        opened.context.close()
    assert breaks == "page", f"{page_name}: the evidence does not start on a new printed page"
    assert 1 <= pages <= 2, f"{page_name}: the note prints on {pages} A4 pages"


# --------------------------------------------------------------------------- print


def test_print(browser, page_file, page_name, record_metric):
    opened = open_offline(browser, page_file, media="print")
    page = opened.page
    try:
        state = page.evaluate(
            """() => {
                const shown = e => getComputedStyle(e).display !== 'none';
                const hidden = ['nav.contents', '.skip-link', '.site-bar'].flatMap(s => [...document.querySelectorAll(s)].filter(shown).map(() => s));
                const details = [...document.querySelectorAll('details')].map((d, i) => {
                    const table = d.querySelector('table');
                    const box = table ? table.getBoundingClientRect() : null;
                    return {
                        index: i,
                        open: d.open,
                        hasTable: !!table,
                        tableVisible: !!table && table.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}) && box.width > 0 && box.height > 0,
                    };
                });
                const figures = [...document.querySelectorAll('figure')].map(f => [f.id, getComputedStyle(f).breakInside]);
                const rows = [...document.querySelectorAll('tr')].map(r => getComputedStyle(r).breakInside);
                return {hidden, details, figures, rows, detailsContent: CSS.supports('selector(::details-content)')};
            }"""
        )
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        opened.context.close()
    problems = []
    if state["hidden"]:
        problems.append(f"shown when printed (should be display: none): {sorted(set(state['hidden']))}")
    closed = [d for d in state["details"] if not d["hasTable"] or not d["tableVisible"]]
    if closed:
        support = "supports" if state["detailsContent"] else "does NOT support"
        problems.append(
            f"{len(closed)} of {len(state['details'])} <details> do not show their table when printed (Chromium {support} ::details-content): {closed[:5]}"
        )
    bad_figures = [f for f in state["figures"] if f[1] != "avoid"]
    if bad_figures:
        problems.append(f"figures without break-inside: avoid: {bad_figures}")
    bad_rows = [r for r in state["rows"] if r != "avoid"]
    if bad_rows:
        problems.append(f"{len(bad_rows)} table row(s) without break-inside: avoid")
    pages = _pdf_page_count(pdf)
    record_metric(page_name, pdf_pages=pages, pdf_bytes=len(pdf))
    if not pdf.startswith(b"%PDF") or pages < 1:
        problems.append(f"page.pdf gave {len(pdf)} bytes and {pages} page(s)")
    assert not problems, f"{page_name} when printed:\n  " + "\n  ".join(problems)


def _pdf_page_count(pdf: bytes) -> int:
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    if pages:
        return pages
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf, re.S)]
    return max(counts, default=0)


# --------------------------------------------------------------------------- structure


def test_structure(visit, page_name, page_file):
    page = visit.page
    raw = page_file.read_text(encoding="utf-8")
    facts = page.evaluate(
        """() => {
            const csp = document.querySelector('meta[http-equiv="Content-Security-Policy" i]');
            const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => [Number(h.tagName[1]), h.textContent.trim()]);
            const focusable = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')];
            const first = focusable[0];
            return {
                lang: document.documentElement.getAttribute('lang'),
                title: document.title.trim(),
                h1: document.querySelectorAll('h1').length,
                headings,
                mains: document.querySelectorAll('main').length,
                mainId: document.querySelector('main') && document.querySelector('main').id,
                firstFocusable: first ? {tag: first.tagName.toLowerCase(), href: first.getAttribute('href'), cls: first.className} : null,
                scripts: document.querySelectorAll('script').length,
                csp: csp ? csp.getAttribute('content') : null,
            };
        }"""
    )
    problems = []
    if facts["lang"] != "en-GB":
        problems.append(f'<html lang> is {facts["lang"]!r}, not "en-GB"')
    if not facts["title"]:
        problems.append("empty <title>")
    if facts["h1"] != 1:
        problems.append(f"{facts['h1']} h1 elements (want exactly one)")
    levels = [level for level, _ in facts["headings"]]
    if levels and levels[0] != 1:
        problems.append(f"first heading is h{levels[0]}, not h1")
    for (before, _), (after, text) in itertools.pairwise(facts["headings"]):
        if after > before + 1:
            problems.append(f"heading level skips h{before} -> h{after} at {text!r}")
    if facts["mains"] != 1 or facts["mainId"] != "main":
        problems.append(f"want one <main id=main>; found {facts['mains']} (id {facts['mainId']!r})")
    first = facts["firstFocusable"]
    if not first or first["tag"] != "a" or first["href"] != "#main":
        problems.append(f"first focusable element is {first}, not the skip link to #main")
    if facts["scripts"] or re.search(r"<script\b", raw, re.I):
        problems.append(f"{facts['scripts']} <script> element(s)")
    if not facts["csp"] or CSP_REQUIRED not in facts["csp"] or "script-src" in facts["csp"]:
        problems.append(f"Content-Security-Policy meta missing or weakened: {facts['csp']!r}")
    assert not problems, f"{page_name}:\n  " + "\n  ".join(problems)


def test_skip_link_is_first_tab_stop(visit, page_name):
    page = visit.page
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({tag: document.activeElement.tagName.toLowerCase(), href: document.activeElement.getAttribute('href'), visible: document.activeElement.getBoundingClientRect().left >= 0})"
    )
    assert focused == {"tag": "a", "href": "#main", "visible": True}, f"{page_name}: first Tab lands on {focused}"
    page.keyboard.press("Enter")
    target = page.evaluate("() => location.hash")
    assert target == "#main"


def test_contents_links_resolve(visit, page_name):
    if not _is_briefing(page_name):
        pytest.skip("index pages have no contents list")
    links = visit.page.evaluate(
        """() => {
            const navs = [...document.querySelectorAll('nav.contents')];
            if (navs.length !== 1) return {navs: navs.length};
            const hrefs = [...navs[0].querySelectorAll('a')].map(a => a.getAttribute('href'));
            return {navs: 1, hrefs, missing: hrefs.filter(h => !h || !h.startsWith('#') || !document.getElementById(decodeURIComponent(h.slice(1))))};
        }"""
    )
    assert links["navs"] == 1, f'{page_name}: {links["navs"]} <nav class="contents"> (want one)'
    assert links["hrefs"], f"{page_name}: the contents list is empty"
    assert not links["missing"], f"{page_name}: contents links with no target on the page: {links['missing']}"


def test_internal_links_resolve(page_name, page_file):
    """Relative links between pages of the pack point at pages that exist."""
    raw = page_file.read_text(encoding="utf-8")
    broken = []
    for href in re.findall(r'href="([^"#][^"]*)"', raw):
        if re.match(r"^[a-z]+:", href):
            continue
        target = (page_file.parent / href.split("#")[0]).resolve()
        if not target.exists():
            broken.append(href)
    assert not broken, f"{page_name}: links to pages missing from the pack: {sorted(set(broken))}"


def test_charts_are_accessible(visit, page_name):
    charts = visit.page.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].map(f => {
            const svg = f.querySelector('svg');
            const ids = svg ? (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean) : [];
            const targets = ids.map(id => document.getElementById(id));
            const next = f.nextElementSibling;
            const table = next && next.tagName === 'DETAILS' ? next.querySelector('table') : null;
            return {
                id: f.id,
                svg: !!svg,
                role: svg && svg.getAttribute('role'),
                ids,
                missing: ids.filter((id, i) => !targets[i]),
                emptyLabel: ids.filter((id, i) => targets[i] && !targets[i].textContent.trim()),
                hasAlt: targets.some(t => t && t.classList.contains('chart-alt') && f.contains(t) && t.textContent.trim().length > 20),
                details: !!next && next.tagName === 'DETAILS',
                summary: !!(next && next.tagName === 'DETAILS' && next.querySelector('summary') && next.querySelector('summary').textContent.trim()),
                table: !!table,
                caption: !!(table && table.querySelector('caption') && table.querySelector('caption').textContent.trim()),
                scopedTh: table ? table.querySelectorAll('th[scope]').length : 0,
                unscopedTh: table ? table.querySelectorAll('th:not([scope])').length : 0,
            };
        })"""
    )
    problems = []
    for c in charts:
        where = f"figure#{c['id']}"
        if not c["svg"]:
            problems.append(f"{where}: no svg")
            continue
        if c["role"] != "img":
            problems.append(f"{where}: svg role={c['role']!r}, want 'img'")
        if not c["ids"] or c["missing"] or c["emptyLabel"]:
            problems.append(f"{where}: aria-labelledby {c['ids']} (missing {c['missing']}, empty {c['emptyLabel']})")
        if not c["hasAlt"]:
            problems.append(f"{where}: aria-labelledby does not include the chart's text alternative (.chart-alt)")
        if not (c["details"] and c["summary"] and c["table"]):
            problems.append(f"{where}: not followed by <details> with a <summary> and a <table>")
        elif not c["caption"] or not c["scopedTh"] or c["unscopedTh"]:
            problems.append(f"{where}: data table lacks a caption or th[scope] ({c['scopedTh']} scoped, {c['unscopedTh']} unscoped)")
    assert not problems, f"{page_name}:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------- colour


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two sRGB colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _palette() -> list[str]:
    """briefing.charts.PALETTE, read from the source (importing charts pulls in pandas and Altair)."""
    import ast

    tree = ast.parse((Path(__file__).resolve().parents[2] / "src" / "briefing" / "charts.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PALETTE" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError("PALETTE not found in src/briefing/charts.py")


def test_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_palette_colours_have_3_to_1_against_white():
    """WCAG 1.4.11: chart marks sit on a white background, so each needs 3:1 against it."""
    low = {colour: round(contrast(colour, "#ffffff"), 2) for colour in _palette() if contrast(colour, "#ffffff") < 3}
    assert not low, f"briefing.charts.PALETTE colours below 3:1 against white: {low}"


def test_palette_neighbour_contrast_report():
    """Report (without failing) palette pairs below 3:1 against each other.

    Neighbouring segments of a stacked bar touch (separated only by a 1px white stroke),
    so pairs below 3:1 rely on the legend text, the table beneath and shape, not colour.
    """
    palette = _palette()
    weak = [(a, b, round(contrast(a, b), 2)) for a, b in itertools.combinations(palette, 2) if contrast(a, b) < 3]
    for a, b, ratio in weak:
        warnings.warn(f"PALETTE pair {a} / {b}: {ratio}:1 against each other (below 3:1)", stacklevel=1)
    assert all(ratio > 1 for _, _, ratio in weak)


def test_chart_marks_in_the_pack_have_3_to_1_against_white(pack_pages, briefings_dir):
    """The colours actually used for data marks in the pack's charts (bars, points, lines)."""
    mark = re.compile(r'<g class="mark-(?:rect|symbol|line|area|arc)[^"]*"[^>]*>(.*?)</g>', re.S)
    colour = re.compile(r'(?:fill|stroke)="(#[0-9a-fA-F]{3,6})"')
    used: dict[str, set[str]] = {}
    for name in pack_pages:
        html = (briefings_dir / name).read_text(encoding="utf-8")
        for figure in re.findall(r'<figure class="chart".*?</figure>', html, re.S):
            for group in mark.findall(figure):
                for found in colour.findall(group):
                    used.setdefault(found.lower(), set()).add(name)
    low = {
        c: (round(contrast(c, "#ffffff"), 2), sorted(pages)) for c, pages in used.items() if c != "#ffffff" and contrast(c, "#ffffff") < 3
    }
    assert not low, f"chart mark colours below 3:1 against white: {low}"
