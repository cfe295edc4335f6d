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

from .engine import load_weasyprint

logger = logging.getLogger(__name__)


@dataclass
class PlacedImage:
    """An image as printed: its file, the article it belongs to, its effective resolution."""

    src: str
    loc: str
    ppi: float


@dataclass
class RenderReport:
    """What WeasyPrint had to refuse or drop, and what did not fit: reported, never ignored."""

    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
    #: article (data-loc) → [lines, characters] set on pages past the layout's page count
    overflow: dict[str, list[int]] = field(default_factory=dict)
    images: list[PlacedImage] = field(default_factory=list)


def _fetcher_class():
    load_weasyprint()
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
    load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=32)
def _stylesheet(path: Path, mtime: float, roots: tuple[Path, ...]):
    """A parsed stylesheet, kept for the next build in this process, with what it refused
    to load: a cached sheet still reports its refusals on every build."""
    weasyprint = load_weasyprint()

    own = RenderReport()
    css = weasyprint.CSS(filename=str(path), url_fetcher=_fetcher_class()(roots, own), font_config=font_config())
    return css, tuple(own.refused)


def fast_subsetting() -> bool:
    """Whether HarfBuzz's subsetter is there; without it Chinese fonts subset ~10-30x slower."""
    load_weasyprint()
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None


def render(
    html: str,
    base_dir: Path,
    stylesheets: list[Path],
    roots: list[Path],
    metadata: dict,
    *,
    extra_css: str = "",
    max_pages: int | None = None,
    measure_images: bool = False,
) -> tuple[bytes, RenderReport]:
    """The PDF bytes, and a report of every resource refused, every warning WeasyPrint gave,
    what ran past `max_pages`, and (if `measure_images`) each image's effective resolution."""
    weasyprint = load_weasyprint()

    from . import justify

    justify.install()

    report = RenderReport()
    fetcher = _fetcher_class()(tuple(r.resolve() for r in roots), report)
    collector = _Collector(report)
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    try:
        sheets = []
        for path in stylesheets:
            css, refused = _stylesheet(path.resolve(), path.stat().st_mtime, fetcher.roots)
            sheets.append(css)
            report.refused.extend(refused)
        color_profiles: dict = {}
        if extra_css:
            sheets.append(weasyprint.CSS(string=extra_css, url_fetcher=fetcher, color_profiles=color_profiles))
        document = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher)
        rendered = document.render(stylesheets=sheets, font_config=font_config(), color_profiles=color_profiles, **metadata)
        report.pages = len(rendered.pages)
        if max_pages is not None:
            for page in rendered.pages[max_pages:]:
                _count_content(page._page_box, None, report.overflow)
        for page in rendered.pages if measure_images else ():
            _collect_images(page._page_box, None, report.images)
        pdf = rendered.write_pdf(**metadata)
    finally:
        weasy_logger.removeHandler(collector)
    return pdf, report


def _loc(box, loc):
    element = getattr(box, "element", None)
    return (element.get("data-loc") if element is not None else None) or loc


def _count_content(box, loc, counts: dict[str, list[int]]) -> None:
    """Lines and characters per article (the nearest `data-loc`) in a page's boxes."""
    from weasyprint.formatting_structure import boxes

    loc = _loc(box, loc)
    if loc is not None and isinstance(box, boxes.LineBox):
        counts.setdefault(loc, [0, 0])[0] += 1
    if loc is not None and isinstance(box, boxes.TextBox):
        counts.setdefault(loc, [0, 0])[1] += len(box.text.strip())
    for child in getattr(box, "children", ()):
        _count_content(child, loc, counts)


def _collect_images(box, loc, found: list[PlacedImage]) -> None:
    """Each raster image's pixels per inch at the size it is printed."""
    from weasyprint.formatting_structure import boxes

    loc = _loc(box, loc)
    if isinstance(box, boxes.ReplacedBox) and getattr(box.replacement, "width", None) and box.width:
        width_inches = box.width / 96  # CSS px
        src = box.element.get("src", "") if box.element is not None else ""
        found.append(PlacedImage(src, loc or "", box.replacement.width / width_inches))
    for child in getattr(box, "children", ()):
        _collect_images(child, loc, found)
