"""A small, independent reader of Chinese typesetting in a finished PDF, for the tests.

It reads glyph positions with PyMuPDF and knows the source text (the issue's YAML), so it
can tell a paragraph's last line from a line that fell short. Rules from W3C clreq and
GB/T 15834-2011 §5; see docs/typesetting.md.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf
import yaml

from bulletinpress.compose.chars import is_han

CLOSING = set("，。、；：？！”’）》」』】〕〉")
OPENING = set("“‘（《「『【〔〈")
PUNCT = CLOSING | OPENING
NO_LINE_START = CLOSING | set("·・／～%‰℃")
LOOSE = 0.08  # em: gaps at which justify.py treats a line as loose


def is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass
class Glyph:
    char: str
    x0: float
    x1: float
    size: float
    font: str
    gid: int


@dataclass
class Line:
    page: int
    baseline: float
    glyphs: list[Glyph] = field(default_factory=list)
    col_left: float = 0.0
    col_right: float = 0.0

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    @property
    def ink(self) -> list[Glyph]:
        return [g for g in self.glyphs if not g.char.isspace()]

    @property
    def size(self) -> float:
        return statistics.mode(round(g.size, 1) for g in self.ink)

    @property
    def x0(self) -> float:
        return self.ink[0].x0

    @property
    def x1(self) -> float:
        """The line's right end: a —— drawn as one glyph gives its second dash an empty box
        at the glyph's start, so the last character is not always the rightmost."""
        return max(glyph.x1 for glyph in self.ink[-2:])

    def gaps(self) -> list[float]:
        """Gaps between neighbouring Han characters, in em."""
        ink = self.ink
        return [(b.x0 - a.x1) / a.size for a, b in zip(ink, ink[1:]) if is_han(a.char) and is_han(b.char)]

    @property
    def loose(self) -> bool:
        """Stretched so far that justification gave compressed marks their half em back
        (before that, its gaps were at least LOOSE em)."""
        gaps = self.gaps()
        return bool(gaps) and statistics.median(gaps) + 0.5 / len(gaps) >= LOOSE - 0.005


def read_lines(pdf: Path) -> list[Line]:
    """Lines in content-stream order (WeasyPrint draws in document order)."""
    lines: list[Line] = []
    with pymupdf.open(pdf) as doc:
        for number, page in enumerate(doc, 1):
            current = None
            for span in page.get_texttrace():
                for codepoint, gid, origin, bbox in span["chars"]:
                    glyph = Glyph(chr(codepoint), bbox[0], bbox[2], span["size"], span["font"], gid)
                    new = (
                        current is None
                        or abs(origin[1] - current.baseline) > 0.3 * span["size"]
                        or (current.glyphs and glyph.x0 < current.glyphs[-1].x0 - 0.3 * span["size"])
                    )
                    if new:
                        current = Line(number, origin[1])
                        lines.append(current)
                    current.glyphs.append(glyph)
    lines = [line for line in lines if line.ink]
    _columns(lines)
    return lines


def _columns(lines: list[Line]) -> None:
    """Column edges from the lines themselves. WeasyPrint draws in document order, so the
    lines of one column come one after another, each lower than the last: a line that is
    higher than the one before, of another size, or starts left of the column or right of
    its indented first lines, begins another column. A column's right edge is where most of
    its lines end (justified text is mostly full lines), its left edge where most start."""
    runs: list[list[Line]] = []
    for line in lines:
        run = runs[-1] if runs else None
        if run is None or not _same_column(run, line):
            runs.append([line])
        else:
            run.append(line)
    for run in runs:
        # a line that ends with a closing mark may end half an em early (pushed in: the mark
        # at half width, its glyph box still a full em): it supports both places
        right = _edge(run, _ends, max)
        left = min(max(_starts(line)) for line in run)  # the leftmost: indented lines may be most
        for line in run:
            line.col_left, line.col_right = left, right


def _edge(run: list[Line], places, pick) -> float:
    """The place (within 0.6 pt) that most of the run's lines may end at; of equals, `pick`'s."""
    def support(value: float) -> int:
        return sum(any(abs(place - value) <= 0.6 for place in places(line)) for line in run)

    values = [value for line in run for value in places(line)]
    best = max(map(support, values))
    return pick(value for value in values if support(value) == best)


def _ends(line: Line) -> list[float]:
    """Where the line may end: its last glyph box's end, or half an em before it for a mark
    set half width."""
    last = line.ink[-1]
    return [line.x1, last.x0 + last.size / 2] if last.char in CLOSING else [line.x1]


def _starts(line: Line) -> list[float]:
    """Where the line may start: its first glyph box, or half an em after it for an opening
    mark set half width (its glyph drawn half an em to the left)."""
    first = line.ink[0]
    return [line.x0, first.x0 + first.size / 2] if first.char in OPENING else [line.x0]


def _same_column(run: list[Line], line: Line) -> bool:
    last = run[-1]
    left = min(l.x0 for l in run)
    return (
        line.page == last.page and abs(line.size - last.size) < 0.01
        and line.baseline > last.baseline and line.baseline - last.baseline < 3 * line.size * 1.6
        and abs(line.x0 - left) <= 4.5 * line.size  # indented first lines start up to 2 em in
    )


def squash(text: str) -> str:
    return re.sub(r"[\s*]+", "", text).translate(STRAIGHT)


#: English is printed with typographic quotes (markup.smart_quotes); texts compare straight
STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


@dataclass
class Source:
    """The issue's paragraphs and headlines, read straight from the YAML."""

    paragraphs: list[str]
    headlines: list[str]

    @classmethod
    def read(cls, path: Path) -> Source:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        paragraphs, headlines = [], []
        for article in ([data["lead"]] if data.get("lead") else []) + data.get("reports", []):
            paragraphs += [squash(p) for p in re.split(r"\n\s*\n", article["body"].strip())]
            headlines += [squash(line) for line in article["title"].splitlines() if line.strip()]
        if data.get("briefs"):
            paragraphs += [squash(item) for item in data["briefs"]["items"]]
        return cls(paragraphs, headlines)

    def ends_paragraph(self, line: Line) -> bool:
        text = squash(line.text).lstrip("◆")  # a brief's marker is drawn, not in the source
        return any(p.endswith(text) for p in self.paragraphs)

    def starts_paragraph(self, line: Line) -> bool:
        text = squash(line.text)
        return len(text) >= 4 and any(p.startswith(text) for p in self.paragraphs)


def body_lines(lines: list[Line], source: Source) -> list[Line]:
    """Lines of body text: set mostly in the body face (宋体), their text inside a source
    paragraph (district labels and headlines are set in 黑体)."""
    joined = "\n".join(source.paragraphs)

    def in_body_face(line: Line) -> bool:
        return statistics.mode("Serif" in g.font for g in line.ink)

    return [
        line for line in lines
        if len(squash(line.text)) >= 2 and in_body_face(line) and squash(line.text).lstrip("◆") in joined
    ]


# --- the rules ------------------------------------------------------------------

def not_flush(lines: list[Line], source: Source, tol: float = 0.5) -> list[str]:
    """Non-final lines of justified body text must end at the column edge."""
    bad = []
    for line in body_lines(lines, source):
        if source.ends_paragraph(line):
            continue
        ends = [line.x1]
        if line.ink[-1].char in CLOSING:  # a compressed mark ends half an em early
            ends.append(line.ink[-1].x0 + line.ink[-1].size / 2)
        if min(abs(end - line.col_right) for end in ends) > tol:
            bad.append(f"p{line.page} ends {line.x1 - line.col_right:+.2f} pt from the edge: {line.text}")
    return bad


def kinsoku(lines: list[Line], source: Source) -> list[str]:
    bad = []
    body = body_lines(lines, source)
    for line, following in zip(body, body[1:] + [None]):
        text = line.text.strip()
        if text[0] in NO_LINE_START and not source.starts_paragraph(line):
            bad.append(f"p{line.page} line starts with {text[0]}: {text}")
        if text[-1] in OPENING:
            bad.append(f"p{line.page} line ends with {text[-1]}: {text}")
        if following is not None:
            nxt = following.text.strip()
            for mark in "—…":
                if text.endswith(mark) and not text.endswith(mark * 2) and nxt.startswith(mark):
                    bad.append(f"p{line.page} {mark * 2} split: {text} / {nxt}")
            if re.search(r"[0-9]$", text) and re.match(r"[%‰℃]", nxt):
                bad.append(f"p{line.page} number split from its unit: {text} / {nxt}")
    return bad


def uncompressed_pairs(lines: list[Line]) -> list[str]:
    """Two adjacent full-width marks take 1.5 em, except in a loose line, where
    justification gives the compressed half em back first."""
    bad = []
    for line in lines:
        if line.loose:
            continue
        ink = line.ink
        for a, b in zip(ink, ink[1:]):
            if a.char in PUNCT and b.char in PUNCT and (b.x0 - a.x0) / a.size > 0.6:
                bad.append(f"p{line.page} {a.char}{b.char} takes {(b.x0 - a.x0) / a.size + 1:.2f} em: {line.text}")
    return bad


def latin_gaps(lines: list[Line]) -> tuple[list[float], list[str]]:
    """Gaps between a Han character and a Latin letter or digit, in em."""
    found, bad = [], []
    for line in lines:
        glyphs = line.glyphs  # a real space between the two is no gap of ours
        for a, b in zip(glyphs, glyphs[1:]):
            if (is_han(a.char) and is_latin(b.char)) or (is_latin(a.char) and is_han(b.char)):
                gap = (b.x0 - a.x1) / a.size
                if gap > 1.5:  # a space, or two separate pieces of text on one baseline
                    continue
                found.append(gap)
                # a quarter em; an eighth on a line pushed in (JIS X 4051's least); wider when loose
                if not (0.11 <= gap <= 0.3 or (line.loose and 0.2 <= gap <= 0.75)):
                    bad.append(f"p{line.page} {a.char}{b.char} gap {gap:.3f} em: {line.text}")
    return found, bad


def indents(lines: list[Line], source: Source, em: float = 2.0) -> list[str]:
    """Every paragraph's first line indented `em`. A line starts a paragraph when its text
    begins one and the body line before it ends one (or a headline or label came between):
    a column may begin inside a paragraph with words that begin another."""
    bad = []
    body = body_lines(lines, source)
    inside = {id(line) for line in body}
    previous = {id(line): before for before, line in zip(lines, lines[1:])}
    for line in body:
        before = previous.get(id(line))
        after_one = before is None or id(before) not in inside or source.ends_paragraph(before)
        if source.starts_paragraph(line) and after_one and line.ink[0].char != "◆":
            indent = (line.x0 - line.col_left) / line.size
            if abs(indent - em) > 0.1:
                bad.append(f"p{line.page} indent {indent:.2f} em: {line.text}")
    return bad


def lone_characters(lines: list[Line], source: Source) -> list[str]:
    """孤字: a paragraph's last line holding a single Han character."""
    bad = []
    for line in body_lines(lines, source):
        han = [c for c in line.text if is_han(c)]
        if source.ends_paragraph(line) and len(han) == 1 and not source.starts_paragraph(line):
            bad.append(f"p{line.page} last line holds one character: {line.text}")
    return bad


def stranded_headlines(lines: list[Line], source: Source) -> list[str]:
    """A headline must have at least two lines of its text below it: on the same page, and
    for a headline set in a column, in that column."""
    bad = []
    heads = {i for i, line in enumerate(lines) if squash(line.text) and any(squash(line.text) in h for h in source.headlines)}
    body = set(map(id, body_lines(lines, source)))
    for i in sorted(heads):
        head = lines[i]
        if i + 1 in heads:
            continue  # the headline goes on on the next line
        after = [line for line in lines[i + 1 :] if id(line) in body][:2]
        first = i
        while first - 1 in heads:  # the headline's earlier lines: a centred last line is narrow
            first -= 1
        widest = max(lines[j].x1 - lines[j].x0 for j in range(first, i + 1))
        spans_columns = bool(after) and widest > after[0].col_right - after[0].col_left + 1
        # a headline centred over a block of several columns: the columns just under it
        under = [line for line in lines[i + 1 : i + 200] if id(line) in body and line.page == head.page
                 and 0 < line.baseline - head.baseline < 8 * head.size]
        if under and not spans_columns:
            left, right = min(line.col_left for line in under), max(line.col_right for line in under)
            columns = {round(line.col_left) for line in under}
            spans_columns = len(columns) > 1 and left - 1 <= head.x0 and head.x1 <= right + 1
        ok = len(after) == 2 and all(line.page == head.page for line in after) and (
            spans_columns or all(line.col_left <= head.x0 + 1 and line.col_right >= head.x1 - 1 for line in after)
        )
        if not ok:
            bad.append(f"p{head.page} headline without two lines below it: {head.text}")
    return bad


def extraction_problems(text: str, source_text: str = "") -> list[str]:
    """Copy-paste: no space between two Han characters (unless the source has one there),
    no private-use characters, no joiners."""
    bad = [
        f"space in {m.group()!r}"
        for m in re.finditer(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", text)
        if m.group()[0] + " " + m.group()[-1] not in source_text
    ]
    bad += [f"private-use U+{ord(c):04X}" for c in text if 0xE000 <= ord(c) <= 0xF8FF]
    bad += [f"joiner U+{ord(c):04X}" for c in text if c in "\u200b\u200c\u200d\u2060\ufeff"]
    return bad


def letter_spaced(lines: list[Line], most: float = 0.05) -> list[str]:
    """Runs of Latin letters or digits spaced out: three or more gaps in a row, each wider
    than `most` em, between consecutive ones (1 0 0, E l e c t r o). One wide gap is a word
    space (spaces are not glyphs in WeasyPrint's PDF), not letter-spacing."""
    found = []
    for line in lines:
        run = []
        for a, b in zip(line.glyphs, line.glyphs[1:]):
            spaced = is_latin(a.char) and is_latin(b.char) and (b.x0 - a.x1) / a.size > most
            run = run + [a.char + b.char] if spaced else []
            if len(run) == 3:
                found.append(f"p{line.page} {''.join(p[0] for p in run)} spaced out: {line.text[:30]}")
    return found
