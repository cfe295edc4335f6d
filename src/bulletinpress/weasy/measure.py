"""The measuring pass of page composition: WeasyPrint lays out every piece the composer may
place (each headline at each block width, each article's text in one column of its measure,
each caption), in one document, and the box tree says how tall each came out.

Every piece is an element with a `data-m` attribute. For a piece we read its margin-box
height and, for text, each line box (top and height) in order: enough to tell how the text
splits into columns of any height, exactly as WeasyPrint's own column layout will split it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import boxes
from .render import RenderReport, _session, laid_out

PT_PER_PX = 0.75


@dataclass
class Measured:
    """A piece as laid out: its height and width in pt, and its lines (top, height, characters)."""

    height: float
    width: float
    lines: list[tuple[float, float, int]] = field(default_factory=list)
    title_lines: int = 0  # lines of the piece's title (class "title"), for headlines
    pulls: int = 0  # paragraphs 缩行 could hold in a line fewer (weasy/tracking.py)
    pushes: int = 0  # paragraphs 伸行 could set a line longer


def measure(html: str, base_dir: Path, stylesheets: list[Path], roots: list[Path], extra_css: str = "") -> tuple[dict[str, Measured], RenderReport]:
    """Lay out `html` (every page of it) and measure each `data-m` piece."""
    report = RenderReport()
    with _session(report):
        rendered = laid_out(html, base_dir, stylesheets, roots, report, extra_css)
    found: dict[str, Measured] = {}
    first = boxes.page_box(rendered.pages[0])
    found["@page"] = Measured(first.height * PT_PER_PX, first.width * PT_PER_PX)  # the type area
    for page in rendered.pages:
        _collect(boxes.page_box(page), found)
    return found, report


def _collect(box, found: dict[str, Measured]) -> None:
    element = getattr(box, "element", None)
    key = element.get("data-m") if element is not None else None
    if key and key not in found:
        found[key] = _measured(box)
        return
    for child in getattr(box, "children", ()):
        _collect(child, found)


def _measured(box) -> Measured:
    lines: list[tuple[float, float, int]] = []
    pulls: set[int] = set()
    pushes: set[int] = set()
    _lines(box, lines, pulls, pushes)
    top = box.position_y
    height = box.margin_height() * PT_PER_PX
    titles: list = []
    _title_lines(box, titles)
    return Measured(height, box.margin_width() * PT_PER_PX, [((y - top) * PT_PER_PX, h * PT_PER_PX, n) for y, h, n in lines],
                    len(titles), len(pulls), len(pushes))


def _title_lines(box, found: list, inside: bool = False) -> None:
    from weasyprint.formatting_structure import boxes as weasy_boxes

    element = getattr(box, "element", None)
    inside = inside or (element is not None and "title" in (element.get("class") or "").split() and element.tag.startswith("h"))
    if inside and isinstance(box, weasy_boxes.LineBox):
        found.append(box)
        return
    for child in getattr(box, "children", ()):
        _title_lines(child, found, inside)


def _lines(box, lines: list, pulls: set[int], pushes: set[int]) -> None:
    from weasyprint.formatting_structure import boxes as weasy_boxes

    if isinstance(box, weasy_boxes.LineBox):
        lines.append((box.position_y, box.height, _characters(box)))
        for attribute, found in (("bp_pullable", pulls), ("bp_pushable", pushes)):
            mark = getattr(box, attribute, None)  # copied from its paragraph's line box
            if mark is not None:
                found.add(id(mark))
        return
    for child in getattr(box, "children", ()):
        _lines(child, lines, pulls, pushes)


def _characters(box) -> int:
    from weasyprint.formatting_structure import boxes as weasy_boxes

    if isinstance(box, weasy_boxes.TextBox):
        return len("".join(box.text.split()))  # white space not counted: a line's text, as a jump cuts it
    return sum(_characters(child) for child in getattr(box, "children", ()))
