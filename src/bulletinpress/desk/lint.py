"""`bulletinpress lint --fix`: the copy rules' fixes written into the issue file itself.

Each field that has fixes is written again in place, in its own YAML style — plain,
'single' or "double" quoted, a `|` or `>` block at its own indentation — so comments,
keys, indentation and every field not concerned stay exactly as the editor left them (a
YAML dumper, even a round-trip one, would re-indent and re-wrap the whole file). The new
file is read back and every field compared with what the rules wanted: a field that did
not come out so is put back as it was and said, at its place; it never stops the others,
and a file that would not parse is never written.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from ..compose import copyedit
from ..errors import Diagnostic
from ..press import output
from ..source import files, load


def fix(path: Path, language: str, settings=None) -> tuple[str, list[Diagnostic]]:
    """Apply the fixes (not of the rules the project's `settings` or the file's comments
    switch off); return the diff and what was left for the editor."""
    with output.editing(path):
        return _fix(path, language, settings)


def _fix(path: Path, language: str, settings) -> tuple[str, list[Diagnostic]]:
    read = files.read(path, files.ISSUE)
    original = load.decode(path, read)  # written back as UTF-8
    source = load.parse(path, original)
    off, _ = copyedit.fields_off(source, settings)
    wanted = _wanted(source, language, off)
    text, refused = _rewritten(source, wanted)
    left = [_not_fixed(source, loc, language, off[loc]) for loc in refused]
    if text != original:  # never over an edit the editor saved while the fixes were worked out
        output.write_atomic(path, text.encode("utf-8"), expected=read)
    diff = "".join(difflib.unified_diff(original.splitlines(True), text.splitlines(True), str(path), str(path)))
    return diff, [d for group in left for d in group]


def _wanted(source, language: str, off: dict[tuple, frozenset]) -> dict[tuple, str]:
    """Each text field the rules would change, and its text once changed."""
    found = {}
    for loc, value in copyedit.copy_fields(source.scalars):
        new = copyedit.fixed(value, language, field=copyedit.field_name(loc), off=off[loc])
        if new != value:
            found[loc] = new
    return found


def _rewritten(source, wanted: dict[tuple, str]) -> tuple[str, list[tuple]]:
    """The file with every wanted field written again, and the fields that could not be:
    all at once, read back; a field that came out wrong is tried once more double-quoted
    (a plain scalar in a {flow} group), then left as it was, and the rest tried again. A
    file that would not parse is never the answer."""
    pending, quoted, refused = dict(wanted), set(), []
    invalid = _invalid(source.data) if pending else set()  # what the format refuses in the file as it is
    while pending:
        text = _replaced(source, pending, quoted)
        wrong = _wrong_fields(source, text, pending, invalid)
        if not wrong:
            return text, refused
        for loc in wrong:
            if loc in quoted or source.scalars[loc].style in ("|", ">", '"'):
                refused.append(loc)
                del pending[loc]
            else:
                quoted.add(loc)
    return source.text, refused


def _replaced(source, pending: dict[tuple, str], quoted: set) -> str:
    text = source.text
    spans = sorted(((_span(source, loc), loc) for loc in pending), reverse=True)
    for (start, end), loc in spans:
        text = text[:start] + _emitted(source, loc, pending[loc], loc in quoted) + text[end:]
    return text


def _wrong_fields(source, text: str, pending: dict[tuple, str], invalid: set[tuple]) -> list[tuple]:
    """The pending fields that did not read back as wanted; when the file does not parse
    or its other fields changed, the first pending one (tried again without it)."""
    try:
        after = load.parse(source.path, text)
    except Exception:  # noqa: BLE001 — any failure to read it back means: not this way
        return list(pending)[:1]
    before = {loc: node.value for loc, node in source.scalars.items()}
    now = {loc: node.value for loc, node in after.scalars.items()}
    if set(now) != set(before) or after.errors:
        return list(pending)[:1]
    wrong = [loc for loc, new in pending.items() if now.get(loc) != new]
    wrong += [loc for loc in _invalid(after.data) - invalid if loc in pending]  # a fix past a length limit
    if wrong:
        return wrong
    return [loc for loc in before if loc not in pending and now[loc] != before[loc]][:1]


def _invalid(data) -> set[tuple]:
    """The fields the issue format refuses (a title the ellipsis fix made 2,001 characters)."""
    from pydantic import ValidationError

    from ..source.model import Issue

    try:
        Issue.model_validate(data)
    except ValidationError as exc:
        return {tuple(error["loc"]) for error in exc.errors(include_url=False)}
    return set()


def _span(source, loc: tuple) -> tuple[int, int]:
    """Where the field's scalar stands in the file: a block's indicator to its last line."""
    node = source.scalars[loc]
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):
        body = source.text[start:end]
        end = start + len(body.rstrip(" \n"))  # the newline and blank lines after it stay
    return start, end


def _emitted(source, loc: tuple, value: str, quoted: bool = False) -> str:
    """`value` as a scalar in the field's own style (a double-quoted one where that style
    cannot hold it, or when `quoted`)."""
    node = source.scalars[loc]
    style = node.style or ""
    if quoted:
        return json.dumps(value, ensure_ascii=False)
    if style in ("|", ">"):
        return _block(source, node, value)
    if style == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if not style and "\n" not in value and _plain_reads_back(value):
        return value
    return json.dumps(value, ensure_ascii=False)  # YAML's double-quoted style is JSON's string


def _plain_reads_back(value: str) -> bool:
    import yaml

    try:
        return yaml.safe_load(f"x: {value}\n") == {"x": value}
    except yaml.YAMLError:
        return False


def _block(source, node, value: str) -> str:
    """A `|` or `>` block of `value` at the block's own indentation and header."""
    start = node.start_mark.index
    header_end = source.text.index("\n", start) if "\n" in source.text[start:] else len(source.text)
    header = source.text[start:header_end]
    indent = " " * _indent(source, node)
    body = value[:-1] if value.endswith("\n") else value
    lines = body.split("\n")
    if node.style == ">":
        lines = [part for i, line in enumerate(lines) for part in ([""] if i else []) + [line]]
    return header + "\n" + "\n".join(indent + line if line else "" for line in lines)


def _indent(source, node) -> int:
    lines = source.text[node.start_mark.index:].split("\n")[1:]
    content = next((line for line in lines if line.strip()), "")
    return len(content) - len(content.lstrip(" "))


def _not_fixed(source, loc: tuple, language: str, off: frozenset) -> list[Diagnostic]:
    """The findings of a field that could not be written again, each at its place."""
    value = source.scalars[loc].value
    return [Diagnostic(source.path, *_at(source, loc, finding.offset),
                       f"{load.dotted(loc)}: {finding.message}: not fixed here; fix it by hand [{finding.rule}]", "warning")
            for finding in copyedit.one_round(value, language, field=copyedit.field_name(loc), off=off)]


def _at(source, loc: tuple, offset: int) -> tuple[int, int]:
    position = source.locate_in_text(loc, offset)
    return position.line, position.column
