"""Stage 5: HTML to PDF with WeasyPrint, in a sandbox.

WeasyPrint fetches http://, file:// and attachments by default; every HTML and CSS object
here gets a fetcher that serves only files inside the allowed folders (the project and the
built-in styles) and refuses everything else. WeasyPrint is imported lazily: `check` and
`--help` never pay for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)


@dataclass
class RenderReport:
    """What WeasyPrint had to refuse or drop: reported to the editor, never ignored."""

    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SandboxFetcher(URLFetcher):
        def __init__(self, roots: tuple[Path, ...], report: RenderReport):
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


class _Collector(logging.Handler):
    def __init__(self, report: RenderReport):
        super().__init__(logging.WARNING)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        self.report.warnings.append(record.getMessage())


@lru_cache(maxsize=1)
def font_config():
    """One FontConfiguration per process: fonts are found and loaded once."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=32)
def _stylesheet(path: Path, mtime: float, roots: tuple[Path, ...]):
    import weasyprint

    report = RenderReport()
    return weasyprint.CSS(filename=str(path), url_fetcher=_fetcher_class()(roots, report), font_config=font_config())


def fast_subsetting() -> bool:
    """Whether HarfBuzz's subsetter is there; without it Chinese fonts subset ~10-30x slower."""
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None


def render(html: str, base_dir: Path, stylesheets: list[Path], roots: list[Path], metadata: dict) -> tuple[bytes, RenderReport]:
    """The PDF bytes, and a report of every resource refused and every warning WeasyPrint gave."""
    import weasyprint

    from . import justify

    justify.install()

    report = RenderReport()
    fetcher = _fetcher_class()(tuple(r.resolve() for r in roots), report)
    collector = _Collector(report)
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    try:
        sheets = [_stylesheet(p.resolve(), p.stat().st_mtime, fetcher.roots) for p in stylesheets]
        document = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher)
        rendered = document.render(stylesheets=sheets, font_config=font_config())
        report.pages = len(rendered.pages)
        pdf = rendered.write_pdf(**metadata)
    finally:
        weasy_logger.removeHandler(collector)
    return pdf, report
