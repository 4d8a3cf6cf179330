"""`briefing preview`: serve the pack on localhost and rebuild what changed on save.

Watches notebooks/, data/, params/ and the package; after each save it runs an
incremental build (only briefings whose inputs changed are executed) and says what it
rebuilt. Errors are printed and the server keeps serving the last good pages.
"""

from __future__ import annotations

import errno
import functools
import logging
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from briefing.config import PACKAGE_DIR, Paths
from briefing.errors import BriefingError, PortInUseError

log = logging.getLogger("briefing.preview")

WATCHED_SUFFIXES = {".ipynb", ".csv", ".yaml", ".txt", ".py", ".j2", ".css", ".json"}


def rebuild(paths: Paths, dates: list[str] | None) -> str:
    """One incremental build; returns a line saying what it rebuilt (or why it stopped)."""
    from briefing.build import build

    try:
        report = build(paths, dates, force=False, jobs=2)
    except BriefingError as error:
        return f"build stopped: {error}"
    if not report.built:
        return "nothing to rebuild: every briefing is up to date"
    return "rebuilt " + ", ".join(f"{day} {kind}" for day, kind in report.built)


def relevant(changes, paths: Paths) -> bool:
    """True when a saved file is one a build reads (not the outputs it writes)."""
    for _, name in changes:
        path = Path(name)
        if path.suffix not in WATCHED_SUFFIXES or path.name.startswith(".") or ".ipynb_checkpoints" in path.parts:
            continue
        if paths.briefings in path.parents or paths.build in path.parents:
            continue
        return True
    return False


def watch(paths: Paths, dates: list[str] | None, stop: threading.Event, on_rebuild=print) -> None:
    """Rebuild whenever a watched file is saved, until `stop` is set."""
    from watchfiles import watch as watch_files

    roots = [p for p in (paths.notebooks, paths.data, paths.params, PACKAGE_DIR) if p.exists()]
    for changes in watch_files(*roots, stop_event=stop, debounce=400, step=100):
        if relevant(changes, paths):
            on_rebuild(rebuild(paths, dates))


def serve(paths: Paths, dates: list[str] | None, port: int) -> None:
    """Build, serve briefings/ on localhost:PORT, and rebuild on save until interrupted.

    Raises PortInUseError, before building anything, when the port is taken."""
    server = open_server(paths, port)
    print(rebuild(paths, dates), flush=True)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(paths, dates, stop, lambda line: print(line, flush=True)), daemon=True)
    watcher.start()
    print(f"Serving the pack at http://127.0.0.1:{port}/ ; save a notebook, data or params file to rebuild. Ctrl-C stops.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()


def open_server(paths: Paths, port: int) -> ThreadingHTTPServer:
    """A server for briefings/ bound to localhost:PORT (not yet serving)."""
    paths.briefings.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(paths.briefings))
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise PortInUseError(
            f"port {port} on localhost is already in use, perhaps by another preview; stop that one (Ctrl-C in its window) or use --port {port + 1}"
        ) from None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        log.debug(format, *args)
