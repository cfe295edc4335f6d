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


def _ppi(box) -> float:
    """Pixels per inch as printed. A photo cropped to cover its frame (object-fit: cover) is
    scaled by the larger of the two ratios, one fitted inside it (contain) by the smaller."""
    across = box.replacement.width / (box.width / 96)  # CSS px: 96 to the inch
    height = getattr(box.replacement, "height", None)
    down = height / (box.height / 96) if height and box.height else across
    fit = box.style["object_fit"] if "object_fit" in box.style else "fill"
    return max(across, down) if fit in ("contain", "scale-down") else min(across, down)


def collect_images(box, loc=None, found: list[PlacedImage] | None = None) -> list[PlacedImage]:
    """Each raster image's pixels per inch at the size it is printed."""
    found = [] if found is None else found
    from weasyprint.formatting_structure import boxes

    loc = _loc(box, loc)
    if isinstance(box, boxes.ReplacedBox) and getattr(box.replacement, "width", None) and box.width:
        src = box.element.get("src", "") if box.element is not None else ""
        found.append(PlacedImage(src, loc or "", _ppi(box)))
    for child in getattr(box, "children", ()):
        collect_images(child, loc, found)
    return found


def column_fragments(page, loc_attribute: str = "data-block") -> dict[str, int]:
    """How many column boxes each block's text was laid out in on a rendered page (more than
    it was given means the text did not fit its height)."""
    counts: dict[str, int] = {}
    _fragments(page_box(page), counts, loc_attribute)
    return counts


def _fragments(box, counts: dict[str, int], attribute: str) -> None:
    element = getattr(box, "element", None)
    key = element.get(attribute) if element is not None else None
    if key is not None and "flow" in (element.get("class") or "").split():
        counts[key] = max(counts.get(key, 0), len([c for c in box.children if c.is_in_normal_flow()]))
        return
    for child in getattr(box, "children", ()):
        _fragments(child, counts, attribute)


def block_rects(page) -> dict[str, tuple[float, float, float, float]]:
    """Where each composed block (an element of class `block`, keyed by its `data-loc`)
    lies on a rendered page: x, y, width, height in pt from the page's top left. The live
    preview redraws only the blocks an edit changed, at these rectangles."""
    found: dict[str, tuple[float, float, float, float]] = {}
    _blocks(page_box(page), found)
    return found


def _blocks(box, found: dict) -> None:
    element = getattr(box, "element", None)
    if element is not None and element.get("data-loc") and "block" in (element.get("class") or "").split():
        pt = 0.75  # CSS px to pt
        found[element.get("data-loc")] = (box.position_x * pt, box.position_y * pt, box.border_width() * pt, box.border_height() * pt)
        return
    for child in getattr(box, "children", ()):
        _blocks(child, found)
