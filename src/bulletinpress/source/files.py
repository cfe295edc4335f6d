"""The one rule for every file bulletinpress reads.

A file is read only when it is a regular file (a FIFO would hang the read, `/dev/zero`
would fill the memory), inside the folders it belongs to (an issue's photos in its
project, templates and stylesheets in the layout and style folders; a symbolic link
that leaves them does not count) and no larger than its kind's ceiling. The checks are
made on the opened descriptor, so a file swapped between the check and the read is
still checked. Every reader — issue, settings, layout.yaml, stylesheets, templates,
photos, drafts, Word files, PDFs given to preflight and impose — comes through here;
docs/errors.md lists the ceilings.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..errors import ContentError, Diagnostic

KIB, MIB = 2**10, 2**20


@dataclass(frozen=True)
class Kind:
    """What a file is read as: how the messages name it, and how large it may be."""

    noun: str
    ceiling: int


ISSUE = Kind("an issue or settings file", 2 * MIB)
MANIFEST = Kind("a layout.yaml", 2 * MIB)
TEMPLATE = Kind("a template", 1 * MIB)
STYLESHEET = Kind("a stylesheet", 4 * MIB)
PHOTO = Kind("a photo", 200 * MIB)  # a 60-million-pixel TIFF, uncompressed, is 180 MB
DRAFT = Kind("a text draft", 20 * MIB)
WORD = Kind("a Word file", 200 * MIB)  # its parts have their own ceilings (desk/wordfile.py)
PDF = Kind("a PDF", 2048 * MIB)


NOT_FOUND = "not found"


class Refused(Exception):
    """A file the rule does not let be read; the message says why, in the editor's terms."""


def refusal(path: Path, kind: Kind, roots: Iterable[Path] = ()) -> str | None:
    """Why `path` may not be read as `kind` (None: it may), without opening it."""
    try:
        _checked(path, kind, roots, os.stat(path))
    except Refused as exc:
        return str(exc)
    except (OSError, ValueError) as exc:
        return _os_reason(exc)
    return None


def read(path: Path, kind: Kind, roots: Iterable[Path] = ()) -> bytes:
    """The bytes of `path`, or a ContentError at its first line saying why not."""
    try:
        return read_or_refuse(path, kind, roots)
    except Refused as exc:
        raise ContentError([Diagnostic(path, 1, 1, str(exc))]) from None


def read_or_refuse(path: Path, kind: Kind, roots: Iterable[Path] = ()) -> bytes:
    """The bytes of `path`, or Refused (for readers that report at a place of their own)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        raise Refused(_os_reason(exc)) from None
    with os.fdopen(fd, "rb") as handle:
        _checked(path, kind, roots, os.fstat(fd))
        data = handle.read(kind.ceiling + 1)
    if len(data) > kind.ceiling:  # it grew after the check
        raise Refused(_too_large(len(data), kind))
    return data


def _checked(path: Path, kind: Kind, roots: Iterable[Path], status: os.stat_result) -> None:
    roots = [Path(root).resolve() for root in roots]
    if roots:
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # a loop of links
            raise Refused(_os_reason(exc)) from None
        if not any(real.is_relative_to(root) for root in roots):
            raise Refused(f"it leads outside the project (to {real}); {kind.noun} is read only from inside {_places(roots)}")
    if not stat.S_ISREG(status.st_mode):
        raise Refused(f"it is not a regular file (a pipe, a device or a folder); {kind.noun} must be a file")
    if status.st_size > kind.ceiling:
        raise Refused(_too_large(status.st_size, kind))


def _places(roots: list[Path]) -> str:
    return " or ".join(str(root) for root in roots)


def _too_large(size: int, kind: Kind) -> str:
    return f"it is {_amount(size)}; {kind.noun} may be at most {_amount(kind.ceiling)}"


def _amount(size: int) -> str:
    return f"{size / MIB:.1f} MiB".replace(".0 MiB", " MiB") if size >= MIB else f"{-(-size // KIB)} KiB"


def _os_reason(exc: BaseException) -> str:
    """An OSError (or a loop's RuntimeError, a NUL's ValueError) as a short reason."""
    if isinstance(exc, FileNotFoundError):
        return NOT_FOUND
    if isinstance(exc, RuntimeError):
        return "a loop of symbolic links"
    if isinstance(exc, ValueError):
        return "the name holds a character no file name can (NUL)"
    return f"cannot be read: {getattr(exc, 'strerror', None) or exc}"
