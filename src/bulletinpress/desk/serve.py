"""`bulletinpress serve`: a live preview on 127.0.0.1.

One warm process: fonts, templates and stylesheets are loaded once, so a rebuild costs only
layout. The issue's project folder is watched (watchfiles); each change rebuilds the PDF in
memory and the page, which polls `/state`, swaps in the new page images. A YAML error shows
in the page as its file:line:col message with the offending line, while the last good
pages stay visible.
"""

from __future__ import annotations

import html
import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .. import api
from . import batch
from ..errors import BulletinError, ContentError

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
  try {
    const state = await (await fetch('/state', {cache: 'no-store'})).json();
    const error = document.getElementById('error');
    error.textContent = state.error || '';
    error.style.display = state.error ? 'block' : 'none';
    if (state.generation !== shown && state.pages > 0) {
      shown = state.generation;
      const pages = document.getElementById('pages');
      pages.replaceChildren(...state.texts.map((text, i) => {
        const img = document.createElement('img');
        img.src = `/page/${i}.png?g=${state.generation}`;
        img.alt = text;
        img.className = 'page';
        return img;
      }));
    }
    document.getElementById('status').textContent = `build ${state.generation}`;
  } catch (e) {}
  setTimeout(poll, 250);
}
poll();
</script></body></html>
"""


class Preview:
    """The last good pages (as PNG) and the current error, rebuilt on every change."""

    def __init__(self, issue: Path, layout: str | None = None, style: str | None = None):
        self.issue, self.layout, self.style = issue, layout, style
        self.lock = threading.Lock()
        self.generation = 0
        self.pngs: list[bytes] = []
        self.texts: list[str] = []
        self.error: str | None = None
        self.built_from: int | None = None  # the issue file's time when the last build began

    def stale(self) -> bool:
        """The issue file changed after the last build began."""
        try:
            return self.issue.stat().st_mtime_ns != self.built_from
        except OSError:
            return False

    def rebuild(self) -> None:
        try:
            self.built_from = self.issue.stat().st_mtime_ns
        except OSError:
            self.built_from = None
        try:
            pdf = api.pdf_bytes(self.issue, layout=self.layout, style=self.style)
            pngs, texts = _rasterize(pdf)
        except ContentError as exc:
            with self.lock:
                self.error = "\n".join(_with_source_line(d) for d in exc.diagnostics)
            return
        except BulletinError as exc:
            with self.lock:
                self.error = str(exc)
            return
        with self.lock:
            self.pngs, self.texts, self.error = pngs, texts, None
            self.generation += 1
        batch.release_memory()
        logger.info("rebuilt %s (%d pages)", self.issue, len(pngs))

    def state(self) -> dict:
        with self.lock:
            return {"generation": self.generation, "pages": len(self.pngs), "texts": self.texts, "error": self.error}


def _with_source_line(diagnostic) -> str:
    try:
        line = Path(diagnostic.path).read_text(encoding="utf-8").splitlines()[diagnostic.line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return str(diagnostic)
    return f"{diagnostic}\n    {line}\n    {' ' * (diagnostic.column - 1)}^"


def _rasterize(pdf: bytes, scale: float = 1.0) -> tuple[list[bytes], list[str]]:
    """Each page as a PNG, and its text (the images' alt text: readable, and testable)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    pngs, texts = [], []
    try:
        for page in document:
            image = page.render(scale=scale).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", compress_level=1)  # an A3 page: 0.05 s, not 0.13 (and smaller)
            pngs.append(buffer.getvalue())
            texts.append(page.get_textpage().get_text_range())
    finally:
        document.close()
    return pngs, texts


def make_handler(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            path = self.path.split("?")[0]
            if path == "/":
                self._send(200, "text/html; charset=utf-8", PAGE.encode())
            elif path == "/state":
                self._send(200, "application/json", json.dumps(preview.state(), ensure_ascii=False).encode())
            elif path.startswith("/page/") and path.endswith(".png"):
                index = path[len("/page/") : -len(".png")]
                with preview.lock:
                    pngs = preview.pngs
                if index.isdigit() and int(index) < len(pngs):
                    self._send(200, "image/png", pngs[int(index)])
                else:
                    self._send(404, "text/plain", b"no such page")
            else:
                self._send(404, "text/plain", html.escape(path).encode())

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler


def watch(preview: Preview, folder: Path, stop: threading.Event, ignored: Path, ready: threading.Event | None = None) -> None:
    """Rebuild whenever a file in the project changes (the issue, a photo, a layout, a style);
    not for what the builds write (`ignored`, the project's build folder) or hidden files.
    `ready` is set once the watcher runs; an edit saved before then (while the first build
    ran) is caught by looking at the issue's time once."""
    from watchfiles import watch as watch_files

    for changes in watch_files(folder, stop_event=stop, debounce=50, step=20, recursive=True, yield_on_timeout=True,
                               rust_timeout=100, watch_filter=lambda change, path: wanted(Path(path), ignored)):
        if ready is not None and not ready.is_set():
            ready.set()
            if preview.stale():
                preview.rebuild()
                continue
        if changes:
            preview.rebuild()


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
    server = ThreadingHTTPServer((host, port), make_handler(preview))
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
