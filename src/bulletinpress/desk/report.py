"""What the editor sees of a batch: progress as issues finish, and a summary table.

A rich progress bar on a terminal; plain lines in CI and in logs. Each issue's messages
(errors, warnings, preflight) are written as it finishes. `write` is the CLI's writer to
stderr, so nothing here prints by itself.
"""

from __future__ import annotations

import os
import sys
from typing import Callable

from ..errors import EXIT_CONTENT, EXIT_OK

Write = Callable[[str], None]


class Progress:
    def __init__(self, total: int, write: Write):
        self.total, self.count, self.write = total, 0, write
        self.bar = None
        if total > 1 and sys.stderr.isatty() and not os.environ.get("CI"):
            from rich.progress import Progress as Bar

            self.bar = Bar(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("building", total=total)

    def done(self, outcome) -> None:
        self.count += 1
        prefix = f"[{self.count}/{self.total}] " if self.total > 1 and self.bar is None else ""
        for line in outcome_lines(outcome):
            (self.bar.console.print(line, markup=False, highlight=False) if self.bar else self.write(prefix + line))
        if self.bar:
            self.bar.advance(self.task)

    def close(self) -> None:
        if self.bar:
            self.bar.stop()


def outcome_lines(outcome) -> list[str]:
    """An issue's messages, then where its output went (or that it was skipped)."""
    lines = list(outcome.errors) + list(outcome.warnings) + list(outcome.notes)
    lines += [outcome.preflight] if outcome.preflight else []
    if outcome.skipped:
        lines.append(f"{outcome.output} (unchanged, skipped; --force rebuilds it)")
    elif not outcome.failed:
        lines.append(f"{outcome.output} ({outcome.pages} pages, {outcome.seconds:.2f} s)" if outcome.pages else str(outcome.output))
    return lines


def summary(outcomes, write: Write) -> None:
    """One row per issue, then the totals."""
    rows = [_row(o) for o in outcomes]
    header = ("issue", "pages", "time", "warnings", "output")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(5)]
    for row in [header] + rows:
        write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    failed = sum(o.failed for o in outcomes)
    write(f"{len(outcomes)} issue(s): {len(outcomes) - failed} built or up to date, {failed} failed")


def _row(o) -> tuple[str, ...]:
    pages = "skipped" if o.skipped else ("FAILED" if o.failed else str(o.pages or "-"))
    time = "" if o.skipped or o.failed else f"{o.seconds:.2f} s"
    return (str(o.path), pages, time, str(len(o.warnings)), str(o.output or ""))


def exit_status(outcomes, strict: bool) -> int:
    """1 if any issue failed (or, with --strict, warned), else 0."""
    failed = [o for o in outcomes if o.failed or (strict and o.warnings)]
    return EXIT_CONTENT if failed else EXIT_OK
