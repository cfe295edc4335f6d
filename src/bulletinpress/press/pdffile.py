"""Opening a finished PDF that the editor names (preflight, impose): a file that is empty,
no PDF, damaged or encrypted is a content error naming the file, never a traceback."""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path

from ..errors import ContentError, Diagnostic
from ..source import files


@contextmanager
def open_pdf(path: Path, data: bytes | None = None):
    """The PDF at `path` (or `data`, named as `path`), opened with pikepdf."""
    import io

    import pikepdf

    problem = files.refusal(path, files.PDF) if data is None else None
    if problem:  # a pipe would hang pikepdf, a device fill the memory
        raise ContentError([Diagnostic(path, 1, 1, f"cannot read the PDF: {problem}")])
    try:
        pdf = pikepdf.open(io.BytesIO(data) if data is not None else path)
    except pikepdf.PasswordError:
        raise ContentError([Diagnostic(path, 1, 1, "the PDF is password-protected; give the unprotected file")]) from None
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        empty = data == b"" if data is not None else path.is_file() and path.stat().st_size == 0
        reason = "the file is empty" if empty else str(exc).split("\n")[0]
        raise ContentError([Diagnostic(path, 1, 1, f"cannot read the PDF: {reason}")]) from None
    with pdf:
        try:
            yield pdf
        except (*DAMAGE, pikepdf.PdfError) as exc:  # a malformed detail the reader met: a name where a number goes, a loop …
            raise ContentError([Diagnostic(path, 1, 1, f"the PDF is damaged: {damage(exc)}")]) from None


#: what reading a malformed detail of a PDF raises, through pikepdf or our own readers
DAMAGE = (ArithmeticError, AttributeError, LookupError, RecursionError, TypeError, ValueError)


def damage(exc: BaseException) -> str:
    """A malformed detail's exception as a short reason."""
    text = str(exc).split("\n")[0][:200]
    return f"{text} ({type(exc).__name__})" if text else type(exc).__name__


def page_box(page, name: str) -> list[float] | None:
    """A page's box as four finite numbers, lower left first; None when it is absent or
    malformed (names, strings, too few numbers, zero size)."""
    box = page.obj.get(name)
    try:
        values = [float(v) for v in box] if box is not None else []
    except (TypeError, ValueError):
        return None
    if len(values) != 4 or not all(map(math.isfinite, values)):
        return None
    x0, y0, x1, y1 = min(values[0], values[2]), min(values[1], values[3]), max(values[0], values[2]), max(values[1], values[3])
    return [x0, y0, x1, y1] if x1 > x0 and y1 > y0 else None
