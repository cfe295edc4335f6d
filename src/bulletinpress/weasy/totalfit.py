"""Total-fit line breaking for justified Chinese: the breaks of a whole paragraph chosen
together (Knuth & Plass, "Breaking paragraphs into lines", 1981), not one line at a time.

A narrow Chinese column has few ways to end a line well: the line that takes the last
character that fits may leave the next one a character short, and only stretching can
fill it. Choosing all the breaks at once lets an earlier line give up a character (or
push its marks in) so that no line is left loose for nothing, and the last line is not a
single character (孤字).

The text here is already measured (weasy/paragraphs.py measures it with Pango): each
character's width as the line breaker sets it, with compressible marks at half width
(clreq §3.8 "push in before pushing out"). This module knows no WeasyPrint and is tested
on its own. A line's cost follows TeX: badness 100·(r/LOOSE_GAP)³ where r is the gap each
character gets when the line is justified, demerits (LINE_PENALTY + badness)².
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate

#: the extra gap between characters (in em) that makes a line's badness 100: near where
#: text extractors start to read gaps as spaces (justify.py's NEAR_WORD_BREAK)
LOOSE_GAP = 0.1
#: the badness of a line that cannot stretch enough ("awful but allowed")
AWFUL = 10_000
#: demerits of every line: fewer lines are better, all else equal
LINE_PENALTY = 10
#: badness per em of marks a line keeps compressed: none, as clreq takes the character that
#: fits with its marks pushed in rather than leave it to the next line (推入优先)
PUSHED_IN = 0
#: demerits of a last line that holds a single Han character (孤字)
ORPHAN = 40_000
#: the width (in em) a line may run over its measure: none but float rounding, as WeasyPrint
#: allows (split_inline_box: max_x × (1 + 1e-9))
TOLERANCE = 1e-7


@dataclass
class Measured:
    """A paragraph as the breaker sees it, character by character.

    widths: each character's advance as laid out (pt), marks pushed in;
    give: the room each gives back once the line has it (a pushed-in mark's half em);
    stretch: whether the gap after the character widens when the line is justified;
    breaks: whether a line may end before the character (index 0 unused);
    spaces: a collapsible space, dropped at a line's end;
    han: a Han character (counted for 孤字)."""

    widths: list[float]
    give: list[float]
    stretch: list[bool]
    breaks: list[bool]
    spaces: list[bool]
    han: list[bool]
    em: float
    _sums: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.widths)

    def prefix(self, name: str) -> list[float]:
        """A field's prefix sums (made once): prefix[i] is the sum over characters 0..i-1."""
        sums = self._sums.get(name)
        if sums is None:
            sums = self._sums[name] = [0, *accumulate(getattr(self, name))]
        return sums

    def sum(self, name: str, start: int, end: int) -> float:
        """The sum of a field over characters start..end-1."""
        sums = self.prefix(name)
        return sums[end] - sums[start]


def breaks(text: Measured, width: float, first: float | None = None, start: int = 0) -> list[int] | None:
    """Where the lines of text[start:] end (each index is the first character of the next
    line; the last is len(text)), the lines `width` wide (the first `first`), chosen for
    the least total demerits. None when some unbreakable piece is wider than a line: the
    caller then lets WeasyPrint break greedily, as it would without us.

    The dynamic programme looks back from each break only as far as a line can reach
    (lines from earlier breaks are only wider), over prefix sums: a paragraph of n
    characters in lines of k costs about n·k steps."""
    n = len(text)
    if start >= n:
        return [n]
    candidates = [start, *(i for i in range(start + 1, n) if text.breaks[i]), n]
    widths, gives, stretches, hans = (text.prefix(name) for name in ("widths", "give", "stretch", "han"))
    spaces, own, em = text.spaces, text.widths, text.em
    slack = TOLERANCE * em
    best: dict[int, tuple[float, int]] = {start: (0.0, -1)}
    for j in range(1, len(candidates)):
        end = candidates[j]
        last = end == n
        trail = own[end - 1] if spaces[end - 1] else 0.0
        found = None
        for k in range(j - 1, -1, -1):
            begin = candidates[k]
            measure = first if (begin == start and first is not None) else width
            natural = widths[end] - widths[begin] - trail - (own[begin] if spaces[begin] and end - begin > 1 else 0.0)
            if natural > measure + slack:
                break  # lines from earlier breaks are only wider
            before = best.get(begin)
            if before is None:
                continue
            if last:
                cost = LINE_PENALTY**2 + (ORPHAN if begin > 0 and hans[end] - hans[begin] <= 1 else 0)
            else:
                cost = (LINE_PENALTY + _badness(measure - natural, gives[end] - gives[begin],
                                                stretches[end - 1] - stretches[begin], em)) ** 2
            total = before[0] + cost
            if found is None or total < found[0]:
                found = (total, begin)
        if found is not None:
            best[end] = found
    if n not in best:
        return None
    ends, end = [], n
    while end != start:
        ends.append(end)
        end = best[end][1]
    return ends[::-1]


def _badness(room: float, give: float, gaps: float, em: float) -> float:
    """How loose a line is: the gap each character gets once its marks have their half em
    back (100 at LOOSE_GAP); a line that keeps marks pushed in costs PUSHED_IN per em."""
    if room <= give:
        return PUSHED_IN * (give - max(room, 0.0)) / em
    loose = (room - give) / em
    if not gaps:
        return 0.0 if loose < 0.05 else AWFUL
    return min(100 * (loose / gaps / LOOSE_GAP) ** 3, AWFUL)


def first_fit(text: Measured, width: float, first: float | None = None) -> list[int] | None:
    """The breaks WeasyPrint makes on its own (each line takes all that fits, marks pushed
    in), or None when a piece fits no line."""
    n = len(text)
    candidates = [i for i in range(1, n) if text.breaks[i]] + [n]
    ends, begin, previous = [], 0, None
    for end in candidates:
        measure = first if (begin == 0 and first is not None) else width
        if _natural(text, begin, end) <= measure + TOLERANCE * text.em:
            previous = end
            continue
        if previous is None:
            return None
        ends.append(previous)
        begin, previous = previous, None
        if _natural(text, begin, end) > width + TOLERANCE * text.em:
            return None
        previous = end
    ends.append(n)
    return ends


def good_enough(text: Measured, ends: list[int], width: float, first: float | None = None) -> bool:
    """No line but the last looser than FINE_GAP, and the last not a single character: the
    plan total fit would make is no better worth the time."""
    begins = [0, *ends[:-1]]
    for begin, end in zip(begins[:-1], ends[:-1]):
        if badness(text, begin, end, first if (begin == 0 and first is not None) else width) > FINE:
            return False
    return demerits(text, begins[-1], ends[-1], width) < ORPHAN


#: the gap (em) up to which a line broken greedily is left as it is
FINE_GAP = 0.03
FINE = 100 * (FINE_GAP / LOOSE_GAP) ** 3


def _natural(text: Measured, begin: int, end: int) -> float:
    """The line's width as set, without the spaces dropped at its ends."""
    width = text.sum("widths", begin, end)
    if text.spaces[end - 1]:
        width -= text.widths[end - 1]
    if text.spaces[begin] and end - begin > 1:
        width -= text.widths[begin]
    return width


def demerits(text: Measured, begin: int, end: int, measure: float) -> float:
    """The cost of one line: its badness (how far its gaps must stretch, or how many marks
    stay pushed in) and, for the last line, whether it is a 孤字."""
    if end == len(text):
        orphan = ORPHAN if text.sum("han", begin, end) <= 1 and begin > 0 else 0
        return LINE_PENALTY**2 + orphan
    return (LINE_PENALTY + badness(text, begin, end, measure)) ** 2


def badness(text: Measured, begin: int, end: int, measure: float) -> float:
    return _badness(measure - _natural(text, begin, end), text.sum("give", begin, end),
                    text.sum("stretch", begin, end - 1), text.em)
