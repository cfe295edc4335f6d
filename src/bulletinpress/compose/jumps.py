"""Jumps (转版) made real: a planned jump cut in the article's text, both parts measured,
the cut settled so the page fills, and the pages after it planned again with the real rest.

paginate.py plans a jump on lines estimated from the whole article's measured lines. Here
the text is cut (context.split_story: first part with （下转第N版）, the rest with
（上接第M版）), WeasyPrint measures both parts, and the cut moves line by line (a binary
search, each try measured) until the page arranges full.
"""

from __future__ import annotations

import math
from dataclasses import replace

from . import arrange, page as one_page
from . import measure as measuring
from . import paginate
from .context import split_story

#: tries at a cut before the nearest one is kept
TRIES = 7


class Cutter:
    """Cuts articles for one body size: what measuring and building pieces need."""

    def __init__(self, ctx: dict, settings, grid: arrange.Grid, size: measuring.Sizes, measurer, more: bool):
        self.ctx, self.settings, self.grid, self.size, self.measurer, self.more = ctx, settings, grid, size, measurer, more

    def parts(self, whole: arrange.Piece, lines: int, page: int, chars: int | None = None) -> tuple[paginate.Part, paginate.Part] | None:
        """The whole piece cut after `lines` lines of a basic column (or after `chars`
        characters), on page `page` (from 0): both parts measured, or None when the text
        cannot be cut there."""
        chars = chars or sum(whole.flows["col"].chars[:lines])
        first_story, rest_story = split_story(whole.story, chars, page + 2, page + 1)
        if rest_story is None:
            return None
        key = whole.loc
        requests = self._requests(f"{key}#first", first_story, whole.kind)
        requests += measuring.report_requests(f"{key}#rest", rest_story, self.settings, self.grid, self.size, self.more,
                                              title_scale=paginate.TAIL_TITLE)
        found = self.measurer(requests, self.grid.width)
        first = self._piece(f"{key}#first", first_story, whole, found)
        rest = one_page.report_piece(f"{key}#rest", rest_story, found, self.size, self.settings, self.grid, {}, self.more,
                                     title_scale=paginate.TAIL_TITLE)
        return paginate.Part.of(first, whole, lines, True), paginate.Part.of(rest, whole, lines, False)

    def _requests(self, key: str, story, kind: str) -> list:
        if kind == "lead":
            return measuring.lead_requests(key, story, self.settings, self.grid, self.size, self.more)
        return measuring.report_requests(key, story, self.settings, self.grid, self.size, self.more)

    def _piece(self, key: str, story, whole: arrange.Piece, found: dict) -> arrange.Piece:
        if whole.kind == "lead":
            piece = one_page.lead_piece(key, story, found, self.size, self.settings, self.grid, self.more)
        else:
            piece = one_page.report_piece(key, story, found, self.size, self.settings, self.grid,
                                          self.ctx["hints"].get(whole.loc, {}), self.more)
        return replace(piece, span=whole.span, position=whole.position, photo_size=whole.photo_size, cache={})


def settle(planner: paginate.Planner, plan: paginate.Plan, cutter: Cutter) -> paginate.Plan:
    """The plan with every estimated jump replaced by a measured one, page by page; the
    pages after a jump are planned again with the measured rest."""
    sheets = list(plan.sheets)
    index = 0
    while index < len(sheets):
        sheet = sheets[index]
        if sheet.jumped and isinstance(sheet.pieces[-1], paginate.Part) and not _measured(sheet.pieces[-1]):
            settled = _settle(planner, sheet, cutter)
            if settled is None:  # the text cannot be cut there: the article stays whole, and the page says so
                whole = sheet.jumped[0]
                kept = planner.sheet(sheet.frame, sheet.pieces[:-1] + (whole,))
                kept.following = sheet.following
                sheets = sheets[:index] + [kept] + planner.best(index + 1, sheet.following, ()).sheets
            else:
                sheet, rest, after = _evened(planner, *settled, cutter)
                sheets = sheets[:index] + [sheet] + after.sheets
        index += 1
    return _totals(sheets)


#: tries at moving a settled cut back, so the page the rest opens on fills too
EVENING = 3


def _evened(planner: paginate.Planner, sheet: paginate.Sheet, rest: paginate.Part, cutter: Cutter):
    """A cut that fills its page may still leave the rest's page short: the page before it
    holds a range of cuts (its leading and photos give), so the cut moves back by about the
    lines that page lacks, as long as its own page still fills. The sheet, the rest and the
    plan of the pages after it."""
    whole, lines = sheet.jumped
    after = planner.best(sheet.frame.index + 1, sheet.following, (rest,))
    for _ in range(EVENING):
        following = after.sheets[0] if after.sheets else None
        if after.fits or following is None or following.excess >= 0:
            break
        line = whole.flows["col"].line_height
        lines -= math.ceil(-following.excess / line * planner.grid.columns * 0.8)
        parts = cutter.parts(whole, lines, sheet.frame.index) if lines >= paginate.JUMP_LINES else None
        tried = planner.sheet(sheet.frame, sheet.pieces[:-1] + (parts[0],)) if parts else None
        if tried is None or not tried.fits:
            break
        tried.following, tried.jumped = sheet.following, (whole, lines)
        candidate = planner.best(sheet.frame.index + 1, sheet.following, (parts[1],))
        if candidate.rank >= after.rank:
            break
        sheet, rest, after = tried, parts[1], candidate
    return sheet, rest, after


def _measured(part: paginate.Part) -> bool:
    return part.story is not part.whole.story


def _settle(planner: paginate.Planner, sheet: paginate.Sheet, cutter: Cutter):
    """The measured cut that fills the page: first where the estimate put it, then stepping
    by about the lines the page is off by (its excess over a line, times the grid's columns)
    until the excess changes sign, then halving between the two; the nearest is kept when
    none fills it exactly. The estimate is close, so a few measured tries serve."""
    whole, estimate = sheet.jumped
    before = sheet.pieces[:-1]
    total = whole.flows["col"].count
    low, high = max(paginate.JUMP_LINES, math.ceil(total / 3)), total - paginate.JUMP_LINES
    lines, nearest = min(max(estimate, low), high), None
    line = whole.flows["col"].line_height
    for _ in range(TRIES):
        parts = cutter.parts(whole, lines, sheet.frame.index)
        if parts is None:
            break
        tried = planner.sheet(sheet.frame, before + (parts[0],))
        tried.following, tried.jumped = sheet.following, (whole, lines)
        if nearest is None or abs(tried.excess) < abs(nearest[0].excess):
            nearest = (tried, parts[1])
        if tried.fits:
            break
        low, high = (lines + 1, high) if tried.excess < 0 else (low, lines - 1)
        if low > high:
            break
        step = max(1, round(abs(tried.excess) / line * planner.grid.columns * 0.8))
        guess = lines + step if tried.excess < 0 else lines - step
        lines = guess if low <= guess <= high else (low + high) // 2
    if nearest is not None and not nearest[0].fits:  # a block fills its columns only at some cuts: the neighbours
        nearest = _neighbours(planner, sheet, cutter, nearest) or nearest
    return _aligned(planner, nearest, before, cutter) if nearest and nearest[0].fits else nearest


def _neighbours(planner: paginate.Planner, sheet: paginate.Sheet, cutter: Cutter, nearest: tuple):
    """The cuts a line or three either side of the nearest one: a block of several text
    columns passes only when its last column is at most a line short, so the cuts that fill
    the page lie a few lines apart."""
    whole, _ = sheet.jumped
    centre = nearest[0].jumped[1]
    for offset in (-1, 1, -2, 2, -3, 3):
        lines = centre + offset
        if lines < paginate.JUMP_LINES or whole.flows["col"].count - lines < paginate.JUMP_LINES:
            continue
        parts = cutter.parts(whole, lines, sheet.frame.index)
        tried = planner.sheet(sheet.frame, sheet.pieces[:-1] + (parts[0],)) if parts else None
        if tried is not None and tried.fits:
            tried.following, tried.jumped = sheet.following, (whole, lines)
            return tried, parts[1]
    return None


def _aligned(planner: paginate.Planner, settled: tuple, before: tuple, cutter: Cutter) -> tuple:
    """The cut moved to the end of a line as the first part is set on its page (its block's
    measure, not a basic column's): the text before a jump fills its last line, never a short
    line that looks like a paragraph's end. Kept when the page still fills."""
    sheet, rest = settled
    whole, lines = sheet.jumped
    flow = next((o.flow for row in sheet.rows for stack in row.stacks for o in stack.options
                 if isinstance(o.piece, paginate.Part) and o.piece.first), None)
    measured = whole.flows.get(flow)
    chars = sum(whole.flows["col"].chars[:lines])
    if measured is None or not measured.chars:
        return settled
    total, ends = 0, []
    for count in measured.chars:
        total += count
        ends.append(total)
    end = next((e for e in ends if e >= chars), None)
    if end is None or end == chars or end >= ends[-1]:
        return settled
    parts = cutter.parts(whole, lines, sheet.frame.index, chars=end)
    tried = planner.sheet(sheet.frame, before + (parts[0],)) if parts else None
    if tried is None or not tried.fits:
        return settled
    tried.following, tried.jumped = sheet.following, sheet.jumped
    return tried, parts[1]


def _totals(sheets: list[paginate.Sheet]) -> paginate.Plan:
    return paginate.Plan(sheets, sum(not s.fits for s in sheets), sum(abs(s.excess) for s in sheets),
                         sum(s.score + (paginate.JUMP_COST if s.jumped else 0.0) for s in sheets))
