"""Stage 6: put the result in place atomically.

The bytes go to a temporary file beside the target and are renamed over it only when
complete, so a failed build never leaves half a PDF or destroys the previous good one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import ContentError, Diagnostic

CHUNK = 1 << 16


def write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:  # disk full, file too large, permissions: say so, keep the old file
        Path(tmp).unlink(missing_ok=True)
        raise ContentError([Diagnostic(target, 1, 1, f"cannot write it: {exc.strerror or exc}; the previous file (if any) is kept")]) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_all(handle, data: bytes) -> None:
    """The bytes, in pieces: a write that fails or is killed half-way leaves only the temp file."""
    view = memoryview(data)
    for start in range(0, len(view), CHUNK):
        handle.write(view[start : start + CHUNK])


def _sweep(target: Path) -> None:
    """Temp files left by a build that was killed: only those whose writer is gone (its
    process id is in the name), never one another build is still writing."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        pid = stale.name[len(target.name) + 2 :].split(".")[0]
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
