"""Walks over WeasyPrint's box tree of a rendered page: what each article (its `data-loc`)
set on a page, and how large each photo was printed. The one place that reads boxes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PlacedImage:
    """An image as printed: its file, the article it belongs to, its effective resolution."""

    src: str
    loc: str
    ppi: float


def page_box(page):
    """The root box of a rendered page (a private attribute of WeasyPrint's Page)."""
    return page._page_box


def _loc(box, loc):
    element = getattr(box, "element", None)
    return (element.get("data-loc") if element is not None else None) or loc


def count_content(box, counts: dict[str, list[int]], loc=None) -> None:
    """Lines and characters per article (the nearest `data-loc`) in a page's boxes."""
    from weasyprint.formatting_structure import boxes

    loc = _loc(box, loc)
    if loc is not None and isinstance(box, boxes.LineBox):
        counts.setdefault(loc, [0, 0])[0] += 1
    if loc is not None and isinstance(box, boxes.TextBox):
        counts.setdefault(loc, [0, 0])[1] += len(box.text.strip())
    for child in getattr(box, "children", ()):
        count_content(child, counts, loc)


def collect_images(box, loc=None, found: list[PlacedImage] | None = None) -> list[PlacedImage]:
    """Each raster image's pixels per inch at the size it is printed."""
    found = [] if found is None else found
    from weasyprint.formatting_structure import boxes

    loc = _loc(box, loc)
    if isinstance(box, boxes.ReplacedBox) and getattr(box.replacement, "width", None) and box.width:
        width_inches = box.width / 96  # CSS px
        src = box.element.get("src", "") if box.element is not None else ""
        found.append(PlacedImage(src, loc or "", box.replacement.width / width_inches))
    for child in getattr(box, "children", ()):
        collect_images(child, loc, found)
    return found
