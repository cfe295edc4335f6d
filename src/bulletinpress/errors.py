"""One hierarchy of errors, so the CLI has a single place that maps them to exit codes.

A `Diagnostic` is one problem an editor can act on; a `ContentError` carries every
diagnostic found in a file, so all of them are reported in one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Diagnostic:
    """A problem located in a source file, printed as ``FILE:LINE:COL: severity: message``."""

    path: Path | str
    line: int
    column: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


class BulletinError(Exception):
    """Base of every error bulletinpress raises on purpose."""

    exit_code = 1


class ContentError(BulletinError):
    """The editor's content (YAML, photos, text) has problems; exit code 1."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class UsageError(BulletinError):
    """The command line asked for something impossible; exit code 2."""

    exit_code = 2
