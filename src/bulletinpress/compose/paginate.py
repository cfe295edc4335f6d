"""Pagination (分版): which article goes on which page, and where one is jumped (转版).

Above the one-page arrangement (arrange.py), which it calls for every page it weighs: a
paper of several pages is planned page by page in the file's order (the order of
importance). Each page takes the articles the editor pinned to it (`page: N`) and a run of
the others, in order; a search over where each page's run ends keeps the plans whose every
page arranges into a full page. Only runs whose copy is near a page's worth (estimated from
the measured heights) are arranged, so the work grows with the pages, not with their
combinations.

When no run fills a page — the next article would over-fill it — that article may be
jumped: its first part ends the page with （下转第N版）, the rest opens the next page under a
continuation head with （上接第M版）. The rules are the newsroom's: an article jumps at most
once and only forward, at least a third of it and JUMP_LINES lines stay before the jump and
JUMP_LINES follow it, the briefs never jump, and a plan without a jump is preferred (each
costs JUMP_COST). A jump is planned on lines estimated from the article's measured lines;
`jumps.py` then cuts the text for real, measures both parts and settles the cut.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from . import arrange

#: what a jump adds to a plan's score: a plan without one wins unless it leaves a page unfilled
JUMP_COST = 30.0
#: lines (of a basic column) that stay before a jump and that follow it, at the least
JUMP_LINES = 8
#: a page's run is arranged only when its copy is within these shares of the page's room
WINDOW = (0.65, 1.5)
#: the most runs weighed for one page: those whose estimate is nearest a full page
TRIES = 4
#: a continuation head's title, as a share of the layout's title size at its span
TAIL_TITLE = 0.8
#: white at a page's foot (pt) that nobody sees: the page counts as full
HAIR = 3.0
OVER_HAIR = 0.4
#: the most pages a layout without a fixed number makes
MOST_PAGES = 48


@dataclass(frozen=True)
class Frame:
    """Where rows may go on one page, in pt from the type area's top."""

    index: int  # from 0
    top: float
    bottom: float
    last: bool

    @property
    def area(self) -> float:
        return self.bottom - self.top


@dataclass
class Sheet:
    """A page as planned: its pieces in the file's order, and how they arrange."""

    frame: Frame
    pieces: tuple
    rows: list
    score: float
    excess: float  # 0 when it fits; pt over (positive) or under (negative) when it cannot
    following: int = 0  # where the next page's run starts, in the unpinned articles
    jumped: tuple | None = None  # (the whole piece, lines kept) when this page ends with a jump

    @property
    def fits(self) -> bool:
        return self.excess == 0.0


@dataclass
class Plan:
    """Pages from some page on: the sheets, and how good they are (lower is better)."""

    sheets: list[Sheet]
    misfits: int = 0
    off: float = 0.0  # pt of excess, over and under, added up
    cost: float = 0.0

    @property
    def rank(self) -> tuple:
        """Over-full pages first (their copy would be lost), then pages that miss at all, by
        how much, then the arrangements' cost."""
        return (sum(s.excess > 0 for s in self.sheets), self.misfits, round(self.off, 1), self.cost)

    @property
    def fits(self) -> bool:
        return self.misfits == 0


def frames(found: dict, grid: arrange.Grid, count: int, safety: float) -> list[Frame]:
    """The pages' room: page 1 under the masthead, the others under the running head (报眉),
    the last over the footer (版记)."""
    masthead = found["masthead"].height
    running = found.get("running-head")
    head = running.height + grid.gap if running is not None else 0.0
    footer = found["distribution"].height + grid.gap if found.get("distribution") else 0.0
    return [Frame(n, masthead if n == 0 else head, grid.height - (footer if n == count - 1 else 0.0) - safety, n == count - 1)
            for n in range(count)]


def need(piece: arrange.Piece, grid: arrange.Grid) -> float:
    """About how much room a piece takes, in pt of one basic column (an estimate, to choose
    which runs are worth arranging)."""
    if piece.kind == "briefs":
        flow = next(iter(piece.flows.values()))
        return (max(piece.heads.values()) + flow.split(grid.briefs_columns)[0] + grid.gap) * grid.columns
    span = 2 if 2 in piece.heads else min(piece.heads)
    flow = piece.flows.get("col") or next(iter(piece.flows.values()))
    photos = sum(min(grid.span_width(span) * p.aspect, arrange.PHOTO_MOST * grid.height) + p.captions.get(span, 0.0)
                 for p in piece.photos) * span
    return piece.heads[span] * span + flow.split(1)[0] + photos + grid.gap * span


class Planner:
    """The search over pages. `units` are the lead and the reports in the file's order;
    `pins` maps a unit's index to the page (from 0) the editor put it on."""

    def __init__(self, units: list, briefs, grid: arrange.Grid, pages: list[Frame], pins: dict[int, int]):
        self.units, self.briefs, self.grid, self.frames, self.pins = units, briefs, grid, pages, pins
        self.order = {id(u): i for i, u in enumerate(units)}
        self.free = [i for i in range(len(units)) if i not in pins]
        self.needs = [need(u, grid) for u in units]
        self._sheets: dict[tuple, Sheet] = {}
        self._plans: dict[tuple, Plan] = {}

    def plan(self) -> Plan:
        return self.best(0, 0, ())

    def best(self, page: int, start: int, carry: tuple) -> Plan:
        """The best plan for pages `page`… when the unpinned articles from `start` on (and the
        rest of a jumped article, `carry`) are still to place."""
        key = (page, start, tuple(_identity(p) for p in carry))
        if key not in self._plans:
            self._plans[key] = self._best(page, start, carry)
        return self._plans[key]

    def _best(self, page: int, start: int, carry: tuple) -> Plan:
        frame = self.frames[page]
        ends = [len(self.free)] if frame.last else self._ends(page, start, carry)
        plans, unfilled = [], []
        for end in ends:  # nearest a full page first: the first plan that fits serves
            sheet = self.sheet(frame, self._content(page, carry, start, end))
            sheet.following = end
            if not (sheet.fits or frame.last):
                unfilled.append(sheet)
                continue
            plans.append(self._then(sheet, page))
            if plans[-1].fits:
                return plans[-1]
        if not frame.last:
            plans += self._jumps(page, start, carry, ends)
            if any(p.fits for p in plans):
                return min((p for p in plans if p.fits), key=lambda p: p.rank)
        if unfilled and not any(p.fits for p in plans):  # the nearest, for the messages
            plans.append(self._then(min(unfilled, key=lambda s: abs(s.excess)), page))
        return min(plans, key=lambda p: p.rank)

    def _then(self, sheet: Sheet, page: int, carry: tuple = ()) -> Plan:
        rest = Plan([]) if sheet.frame.last else self.best(page + 1, sheet.following, carry)
        return Plan([sheet] + rest.sheets, rest.misfits + (not sheet.fits), rest.off + abs(sheet.excess),
                    rest.cost + sheet.score + (JUMP_COST if sheet.jumped else 0.0))

    def _content(self, page: int, carry: tuple, start: int, end: int) -> tuple:
        """The pieces of a page in the file's order: the rest of a jumped article, the pinned
        ones, the run."""
        chosen = list(carry) + [self.units[i] for i, p in self.pins.items() if p == page]
        chosen += [self.units[i] for i in self.free[start:end]]
        return tuple(sorted(chosen, key=self._file_order))

    def _file_order(self, piece) -> float:
        """A piece's place in the file; a jumped article's parts stand just before its place."""
        index = self.order.get(id(piece))
        return index if index is not None else self.order.get(id(getattr(piece, "whole", None)), 0) - 0.5

    def _ends(self, page: int, start: int, carry: tuple) -> list[int]:
        """Where this page's run may end: the runs whose copy comes nearest a full page, the
        rest still fitting the pages after it."""
        room = self.frames[page].area * self.grid.columns
        later = sum(f.area for f in self.frames[page + 1:]) * self.grid.columns
        fixed = sum(need(p, self.grid) for p in carry) + sum(self.needs[i] for i, p in self.pins.items() if p == page)
        after_pins = sum(self.needs[i] for i, p in self.pins.items() if p > page)
        briefs = need(self.briefs, self.grid) if self.briefs is not None else 0.0
        found, total = [], fixed
        for end in range(start, len(self.free) + 1):
            if end > start:
                total += self.needs[self.free[end - 1]]
            rest = sum(self.needs[i] for i in self.free[end:]) + after_pins + briefs
            found.append((abs(total / room - 1) + 0.5 * abs(rest / max(later, 1.0) - 1), end, total / room))
            if total / room > WINDOW[1]:
                break
        inside = [f for f in found if WINDOW[0] <= f[2] <= WINDOW[1]] or [min(found)]
        return [end for _, end, _ in sorted(inside)[:TRIES]]

    def _jumps(self, page: int, start: int, carry: tuple, ends: list[int]) -> list[Plan]:
        """Plans in which this page ends with the first part of an article: the least
        important one on an over-full page, cut so the page fills."""
        for end in sorted(set(ends) | {e + 1 for e in ends if e < len(self.free)}):
            content = self._content(page, carry, start, end)
            if not content or not self.sheet(self.frames[page], content).excess > 0:
                continue
            last = content[-1]  # the shortest over-full run: its last article is the one that needs the jump
            if getattr(last, "whole", None) is not None or last.kind == "briefs":
                return []  # an article jumps once; the briefs never
            sheet = self._cut(self.frames[page], content[:-1], last)
            if sheet is None:
                return []
            sheet.following = end
            return [self._then(sheet, page, (cut(last, sheet.jumped[1], self.grid)[1],))]
        return []

    def _cut(self, frame: Frame, before: tuple, piece: arrange.Piece) -> Sheet | None:
        """The page with `piece` cut at the line that fills it (a binary search over the lines
        the rules allow), or None."""
        total = piece.flows["col"].count
        low, high = max(JUMP_LINES, math.ceil(total / 3)), total - JUMP_LINES
        best = None
        while low <= high:  # the most lines that still fit: as much as can be read before the jump
            lines = (low + high) // 2
            sheet = self.sheet(frame, before + (cut(piece, lines, self.grid)[0],))
            if sheet.fits:
                best = replace(sheet, jumped=(piece, lines))
            low, high = (lines + 1, high) if sheet.fits or sheet.excess < 0 else (low, lines - 1)
        return best

    def sheet(self, frame: Frame, pieces: tuple) -> Sheet:
        """One page arranged (arrange.py), or the closest arrangement and by how much it misses."""
        key = (frame.index, tuple(_identity(p) for p in pieces))
        if key not in self._sheets:
            self._sheets[key] = arranged(frame, pieces, self.briefs if frame.last else None, self.grid)
        return replace(self._sheets[key])


def arranged(frame: Frame, pieces: tuple, briefs, grid: arrange.Grid) -> Sheet:
    """A page's pieces arranged to fill its frame; the lead, if there, opens it."""
    if not pieces and briefs is None:
        return Sheet(frame, pieces, [], 0.0, -frame.area)
    lead = pieces[0] if pieces and pieces[0].kind == "lead" else None
    reports = list(pieces[1:] if lead else pieces)
    try:
        rows, score, _ = arrange.arrangement(lead, reports, briefs, grid, frame.area)
        return Sheet(frame, pieces, rows, score, 0.0)
    except arrange.Misfit as misfit:
        # a hair of white at the foot is no under-full page, and a hair over stays inside the
        # page's foot safety (FOOT_SAFETY in page.py)
        hair = -HAIR < misfit.excess < OVER_HAIR
        return Sheet(frame, pieces, misfit.rows, 0.0, 0.0 if hair else misfit.excess)


def _identity(piece) -> tuple:
    """What tells pieces apart in the search's memory: an estimated part (which prints the
    whole article's story) and the measured one of the same length never stand for each
    other — their stories differ (the stories are kept alive by the pieces, so their ids hold)."""
    flow = piece.flows.get("col") or next(iter(piece.flows.values()))
    return (piece.loc, flow.count, round(sum(piece.heads.values()), 2), id(piece.story))


# --- cutting a piece where it jumps -------------------------------------------------------------

@dataclass
class Part(arrange.Piece):
    """A jumped article's part, estimated from the whole one's lines (`jumps.py` measures it)."""

    whole: arrange.Piece | None = field(default=None, repr=False, compare=False)
    lines: int = 0  # lines of a basic column the first part keeps
    first: bool = True

    @classmethod
    def of(cls, piece: arrange.Piece, whole: arrange.Piece, lines: int, first: bool, **changes) -> "Part":
        """A part made of a piece's fields (its search cache left behind), with `changes`."""
        fields = {name: getattr(piece, name) for name in arrange.Piece.__dataclass_fields__ if name != "cache"}
        return cls(**{**fields, **changes}, whole=whole, lines=lines, first=first)


def cut(piece: arrange.Piece, lines: int, grid: arrange.Grid) -> tuple[Part, Part]:
    """The piece's first `lines` lines (of a basic column) and the rest, each measure cut at
    the same character; the rest under a smaller headline, without photos."""
    chars = sum(piece.flows["col"].chars[:lines])
    head_flows = {name: _marked(_taken(flow, chars)) for name, flow in piece.flows.items()}
    tail_flows = {name: _dropped(flow, chars) for name, flow in piece.flows.items() if name == "col" or piece.kind != "lead"}
    first = Part.of(piece, piece, lines, True, flows=head_flows)
    spans = sorted(set(range(1, grid.max_span + 1)) | {grid.columns})
    smallest = min(piece.heads.values())
    heads = {k: piece.heads.get(k, smallest) * TAIL_TITLE * 0.8 for k in spans}
    rest = Part.of(piece, piece, lines, False, loc=piece.loc + "+", kind="report", heads=heads, flows=tail_flows, photos=[],
                   span=None, position=None, title_lines={k: 1 for k in spans}, forced_lines=1,
                   title_scales={k: TAIL_TITLE for k in spans})
    return first, rest


def _taken(flow: arrange.Flow, chars: int) -> arrange.Flow:
    count, total = 0, 0
    while count < flow.count and total < chars:
        total += flow.chars[count] if count < len(flow.chars) else 0
        count += 1
    return arrange.Flow(flow.lines[:count], flow.line_height, flow.chars[:count])


def _marked(flow: arrange.Flow) -> arrange.Flow:
    """The first part's flow with the line its （下转第N版） takes, under its last line."""
    if not flow.lines:
        return flow
    top, height = flow.lines[-1]
    return arrange.Flow(flow.lines + ((top + height, flow.line_height),), flow.line_height, flow.chars + (6,))


def _dropped(flow: arrange.Flow, chars: int) -> arrange.Flow:
    kept = _taken(flow, chars).count
    lines = flow.lines[kept:]
    if not lines:
        return arrange.Flow((), flow.line_height, ())
    top = lines[0][0]
    return arrange.Flow(tuple((t - top, h) for t, h in lines), flow.line_height, flow.chars[kept:])
