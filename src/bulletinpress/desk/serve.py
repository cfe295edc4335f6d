"""`bulletinpress serve`: a live preview on 127.0.0.1.

One warm process: fonts, templates, stylesheets, measurements and font subsets are kept,
so a rebuild costs only layout, and an edit to one article of a composed page redraws only
its block (preview.py). The issue's project folder is watched (watchfiles); the page asks
`/state?after=N`, which answers as soon as build N+1 is there (a long poll: no polling
delay), and fetches the page images whose version changed. A YAML error shows in the page
as its file:line:col message with the offending line, while the last good pages stay visible.
"""

from __future__ import annotations

import html
import json
import logging
import re
import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..errors import BulletinError
from .preview import Preview

logger = logging.getLogger(__name__)

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>bulletinpress preview</title>
<style>
body { margin: 0; background: #888; font-family: sans-serif; }
#error { display: none; background: #fff3f3; color: #900; border-bottom: 3px solid #c00; padding: 0.8em 1em;
         white-space: pre-wrap; font-family: monospace; position: sticky; top: 0; }
#pages img { display: block; margin: 1em auto; background: #fff; box-shadow: 0 2px 8px #0006; max-width: 95vw; }
#status { position: fixed; right: 0.5em; bottom: 0.5em; color: #fff; font-size: 12px; }
</style></head>
<body><div id="error"></div><div id="pages"></div><div id="status"></div>
<script>
let shown = -1;
async function poll() {
  let wait = 0;
  try {
    const state = await (await fetch(`/state?after=${shown}`, {cache: 'no-store'})).json();
    const error = document.getElementById('error');
    error.textContent = state.error || '';
    error.style.display = state.error ? 'block' : 'none';
    if (state.generation !== shown && state.pages > 0) {
      shown = state.generation;
      const pages = document.getElementById('pages');
      while (pages.children.length > state.pages) pages.lastChild.remove();
      state.versions.forEach((version, i) => {
        let img = pages.children[i];
        if (!img) { img = document.createElement('img'); img.className = 'page'; pages.append(img); }
        const src = `/page/${i}.png?v=${version}`;
        if (img.getAttribute('src') !== src) img.src = src;
        img.alt = state.texts[i];
      });
    }
    if (state.error) wait = 250;
    document.getElementById('status').textContent = `build ${state.generation}`;
  } catch (e) { wait = 1000; }
  setTimeout(poll, wait);
}
poll();
</script></body></html>
"""


#: seconds a /state?after=N request waits for build N+1 before answering anyway
LONG_POLL = 20.0


#: seconds between looks at whether a waiting tab is still open
POLL_SLICE = 1.0


def _closed(connection: socket.socket) -> bool:
    """Whether the browser closed the connection: readable with nothing to read is its end."""
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _after(request_path: str) -> int:
    """The generation the page already shows (`/state?after=N`); -1: answer at once."""
    found = re.search(r"[?&]after=(-?[0-9]{1,9})(?![0-9])", request_path)
    return int(found.group(1)) if found else -1


_LOCAL = re.compile(r"^(?:localhost|127(?:\.[0-9]{1,3}){3}|\[::1\])(?::[0-9]{1,5})?$", re.I)


def local_host(host: str) -> bool:
    """A Host header naming this machine: the only names the preview listens on. Any other
    name means a page elsewhere got the browser to ask (DNS rebinding): it is refused."""
    return bool(_LOCAL.match(host.strip()))


def make_handler(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            path = self.path.split("?")[0]
            if not local_host(self.headers.get("Host", "")):  # a DNS-rebinding page in the editor's browser
                self._send(403, "text/plain", b"the preview answers only to this machine (localhost, 127.0.0.1, [::1])")
            elif path == "/":
                self._send(200, "text/html; charset=utf-8", PAGE.encode())
            elif path == "/state":
                state = self._long_poll(_after(self.path))
                if state is not None:
                    self._send(200, "application/json", json.dumps(state, ensure_ascii=False).encode())
            elif path.startswith("/page/") and path.endswith(".png"):
                index = path[len("/page/") : -len(".png")]
                pngs = preview.pngs
                if re.fullmatch(r"[0-9]{1,6}", index) and int(index) < len(pngs):
                    self._send(200, "image/png", pngs[int(index)])
                else:
                    self._send(404, "text/plain", b"no such page")
            else:
                self._send(404, "text/plain", html.escape(path).encode())

        def _long_poll(self, after: int) -> dict | None:
            """The state once build `after`+1 is there; None when the tab that asked was
            closed meanwhile (its thread ends then, not LONG_POLL later)."""
            deadline = time.monotonic() + LONG_POLL
            while True:
                state = preview.wait(after, min(POLL_SLICE, max(0.0, deadline - time.monotonic())))
                if state["generation"] > after or state.get("error") or time.monotonic() >= deadline:
                    return state
                if _closed(self.connection):
                    self.close_connection = True
                    return None

        def _send(self, status: int, kind: str, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the tab went away before the answer
                self.close_connection = True

        def log_message(self, *args) -> None:
            pass

    return Handler


def watch(preview: Preview, folder: Path, stop: threading.Event, ignored: Path, ready: threading.Event | None = None) -> None:
    """Rebuild whenever a file in the project changes (the issue, a photo, a layout, a style);
    not for what the builds write (`ignored`, the project's build folder) or hidden files.
    `ready` is set once the watcher runs; an edit saved before then (while the first build
    ran) is caught by looking at the issue's time once. After SETTLE seconds without a change
    a page that was only patched is laid out whole."""
    from watchfiles import watch as watch_files

    last = time.monotonic()
    for changes in watch_files(folder, stop_event=stop, debounce=50, step=10, recursive=True, yield_on_timeout=True,
                               rust_timeout=100, watch_filter=lambda change, path: wanted(Path(path), ignored)):
        if ready is not None and not ready.is_set():
            ready.set()
            if preview.stale():
                preview.rebuild()
                continue
        if changes:
            preview.rebuild({Path(path) for _, path in changes})
            last = time.monotonic()
        elif time.monotonic() - last > SETTLE:
            preview.settle()


#: seconds without a change before a patched page is laid out whole
SETTLE = 1.0


def wanted(path: Path, ignored: Path) -> bool:
    """A change that can alter the page: not inside the build folder, not a hidden file
    (editors' swap files, our temp files). Only the project's own build folder is ignored,
    not every folder named build on the way to it."""
    return not path.is_relative_to(ignored) and not path.name.startswith(".")


def serve(issue: Path, host: str = "127.0.0.1", port: int = 8000, layout: str | None = None, style: str | None = None):
    """Build once, then serve and watch until interrupted; returns the server (for its port)."""
    from ..source.project import Project

    preview = Preview(issue, layout, style)
    preview.rebuild()
    try:
        server = ThreadingHTTPServer((host, port), make_handler(preview))
    except OSError as exc:  # the port taken, or not ours to take
        from ..errors import UsageError

        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another port with --port") from None
    stop = threading.Event()
    project = Project.of_issue(issue)
    try:
        ignored = project.build_dir.resolve()
    except BulletinError:  # broken settings: shown in the page; the default build folder
        ignored = (project.root / "build").resolve()
    ready = threading.Event()
    threading.Thread(target=watch, args=(preview, project.root, stop, ignored, ready), daemon=True).start()
    ready.wait(timeout=5)  # serving before the watcher runs would miss the editor's first save
    server.stop_event = stop
    return server
