"""Shared fixtures for the circulation checks: a real headless Chromium and the pack's pages.

The browser is Debian's chromium (never a downloaded one). Locally a missing browser
skips these tests with a notice; in CI (the CI environment variable is set) it fails.
Every page of the pack built fresh in the test session (the `pack` fixture of
tests/conftest.py) is a page under test; docs/circulation-checks.md describes what is
checked and why.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The pack built fresh in the session by default; CIRCULATION_PAGES checks another folder,
# e.g. one written by `briefing build --output DIR`, before it replaces the pack.
CIRCULATION_PAGES = os.environ.get("CIRCULATION_PAGES")
INSTALL_HINT = "install Debian's chromium: sudo apt-get install chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The session's running browser, for tests outside this folder (tests/test_escaping.py):
# Playwright's sync API allows one running instance per thread, so they must reuse it.
ACTIVE: dict = {}

# Measurements gathered while the tests run, printed at the end of the session.
METRICS: dict[str, dict] = {}


def find_chromium() -> str | None:
    """Debian's chromium, or a `chromium` on PATH; None when neither exists."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def expected_pages() -> list[str]:
    """Every page a build of every meeting in params/ writes, relative to the pack (posix
    form, sorted): known before the pack is built, so the tests can be collected first."""
    if CIRCULATION_PAGES:
        folder = Path(CIRCULATION_PAGES)
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")) if folder.is_dir() else []
    from briefing.params import load_all_params

    pages = ["index.html"]
    for day, params in load_all_params(ROOT / "params").items():
        pages += [f"{day}/index.html"] + [f"{day}/{kind}.html" for kind in params.briefings.needed()]
    return sorted(pages)


PAGES = expected_pages()


def pytest_generate_tests(metafunc):
    # `page_name` parametrises a test over every page of the pack. With no pages the
    # single "<no pages>" case fails (see the page_name fixture) instead of silently
    # collecting nothing.
    if "page_name" in metafunc.fixturenames:
        metafunc.parametrize("page_name", PAGES or ["<no pages>"], indirect=True)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at /usr/bin/chromium or on PATH; the browser checks must run in CI: {INSTALL_HINT}")
        pytest.skip(f"Chromium not found; browser checks skipped: {INSTALL_HINT}")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=LAUNCH_ARGS)
        ACTIVE["browser"] = instance
        try:
            yield instance
        finally:
            ACTIVE.pop("browser", None)
            instance.close()


@pytest.fixture
def page_name(request) -> str:
    name = request.param
    if name == "<no pages>":
        pytest.fail("no pages to check: params/ names no meeting, or CIRCULATION_PAGES holds no .html page")
    return name


@pytest.fixture
def page_file(page_name, briefings_dir) -> Path:
    return briefings_dir / page_name


def record(page: str, **values) -> None:
    """Keep a measurement of `page` for the end-of-session summary."""
    METRICS.setdefault(page, {}).update(values)


@pytest.fixture(scope="session")
def record_metric():
    """`record_metric(page, name=value, ...)` keeps a measurement for the summary."""
    return record


@pytest.fixture(scope="session")
def briefings_dir(request) -> Path:
    """The folder of the pack under test: CIRCULATION_PAGES, or the session's fresh pack."""
    if CIRCULATION_PAGES:
        return Path(CIRCULATION_PAGES).resolve()
    return request.getfixturevalue("pack").briefings


@pytest.fixture(scope="session")
def pack_pages(briefings_dir) -> list[str]:
    """Every page of the pack under test, relative to its folder."""
    return sorted(p.relative_to(briefings_dir).as_posix() for p in briefings_dir.rglob("*.html"))


def pytest_terminal_summary(terminalreporter):
    if not METRICS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("circulation checks: measurements")
    columns = {
        "bytes": "bytes",
        "axe_rules_run": "axe rules",
        "axe_rules_applicable": "applicable",
        "axe_violations": "violations",
        "axe_violations_320": "viol@320",
        "axe_incomplete": "review",
        "blocked_requests": "blocked",
        "charts": "charts",
        "pdf_pages": "A4 pages",
    }
    write("page".ljust(30) + "".join(label.rjust(11) for label in columns.values()))
    for page in sorted(METRICS):
        row = METRICS[page]
        write(page.ljust(30) + "".join(str(row.get(key, "-")).rjust(11) for key in columns))
    total = sum(row.get("bytes", 0) for row in METRICS.values())
    write(f"{len(METRICS)} page(s), {total} bytes in all")
