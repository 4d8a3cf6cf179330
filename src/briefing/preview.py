"""`briefing preview`: serve the pack on localhost, rebuild what changed on save, reload the page.

Preview is a long-running process, so it keeps warm what a one-shot build pays for again
(`briefing.execute.Warm`): Great Expectations imported and set up once, each dataset's last
validation, and worker processes that each hold a kernel with the briefing package already
imported. After each save it runs an incremental build (only the datasets that changed are
revalidated; only the briefings whose notebook, params, code or read data changed are
executed) and prints which file changed, which briefings it rebuilt and why, and how long
each stage took. Errors are printed and the server keeps serving the last good pages.

Pages served by preview carry a small script that reloads the page when a rebuild rewrites
it (server-sent events). It is added to the response only: the files under briefings/ stay
script-free, with their strict Content-Security-Policy.
"""

from __future__ import annotations

import errno
import functools
import html
import json
import logging
import secrets
import threading
import time
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from briefing.config import PACKAGE_DIR, Paths
from briefing.errors import BriefingError, PortInUseError
from briefing.progress import Progress

log = logging.getLogger("briefing.preview")

WATCHED_SUFFIXES = {".ipynb", ".csv", ".yaml", ".txt", ".py", ".j2", ".css", ".json"}
EVENTS_PATH = "/__preview/events"
STRICT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
RELOAD_SCRIPT = """(function () {
  var here = location.pathname.endsWith("/") ? location.pathname + "index.html" : location.pathname;
  var events = new EventSource("%s");
  events.onmessage = function (event) {
    var written = JSON.parse(event.data);
    if (written.indexOf(here) !== -1) { events.close(); location.reload(); }
  };
})();"""
STAGES = ("params", "validate", "execute", "render", "index")


class Reloads:
    """Tells the open preview pages which pages a rebuild wrote (server-sent events)."""

    def __init__(self):
        self._changed = threading.Condition()
        self._events: list[list[str]] = []

    def publish(self, written: list[str]) -> None:
        """Announce that the pages at these URL paths ('/2023-03-15/comms.html') were written."""
        with self._changed:
            self._events.append(written)
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, list[list[str]]]:
        """Events after the first `seen`, waiting up to `timeout` seconds for one."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._events) > seen, timeout=timeout)
            return len(self._events), self._events[seen:]

    @property
    def count(self) -> int:
        with self._changed:
            return len(self._events)


class _Timings(Progress):
    """Build progress that notes when each stage started and finished, for the per-save report.

    A stage runs from its first line to its `done` line or, without one, to the next stage.
    Pages are rendered while other notebooks still run (each right after its own notebook),
    so rendering is timed from a notebook's end to its page's, and taken out of "execute".
    """

    def __init__(self, on_written=None):
        self.started: dict[str, float] = {}
        self.ended: dict[str, float] = {}
        self.messages: dict[str, str] = {}
        self.on_written = on_written  # called with the pages a build wrote, as soon as they are in place
        self.rendering = 0.0
        self._notebook_done = None

    def stage(self, name, message, total=None):
        if name == "render":
            return  # rendering overlaps execution: it is timed page by page (see `advance`)
        now = time.perf_counter()
        for other in self.started:
            self.ended.setdefault(other, now)
        self.started.setdefault(name, now)

    def advance(self, name, message):
        now = time.perf_counter()
        if name == "execute":
            self._notebook_done = now
        if name == "render":
            if self._notebook_done is not None:
                self.rendering += now - self._notebook_done
                self._notebook_done = None

    def written(self, pages):
        if self.on_written is not None:
            self.on_written(pages)

    def done(self, name, message):
        now = time.perf_counter()
        self.started.setdefault(name, now)
        self.ended[name] = now
        self.messages[name] = message

    @property
    def seconds(self) -> dict[str, float]:
        now = time.perf_counter()
        seconds = {name: self.ended.get(name, now) - start for name, start in self.started.items()}
        if self.rendering and "execute" in seconds:
            seconds["execute"] -= self.rendering
            seconds["render"] = seconds.get("render", 0.0) + self.rendering
        return seconds


def rebuild(paths: Paths, dates: list[str] | None, warm=None, reloads: Reloads | None = None, saved: list[str] | None = None) -> str:
    """One incremental build; returns what it rebuilt and why, and each stage's time (or why it stopped)."""
    from briefing.build import build

    def pages_written(pages) -> None:  # reload the open pages as soon as they are in place
        inside = ["/" + Path(p).relative_to(paths.briefings).as_posix() for p in pages if _inside(Path(p), paths.briefings)]
        if reloads is not None and inside:
            reloads.publish(inside)

    timings = _Timings(pages_written)
    started = time.perf_counter()
    lines = [f"[{datetime.now():%H:%M:%S}] saved: {', '.join(saved)}"] if saved else []
    try:
        report = build(paths, dates, force=False, jobs=2, progress=timings, warm=warm)
    except BriefingError as error:
        return "\n".join(lines + [f"build stopped: {error}"])
    if not report.built:
        lines.append("nothing to rebuild: every briefing is up to date")
    else:
        because = [f"{day} {kind} ({report.reasons.get((day, kind), 'inputs changed')})" for day, kind in report.built]
        lines.append("rebuilt " + "; ".join(because))
    seconds = timings.seconds
    stages = [f"{name} {seconds[name]:.2f} s" for name in STAGES if name in seconds]
    if "validate" in timings.messages and report.validated:
        lines.append(f"  validate: {timings.messages['validate']}")
    written = len(report.pages_written)
    lines.append(f"  {' · '.join(stages + [f'total {time.perf_counter() - started:.2f} s'])}; {written} page(s) written")
    return "\n".join(lines)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def relevant(changes, paths: Paths) -> bool:
    """True when a saved file is one a build reads (not the outputs it writes)."""
    return bool(saved_files(changes, paths))


def saved_files(changes, paths: Paths) -> list[str]:
    """The saved files a build reads, as paths relative to the project (outputs left out)."""
    found = []
    for _, name in changes:
        path = Path(name)
        if path.suffix not in WATCHED_SUFFIXES or path.name.startswith(".") or ".ipynb_checkpoints" in path.parts:
            continue
        if paths.briefings in path.parents or paths.build in path.parents:
            continue
        shown = str(path.relative_to(paths.root)) if _inside(path, paths.root) else str(path)
        if shown not in found:
            found.append(shown)
    return sorted(found)


def watch(
    paths: Paths, dates: list[str] | None, stop: threading.Event, on_rebuild=print, warm=None, reloads: Reloads | None = None
) -> None:
    """Rebuild whenever a watched file is saved, until `stop` is set."""
    from watchfiles import watch as watch_files

    roots = [p for p in (paths.notebooks, paths.data, paths.params, PACKAGE_DIR) if p.exists()]
    for changes in watch_files(*roots, stop_event=stop, debounce=50, step=25):
        saved = saved_files(changes, paths)
        if saved:
            on_rebuild(rebuild(paths, dates, warm, reloads, saved))


def serve(paths: Paths, dates: list[str] | None, port: int) -> None:
    """Build, serve briefings/ on localhost:PORT, and rebuild on save until interrupted.

    Raises PortInUseError, before building anything, when the port is taken."""
    import signal

    from briefing.execute import Warm

    reloads = Reloads()
    server = open_server(paths, port, reloads)
    # Stop as Ctrl-C does on a plain `kill` too, so the workers and kernels are shut down.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    warm = Warm(paths)
    try:
        print(rebuild(paths, dates, warm, reloads), flush=True)
        # Warm everything a save needs now, not at the first save.
        warm.workers()
        threading.Thread(target=warm.engine, daemon=True).start()
        stop = threading.Event()
        watcher = threading.Thread(
            target=watch, args=(paths, dates, stop, lambda line: print(line, flush=True), warm, reloads), daemon=True
        )
        watcher.start()
        print(f"Serving the pack at http://127.0.0.1:{port}/ ; save a notebook, data or params file to rebuild. Ctrl-C stops.", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
    finally:
        server.server_close()
        warm.close()


def preview_page(page: str, nonce: str) -> str:
    """A page as preview serves it: the reload script added, and the page's policy widened
    only to run that one script (by nonce) and to reach this server for the events."""
    policy = f"{STRICT_POLICY}; script-src 'nonce-{nonce}'; connect-src 'self'"
    page = page.replace(f'content="{STRICT_POLICY}"', f'content="{html.escape(policy)}"', 1)
    script = f'<script nonce="{nonce}">{RELOAD_SCRIPT % EVENTS_PATH}</script>'
    if "</body>" in page:
        return page.replace("</body>", script + "</body>", 1)
    return page + script


def open_server(paths: Paths, port: int, reloads: Reloads | None = None) -> ThreadingHTTPServer:
    """A server for briefings/ bound to localhost:PORT (not yet serving); with `reloads`,
    the pages it serves reload themselves when a rebuild rewrites them.

    Raises PortInUseError when the port is taken."""
    paths.briefings.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(paths.briefings), reloads=reloads)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise PortInUseError(
            f"port {port} on localhost is already in use, perhaps by another preview; stop that one (Ctrl-C in its window) or use --port {port + 1}"
        ) from None
    server.daemon_threads = True
    return server


class _QuietHandler(SimpleHTTPRequestHandler):
    EVENTS_KEEPALIVE_SECONDS = 10

    def __init__(self, *args, reloads: Reloads | None = None, **kwargs):
        self.reloads = reloads
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        log.debug(format, *args)

    def do_GET(self):  # noqa: N802 - the base class's name
        if self.reloads is not None and self.path.split("?")[0] == EVENTS_PATH:
            self._events()
            return
        target = Path(self.translate_path(self.path))
        if target.is_dir() and not self.path.split("?")[0].endswith("/"):
            super().do_GET()  # the base class redirects to the folder's URL with a slash
            return
        if target.is_dir():
            target = target / "index.html"
        if self.reloads is None or target.suffix != ".html" or not target.is_file():
            super().do_GET()
            return
        body = preview_page(target.read_text(encoding="utf-8"), secrets.token_urlsafe(16)).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.reloads.count
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                seen, events = self.reloads.wait(seen, self.EVENTS_KEEPALIVE_SECONDS)
                for written in events:
                    self.wfile.write(f"data: {json.dumps(written)}\n\n".encode())
                if not events:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
