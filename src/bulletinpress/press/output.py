"""Stage 6: put the result in place atomically.

The bytes go to a temporary file beside the target and are renamed over it only when
complete, so a failed build never leaves half a PDF or destroys the previous good one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path

from ..errors import ContentError, Diagnostic, UsageError

CHUNK = 1 << 16


def _write_atomic(target: Path, data: bytes, expected: bytes | None) -> None:
    if target.exists() and not target.is_file():  # -o /dev/null, -o a folder's name
        raise UsageError(f"{target} is not a regular file: give -o a file name or a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UsageError(f"{target.parent} is a file, not a folder: choose another place for the output") from None
    except OSError as exc:
        raise UsageError(f"cannot make the folder {target.parent}: {exc.strerror or exc}") from None
    _sweep(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{_short(target.name)}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if expected is not None and target.read_bytes() != expected:
            raise UsageError(f"{target} changed while it was being rewritten (saved in an editor?): nothing written; run the command again")
        os.replace(tmp, target)
    except OSError as exc:  # disk full, file too large, permissions: say so, keep the old file
        Path(tmp).unlink(missing_ok=True)
        raise ContentError([Diagnostic(target, 1, 1, f"cannot write it: {exc.strerror or exc}; the previous file (if any) is kept")]) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def editing(path: Path):
    """The editor's file held while our commands read and rewrite it (`import --into`,
    `lint --fix`): a second of ours waits for the first (never two imports where one report
    is lost); `write_if_unchanged` then guards against the editor's own saves, which take
    no lock."""
    lock = path.parent / f".{path.name}.lock"
    with open(lock, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def write_if_unchanged(target: Path, data: bytes, read: bytes) -> None:
    """Write `data` over `target` only if it still holds the bytes it was read with: an edit
    the editor saved meanwhile is never written over (compared again just before the rename)."""
    if target.read_bytes() != read:
        raise UsageError(f"{target} changed while it was being rewritten (saved in an editor?): nothing written; run the command again")
    write_atomic(target, data, expected=read)


def write_atomic(target: Path, data: bytes, expected: bytes | None = None) -> None:
    """The bytes in place of `target`, whole or not at all; with `expected`, only if the
    target still holds those bytes at the moment it is replaced."""
    _write_atomic(target, data, expected)


def _write_all(handle, data: bytes) -> None:
    """The bytes, in pieces: a write that fails or is killed half-way leaves only the temp file."""
    view = memoryview(data)
    for start in range(0, len(view), CHUNK):
        handle.write(view[start : start + CHUNK])


def _short(name: str) -> str:
    """The target's name in its temp file's, shortened when the two together would pass the
    file system's 255 bytes (an issue named with 80 Chinese characters is 240)."""
    import hashlib

    return name if len(name.encode()) <= 150 else "bp-" + hashlib.sha1(name.encode()).hexdigest()[:16]


def _sweep(target: Path) -> None:
    """Temp files left by a build that was killed: only those whose writer is gone (its
    process id is in the name), never one another build is still writing."""
    short = _short(target.name)
    for stale in target.parent.glob(f".{short}.*.tmp"):
        pid = stale.name[len(short) + 2 :].split(".")[0]
        if not pid.isdigit() or not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
