"""Page composition (自动拼版), the search: measured pieces in, blocks on a grid out.

Pure geometry, no WeasyPrint: `measure.py` has already laid every piece out. The type area
has a grid of basic columns (基本栏). Each article becomes a rectangular block spanning some
of them, its headline across the block, its photos inside it, its text in columns filled
to one height (the last at most one line short). Blocks are stacked into *stacks* (blocks
of one width, one above the other) and stacks set side by side into *rows* that span the
grid; rows, the masthead and the footer tile the type area with no hole.

Heights are flexible within the layout's limits — photo size and crop, a small range of
leading, the gaps between blocks — so each stack is stretched or shrunk to its row's height
and the rows to the page's. A beam search over the editor's order (rows left to right, top
to bottom) picks the arrangement that needs the least stretching; when no arrangement fits
the page, `Misfit` says by how much, so the editor can be told in lines and characters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

EPSILON = 0.05  # pt: what rounding may add to a column's height


@dataclass(frozen=True)
class Flow:
    """Text laid out in one column: each line's top and height, in pt from the flow's top."""

    lines: tuple[tuple[float, float], ...]
    line_height: float  # the nominal line height (body size × leading)
    #: each line's characters (white space not counted): where a jump may cut the text
    chars: tuple[int, ...] = field(default=(), compare=False)
    #: paragraphs that 缩行 (0.05 em less between characters) holds in a line fewer, and that
    #: 伸行 (up to 0.05 em more) sets a line longer: the block may ask for some to even its
    #: columns (compose/evening.py, weasy/tracking.py)
    pulls: int = 0
    pushes: int = 0

    def columns(self, height: float) -> list[float]:
        """The content height of each column when the text is poured into columns of `height`.
        A line fits only with the space after it (a list item's margin): whether the column
        keeps that margin at its foot or not, the line is never pushed on."""
        used, start = [], 0
        while start < len(self.lines):
            top = self.lines[start][0]
            end = start
            while end + 1 < len(self.lines) and self._reach(end + 1) - top <= height + EPSILON:
                end += 1
            used.append(self._reach(end) - top)
            start = end + 1
        return used

    def _reach(self, index: int) -> float:
        """How far down line `index` reaches, with the space after it before the next line."""
        if index + 1 < len(self.lines):
            return max(_bottom(self.lines[index]), self.lines[index + 1][0])
        return _bottom(self.lines[index])

    def split(self, count: int) -> tuple[float, float]:
        """The least column height that holds the text in `count` columns, and how many lines
        short the last column is (0: every column full)."""
        return _split(self, count)

    @property
    def count(self) -> int:
        return len(self.lines)

    def scaled(self, factor: float) -> "Flow":
        """The flow at another leading: every line `factor` times as tall, the space between
        paragraphs or list items (margins, which do not follow the leading) unchanged."""
        if not self.lines:
            return self
        lines, top = [], self.lines[0][0]
        for index, (old_top, height) in enumerate(self.lines):
            lines.append((top, height * factor))
            if index + 1 < len(self.lines):
                gap = self.lines[index + 1][0] - (old_top + height)
                top += height * factor + max(gap, 0.0)
        return Flow(tuple(lines), self.line_height * factor, self.chars, self.pulls, self.pushes)

    def pulled(self, count: int) -> "Flow":
        """The flow with `count` paragraphs pulled back a line each: as many lines fewer (all
        of one height in running text, so which ones does not matter to the columns)."""
        return Flow(self.lines[:-count], self.line_height, self.chars[:-count], self.pulls - count, self.pushes)

    def pushed(self, count: int) -> "Flow":
        """The flow with `count` paragraphs set on a line each: as many lines more, each one
        line pitch below the last."""
        top, height = self.lines[-1]
        pitch = top - self.lines[-2][0] if len(self.lines) > 1 else height
        more = tuple((top + pitch * (k + 1), height) for k in range(count))
        return Flow(self.lines + more, self.line_height, self.chars + (0,) * count, self.pulls, self.pushes - count)

    def height_at(self, count: int, factor: float) -> float:
        return _split(_scaled(self, round(factor, 6)), count)[0]

    def leading_for(self, count: int, target: float, low: float, high: float) -> float:
        """The largest leading factor in [low, high] whose columns are no taller than `target`."""
        if self.height_at(count, high) <= target + EPSILON:
            return high
        for _ in range(30):
            middle = (low + high) / 2
            low, high = (middle, high) if self.height_at(count, middle) <= target + EPSILON else (low, middle)
        return low


def _bottom(line: tuple[float, float]) -> float:
    return line[0] + line[1]


@lru_cache(maxsize=4096)
def _scaled(flow: Flow, factor: float) -> Flow:
    return flow.scaled(factor)


@lru_cache(maxsize=8192)
def _split(flow: Flow, count: int) -> tuple[float, float]:
    """The first column ends at some line: try each, from the even share on, until the rest
    fits the other columns (one or two tries, as a rule)."""
    if not flow.lines:
        return 0.0, 0.0
    top = flow.lines[0][0]
    first = max(0, math.ceil(len(flow.lines) / count) - 1)
    for end in range(first, len(flow.lines)):
        used = flow.columns(flow._reach(end) - top)
        if len(used) <= count:
            height = max(used)
            short = (height - used[-1]) / flow.line_height if len(used) == count else count - len(used) + 1.0
            return height, max(short, 0.0)
    return _bottom(flow.lines[-1]) - top, 0.0


@dataclass(frozen=True)
class Photo:
    """A photo: its pixels, and its caption's height at each block span."""

    pixels: tuple[int, int]
    captions: dict[int, float]

    @property
    def aspect(self) -> float:
        return self.pixels[1] / self.pixels[0]

    def ppi(self, width: float, height: float) -> float:
        """Pixels per inch when it covers a frame of width × height pt (cropping what is over)."""
        scale = max(width / self.pixels[0], height / self.pixels[1])  # pt per pixel
        return 72 / scale


@dataclass
class Piece:
    """An article (or the briefs box) to place: what was measured of it."""

    loc: str
    kind: str  # lead, report, briefs
    heads: dict[int, float]  # headline height by span
    flows: dict[str, Flow]  # its text in one column of each measure ('col', 'lead', 'briefs')
    photos: list[Photo] = field(default_factory=list)
    chars: int = 0  # characters of text, for the fit messages
    span: int | None = None  # the editor's hint
    position: str | None = None  # top, bottom
    photo_size: str | None = None  # small, large
    story: object = None  # what the template draws (a context.Story, or the briefs)
    cache: dict = field(default_factory=dict, repr=False, compare=False)
    title_lines: dict = field(default_factory=dict)  # span → lines the title takes there
    forced_lines: int = 1  # lines the editor broke the title into
    title_scales: dict = field(default_factory=dict)  # span → the title's size, as a share of the layout's


#: an article's text set in columns has at least this many lines in each: a wide block of one
#: or two lines a column is a strip no typesetter would pass (the briefs box is exempt)
MIN_COLUMN_LINES = 3


@dataclass(frozen=True)
class Grid:
    """The type area and its basic columns, and the layout's limits, in pt."""

    width: float
    height: float
    columns: int
    gutter: float
    gap: float
    leading: tuple[float, float, float]  # least, natural, most
    photo: tuple[float, float]  # least and most height as a share of the natural
    max_span: int
    lead_columns: int
    lead_gutter: float
    briefs_columns: int
    min_ppi: float = 150.0
    good_ppi: float = 300.0
    strict: bool = True  # only blocks a typesetter passes (MIN_COLUMN_LINES, no short column)

    @property
    def column(self) -> float:
        return (self.width - (self.columns - 1) * self.gutter) / self.columns

    def x(self, column: int) -> float:
        return column * (self.column + self.gutter)

    def span_width(self, span: int) -> float:
        return span * self.column + (span - 1) * self.gutter

    def measure(self, span: int, count: int) -> float:
        """A text column's width when a block of `span` basic columns sets `count` (变栏)."""
        return (self.span_width(span) - (count - 1) * self.gutter) / count


def variant_name(span: int, count: int) -> str:
    return f"v{span}x{count}"


@dataclass(frozen=True)
class Option:
    """A piece set at a span: text in `count` columns of measure `flow`, and its heights."""

    piece: Piece
    span: int
    count: int
    flow: str
    gutter: float
    head: float
    text: float  # column height at the natural leading
    short: float  # lines the last column is short
    photos: tuple[tuple[float, float, float, float], ...]  # (least, natural, most, caption)
    cost: float
    text_range: tuple[float, float] = (0.0, 0.0)  # the columns' height at the least and most leading

    @property
    def natural(self) -> float:
        return self.head + self.text + sum(p[1] + p[3] for p in self.photos)

    def bounds(self, grid: Grid) -> tuple[float, float]:
        return self._bounds

    @cached_property
    def _bounds(self) -> tuple[float, float]:
        """Worked out once: the search asks for it millions of times on a paper of four pages."""
        low = self.head + self.text_range[0] + sum(p[0] + p[3] for p in self.photos)
        high = self.head + self.text_range[1] + sum(p[2] + p[3] for p in self.photos)
        return low, high + self.head_room + self.foot_room

    @property
    def line(self) -> float:
        return self.piece.flows[self.flow].line_height

    @property
    def head_room(self) -> float:
        """White the headline zone (题区) may take above and below the title."""
        return min(self.head * 0.4, 1.5 * self.line) if self.piece.kind != "briefs" else 0.0

    @property
    def foot_room(self) -> float:
        """White under the text columns: less than a line, so no column ends a line short."""
        return 0.9 * self.line


@dataclass(frozen=True)
class Stack:
    span: int
    options: tuple[Option, ...]

    def bounds(self, grid: Grid) -> tuple[float, float]:
        gaps = grid.gap * (len(self.options) - 1)
        low, high = self._sums
        return low + gaps, high + gaps * 1.5

    @cached_property
    def _sums(self) -> tuple[float, float]:
        return sum(o._bounds[0] for o in self.options), sum(o._bounds[1] for o in self.options)

    @property
    def natural_height(self) -> float:
        return sum(o.natural for o in self.options)


@dataclass(frozen=True)
class Row:
    stacks: tuple[Stack, ...]
    low: float
    high: float
    cost: float

    @property
    def pieces(self) -> list[Piece]:
        return [o.piece for s in self.stacks for o in s.options]


@dataclass
class Placed:
    """A block as it is printed: where, how large, and how its parts are set."""

    piece: Piece
    x: float
    y: float
    width: float
    height: float
    span: int
    count: int  # text columns
    gutter: float  # between text columns
    flow: str
    head: float
    text: float  # the text columns' height
    leading: float  # line height as a multiple of the body size
    photos: list[float]  # each photo's height
    head_room: float = 0.0  # white added to the headline zone, shared above and below the title
    short: float = 0.0  # lines the last text column is short of the others
    natural_photos: tuple[float, ...] = ()  # each photo's natural height, to see how far it was pulled
    pull: int = 0  # paragraphs pulled back a line (缩行) to even the columns
    push: int = 0  # paragraphs set on a line (伸行) to even the columns
    room: float = 0.0  # what the white in the headline zone and under the columns may still grow by
    target: float = 0.0  # the height the block gives its text


@dataclass
class Rule:
    x: float
    y: float
    length: float
    vertical: bool


@dataclass
class Page:
    blocks: list[Placed]
    rules: list[Rule]
    top: float  # where the rows start (under the masthead)
    bottom: float  # where they end (over the footer)
    fill: float  # the white left at the foot, in pt (0: full)


class Misfit(Exception):
    """No arrangement fits: `excess` pt too much (positive) or too little (negative), with the
    arrangement that came closest."""

    def __init__(self, excess: float, rows: list[Row]):
        super().__init__(f"off by {excess:.1f} pt")
        self.excess, self.rows = excess, rows


def options(piece: Piece, span: int, grid: Grid) -> list[Option]:
    """The ways to set a piece at a span (its text in as many columns as the span, or for the
    lead and the briefs in their own columns across the page); worked out once per piece."""
    key = (span, grid)
    if key not in piece.cache:
        piece.cache[key] = _ways(piece, span, grid)
    return piece.cache[key]


def _ways(piece: Piece, span: int, grid: Grid) -> list[Option]:
    if span not in piece.heads or (piece.kind == "lead" and span < min(3, grid.columns)):
        return []
    if piece.span is not None and span != piece.span:
        return []  # the editor's span is kept, or the page is a misfit that says so
    ways = []
    if piece.kind == "lead" and span == grid.columns and "lead" in piece.flows:
        ways.append((grid.lead_columns, "lead", grid.lead_gutter))
    ways += [(count, variant_name(span, count), grid.gutter) for count in range(1, span)
             if variant_name(span, count) in piece.flows]
    if piece.kind == "lead" and "col" in piece.flows:
        ways.append((span, "col", grid.gutter))
        return _set(piece, span, ways, grid)
    if piece.kind == "briefs":
        ways.append((grid.briefs_columns, "briefs", grid.gutter))
        ways += [(int(name[6:]), name, grid.gutter) for name in piece.flows if name.startswith("briefs") and name[6:].isdigit()]
    elif "col" in piece.flows:
        ways.append((span, "col", grid.gutter))
    return _set(piece, span, ways, grid)


#: no photo is taller than this share of the type area, however wide its block
PHOTO_MOST = 0.4


def _set(piece: Piece, span: int, ways, grid: Grid) -> list[Option]:
    found = [_option(piece, span, count, flow, gutter, grid) for count, flow, gutter in ways if flow in piece.flows]
    return [o for o in found if not grid.strict or _passes(o) or piece.span == span]  # the editor's span stands


def _passes(option: Option) -> bool:
    """A block of text columns a typesetter passes: each column at least MIN_COLUMN_LINES
    lines, the last no more than one line short (the briefs box and single columns exempt)."""
    if option.count == 1 or option.piece.kind == "briefs" or not option.text:
        return True
    lines = option.text / option.piece.flows[option.flow].line_height
    return lines >= MIN_COLUMN_LINES - 0.5 and option.short <= 1 + 1e-6


def _option(piece: Piece, span: int, count: int, flow: str, gutter: float, grid: Grid) -> Option:
    text, short = piece.flows[flow].split(count)
    width = grid.span_width(span)
    photos, cost = [], 0.0
    for photo in piece.photos:
        natural = min(width * photo.aspect * _size_hint(piece.photo_size), PHOTO_MOST * grid.height)
        low, high = natural * grid.photo[0], min(natural * grid.photo[1], PHOTO_MOST * grid.height)
        high = min(high, photo.pixels[1] * 72 / grid.min_ppi) if photo.ppi(width, low) >= grid.min_ppi else high
        photos.append((low, natural, max(high, low), photo.captions.get(span, 0.0)))
        ppi = photo.ppi(width, natural)
        cost += 0 if ppi >= grid.good_ppi else (4 if ppi >= grid.min_ppi else 60)
    cost += _shape_cost(piece, span, count, text, short, flow, grid)
    least, natural, most = grid.leading
    measured = piece.flows[flow]
    text_range = (measured.height_at(count, least / natural), measured.height_at(count, most / natural))
    return Option(piece, span, count, flow, gutter, piece.heads[span], text, short, tuple(photos), cost, text_range)


def _size_hint(size: str | None) -> float:
    return {"small": 0.7, "large": 1.3}.get(size or "", 1.0)


def _shape_cost(piece: Piece, span: int, count: int, text: float, short: float, flow: str, grid: Grid) -> float:
    """What a make-up editor dislikes in a block: a last column more than a line short, very
    tall single columns, wide blocks of a few lines, a span other than the editor's."""
    lines = text / piece.flows[flow].line_height if text else 0
    cost = 0.0 if short <= 1 + 1e-6 else 200 + 20 * short
    cost += max(0.0, lines - 55) * 0.5 if count == 1 else 0.0
    cost += max(0.0, 6 - lines) * 8 if count > 1 and piece.kind in ("report", "lead") else 0.0
    cost += 10 if piece.kind == "report" and span > grid.max_span else 0.0  # a report alone across the page
    wrapped = piece.title_lines.get(span, piece.forced_lines) - piece.forced_lines
    cost += max(0, wrapped) * (40 if piece.kind == "lead" else 4)  # a title that wraps where the editor did not break it
    return cost


def stacks(pieces: list[Piece], grid: Grid, spans: list[int], keep: int = 3) -> list[list[Stack]]:
    """`pieces` into len(spans) stacks of those spans, in order, one to three pieces each: the
    `keep` least costly splits whose stacks can be brought to one height."""
    found = []
    for cut in _cuts(len(pieces), len(spans)):
        groups = [pieces[a:b] for a, b in zip((0,) + cut, cut + (len(pieces),))]
        if any(len(group) > 3 for group in groups):
            continue
        built = []
        for group, span in zip(groups, spans):
            chosen = [min(options(p, span, grid), key=lambda o: o.cost, default=None) for p in group]
            if None in chosen:
                break
            built.append(Stack(span, tuple(chosen)))
        else:
            if max(s.bounds(grid)[0] for s in built) <= min(s.bounds(grid)[1] for s in built):
                found.append((_row_cost(built, grid), built))
    return [built for _, built in sorted(found, key=lambda f: f[0])[:keep]]


def _cuts(n: int, parts: int):
    """Every way to cut n items into `parts` non-empty runs (as the cut positions)."""
    from itertools import combinations

    return combinations(range(1, n), parts - 1) if parts <= n else ()


def _row_cost(built: list[Stack], grid: Grid) -> float:
    low = max(s.bounds(grid)[0] for s in built)
    high = min(s.bounds(grid)[1] for s in built)
    heights = [s.natural_height for s in built]
    spread = (max(heights) - min(heights)) / grid.leading[1] / 10
    cost = sum(o.cost for s in built for o in s.options) + spread
    return cost + (0 if low <= high else 500 + (low - high))


def row_options(pieces: list[Piece], start: int, grid: Grid) -> list[Row]:
    """The rows that can begin with pieces[start]: up to twice `columns` pieces, in order, on
    every division of the grid into stacks; a piece the editor put at the `top` only in the
    first row, one put at the `bottom` only in the last."""
    rows = []
    for end in range(start + 1, min(len(pieces), start + 2 * grid.columns) + 1):
        group = pieces[start:end]
        if (start > 0 and any(p.position == "top" for p in group)) or (
            end < len(pieces) and any(p.position == "bottom" for p in group)
        ):
            continue
        rows += _group_rows(tuple(group), grid)
    return rows


def _group_rows(group: tuple[Piece, ...], grid: Grid) -> list[Row]:
    """The rows one run of pieces can make, kept on its first piece: pagination arranges
    many pages that share runs. The group itself is kept with them, so the identities in
    the key stay those of living pieces."""
    key = ("rows", grid, tuple(id(p) for p in group))
    if key not in group[0].cache:
        rows = []
        for spans in _divisions(grid.columns, grid.max_span, len(group)):
            for built in stacks(list(group), grid, spans):
                low = max(s.bounds(grid)[0] for s in built)
                high = min(s.bounds(grid)[1] for s in built)
                rows.append(Row(tuple(built), low, high, _row_cost(built, grid) + _order_cost(built)))
        group[0].cache[key] = (group, rows)
    return group[0].cache[key][1]


def _divisions(total: int, widest: int, pieces: int):
    """Ordered ways to divide `total` columns into stacks of 1..widest columns, no more
    stacks than pieces."""
    def divide(rest):
        if rest == 0:
            yield ()
            return
        for span in range(min(widest, rest), 0, -1):
            for tail in divide(rest - span):
                yield (span,) + tail

    found = [d for d in divide(total) if len(d) <= pieces]
    return found or [(total,)]  # a piece alone in a row spans the page


def _order_cost(built: list[Stack]) -> float:
    """The editor's order is the order of importance: the first block of a row should be
    at least as wide as those after it."""
    spans = [s.span for s in built]
    return sum(1.5 for a, b in zip(spans, spans[1:]) if b > a)


def fixed_rows(piece: Piece, grid: Grid) -> list[Row]:
    """The lead or the briefs across the whole page, in each of its ways."""
    rows = []
    for option in options(piece, grid.columns, grid):
        stack = Stack(grid.columns, (option,))
        low, high = stack.bounds(grid)
        rows.append(Row((stack,), low, high, option.cost))
    return rows


BEAM = 400


def arrange(lead: Piece | None, reports: list[Piece], briefs: Piece | None, grid: Grid, area: float) -> list[Row]:
    """The rows that fill `area` pt best, or Misfit with the closest arrangement. The lead
    (头条) opens the first row, across the page or with the first reports beside it; the
    briefs close the last."""
    return arrangement(lead, reports, briefs, grid, area)[0]


#: fitting arrangements placed and looked at before one is chosen
LOOKED_AT = 30


def arrangement(lead, reports, briefs, grid: Grid, area: float) -> tuple[list[Row], float, float]:
    """The best rows, their score (costs and looks; lower is better) and how they look
    (`looks`: what larger type could make better)."""
    tails = [fixed_rows(briefs, grid)] if briefs else []
    states = _report_rows([(0.0, 0.0, 0.0, [])], ([lead] if lead else []) + reports, grid, area)
    if not states and not grid.strict:
        raise Misfit(-area, [])
    if not states:  # no arrangement of blocks a typesetter passes
        return _relaxed(lead, reports, briefs, grid, area)
    for choices in tails:
        states = [(c + r.cost, lo + r.low, hi + r.high, rows + [r]) for c, lo, hi, rows in states for r in choices]
    gaps = lambda rows, end=0: grid.gap * ROW_GAPS[end] * (len(rows) - 1)  # noqa: E731
    fitting = [s for s in states if s[1] + gaps(s[3]) <= area + EPSILON and s[2] + gaps(s[3], 1) >= area - EPSILON]
    if fitting:
        ranked = sorted(fitting, key=lambda s: s[0] + _stretch_cost(s, area, grid))[:LOOKED_AT]
        scored = [(s[0], looks(place(s[3], grid, 0.0, area), grid), s[3]) for s in ranked]
        cost, look, rows = min(scored, key=lambda item: item[0] + item[1])
        return rows, cost + look, look
    nearest = min(states, key=lambda s: _distance(s, area, gaps(s[3]), gaps(s[3], 1)))
    low, high = nearest[1] + gaps(nearest[3]), nearest[2] + gaps(nearest[3], 1)
    raise Misfit(low - area if low > area else high - area, nearest[3])


def _relaxed(lead, reports, briefs, grid: Grid, area: float):
    """When no arrangement passes (`Grid.strict`), the closest one that does not: a misfit
    as it is; a page that fits only with strips of one or two lines a column is copy too
    short (under-full by about what the page holds beyond the copy's height in one basic
    column, shared over the columns); the rare page that fits with a short column, taken."""
    found = arrangement(lead, reports, briefs, replace(grid, strict=False), area)  # raises Misfit as it is
    pieces = [p for p in (lead, *reports, briefs) if p is not None]
    short = sum(_one_column(p, grid) for p in pieces) / grid.columns - area
    if short < 0:
        raise Misfit(min(short, -grid.leading[1] * 10), found[0])
    return found


def _one_column(piece: Piece, grid: Grid) -> float:
    flow = piece.flows.get("col") or next(iter(piece.flows.values()))
    return piece.heads.get(1, max(piece.heads.values())) + flow.split(1)[0] + grid.gap


def looks(page: Page, grid: Grid) -> float:
    """What a typesetter would object to in a placed page, in lines of body text: photos
    pulled far from their natural size, leading away from the natural, white in headline
    zones and under columns, white left at the foot."""
    least, natural, most = grid.leading
    score = page.fill / (natural * 8) * 5
    for block in page.blocks:
        line = block.piece.flows[block.flow].line_height
        for height, nat in zip(block.photos, block.natural_photos):
            score += abs(height - nat) / line * 0.6
        score += abs(block.leading - natural) / (most - least) * 4
        score += block.head_room / line * 0.8
        score += max(0.0, block.height - _filled(block)) / line * 1.5
    return score


def _filled(block) -> float:
    return block.head + sum(block.photos) + block.text + sum(p.captions.get(block.span, 0.0) for p in block.piece.photos)


def _report_rows(states, reports: list[Piece], grid: Grid, area: float):
    """Extend each state with rows of `reports` (the lead first, if any) until all are
    placed (beam search)."""
    if not reports:
        return states
    by_start: dict[int, list] = {0: states}
    finished = []
    line = grid.leading[1] * 10

    def rank(state):  # cheapest first; a state already taller than the page sinks
        return state[0] + 10 * max(0.0, state[1] - area) / line

    for start in range(len(reports)):
        current = sorted(by_start.pop(start, []), key=rank)[:BEAM]
        if not current:
            continue
        choices = row_options(reports, start, grid)
        for cost, low, high, rows in current:
            for row in choices:
                end = start + len(row.pieces)
                state = (cost + row.cost, low + row.low, high + row.high, rows + [row])
                (finished if end == len(reports) else by_start.setdefault(end, [])).append(state)
    return sorted(finished, key=rank)[: BEAM * 4]


def _stretch_cost(state, area: float, grid: Grid) -> float:
    """How far the rows must move from their natural heights to fill the area, in lines."""
    natural = sum(max(s.natural_height for s in row.stacks) for row in state[3])
    return abs(area - natural - grid.gap * (len(state[3]) - 1)) / grid.leading[1] / 8


def _distance(state, area: float, least_gaps: float, most_gaps: float) -> float:
    low, high = state[1] + least_gaps, state[2] + most_gaps
    return low - area if low > area else (area - high if high < area else 0.0)


# --- from rows to placed blocks ---------------------------------------------------------------

def place(rows: list[Row], grid: Grid, top: float, bottom: float) -> Page:
    """Row heights that add up to the area between `top` and `bottom` (as far as the limits
    allow: what they cannot absorb is left at the foot), then every block's box."""
    gaps = grid.gap * (len(rows) - 1)
    heights = _share([r.low for r in rows], [r.high for r in rows], [_natural(r, grid) for r in rows], bottom - top - gaps)
    gap = _row_gap(grid, len(rows), bottom - top - sum(heights))
    blocks, rules, y = [], [], top
    for index, (row, height) in enumerate(zip(rows, heights)):
        if index:
            rules.append(Rule(0, y - gap / 2, grid.width, False))
        column = 0
        for number, stack in enumerate(row.stacks):
            x = grid.x(column)
            if number:
                rules.append(Rule(x - grid.gutter / 2, y, height, True))
            blocks += _stack(stack, grid, x, y, height, rules)
            column += stack.span
        y += height + gap
    fill = max(0.0, bottom - (y - gap))
    return Page(blocks, rules, top, bottom, fill)


#: the white between rows may shrink or grow to these shares of the layout's gap, once the
#: rows themselves can take no more (a typesetter's last resort before leaving white at the foot)
ROW_GAPS = (0.6, 2.0)


def _row_gap(grid: Grid, rows: int, white: float) -> float:
    """The gap between rows that takes up `white` (what the rows leave), within ROW_GAPS."""
    if rows < 2:
        return grid.gap
    least, most = (grid.gap * share for share in ROW_GAPS)
    return min(max(white / (rows - 1), least), most)


def _natural(row: Row, grid: Grid) -> float:
    return min(max(max(s.natural_height + grid.gap * (len(s.options) - 1) for s in row.stacks), row.low), row.high)


def _share(lows: list[float], highs: list[float], naturals: list[float], total: float) -> list[float]:
    """Heights within [low, high], starting from the natural ones, that add up to `total`
    (the difference shared in proportion to each one's room)."""
    heights = list(naturals)
    for _ in range(4):
        rest = total - sum(heights)
        room = [(h - l) if rest < 0 else (u - h) for h, l, u in zip(heights, lows, highs)]
        if abs(rest) < 1e-6 or sum(room) <= 1e-9:
            break
        share = min(1.0, abs(rest) / sum(room))
        heights = [h + math.copysign(r * share, rest) for h, r in zip(heights, room)]
    return heights


def _share_in_order(lows, highs, naturals, total: float, tiers: list[list[int]]) -> list[float]:
    """Like `_share`, but tier by tier: the first tier takes what it can before the next moves."""
    heights = list(naturals)
    for tier in tiers:
        rest = total - sum(heights)
        if abs(rest) < 1e-9 or not tier:
            continue
        part = _share([lows[i] for i in tier], [highs[i] for i in tier], [heights[i] for i in tier],
                      sum(heights[i] for i in tier) + rest)
        for i, value in zip(tier, part):
            heights[i] = value
    return heights


def _stack(stack: Stack, grid: Grid, x: float, y: float, height: float, rules: list[Rule]) -> list[Placed]:
    """The stack's blocks, their heights shared out of the row's height."""
    gaps = grid.gap * (len(stack.options) - 1)
    bounds = [o.bounds(grid) for o in stack.options]
    sizes = _share([b[0] for b in bounds], [b[1] for b in bounds], [o.natural for o in stack.options], height - gaps)
    spare = height - gaps - sum(sizes)  # what the blocks cannot take: the gaps between them do
    gap = grid.gap + (spare / (len(sizes) - 1) if len(sizes) > 1 else 0.0)
    placed, top = [], y
    for number, (option, size) in enumerate(zip(stack.options, sizes)):
        if number:
            rules.append(Rule(x, top - gap / 2, grid.span_width(stack.span), False))
        placed.append(_block(option, grid, x, top, size))
        top += size + gap
    return placed


def _block(option: Option, grid: Grid, x: float, y: float, height: float) -> Placed:
    """A block of `height`, shared between its photos, its text's leading, the white of its
    headline zone and (less than a line) under its columns — in that order of preference."""
    least, natural, most = grid.leading
    fixed = option.head + sum(p[3] for p in option.photos)
    n = len(option.photos)
    lows = [p[0] for p in option.photos] + [option.text_range[0], 0.0, 0.0]
    highs = [p[2] for p in option.photos] + [option.text_range[1], option.head_room, option.foot_room]
    naturals = [p[1] for p in option.photos] + [option.text, 0.0, 0.0]
    tiers = [list(range(n)), [n], [n + 1], [n + 2]]
    *photos, target, _, _ = _share_in_order(lows, highs, naturals, height - fixed, tiers)
    flow = option.piece.flows[option.flow]
    factor = flow.leading_for(option.count, target, least / natural, most / natural) if option.text else 1.0
    text = flow.height_at(option.count, factor) if option.text else 0.0
    short = flow.scaled(factor).split(option.count)[1] if option.text else 0.0
    spare = height - fixed - sum(photos) - text  # the headline zone takes it, then the foot
    head_room = min(max(spare - 0.0, 0.0), option.head_room)
    return Placed(
        option.piece, x, y, grid.span_width(option.span), height, option.span, option.count, option.gutter,
        option.flow, option.head + head_room, text, natural * factor, photos, head_room, short,
        tuple(p[1] for p in option.photos), room=option.head_room + option.foot_room - spare, target=target,
    )
