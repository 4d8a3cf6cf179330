"""Data text is text: hostile strings in the datasets reach the pages only as visible text.

A copy of data/ gets the strings of tests/fixtures/hostile_strings.txt appended to the text
fields that reach the pages (keys stay unique; numbers, dates, as_printed and allowed-value
columns are untouched, so the data still validates). Meetings are built from that copy into
a temporary folder, and the pages are checked byte by byte and in Chromium.

Also here: only the parameters a notebook declares reach it.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_FILE = ROOT / "tests" / "fixtures" / "hostile_strings.txt"

# (dataset file, column): text fields that reach circulated pages.
TARGETS = [
    ("questions.csv", "gist"),
    ("questions.csv", "topic"),
    ("actions.csv", "text"),
    ("deliverables.csv", "summary"),
    ("culture_blockers.csv", "blocker"),
    ("figures.csv", "label"),
    ("meetings.csv", "venue"),
    ("agenda_items.csv", "title"),
]
# Meetings to build and the briefings whose notebooks must exist for each.
MEETINGS = {"2024-01-31": ("precept",), "2023-03-15": ("comms", "communities", "culture")}
# Fields that must show up on the pages of a meeting once it is built (so the test proves
# something for each of them).
EXPECTED_REACH = {
    "2024-01-31": [
        ("questions.csv", "gist"),
        ("questions.csv", "topic"),
        ("actions.csv", "text"),
        ("figures.csv", "label"),
        ("meetings.csv", "venue"),
        ("agenda_items.csv", "title"),
    ],
    "2023-03-15": [
        ("deliverables.csv", "summary"),
        ("culture_blockers.csv", "blocker"),
        ("actions.csv", "text"),
        ("figures.csv", "label"),
        ("meetings.csv", "venue"),
        ("agenda_items.csv", "title"),
    ],
}


def hostile_strings() -> list[str]:
    lines = HOSTILE_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def marker(file: str, column: str) -> str:
    """A harmless tag naming the field, so a page shows which field reached it."""
    return f"hostile-{Path(file).stem}-{column}"


def poison(data_dir: Path, strings: list[str]) -> None:
    """Append a field marker and a hostile string to every non-empty target cell."""
    for number, (file, column) in enumerate(TARGETS):
        path = data_dir / file
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames
            rows = list(reader)
        assert fields and column in fields, f"{file} has no column {column}"
        for index, row in enumerate(rows):
            if row[column].strip():
                row[column] = f"{row[column]} {marker(file, column)} {strings[(index + number) % len(strings)]}"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


class LiveMarkup(HTMLParser):
    """Collects what would run or navigate: script elements, on* handlers, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.h1 = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        if tag == "h1":
            self.h1 += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if (
                name in ("href", "src", "srcdoc", "action", "formaction", "xlink:href")
                and value
                and re.sub(r"\s", "", value).lower().startswith(("javascript:", "data:text/html"))
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


# --------------------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def hostile_pack(tmp_path_factory):
    """Build MEETINGS from poisoned data; returns (output folder, {meeting: [pages]}, build failures)."""
    from briefing.build import build
    from briefing.config import Paths
    from briefing.errors import NotebookError

    base = tmp_path_factory.mktemp("hostile")
    data = base / "data"
    shutil.copytree(ROOT / "data", data)
    poison(data, hostile_strings())
    dates = [day for day, kinds in MEETINGS.items() if any((ROOT / "notebooks" / f"{kind}.ipynb").exists() for kind in kinds)]
    failures = ""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BRIEFING_DATA_DIR", str(data))
        # build() sets these for its kernels (in this process when one notebook runs);
        # touching them here restores them afterwards.
        env.setenv("BRIEFING_ROOT", str(ROOT))
        env.setenv("JUPYTER_PREFER_ENV_PATH", "1")
        env.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        paths = dataclasses.replace(Paths.default(ROOT), briefings=base / "out", build=base / "build")
        assert paths.data == data.resolve()
        try:
            build(paths, dates, force=True, jobs=2)
        except NotebookError as error:
            failures = str(error)
    pages = {day: sorted((base / "out" / day).glob("*.html")) for day in dates}
    return base / "out", pages, failures


@pytest.mark.slow
def test_build_from_hostile_data_succeeds(hostile_pack):
    out, pages, failures = hostile_pack
    missing = [kind for day, kinds in MEETINGS.items() for kind in kinds if not (ROOT / "notebooks" / f"{kind}.ipynb").exists()]
    # A notebook that exists must build from hostile data; missing ones are not yet written.
    for line in filter(None, failures.splitlines()):
        assert any(f"notebooks/{kind}.ipynb" in line for kind in missing), f"a briefing failed on hostile data: {line}"
    assert (out / "index.html").exists()
    assert any(pages.values()), "no pages were built"


def _all_pages(hostile_pack) -> list[Path]:
    out, pages, _ = hostile_pack
    return [out / "index.html"] + [p for day in pages.values() for p in day]


@pytest.mark.slow
def test_raw_html_has_only_escaped_forms(hostile_pack):
    problems = []
    texts = {}
    for page in _all_pages(hostile_pack):
        html = page.read_text(encoding="utf-8")
        texts[page] = html
        where = page.relative_to(hostile_pack[0])
        if re.search(r"<script", html, re.I):
            problems.append(f"{where}: a live <script")
        if re.search(r"<[a-z][^<>]*\son[a-z]+\s*=", html, re.I):
            problems.append(f"{where}: a live on*= event handler attribute")
        # Inside a real tag only: escaped text may legitimately read 'href="javascript:'.
        if re.search(r"""<[a-z][^<>]*\s(href|src|xlink:href)\s*=\s*["']?\s*javascript:""", html, re.I):
            problems.append(f'{where}: a live href="javascript:')
        if re.search(r"<img src=x|<svg onload|<iframe srcdoc", html, re.I):
            problems.append(f"{where}: a hostile tag is live")
        parser = LiveMarkup()
        parser.feed(html)
        if parser.found:
            problems.append(f"{where}: live markup {parser.found}")
        if parser.h1 > 1:
            problems.append(f"{where}: {parser.h1} h1 elements (an injected heading is live)")
        if "&lt;/main&gt;" not in html and "</main></table>" in html:
            problems.append(f"{where}: an injected closing tag is live")
    assert not problems, "\n".join(problems)
    everything = "".join(texts.values())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything, (
        "the escaped <script> string is on no page: did the hostile data reach the pages?"
    )
    assert "&lt;img src=x onerror=alert(2)&gt;" in everything
    assert "{{7*7}}" in everything, "the template string {{7*7}} is on no page: was it evaluated?"


@pytest.mark.slow
def test_every_targeted_field_reaches_a_page(hostile_pack):
    out, pages, _ = hostile_pack
    unreached = []
    for day, expected in EXPECTED_REACH.items():
        if not pages.get(day):
            continue
        html = "".join(p.read_text(encoding="utf-8") for p in pages[day])
        unreached += [f"{day}: {file}:{column}" for file, column in expected if marker(file, column) not in html]
    assert not unreached, f"hostile text never reached these pages, so the test proves nothing for them: {unreached}"


def _browser_support():
    """tests/browser/conftest.py as a plain module: the one place the Chromium rules live."""
    spec = importlib.util.spec_from_file_location("_circulation_browser_support", ROOT / "tests" / "browser" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def chromium(request):
    """The browser tests' running Chromium when there is one, else one launched here."""
    for plugin in request.config.pluginmanager.get_plugins():
        if getattr(plugin, "__file__", None) and Path(plugin.__file__).resolve() == ROOT / "tests" / "browser" / "conftest.py":
            running = getattr(plugin, "ACTIVE", {}).get("browser")
            if running is not None and running.is_connected():
                yield running
                return
    support = _browser_support()
    path = support.find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found; {support.INSTALL_HINT}")
        pytest.skip(f"Chromium not found; the in-browser part is skipped: {support.INSTALL_HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=support.LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _open(browser, file: Path):
    """Open `file` offline, recording dialogs, console errors, page errors and requests."""
    context = browser.new_context()
    url = file.resolve().as_uri()
    events: list[str] = []

    def route(route, request):
        if request.url.split("#")[0] == url:
            route.continue_()
        else:
            events.append(f"request {request.url}")
            route.abort()

    def dialog(dialog):
        events.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", dialog)
    page.on("console", lambda message: events.append(f"console error: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: events.append(f"page error: {error}"))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(200)
    return context, page, events


@pytest.mark.slow
@pytest.mark.browser
def test_hostile_text_is_shown_as_text_in_chromium(hostile_pack, chromium):
    strings = hostile_strings()
    seen: set[str] = set()
    problems = []
    for file in _all_pages(hostile_pack):
        where = file.relative_to(hostile_pack[0])
        context, page, events = _open(chromium, file)
        try:
            # Open every <details> so text in data tables counts as shown.
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            body = page.inner_text("body")
            for text in strings:
                if text not in body:
                    continue
                locator = page.get_by_text(text)
                if any(locator.nth(i).is_visible() for i in range(min(locator.count(), 20))):
                    seen.add(text)
                else:
                    problems.append(f"{where}: {text!r} is in the text but no element showing it is visible")
            if page.locator("script, iframe, [onerror], [onload]").count():
                problems.append(f"{where}: live hostile elements in the DOM")
            page.wait_for_timeout(100)
            problems += [f"{where}: {event}" for event in events]
        finally:
            context.close()
    assert not problems, "\n".join(problems)
    assert seen == set(strings), f"hostile strings never shown as text on any page: {sorted(set(strings) - seen)}"


# --------------------------------------------------------------------------- parameters


def test_only_declared_parameters_reach_a_notebook():
    """papermill injects only names a notebook declares in its parameters cell, and the
    params model supplies exactly those names."""
    import papermill

    from briefing.params import load_all_params

    meetings = load_all_params(ROOT / "params")
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks"
    problems = []
    for notebook in notebooks:
        kind = notebook.stem
        declared = set(papermill.inspect_notebook(str(notebook)))
        users = [params for params in meetings.values() if getattr(params.briefings, kind, None) is not None]
        if not users:
            problems.append(f"{notebook.name}: no meeting in params/ has a {kind} briefing")
            continue
        for params in users:
            supplied = set(params.notebook_parameters(kind))
            if supplied != declared:
                problems.append(
                    f"{notebook.name} for {params.meeting_date}: supplied {sorted(supplied)} but the notebook declares {sorted(declared)}"
                    f" (undeclared: {sorted(supplied - declared)}; never supplied: {sorted(declared - supplied)})"
                )
    assert not problems, "\n".join(problems)
