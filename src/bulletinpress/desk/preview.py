"""The live preview's pages: an issue rebuilt on every change into page images (PNG).

An edit to one article of a composed page usually leaves the composition as it was (every
block in its place) and changes one block. Then only that block is laid out and drawn
again: the page HTML with that block alone (masthead, rules and footer kept), its PDF
drawn by pdfium, and the block's rectangle pasted over the last image. What pdfium draws
inside a block depends only on the block, so the patched image is the full one, pixel
for pixel (tests/test_preview.py). Anything else (a block moved, a photo or style file
changed, a flowing layout) is laid out whole. A patched page is laid out whole once
the editor pauses (`settle`), which also checks the patch.

Only pages whose image changed get a new version, so the browser fetches only those.
"""

from __future__ import annotations

import io
import logging
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .. import api
from ..compose import page as composing
from ..errors import BulletinError, ContentError
from . import batch

logger = logging.getLogger(__name__)

#: pixels per pt of the page images (1: 72 dpi, an A3 page 842 × 1191 px)
SCALE = 1.0
#: pt around a block that are redrawn with it (blocks stand at least 6 pt apart)
BLEED = 2.0


@dataclass
class Shown:
    """What the preview shows: per page its image, PNG, text and version, and what the
    next rebuild needs to redraw only a block (the draft, each block's place and text)."""

    draft: api.Draft | None = None
    frame: str = ""  # the page HTML without blocks: must be the same for a patch
    images: list = field(default_factory=list)  # PIL images
    pngs: list[bytes] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)
    rects: list[dict[str, tuple]] = field(default_factory=list)
    block_texts: list[dict[str, str]] = field(default_factory=list)
    patched: bool = False
    redrawn: list[str] = field(default_factory=list)  # the blocks a patch redrew


class Preview:
    """The last good pages and the current error, rebuilt on every change."""

    def __init__(self, issue: Path, layout: str | None = None, style: str | None = None):
        self.issue, self.layout, self.style = issue, layout, style
        self.changed = threading.Condition()
        self.generation = 0
        self.shown = Shown()
        self.error: str | None = None
        self.built_from: int | None = None  # the issue file's time when the last build began

    @property
    def pngs(self) -> list[bytes]:
        return self.shown.pngs

    def stale(self) -> bool:
        """The issue file changed after the last build began."""
        try:
            return self.issue.stat().st_mtime_ns != self.built_from
        except OSError:
            return False

    def rebuild(self, paths: set[Path] | None = None) -> None:
        """Build again after `paths` changed (None: anything may have). Only a change of
        the issue file alone may redraw just the blocks it changed."""
        try:
            self.built_from = self.issue.stat().st_mtime_ns
        except OSError:
            self.built_from = None
        only_issue = paths is not None and all(p.resolve() == self.issue.resolve() for p in paths)
        try:
            drafted = api.draft(self.issue, layout=self.layout, style=self.style)
            shown = (only_issue and self._patched(drafted)) or self._whole(drafted)
        except ContentError as exc:
            return self._fail("\n".join(_with_source_line(d) for d in exc.diagnostics))
        except BulletinError as exc:
            return self._fail(str(exc))
        self._show(shown)
        batch.release_memory()
        logger.info("rebuilt %s (%d pages%s)", self.issue, len(shown.pngs), f"; redrawn: {', '.join(shown.redrawn)}" if shown.patched else "")

    def settle(self) -> None:
        """Lay a patched page out whole (the editor paused): its text exact, the patch checked."""
        if not self.shown.patched or self.shown.draft is None:
            return
        try:
            shown = self._whole(self.shown.draft)
        except BulletinError:
            return
        if shown.pngs == self.shown.pngs and shown.texts == self.shown.texts:
            with self.changed:
                shown.versions, self.shown = self.shown.versions, shown  # nothing the browser shows changed
            return
        if shown.pngs != self.shown.pngs:
            logger.warning("a redrawn block differed from its page laid out whole: the whole page is shown")
        self._show(shown)

    def state(self) -> dict:
        with self.changed:
            shown = self.shown
            return {"generation": self.generation, "pages": len(shown.pngs), "texts": shown.texts,
                    "versions": shown.versions, "redrawn": shown.redrawn, "error": self.error}

    def wait(self, after: int, timeout: float) -> dict:
        """The state once the generation passes `after` (or an error shows), else after `timeout`."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation > after or self.error is not None, timeout)
        return self.state()

    def _fail(self, message: str) -> None:
        with self.changed:
            self.error = message
            self.changed.notify_all()

    def _show(self, shown: Shown) -> None:
        with self.changed:
            self.generation += 1
            old = self.shown
            shown.versions = [
                old.versions[i] if i < len(old.pngs) and old.pngs[i] == png else self.generation
                for i, png in enumerate(shown.pngs)
            ]
            self.shown, self.error = shown, None
            self.changed.notify_all()

    def _whole(self, drafted: api.Draft) -> Shown:
        pdf, rects = api.draft_pdf(drafted)
        shown = Shown(drafted, api.draft_html(drafted, {}) if drafted.pages else "", rects=rects)
        old = self.shown
        for index, (image, text, texts) in enumerate(_pages(pdf, rects)):
            same = index < len(old.images) and old.images[index].tobytes() == image.tobytes()
            shown.images.append(old.images[index] if same else image)
            shown.pngs.append(old.pngs[index] if same else _png(image))
            shown.texts.append(text)
            shown.block_texts.append(texts)
        return shown

    def _patched(self, drafted: api.Draft) -> Shown | None:
        """The last pages with only the changed blocks redrawn, or None when the edit
        changed more than blocks' contents."""
        old = self.shown
        changed = composing.changed_blocks(old.draft.pages, drafted.pages) if old.draft and drafted.pages else None
        if changed is None or api.draft_html(drafted, {}) != old.frame:
            return None
        shown = Shown(drafted, old.frame, list(old.images), list(old.pngs), list(old.texts), [], old.rects,
                      [dict(t) for t in old.block_texts], patched=True)
        shown.redrawn = sorted(loc for locs in changed.values() for loc in locs)
        if shown.redrawn:
            pdf, rects = api.draft_pdf(drafted, changed)
            if not _redraw(shown, pdf, rects, changed):
                return None
        return shown


def _redraw(shown: Shown, pdf: bytes, rects: list[dict], changed: dict[int, set[str]]) -> bool:
    """Paste the changed blocks from their PDF into the shown pages; False when a block is
    not where it was, or its old text cannot be found to replace."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        for index, locs in changed.items():
            if not locs:
                continue
            if any(_moved(rects[index].get(loc), shown.rects[index].get(loc)) for loc in locs):
                return False
            image, text = shown.images[index].copy(), shown.texts[index]
            page = document[index]
            drawn, textpage = page.render(scale=SCALE).to_pil(), page.get_textpage()
            for loc in locs:
                box = _pixels(rects[index][loc], image.size)
                image.paste(drawn.crop(box), box[:2])
                new = _text_in(textpage, rects[index][loc], page.get_height())
                old = shown.block_texts[index].get(loc, "")
                if not old or old not in text:
                    return False
                text, shown.block_texts[index][loc] = text.replace(old, new, 1), new
            shown.images[index], shown.pngs[index], shown.texts[index] = image, _png(image), text
    finally:
        document.close()
    return True


def _moved(new: tuple | None, old: tuple | None) -> bool:
    return new is None or old is None or any(abs(a - b) > 0.01 for a, b in zip(new, old))


def _pixels(rect: tuple, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A block's rectangle (pt) as whole pixels, with BLEED around it, inside the page."""
    x, y, w, h = rect
    return (max(0, math.floor((x - BLEED) * SCALE)), max(0, math.floor((y - BLEED) * SCALE)),
            min(size[0], math.ceil((x + w + BLEED) * SCALE)), min(size[1], math.ceil((y + h + BLEED) * SCALE)))


def _text_in(textpage, rect: tuple, height: float) -> str:
    """The text pdfium reads inside a block's rectangle (PDF space counts up from the foot)."""
    x, y, w, h = rect
    return textpage.get_text_bounded(x - BLEED, height - (y + h) - BLEED, x + w + BLEED, height - y + BLEED)


def _pages(pdf: bytes, rects: list[dict]):
    """Each page's image, its text (the images' alt text: readable, and testable) and
    each block's text."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        for index, page in enumerate(document):
            textpage = page.get_textpage()
            blocks = rects[index] if index < len(rects) else {}
            texts = {loc: _text_in(textpage, rect, page.get_height()) for loc, rect in blocks.items()}
            yield page.render(scale=SCALE).to_pil(), textpage.get_text_range(), texts
    finally:
        document.close()


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # an A3 page: 0.04 s, not 0.13 (and smaller)
    return buffer.getvalue()


def _with_source_line(diagnostic) -> str:
    try:
        line = Path(diagnostic.path).read_text(encoding="utf-8").splitlines()[diagnostic.line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return str(diagnostic)
    return f"{diagnostic}\n    {line}\n    {' ' * (diagnostic.column - 1)}^"
