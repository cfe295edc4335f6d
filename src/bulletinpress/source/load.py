"""Stage 1: read an issue file into plain data, remembering where every key and value stood.

PyYAML's composer gives nodes with marks; we walk them ourselves so that duplicate keys
(which PyYAML would silently collapse) are reported, aliases cannot expand without bound,
and later stages can point at the exact line and column of any field.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ContentError, Diagnostic
from . import files

MAX_NODES = 100_000
#: an issue nests a handful of levels (reports[2].images[0].src); far deeper is an attack
MAX_DEPTH = 64
UTF8_BOM = b"\xef\xbb\xbf"

Loc = tuple[str | int, ...]
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Source:
    """An issue file's data plus the position of each key and value, by field path."""

    path: Path
    text: str
    data: Any
    values: dict[Loc, Position] = field(default_factory=dict)
    keys: dict[Loc, Position] = field(default_factory=dict)
    scalars: dict[Loc, yaml.ScalarNode] = field(default_factory=dict)
    #: problems found while reading (duplicate keys, bad dates): reported with the schema's
    errors: dict[Loc, Diagnostic] = field(default_factory=dict)

    def diagnostic(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error") -> Diagnostic:
        """A diagnostic at a field: its key if asked (or if it has no value), else its value."""
        pos = self.locate(loc, key=key)
        return Diagnostic(self.path, pos.line, pos.column, message, severity)

    def locate(self, loc: Loc, *, key: bool = False) -> Position:
        loc = tuple(loc)
        while loc:
            table = (self.keys, self.values) if key else (self.values, self.keys)
            for positions in table:
                if loc in positions:
                    return positions[loc]
            loc = loc[:-1]
        return self.values.get((), Position(1, 1))

    def locate_in_text(self, loc: Loc, offset: int) -> Position:
        """Where character `offset` of a block-scalar text field stands in the file.

        Exact for `|` blocks and single-line scalars, which is how editors write bodies;
        for folded or multi-line plain scalars it falls back to the field's start.
        """
        node = self.scalars.get(tuple(loc))
        if node is None:
            return self.locate(loc)
        start = node.start_mark
        if node.style in ("|", ">"):
            lines = self.text.splitlines()
            first = start.line + 1
            indent = next(
                (len(lines[i]) - len(lines[i].lstrip(" ")) for i in range(first, len(lines)) if lines[i].strip()),
                0,
            )
            before = node.value[:offset]
            line = first + before.count("\n") if node.style == "|" else first
            col = indent + len(before) - (before.rfind("\n") + 1) if node.style == "|" else indent
            return Position(line + 1, col + 1)
        if start.line == node.end_mark.line:
            quote = 1 if node.style in ("'", '"') else 0
            return Position(start.line + 1, start.column + 1 + quote + offset)
        return Position(start.line + 1, start.column + 1)


def decode(path: Path, raw: bytes) -> str:
    """UTF-8 with or without BOM; anything else gets a message saying how to re-save it."""
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be read)"
        if _looks_like_gb18030(raw):
            message = (
                "the file is not UTF-8: it looks like GB18030/GBK (as saved by a Chinese Windows editor); "
                "re-save it as UTF-8 (e.g. in Notepad: Save As, Encoding 'UTF-8'; or run "
                f"'iconv -f GB18030 -t UTF-8 {path.name} > fixed.yaml')"
            )
        raise ContentError([Diagnostic(path, line, column, message)]) from None


def _looks_like_gb18030(raw: bytes) -> bool:
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def read(path: Path, kind: files.Kind = files.ISSUE, roots: tuple[Path, ...] = ()) -> Source:
    """Read and parse one issue file (or settings, or a layout.yaml: `kind`, from inside
    `roots`); YAML syntax errors are fatal, duplicate keys are collected."""
    return parse(path, decode(path, files.read(path, kind, roots)))


def parse(path: Path, text: str) -> Source:
    try:
        node = _compose(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: ~4x faster
    except (yaml.YAMLError, RecursionError):
        node = _compose_or_explain(path, text)
    return _source(path, text, node)


def _compose_or_explain(path: Path, text: str) -> yaml.Node | None:
    """Parse again with the pure-Python parser, whose errors say more, and report them."""
    try:
        return _compose(text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise ContentError([_syntax_diagnostic(path, exc)]) from None
    except yaml.reader.ReaderError as exc:  # control characters, which YAML does not allow
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        message = f"a control character (U+{exc.character:04X}) that YAML does not allow; delete it"
        raise ContentError([Diagnostic(path, line, column, message)]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Diagnostic(path, 1, 1, f"the file cannot be read as YAML: {exc}")]) from None
    except RecursionError:  # the pure parser recurses once per level of [ [ [ …
        raise ContentError([Diagnostic(path, 1, 1, f"the file nests lists or groups more than {MAX_DEPTH} levels deep; refusing to read it")]) from None


def _compose(text: str, loader_class) -> yaml.Node | None:
    """The document's node tree, with positions (both parsers give the same ones)."""
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _source(path: Path, text: str, node: yaml.Node | None) -> Source:
    if node is None:
        raise ContentError([Diagnostic(path, 1, 1, "the file is empty; an issue needs at least a masthead")])
    source = Source(path=path, text=text, data=None)
    walker = _Walker(source)
    source.data = walker.walk(node, ())
    return source


def _syntax_diagnostic(path: Path, exc: yaml.MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if "'\\t'" in problem or "\t" in problem:
        problem = "a tab character: YAML indentation must use spaces, not tabs"
    elif exc.context and problem.startswith("but "):
        problem = f"{exc.context}, {problem}"  # e.g. a single document expected, but another found
    elif exc.context:
        problem = f"{problem} ({exc.context}"
        if exc.context_mark and exc.context_mark is not mark:
            problem += f" at line {exc.context_mark.line + 1}"
        problem += ")"
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Diagnostic(path, line, column, f"YAML syntax: {problem}")


class _Walker:
    """Turns composed nodes into Python data, recording positions and collecting errors."""

    def __init__(self, source: Source):
        self.source = source
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def _error(self, node: yaml.Node, message: str, loc: Loc) -> None:
        mark = node.start_mark
        self.source.errors[loc] = Diagnostic(self.source.path, mark.line + 1, mark.column + 1, message)

    def walk(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            mark = node.start_mark
            message = f"the file expands to more than {MAX_NODES} values (anchors and aliases?); refusing to read it"
            raise ContentError([Diagnostic(self.source.path, mark.line + 1, mark.column + 1, message)])
        if len(loc) > MAX_DEPTH:
            mark = node.start_mark
            message = f"the file nests lists or groups more than {MAX_DEPTH} levels deep; refusing to read it"
            raise ContentError([Diagnostic(self.source.path, mark.line + 1, mark.column + 1, message)])
        self.source.values[loc] = Position(node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
            self._error(node, f"{dotted(loc)}: the tag '{node.tag}' is not allowed in an issue file", loc)
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, loc + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(key_node, f"{dotted(loc)}: a field name must be plain text", loc + (f"?{id(key_node)}",))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._error(key_node, "YAML merge keys ('<<') are not supported; write the fields out", loc + ("<<",))
                continue
            key = key_node.value
            if key in first_seen:
                self._error(
                    key_node,
                    f"{dotted(loc + (key,))}: duplicate field '{key}' (first given at line "
                    f"{first_seen[key].start_mark.line + 1}); only one value can be kept: remove or rename one",
                    loc + (key, f"duplicate@{key_node.start_mark.line}"),
                )
                continue
            first_seen[key] = key_node
            self.source.keys[loc + (key,)] = Position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.walk(value_node, loc + (key,))
        return result

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        self.source.scalars[loc] = node
        try:
            value = self.constructor.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            self._error(node, f"{dotted(loc)}: {exc.problem}", loc)
            return node.value
        except ValueError as exc:  # e.g. 2024-13-45 matches the date pattern but is no date
            self._error(node, f"{dotted(loc)}: '{node.value}' is not a valid date: {exc}", loc)
            return node.value
        if isinstance(value, datetime.datetime) and not value.time():
            value = value.date()
        return value


def dotted(loc: Loc) -> str:
    """A field path as editors read it: reports[2].images[0].src."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


