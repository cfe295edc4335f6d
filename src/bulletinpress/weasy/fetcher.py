"""The sandboxed fetcher: WeasyPrint fetches http://, file:// and attachments by default; every
HTML and CSS object gets this fetcher, which serves only files inside the allowed folders
(the project and the built-in styles) and refuses everything else, noting what it refused."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .engine import load_weasyprint


@lru_cache(maxsize=1)
def fetcher_class():
    load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SandboxFetcher(URLFetcher):
        def __init__(self, roots: tuple[Path, ...], report):  # a render.RenderReport: refusals are noted in it
            super().__init__(allowed_protocols=("file",))
            self.roots = roots
            self.report = report

        def fetch(self, url: str, headers=None):
            path = self.allowed_path(url)
            if path is None:
                self.report.refused.append(url)
                raise ValueError(f"refused to load {url}: only files inside the project may be used")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

        def allowed_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(unquote(parts.path)).resolve()
            inside = any(path.is_relative_to(root) for root in self.roots)
            return path if inside and path.is_file() else None

    return SandboxFetcher
