"""Opening a finished PDF that the editor names (preflight, impose): a file that is empty,
no PDF, damaged or encrypted is a content error naming the file, never a traceback."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from ..errors import ContentError, Diagnostic


@contextmanager
def open_pdf(path: Path, data: bytes | None = None):
    """The PDF at `path` (or `data`, named as `path`), opened with pikepdf."""
    import io

    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data) if data is not None else path)
    except pikepdf.PasswordError:
        raise ContentError([Diagnostic(path, 1, 1, "the PDF is password-protected; give the unprotected file")]) from None
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        empty = data == b"" if data is not None else path.is_file() and path.stat().st_size == 0
        reason = "the file is empty" if empty else str(exc).split("\n")[0]
        raise ContentError([Diagnostic(path, 1, 1, f"cannot read the PDF: {reason}")]) from None
    with pdf:
        yield pdf
