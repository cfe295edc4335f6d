"""Stage 2: check loaded data against the issue format, reporting every problem at once."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ContentError, Diagnostic
from .load import Loc, Source, dotted
from .model import Issue

_EXPECTED = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "list_type": "expected a list (lines starting with '- ')",
    "model_type": "expected a group of fields (indented 'name: value' lines)",
    "model_attributes_type": "expected a group of fields (indented 'name: value' lines)",
    "dict_type": "expected a group of fields (indented 'name: value' lines)",
    "date_type": "expected an ISO date like 2024-12-06",
}


def validate(source: Source, data: dict | None = None, settings: Source | None = None) -> Issue:
    """The validated issue, or a ContentError listing every problem in the file. `data`,
    when given, is the file's data merged over the project settings (`settings`): a
    problem in a value that came from there is reported at its line in bulletinpress.yaml."""
    if not isinstance(source.data, dict):
        raise ContentError([source.diagnostic((), "an issue file must be a group of fields (masthead:, lead:, …)")])
    diagnostics = list(source.errors.values()) + _controls(source)
    try:
        issue = Issue.model_validate(data if data is not None else source.data)
    except ValidationError as exc:
        diagnostics += [
            _diagnostic(_owner(tuple(error["loc"]), source, settings), error, Issue)
            for error in exc.errors(include_url=False)
            if tuple(error["loc"]) not in source.errors
        ]
        issue = None
    if diagnostics:
        raise ContentError(sorted(set(diagnostics), key=lambda d: (d.line, d.column, d.message)))
    return issue


#: characters no page prints: C0 and C1 controls (tab and line feed aside), DEL, and the
#: Unicode line and paragraph separators — YAML lets them in as escapes (\e, \x85, \u2028)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _controls(source: Source) -> list[Diagnostic]:
    """A control character written as a YAML escape: an error at its field (one written
    into the file itself is refused when the YAML is read)."""
    found = []
    for loc, node in source.scalars.items():
        match = _CONTROL.search(node.value) if isinstance(node.value, str) else None
        if match and loc not in source.errors:
            found.append(source.diagnostic(loc, f"{dotted(loc)}: a control character (U+{ord(match.group()):04X}) written as an "
                                           "escape; no page prints it: delete it"))
    return found


def _owner(loc: Loc, source: Source, settings: Source | None) -> Source:
    """The file a value came from: the one that gives the field most precisely."""
    if settings is None:
        return source
    return settings if _depth(loc, settings) > _depth(loc, source) else source


def _depth(loc: Loc, source: Source) -> int:
    """How many leading parts of `loc` the file gives (0: none of it)."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in source.keys or loc[:n] in source.values:
            return n
    return 0


def diagnostics_for(source: Source, exc: ValidationError, model: Any) -> list[Diagnostic]:
    """pydantic's errors at their file positions; a value the reader already rejected (a bad
    date, a bad tag) is not reported twice."""
    return [
        _diagnostic(source, error, model)
        for error in exc.errors(include_url=False)
        if tuple(error["loc"]) not in source.errors
    ]


def _diagnostic(source: Source, error: Any, model: Any = Issue) -> Diagnostic:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        parent, name = loc[:-1], loc[-1]
        where = f"{dotted(parent)}: " if parent else ""
        return source.diagnostic(parent, f"{where}missing required field '{name}'", key=True)
    if kind == "extra_forbidden":
        name = loc[-1]
        message = f"{dotted(loc[:-1]) + ': ' if loc[:-1] else ''}unknown field '{name}'"
        known = _field_names(loc[:-1], model)
        suggestion = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
        if suggestion:
            message += f" — did you mean '{suggestion[0]}'?"
        else:
            message += f" (known fields: {', '.join(known)})"
        return source.diagnostic(loc, message, key=True)
    return source.diagnostic(loc, f"{dotted(loc)}: {_message(error)}")


def _message(error: Any) -> str:
    kind = error["type"]
    given = _describe(error.get("input"))
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {given}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return "needs at least one entry"
    if kind == "string_too_long":
        return f"is {len(str(error.get('input', '')))} characters long; at most {error['ctx']['max_length']} are allowed here"
    if kind == "too_long":
        return f"has too many entries; at most {error['ctx']['max_length']} are allowed"
    if kind == "string_pattern_mismatch":
        return "use only letters, digits, '-' and '_' (a layout or style name)"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {error['ctx'].get('ge', error['ctx'].get('gt'))}, got {given}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return error["msg"]


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (true/false)"
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _field_names(loc: Loc, model: Any = Issue) -> list[str]:
    """The fields allowed at `loc`, to suggest the nearest one for a misspelt key."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = _inner_model(field.annotation)
    return list(model.model_fields) if _is_model(model) else []


def _inner_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and not isinstance(value, types.GenericAlias) and issubclass(value, BaseModel)
