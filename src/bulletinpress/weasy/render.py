"""HTML to PDF with WeasyPrint, in a sandbox (fetcher.py), with our justification
(justify.py), reporting what was refused, what ran past the layout's pages and how each
photo prints (boxes.py). WeasyPrint is imported lazily: `check` and `--help` never pay for it.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import boxes, justify, paragraphs
from ..source import files
from .engine import kept_font_subsets, load_weasyprint
from .fetcher import fetcher_class

logger = logging.getLogger(__name__)


@dataclass
class RenderReport:
    """What WeasyPrint had to refuse or drop, and what did not fit: reported, never ignored."""

    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
    #: article (data-loc) → [lines, characters] set on pages past the layout's page count
    overflow: dict[str, list[int]] = field(default_factory=dict)
    images: list[boxes.PlacedImage] = field(default_factory=list)
    #: composed block (data-block) → how many columns its text was laid out in
    fragments: dict[str, int] = field(default_factory=dict)
    #: per page, each composed block's rectangle in pt (data-loc → x, y, width, height)
    blocks: list[dict[str, tuple]] = field(default_factory=list)


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
    text = files.read(path, files.STYLESHEET, roots).decode("utf-8", "replace")  # the one file rule
    css = weasyprint.CSS(string=text, base_url=path.as_uri(), url_fetcher=fetcher_class()(roots, own), font_config=font_config())
    return css, tuple(own.refused)


def fast_subsetting() -> bool:
    """Whether HarfBuzz's subsetter is there; without it Chinese fonts subset ~10-30x slower."""
    load_weasyprint()
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None


@contextmanager
def _session(report: "RenderReport"):
    """WeasyPrint's warnings collected into `report` while it works."""
    collector = _Collector(report)
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    try:
        yield
    finally:
        weasy_logger.removeHandler(collector)


def laid_out(html: str, base_dir: Path, stylesheets: list[Path], roots: list[Path], report: "RenderReport",
             extra_css: str = "", metadata: dict | None = None):
    """The laid-out document: the layout's stylesheets (parsed once per process), `extra_css`
    last, every fetch through the sandbox; what was refused goes into `report`."""
    weasyprint = load_weasyprint()
    justify.install()
    paragraphs.install()
    fetcher = fetcher_class()(tuple(r.resolve() for r in roots), report)
    sheets = []
    for path in stylesheets:
        css, refused = _stylesheet(path.resolve(), path.stat().st_mtime, fetcher.roots)
        sheets.append(css)
        report.refused.extend(refused)
    color_profiles: dict = {}
    if extra_css:
        sheets.append(weasyprint.CSS(string=extra_css, url_fetcher=fetcher, color_profiles=color_profiles))
    document = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher)
    return document.render(stylesheets=sheets, font_config=font_config(), color_profiles=color_profiles, **(metadata or {}))


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
    draft: bool = False,
) -> tuple[bytes, RenderReport]:
    """The PDF bytes, and a report of every resource refused, every warning WeasyPrint gave,
    what ran past `max_pages`, and (if `measure_images`) each image's effective resolution.
    A `draft` (the live preview's, read by pdfium and thrown away) is left uncompressed and
    reuses the fonts subset for earlier drafts: ~0.1 s of each rebuild."""
    report = RenderReport()
    if draft:
        metadata = {**metadata, "uncompressed_pdf": True}
    with _session(report), (kept_font_subsets() if draft else nullcontext()):
        rendered = laid_out(html, base_dir, stylesheets, roots, report, extra_css, metadata)
        report.pages = len(rendered.pages)
        if max_pages is not None:
            for page in rendered.pages[max_pages:]:
                boxes.count_content(boxes.page_box(page), report.overflow)
        for page in rendered.pages:
            report.fragments.update(boxes.column_fragments(page))
            report.blocks.append(boxes.block_rects(page))
        for page in rendered.pages if measure_images else ():
            report.images += boxes.collect_images(boxes.page_box(page))
        pdf = rendered.write_pdf(**metadata)
    return pdf, report
