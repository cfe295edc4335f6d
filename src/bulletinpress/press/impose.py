"""Saddle-stitch imposition: pages two-up on sheets twice their width, in booklet order.

For n pages (padded with blank pages to a multiple of 4), sheet i carries pages n-2i and
2i+1 on its front and 2i+2 and n-2i-1 on its back (1-based); folded and nested, the
sheets read 1, 2, 3 … With `creep`, pages on inner sheets move toward the spine by up to
`creep` mm (the innermost sheet), since they stick out further at the fore-edge.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ContentError, Diagnostic
from .output import write_atomic
from .pdffile import open_pdf, page_box

PT_PER_MM = 72 / 25.4


def order(page_count: int) -> list[tuple[int | None, int | None]]:
    """(left, right) 0-based page indices per sheet side; None is a blank page."""
    total = -(-page_count // 4) * 4
    sides = []
    for i in range(total // 4):
        sides.append((total - 1 - 2 * i, 2 * i))
        sides.append((2 * i + 1, total - 2 - 2 * i))
    return [tuple(p if p < page_count else None for p in side) for side in sides]


def _trim(source: Path, page, number: int) -> list[float]:
    """The page's TrimBox (its MediaBox without one); neither four numbers is an error."""
    box = page_box(page, "/TrimBox") or ("/TrimBox" not in page.obj and page_box(page, "/MediaBox")) or None
    if box is None:
        raise ContentError([Diagnostic(source, 1, 1, f"page {number}'s TrimBox (or MediaBox) is not four numbers: "
                                       "the finished size is unknown, so the page cannot be imposed")])
    return box


def impose(source: Path, target: Path, *, creep_mm: float = 0.0) -> int:
    """Write the booklet; returns the number of sheet sides."""
    import io

    import pikepdf

    with open_pdf(source) as pdf, pikepdf.new() as out:
        if not len(pdf.pages):
            raise ContentError([Diagnostic(source, 1, 1, "the PDF has no pages to impose")])
        box = _trim(source, pdf.pages[0], 1)
        width, height = box[2] - box[0], box[3] - box[1]
        sides = order(len(pdf.pages))
        sheets = len(sides) // 2
        forms = []
        for number, page in enumerate(pdf.pages, 1):
            form = out.copy_foreign(page.as_form_xobject())
            form.BBox = pikepdf.Array(_trim(source, page, number))  # bleed stays off the sheet
            forms.append(form)
        for index, (left, right) in enumerate(sides):
            sheet = index // 2
            shift = creep_mm * PT_PER_MM * (sheet / (sheets - 1) if sheets > 1 else 0)
            page = out.add_blank_page(page_size=(2 * width, height))
            xobjects = pikepdf.Dictionary()
            page.obj.Resources = pikepdf.Dictionary(XObject=xobjects)
            content = []
            for slot, number in ((0, left), (1, right)):
                if number is None:
                    continue
                name = pikepdf.Name(f"/P{number}")
                xobjects[name] = forms[number]
                # toward the spine: the left page moves right, the right page moves left
                x = slot * width - box[0] + (shift if slot == 0 else -shift)
                content.append(f"q 1 0 0 1 {x:.4f} {-box[1]:.4f} cm {name} Do Q")
            page.obj.Contents = out.make_stream(" ".join(content).encode())
        data = io.BytesIO()
        out.save(data, deterministic_id=True)
    write_atomic(target, data.getvalue())  # never half a booklet over the last good one
    return len(sides)
