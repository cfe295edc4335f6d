"""`bulletinpress lint --fix`: the copy rules' fixes written into the issue file itself.

Each fix replaces the characters it names at their place in the file, so comments, quoting,
indentation and every line not concerned stay exactly as the editor left them (a YAML
dumper, even a round-trip one, would re-indent and re-wrap). A fix whose place cannot be
found exactly (a quoted scalar with escapes, a folded one) is left for the editor and said.
The new file is read back and each field checked against the rules' own fixed text before
it is written (atomically); a difference is an error and nothing is written.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..compose import copyedit
from ..errors import ContentError, Diagnostic
from ..press import output
from ..source import files, load


def fix(path: Path, language: str) -> tuple[str, list[Diagnostic]]:
    """Apply the fixes; return the diff and what was left for the editor."""
    with output.editing(path):
        return _fix(path, language)


def _fix(path: Path, language: str) -> tuple[str, list[Diagnostic]]:
    read = files.read(path, files.ISSUE)
    original = load.decode(path, read)  # written back as UTF-8
    text, left = original, []
    for _ in range(4):  # a fix can make another possible (说:" → 说：“)
        source = load.parse(path, text)
        edits, left = _edits(source, language)
        if not edits:
            break
        text = _apply(text, edits)
    _verify(path, original, text, language)
    if text != original:  # never over an edit the editor saved while the fixes were worked out
        output.write_atomic(path, text.encode("utf-8"), expected=read)
    diff = "".join(difflib.unified_diff(original.splitlines(True), text.splitlines(True), str(path), str(path)))
    return diff, left


def _edits(source, language: str):
    """(line, column, length, replacement) for each fix whose place is exact, and a
    diagnostic for each one that is not."""
    lines = source.text.splitlines(True)
    edits, left = [], []
    for loc, value in copyedit.copy_fields(source.scalars):
        for finding in copyedit.one_round(value, language, title=loc[-1] == "title"):
            start = source.locate_in_text(loc, finding.offset)
            wanted = value[finding.offset:finding.offset + finding.length]
            row = lines[start.line - 1] if start.line <= len(lines) else ""
            if "\n" not in wanted and row[start.column - 1:start.column - 1 + len(wanted)] == wanted:
                edits.append((start.line, start.column, len(wanted), finding.fix))
            else:
                left.append(Diagnostic(source.path, start.line, start.column,
                                       f"{load.dotted(loc)}: {finding.message}: not fixed here (quoted or folded text); fix it by hand", "warning"))
    return edits, left


def _apply(text: str, edits) -> str:
    lines = text.splitlines(True)
    for line, column, length, replacement in sorted(edits, reverse=True):
        row = lines[line - 1]
        lines[line - 1] = row[:column - 1] + replacement + row[column - 1 + length:]
    return "".join(lines)


def _verify(path: Path, original: str, text: str, language: str) -> None:
    """Every field of the new file is the old one with the rules' fixes, nothing else."""
    before = dict(copyedit.copy_fields(load.parse(path, original).scalars))
    after = load.parse(path, text)
    if after.errors or set(dict(copyedit.copy_fields(after.scalars))) != set(before):
        raise ContentError([Diagnostic(path, 1, 1, "lint --fix would change the file's structure; nothing was written")])
    for loc, value in copyedit.copy_fields(after.scalars):
        done = copyedit.fixed(before[loc], language, title=loc[-1] == "title")
        if copyedit.fixed(value, language, title=loc[-1] == "title") != done:
            pos = after.locate(loc)
            raise ContentError([Diagnostic(path, pos.line, pos.column, f"{load.dotted(loc)}: lint --fix went wrong here; nothing was written")])
