"""Headlines broken by words and balanced, as a newspaper typesetter breaks them.

A title is cut into words (Chinese by rjieba — jieba's dictionary and algorithm, HMM off,
as a wheel that loads in a tenth of a second — English at its spaces). Punctuation stays
with the word it belongs to, a one-character word with the word before it, a Latin run is
one word. A space the editor typed is a preferred break. Each word is printed as one
unbreakable unit, so a title can only ever break between words; a composed layout also
chooses where (`balance`): the fewest lines that fit the block's measure, of near-equal
length, never a last line of one or two characters (or one English word).
"""

from __future__ import annotations

import html as html_module
import re
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from .chars import is_cjk, is_han
from .typeset import CLOSING, OPENING

#: a break at the editor's own space costs this much less (in em² of imbalance)
EDITOR_SPACE = 4.0
#: what a last line of one or two characters (one English word) costs
SHORT_LAST = 60.0
#: what each line more than the fewest costs: less than a short last line, so a title takes a
#: line more rather than end on one or two characters
EXTRA_LINE = 40.0


@dataclass(frozen=True)
class Word:
    text: str  # as the editor wrote it (no leading space)
    space: bool  # the editor typed a space before it: a preferred break, printed as a space inside a line

    @property
    def width(self) -> float:
        """Its width in em at the title's size (CJK characters are one em; Latin is
        estimated on the wide side, so a chosen line never runs past the measure)."""
        return sum(_char_width(c) for c in self.text)


def _char_width(char: str) -> float:
    if is_cjk(char):
        return 1.0
    if char.isupper() or char.isdigit():
        return 0.68
    return 0.3 if char == " " else 0.58


def words(line: str, language: str) -> list[Word]:
    """One forced line of a title as words."""
    if language == "en":
        return [Word(w, i > 0) for i, w in enumerate(line.split())]
    found: list[Word] = []
    for number, chunk in enumerate(line.split()):
        found += [Word(unit, number > 0 and i == 0) for i, unit in enumerate(_attached(_segment(chunk)))]
    return found


@lru_cache(maxsize=2048)
def _segment(text: str) -> tuple[str, ...]:
    import rjieba

    return tuple(rjieba.cut(text, hmm=False))


#: a phrase in quotes or book-title marks this short (characters) is one unit: “快递小哥”
QUOTED = 8
_PAIRS = {"“": "”", "‘": "’", "《": "》", "「": "」", "（": "）"}


def _quoted(tokens) -> list[str]:
    """Short quoted phrases joined into one token."""
    tokens, out, i = list(tokens), [], 0
    while i < len(tokens):
        closing = _PAIRS.get(tokens[i])
        end = next((j for j in range(i + 1, len(tokens)) if tokens[j] == closing), None) if closing else None
        if end is not None and sum(len(t) for t in tokens[i + 1:end]) <= QUOTED:
            out.append("".join(tokens[i:end + 1]))
            i = end + 1
        else:
            out.append(tokens[i])
            i += 1
    return out


def _attached(tokens) -> list[str]:
    """Tokens joined into the units a title may break between: a short quoted phrase is
    one, closing marks and one-character words go with the word before, opening marks with
    the word after."""
    tokens = _quoted(tokens)
    units: list[str] = []
    pending = ""
    for token in tokens:
        if not token.strip():
            continue
        if all(c in OPENING for c in token):
            pending += token
            continue
        token, pending = pending + token, ""
        if units and (all(c in CLOSING for c in token) or units[-1][-1] in OPENING):
            units[-1] += token
        else:
            units.append(token)
    if pending and units:
        units[-1] += pending
    elif pending:
        units.append(pending)
    return _singles(units)


def _singles(units: list[str]) -> list[str]:
    """A one-character word joins the shorter of its neighbours (the one before on a tie):
    全 + 覆盖, 引领 + 性, 以 + 技能."""
    units = list(units)
    i = 0
    while i < len(units) and len(units) > 1:
        if len(units[i]) == 1 and is_han(units[i]):
            left = len(units[i - 1]) if i > 0 else None
            right = len(units[i + 1]) if i + 1 < len(units) else None
            if right is not None and (left is None or right < left):
                units[i:i + 2] = [units[i] + units[i + 1]]
            else:
                units[i - 1:i + 1] = [units[i - 1] + units[i]]
                i -= 1
        i += 1
    return units


def balance(line_words: list[Word], measure: float, language: str) -> list[list[Word]]:
    """The words of one forced line in the fewest lines that fit `measure` em, chosen for
    even lengths, the editor's spaces and no short last line."""
    total = _width(line_words)
    if total <= measure or len(line_words) < 2:
        return [line_words]
    best = None
    least = max(2, -(-int(total * 100) // int(measure * 100)))
    for lines in range(least, min(len(line_words), least + 2) + 1):
        found = _best_split(tuple(line_words), lines, measure, language)
        if found is not None:
            cost = found[0] + EXTRA_LINE * (lines - least) if best is not None else found[0]
            if best is None or cost < best[0]:
                best = (cost, found[1])
    return best[1] if best else _greedy(line_words, measure)


def _width(line: list[Word]) -> float:
    return sum(w.width for w in line) + sum(0.3 for w in line[1:] if w.space)


#: the most ways to cut a title weighed one by one; past it (a long title the editor did not
#: break: 60 characters would be millions) the cut is found by dynamic programming
EXACT_BUDGET = 20_000


def _best_split(ws: tuple[Word, ...], lines: int, measure: float, language: str):
    """(cost, lines) of the best way to cut `ws` into `lines` lines no wider than `measure`."""
    n = len(ws)
    from itertools import combinations
    from math import comb

    if comb(n - 1, lines - 1) > EXACT_BUDGET:
        return _dp_split(ws, lines, measure, language)
    best = None
    for cuts in combinations(range(1, n), lines - 1):
        parts = [list(ws[a:b]) for a, b in zip((0, *cuts), (*cuts, n))]
        widths = [_width(p) for p in parts]
        if max(widths) > measure:
            continue
        cost = sum((measure - w) ** 2 for w in widths[:-1]) / lines + (max(widths) - min(widths)) ** 2
        cost -= EDITOR_SPACE * sum(1 for c in cuts if ws[c].space)
        cost += SHORT_LAST if _short(parts[-1], language) else 0.0
        if best is None or cost < best[0]:
            best = (cost, parts)
    return best


def _dp_split(ws: tuple[Word, ...], lines: int, measure: float, language: str):
    """The cut of a long title by dynamic programming, in O(words² × lines): each line as
    near the even share of the title as it can be (squared), the editor's spaces preferred,
    no short last line — the exact search's aims, in a form that adds up line by line."""
    n = len(ws)
    share = _width(list(ws)) / lines
    width = lambda a, b: _width(list(ws[a:b]))  # noqa: E731
    best: dict[tuple[int, int], tuple[float, int]] = {(0, 0): (0.0, -1)}  # (line count, end) → (cost, start)
    for count in range(1, lines + 1):
        for end in range(count, n + 1):
            options = []
            for start in range(count - 1, end):
                if (count - 1, start) not in best or width(start, end) > measure:
                    continue
                cost = best[(count - 1, start)][0] + (share - width(start, end)) ** 2
                cost -= EDITOR_SPACE if start and ws[start].space else 0.0
                options.append((cost, start))
            if options:
                best[(count, end)] = min(options)
    if (lines, n) not in best:
        return None
    cuts, end = [], n
    for count in range(lines, 0, -1):
        start = best[(count, end)][1]
        cuts.append((start, end))
        end = start
    parts = [list(ws[a:b]) for a, b in reversed(cuts)]
    return best[(lines, n)][0] + (SHORT_LAST if _short(parts[-1], language) else 0.0), parts


def _short(line: list[Word], language: str) -> bool:
    if language == "en":
        return len(line) == 1
    return sum(1 for c in "".join(w.text for w in line) if is_han(c) or c.isalnum()) <= 2


def _greedy(ws: list[Word], measure: float) -> list[list[Word]]:
    """Word by word when no balanced split fits (a word wider than the measure)."""
    lines: list[list[Word]] = [[]]
    for word in ws:
        if lines[-1] and _width(lines[-1] + [word]) > measure:
            lines.append([])
        lines[-1].append(word)
    return lines



# --- from typeset HTML to units and lines ------------------------------------------------------

#: a unit longer than this (characters) may still break inside (a long English word, a URL)
LONGEST_UNIT = 12
_PIECE = re.compile(r"(<[^>]+>|&[#\w]+;)")
_VOID = ("<br", "<wbr", "<img")


@dataclass(frozen=True)
class Unit:
    word: Word
    html: str  # its typeset HTML, without the space before it


def units(html: str, language: str) -> list[Unit]:
    """A typeset title line cut into its words' HTML. A cut that would fall inside a span
    of typeset.py (a nobr, a Latin run) is not made: those words stay one unit."""
    pieces = [p for p in _PIECE.split(str(html)) if p]
    plain = "".join(_text_of(p) for p in pieces)
    found, starts, position = words(plain, language), {}, 0
    for word in found:
        position = plain.index(word.text, position)
        starts[position] = word
        position += len(word.text)
    chunks: list[list] = [[None, []]]  # [word, html parts]; the first holds tags before any word
    depth, offset, zero = 0, 0, 0  # zero: where in the current chunk the depth was last 0
    for piece in pieces:
        if piece.startswith("<"):
            depth += -1 if piece.startswith("</") else (0 if piece.startswith(_VOID) else 1)
            chunks[-1][1].append(piece)
            if depth == 0:
                zero = len(chunks[-1][1])
            continue
        for char in ([_text_of(piece)] if piece.startswith("&") else piece):
            word = starts.get(offset)
            if word is not None and (chunks[-1][0] is None or zero is not None):
                moved = chunks[-1][1][zero or 0:] if chunks[-1][0] is not None else chunks.pop()[1]
                if chunks and chunks[-1][0] is not None:
                    del chunks[-1][1][zero:]
                chunks.append([word, moved])
            elif word is not None:  # inside a span: the word joins the unit before
                last = chunks[-1][0]
                chunks[-1][0] = Word(last.text + (" " if word.space else "") + word.text, last.space)
            chunks[-1][1].append(piece if piece.startswith("&") else char)
            offset += 1
            zero = len(chunks[-1][1]) if depth == 0 else None
    return [Unit(word, "".join(parts).strip(" ")) for word, parts in chunks]


def _text_of(piece: str) -> str:
    if piece.startswith("<"):
        return ""
    return html_module.unescape(piece) if piece.startswith("&") else piece


def line_html(line: list[Unit]) -> Markup:
    """A title line: each unit unbreakable (unless very long), a space where the editor
    typed one."""
    out = []
    for number, unit in enumerate(line):
        plain = len(unit.word.text)
        english = not any(is_han(c) for c in unit.word.text)  # breaks only at its spaces anyway
        body = unit.html if plain > LONGEST_UNIT or english else f'<span class="w">{unit.html}</span>'
        out.append((" " if number and unit.word.space else "") + body)
    return Markup("".join(out))


def set_title(story, width: float, size: float) -> tuple[Markup, ...]:
    """A story's title as printed in a block `width` pt wide at `size` pt: each line the
    editor broke it into, balanced over as many lines as the measure needs."""
    measure = width / size * 0.98  # a hair narrower: the estimate of Latin widths is rough
    return _set(tuple(tuple(forced) for forced in story.title_units), measure, story.language)


@lru_cache(maxsize=4096)
def _set(title_units: tuple, measure: float, language: str) -> tuple[Markup, ...]:
    """Kept: a page is composed from some 70 titles at several measures, and a warm process
    (the preview) composes it again on every edit, mostly with the same titles."""
    lines = []
    for forced in title_units:
        lines += [line_html(part) for part in balance_units(list(forced), measure, language)]
    return tuple(lines)


def balance_units(line: list[Unit], measure: float, language: str) -> list[list[Unit]]:
    parts, start = [], 0
    for words_ in balance([u.word for u in line], measure, language):
        parts.append(line[start:start + len(words_)])
        start += len(words_)
    return parts
