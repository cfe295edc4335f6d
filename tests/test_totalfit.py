"""Total-fit line breaking (weasy/totalfit.py) on measured text made here: characters of
known widths, some runs unbreakable, some marks pushed in. Each case is one a line-at-a-time
breaker (first fit, as WeasyPrint) gets wrong, worked out by hand."""

from __future__ import annotations

import pytest

from bulletinpress.weasy import totalfit

EM = 10.0


def measured(pattern: str) -> totalfit.Measured:
    """Text from a pattern: `x` a Han character (1 em), `,` a mark pushed in to half an em
    that gives its half back, `[...]` characters no line may break inside (a Latin word,
    a nowrap pair)."""
    widths, give, breaks, han = [], [], [], []
    inside = False
    for char in pattern:
        if char == "[":
            inside, first = True, True
            continue
        if char == "]":
            inside = False
            continue
        breaks.append(not inside or first)
        first = False
        widths.append(EM / 2 if char == "," else EM)
        give.append(EM / 2 if char == "," else 0.0)
        han.append(char == "x")
    breaks[0] = False
    for i, char in enumerate(c for c in pattern if c not in "[]"):
        if char == "," and i + 1 < len(breaks):
            breaks[i] = False  # no line starts with a mark
    n = len(widths)
    return totalfit.Measured(widths, give, [True] * (n - 1) + [False], breaks, [False] * n, han, EM)


def lines(text: totalfit.Measured, ends: list[int]) -> list[tuple[int, int]]:
    """The (begin, end) of each line of a plan."""
    return list(zip([0, *ends[:-1]], ends))


def first_fit(text: totalfit.Measured, width: float) -> list[int]:
    """WeasyPrint's way: each line takes all that fits."""
    ends, begin = [], 0
    while begin < len(text):
        end = begin + 1
        for candidate in range(begin + 1, len(text) + 1):
            if candidate == len(text) or text.breaks[candidate]:
                if totalfit._natural(text, begin, candidate) <= width:
                    end = candidate
                else:
                    break
        ends.append(end)
        begin = end
    return ends


def worst_gap(text: totalfit.Measured, ends: list[int], width: float) -> float:
    """The widest gap (in em) a justified line of the plan needs, the last line not counted."""
    worst = 0.0
    for begin, end in lines(text, ends)[:-1]:
        room = width - totalfit._natural(text, begin, end) - text.sum("give", begin, end)
        worst = max(worst, room / max(end - begin - 1, 1) / EM)
    return worst


def test_the_slack_a_run_forces_is_shared_not_left_to_one_line():
    # sixteen characters and a five-character run that fits no line with six before it:
    # first fit fills line 1 and leaves line 2 six characters wide, four ems short (0.8 em
    # between characters); total fit sets two lines of eight, each 0.29 em loose
    text = measured("x" * 16 + "[xxxxx]")
    width = 10 * EM
    greedy, best = first_fit(text, width), totalfit.breaks(text, width)
    assert greedy == [10, 16, 21] and worst_gap(text, greedy, width) == pytest.approx(0.8)
    assert best == [8, 16, 21]
    assert worst_gap(text, best, width) < 0.3


def test_total_fit_never_costs_more_than_first_fit():
    for pattern in ("x" * 37, "xx[xxx]x,xxxx[xx]xx,xxx[xxxx]xxxxx,x[xxx]xxxx", "[xxxxx]x,[xxxx]xxx" * 4):
        text = measured(pattern)
        for columns in (7, 9, 12, 17):
            width = columns * EM
            greedy, best = first_fit(text, width), totalfit.breaks(text, width)
            cost = lambda ends: sum(totalfit.demerits(text, b, e, width) for b, e in lines(text, ends))
            assert cost(best) <= cost(greedy), (pattern, columns)


def test_a_mark_pushed_in_lets_the_line_take_the_character():
    # nine characters and two marks: 11 ems at full width, 10 with the marks at half
    text = measured("xxxx,xxxx,x" + "x" * 12)
    best = totalfit.breaks(text, 10 * EM)
    assert best[0] == 11, "the line takes the character after the marks, its marks pushed in"


def test_the_last_line_is_not_a_single_character():
    # 41 characters in 20-em lines: first fit leaves one on line 3; a line of 19, a twentieth
    # of an em looser, does not
    text = measured("x" * 41)
    greedy = first_fit(text, 20 * EM)
    assert [e - b for b, e in lines(text, greedy)] == [20, 20, 1]
    best = totalfit.breaks(text, 20 * EM)
    assert [e - b for b, e in lines(text, best)][-1] == 2 and worst_gap(text, best, 20 * EM) < 0.06, best


def test_a_piece_wider_than_the_line_is_left_to_the_greedy_breaker():
    assert totalfit.breaks(measured("xx[xxxxxxxxxxxx]xx"), 10 * EM) is None


@pytest.mark.parametrize("start", [0, 5, 13])
def test_planning_again_from_a_line_start(start):
    text = measured("x" * 40)
    ends = totalfit.breaks(text, 10 * EM, start=start)
    assert ends[0] == start + 10 and ends[-1] == 40


def test_the_first_line_has_its_own_measure():
    text = measured("x" * 30)
    assert totalfit.breaks(text, 10 * EM, first=8 * EM)[:2] == [8, 18]
