"""Copy rules (GB/T 15834-2011 标点符号用法, and English house style), as findings with fixes.

The text stages print what the editor wrote; these rules say where it breaks the
standard, each as a `Finding` at a character offset with the text that would replace it.
`lint` prints them, `lint --fix` applies them (api.py), `build` prints them as warnings.
Pure string functions: nothing here knows files or YAML.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .chars import is_han

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}


@dataclass(frozen=True)
class Finding:
    offset: int
    length: int
    message: str
    fix: str | None  # what replaces text[offset:offset + length]; None: a person must decide


def findings(text: str, language: str, *, title: bool = False) -> list[Finding]:
    """Every finding in one field's text, in order."""
    rules = _ENGLISH if language == "en" else _CHINESE
    found = [f for rule in rules for f in rule(text, title)]
    return sorted(found, key=lambda f: (f.offset, -f.length))


def fixed(text: str, language: str, *, title: bool = False) -> str:
    """The text with every fixable finding applied (overlapping ones: the first wins);
    applied again until nothing changes, as one fix can make another possible."""
    for _ in range(4):
        result, position = [], 0
        for finding in one_round(text, language, title=title):
            result += [text[position:finding.offset], finding.fix]
            position = finding.offset + finding.length
        new = "".join(result) + text[position:]
        if new == text:
            return text
        text = new
    return text


def one_round(text: str, language: str, *, title: bool = False) -> list[Finding]:
    """The fixable findings applied in one pass: in order, none overlapping another."""
    chosen, position = [], 0
    for finding in findings(text, language, title=title):
        if finding.fix is not None and finding.offset >= position:
            chosen.append(finding)
            position = finding.offset + finding.length
    return chosen


# --- Chinese -------------------------------------------------------------------------------------

def _half_width_marks(text: str, title: bool):
    """, ; : ? ! and . in Chinese text: full width. After a Han character or a closing mark,
    before a Han character, a number, a Latin word, a quotation or a bracket, or at the end
    of a line or paragraph; a space typed after it goes with it (近日, 江津区 → 近日，江津区).
    Not between two digits (1,000 and 93.7), and a . only at a sentence's end or before
    Han text."""
    pattern = rf"(?:(?<=[{HAN}\U00020000-\U0003134f”’）》」』】%])|(?<=[{HAN}][0-9])|(?<=[{HAN}][0-9][0-9]))([,;:?!.])( ?)(?=[{HAN}\U00020000-\U0003134f“‘（《「『【0-9A-Za-z\"']|[ \t]*(?:\n|$))"
    for match in re.finditer(pattern, text):
        mark, space = match.group(1), match.group(2)
        if mark == "." and text[match.end():match.end() + 1].isascii() and text[match.end():match.end() + 1].isalnum():
            continue  # 5.G, a.m.: not a full stop before a Latin letter or a digit
        if mark in ",." and text[match.start() - 1:match.start()].isdigit() and text[match.end():match.end() + 1].isdigit():
            continue
        if space and not re.match(rf"[{HAN}“‘（《]", text[match.end():match.end() + 1]):
            space = ""
        yield Finding(match.start(), 1 + len(space), f"half-width '{mark}' in Chinese text", FULL[mark])


def _spaces_at_marks(text: str, title: bool):
    """A space next to a full-width mark (近日， 区 · 近日 ，区 · 开展 “春送岗位” 专项 · 《意见》 要求 ·
    “ 安康杯 ”): the mark carries its own space; not in a title, where a space is a break."""
    if title:
        return
    for match in re.finditer(r"(?<=[，。、；：？！”’）》」』】])[ \u3000]+(?=\S)|(?<=\S)[ \u3000]+(?=[，。、；：？！“‘（《「『【])"
                             r"|(?<=[“‘（《「『【])[ \u3000]+|[ \u3000]+(?=[”’）》」』】])", text):
        before, after = text[match.start() - 1:match.start()], text[match.end():match.end() + 1]
        if before.isascii() and after.isascii():
            continue
        yield Finding(match.start(), len(match.group()), "a space next to a full-width mark", "")


def _half_width_brackets(text: str, title: bool):
    """( … ) holding or touching Chinese text: （ … ）, as in 六省(区、市) → 六省（区、市）."""
    for match in re.finditer(r"\(([^()\n]*)\)", text):
        inner, before = match.group(1), text[match.start() - 1:match.start()]
        after = text[match.end():match.end() + 1]
        if any(is_han(c) for c in inner) or (before and is_han(before)) or (after and is_han(after)):
            yield Finding(match.start(), len(match.group()), f"half-width brackets '{match.group()}' in Chinese text", f"（{inner}）")


def _straight_quotes(text: str, title: bool):
    """" and ' in Chinese text: “” and ‘’, paired in order with the curly ones already there
    (“春送岗位" closes with ”); one left without a partner is said, not guessed."""
    for quote, (opening, closing) in (('"', "“”"), ("'", "‘’")):
        places = [m.start() for m in re.finditer(re.escape(quote), text)]
        if not any(_near_han(text, p) for p in places):
            continue
        marks, open_at = {}, None
        for index, char in enumerate(text):
            if char == opening or (char == quote and open_at is None):
                open_at = index
                if char == quote:
                    marks[index] = opening
            elif char == closing or char == quote:
                if char == quote:
                    marks[index] = closing
                open_at = None
        for place in places:
            unpaired = place == open_at
            yield Finding(place, 1, f"straight quote {quote} in Chinese text" + (" without a partner" if unpaired else ""),
                          None if unpaired else marks[place])


def _near_han(text: str, place: int) -> bool:
    return any(is_han(c) for c in text[max(0, place - 1):place] + text[place + 1:place + 2])


def _unbalanced(text: str, title: bool):
    """Quotes and brackets that open and never close, or close what never opened."""
    for opening, closing in ("“”", "‘’", "（）", "《》", "「」", "【】"):
        depth, first = 0, None
        for index, char in enumerate(text):
            if char == opening:
                depth += 1
                first = index if depth == 1 else first
            elif char == closing:
                depth -= 1
                if depth < 0:
                    yield Finding(index, 1, f"'{closing}' closes what no '{opening}' opened", None)
                    depth = 0
        if depth > 0 and first is not None:
            yield Finding(first, 1, f"'{opening}' is never closed by '{closing}'", None)


def _doubled(text: str, title: bool):
    for match in re.finditer(r"([，。、；：？！])\1+", text):
        yield Finding(match.start(), len(match.group()), f"doubled '{match.group(1)}'", match.group(1))


def _space_between_han(text: str, title: bool):
    """A space between two Han characters (not in a title, where the editor's space is a break,
    nor inside 《》, where it parts joint issuers: 《中共中央 国务院关于…》)."""
    if title:
        return
    for match in re.finditer(rf"(?<=[{HAN}])[ \u3000]+(?=[{HAN}])", text):
        before = text[:match.start()]
        if before.rfind("《") > before.rfind("》"):
            continue
        yield Finding(match.start(), len(match.group()), "a space between Chinese characters", "")


def _full_width_alnum(text: str, title: bool):
    for match in re.finditer(r"[０-９Ａ-Ｚａ-ｚ]+", text):
        yield Finding(match.start(), len(match.group()), f"full-width '{match.group()}'", unicodedata.normalize("NFKC", match.group()))


def _ellipsis_and_dash(text: str, title: bool):
    """An ellipsis is …… (two), a dash —— (two), in Chinese text."""
    for match in re.finditer(r"\.{3,}|。{3,}|(?<!…)…(?!…)|…{3,}", text):
        yield Finding(match.start(), len(match.group()), f"'{match.group()}' for an ellipsis", "……")
    for match in re.finditer(rf"(?<=[{HAN}])(?:--+|(?<!—)—(?!—)|—{{3,}}|－－)(?=[{HAN}“‘（《])", text):
        yield Finding(match.start(), len(match.group()), f"'{match.group()}' for a dash", "——")


_CHINESE = [_half_width_marks, _spaces_at_marks, _half_width_brackets, _straight_quotes, _unbalanced, _doubled,
            _space_between_han, _full_width_alnum, _ellipsis_and_dash]


# --- English -------------------------------------------------------------------------------------



def _english_quotes(text: str, title: bool):
    from .markup import smart_quotes

    smart = smart_quotes(text)
    for index, (a, b) in enumerate(zip(text, smart)):
        if a != b:
            yield Finding(index, 1, f"straight {'apostrophe' if a == chr(39) else 'quote'} {a}", b)


def _double_spaces(text: str, title: bool):
    for match in re.finditer(r"(?<=\S)  +(?=\S)", text):
        yield Finding(match.start(), len(match.group()), "a double space", " ")


def _spaced_hyphens(text: str, title: bool):
    for match in re.finditer(r"(?<=\w) -{1,2} (?=\w)", text):
        yield Finding(match.start(), len(match.group()), f"a spaced hyphen '{match.group()}' for a dash", " – ")


_ENGLISH = [_english_quotes, _double_spaces, _spaced_hyphens]


# --- over an issue file ----------------------------------------------------------------------------

#: fields that are not copy: file names, settings, names of things
NOT_COPY = {"src", "language", "layout", "style", "output", "date", "number", "span", "position", "size", "crop"}


def copy_fields(scalars: dict) -> list[tuple[tuple, str]]:
    """The issue's text fields (loc, text), in file order."""
    return [(loc, node.value) for loc, node in scalars.items() if isinstance(node.value, str) and _is_copy(loc)]


def _is_copy(loc: tuple) -> bool:
    name = next((part for part in reversed(loc) if isinstance(part, str)), None)
    return name is not None and name not in NOT_COPY


def lint(source, language: str, districts: list[str] = ()) -> list:
    """Every finding in an issue file as a warning at its character (FILE:LINE:COL)."""
    from ..errors import Diagnostic
    from ..source.load import dotted

    found = []
    for loc, text in copy_fields(source.scalars):
        for finding in findings(text, language, title=loc[-1] == "title"):
            pos = source.locate_in_text(loc, finding.offset)
            fix = f" (fix: '{finding.fix}')" if finding.fix is not None else ""
            found.append(Diagnostic(source.path, pos.line, pos.column, f"{dotted(loc)}: {finding.message}{fix}", "warning"))
    found += _districts(source, districts)
    return sorted(found, key=lambda d: (d.line, d.column))


def _districts(source, districts) -> list:
    """A district not in the project's list (bulletinpress.yaml `districts:`), with the
    nearest name in it."""
    import difflib

    from ..errors import Diagnostic
    from ..source.load import dotted

    if not districts:
        return []
    found = []
    for loc, node in source.scalars.items():
        if loc and loc[-1] == "district" and isinstance(node.value, str) and node.value.strip() not in districts:
            near = difflib.get_close_matches(node.value.strip(), list(districts), n=1, cutoff=0.3)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            pos = source.locate(loc)
            found.append(Diagnostic(source.path, pos.line, pos.column,
                                    f"{dotted(loc)}: '{node.value.strip()}' is not one of the project's districts{hint}", "warning"))
    return found
