"""One hierarchy of errors, so the CLI has a single place that maps them to exit codes.

A `Diagnostic` is one problem an editor can act on; a `ContentError` carries every
diagnostic found in a file, so all of them are reported in one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Diagnostic:
    """A problem located in a source file, printed as ``FILE:LINE:COL: severity: message``."""

    path: Path | str
    line: int
    column: int
    message: str
    severity: str = "error"
    rule: str = ""  # a copy rule's name (compose/copyedit.py), for lint's machine formats
    fix: str | None = None  # what the copy rule would write instead

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


class BulletinError(Exception):
    """Base of every error bulletinpress raises on purpose."""

    exit_code = EXIT_CONTENT


class ContentError(BulletinError):
    """The editor's content (YAML, photos, text) has problems; exit code 1."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class PreflightFailed(ContentError):
    """A print PDF that preflight refuses: it is not written, and `report` says why."""

    def __init__(self, report):
        self.report = report
        found = [Diagnostic(report.file, 1, 1, f"preflight: {f.message} [{f.code}]") for f in report.errors]
        super().__init__(found + [Diagnostic(report.file, 1, 1, "not written: the print shop would refuse it (the previous file, if any, is kept)")])


class UsageError(BulletinError):
    """The command line asked for something impossible; exit code 2."""

    exit_code = EXIT_USAGE


class SetupError(BulletinError):
    """This installation cannot do what was asked (a missing system package, a profile, a
    WeasyPrint version whose internals moved); exit code 2, like a usage error: the content
    is not at fault."""

    exit_code = EXIT_USAGE


class SeamChanged(SetupError):
    """WeasyPrint's internals moved; update the seam in bulletinpress/weasy/ for the new version."""


def exit_code(exc: BaseException) -> int:
    """The one mapping from an exception to the process's exit code: 0 ok, 1 the content has
    errors, 2 usage (or set-up) errors."""
    return exc.exit_code if isinstance(exc, BulletinError) else EXIT_CONTENT
