"""The page-composition stage: from the template context to pages of placed blocks.

measure (WeasyPrint lays every piece out, once) → arrange (the search) → place (every
block's box) → the views the layout's template draws. A page that cannot be filled is a
`Misfit` turned into the editor's terms by fit.py. Body type steps up only when the copy is
too short to fill the page at the natural size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

from . import arrange, evening, fit, headline
from . import measure as measuring
from ..options import SCREEN, Options

#: a page that looks this good (arrange.looks, in lines) is taken without trying larger type
GOOD = 12.0
#: the rows end this far (pt) above the page's foot: a block that reached it by a rounding
#: hair would be moved by WeasyPrint to a next page that a one-page layout does not print
FOOT_SAFETY = 0.5
#: what each step up of the body size costs in that score
STEP_COST = 4.0


@dataclass
class BlockView:
    """A placed block as the template draws it (numbers in pt, rounded)."""

    kind: str
    story: object
    level: int
    x: float
    y: float
    width: float
    height: float
    count: int
    gutter: float
    text: float
    font_size: float
    leading: float
    title_size: float | None
    figures: list = field(default_factory=list)
    short: float = 0.0  # lines the last text column is short
    title_lines: tuple | None = None  # the title balanced for the block (compose/headline.py)
    pull: int = 0  # paragraphs set a line shorter (缩行) to even its columns: `--bp-pull` (weasy/tracking.py)
    push: int = 0  # paragraphs set a line longer (伸行) to even its columns: `--bp-push`

    @property
    def key(self) -> str:
        """The block's name on the page, as its `data-loc` (lead, reports[2], briefs)."""
        return "briefs" if self.kind == "briefs" else self.story.loc


@dataclass
class PageView:
    height: float
    footer: float
    blocks: list[BlockView]
    rules: list[arrange.Rule]
    fill: float
    number: int = 1
    name: str = ""  # the page's name (版名), from the issue's `pages:`
    label: str = ""  # 第二版, Page 2: the running head's folio


@dataclass
class Composition:
    pages: list[PageView]
    problems: list  # fit.Problem: what did not fit, or the white left, in the editor's terms
    step: int = 0
    contents: dict = field(default_factory=dict)  # article loc → the page it opens on


def compose(ctx: dict, settings, area: tuple[float, float], measurer, options: Options = SCREEN) -> Composition:
    """The issue's page on a type area of `area` (width, height) pt. `measurer(requests,
    width)` returns the measurements (measure.py). A page that cannot be filled is a
    problem, or (as `options` allow) the page anyway with a warning."""
    grid = measuring.grid(settings, area)
    last_error, best = None, None
    for step in range(len(settings.chars)):
        size = measuring.sizes(settings, grid, step)
        found = measurer(measuring.requests(ctx, settings, grid, size), grid.width)
        pieces = measured_pieces(ctx, found, size, settings, grid)
        try:
            try:
                page, score, look = _page(pieces, found, grid)
                rarer = any(block.short > 1 or _wrapped(block) for block in page.blocks)
            except arrange.Misfit:
                rarer = True
            if rarer:  # the rarer ways may serve
                wraps = {(p.loc, k) for p in _all(pieces) for k, n in p.title_lines.items() if n > p.forced_lines}
                found = measurer(measuring.requests(ctx, settings, grid, size, more=True, wraps=wraps), grid.width)
                pieces = measured_pieces(ctx, found, size, settings, grid, more=True)
                page, score, look = _page(pieces, found, grid)
        except arrange.Misfit as misfit:
            last_error = misfit
            if misfit.excess > 0 or step == len(settings.chars) - 1:
                break
            continue
        score += STEP_COST * step
        if best is None or score < best[0]:
            best = (score, page, size)
        if look < GOOD or step == len(settings.chars) - 1 or best[2].step < step - 1:
            break  # it looks good enough (larger type would only stretch less), or two steps made it no better
    if best is not None:
        view = page_view(best[1], grid, best[2], settings)
        return Composition([view], too_wide(view) + long_titles(view, settings.title_lines), best[2].step)
    return _misfit(last_error, pieces, found, grid, size, settings, options.allow_overflow, options.white_allowed)


def only_blocks(pages: list[PageView], only: dict[int, set[str]]) -> list[PageView]:
    """The same pages with only some blocks on them (page index → block keys); the rest
    of each page (masthead, rules, footer) stays."""
    return [replace(p, blocks=[b for b in p.blocks if b.key in only.get(i, ())]) for i, p in enumerate(pages)]


def changed_blocks(old: list[PageView], new: list[PageView]) -> dict[int, set[str]] | None:
    """Which blocks of the same composition an edit changed (page index → block keys), or
    None when the composition itself changed: other pages, blocks, places or rules."""
    if len(old) != len(new):
        return None
    changed: dict[int, set[str]] = {}
    for index, (before, after) in enumerate(zip(old, new)):
        if _frame(before) != _frame(after):
            return None
        changed[index] = {b.key for b, a in zip(before.blocks, after.blocks) if b != a}
    return changed


def _frame(page: PageView) -> tuple:
    """A page's composition without the blocks' contents: where every block is, the rules."""
    return page.height, page.footer, page.rules, [(b.key, b.x, b.y, b.width, b.height) for b in page.blocks]


def _misfit(misfit, pieces, found, grid, size, settings, allow_overflow: bool, allow_underfill: bool) -> Composition:
    """A page that cannot be filled: a problem in the editor's terms, and (when allowed) the
    page anyway — over-full on more pages, under-full with the white at the foot."""
    lead, reports, briefs = pieces
    problem = fit.explain(misfit, lead, reports, grid)
    if misfit.excess > 0 and allow_overflow:
        pages = _overflowing(pieces, found, grid)
        return Composition([page_view(p, grid, size, settings) for p in pages], [problem.as_warning()], size.step)
    if misfit.excess < 0 and allow_underfill:
        top, bottom = _bounds(found, grid, True)
        page = arrange.place(misfit.rows, grid, top, bottom)
        return Composition([page_view(page, grid, size, settings)], [problem.as_warning()], size.step)
    return Composition([], [problem], size.step)


def _bounds(found, grid: arrange.Grid, last: bool) -> tuple[float, float]:
    """Where rows may go on a page: under the masthead, over the footer (on the last page)."""
    top = found["masthead"].height
    footer = found["distribution"].height + grid.gap if last and found.get("distribution") else 0.0
    return top, grid.height - footer - FOOT_SAFETY


def _page(pieces, found, grid: arrange.Grid) -> tuple[arrange.Page, float, float]:
    """The one page of a single-page layout, its score and how it looks."""
    lead, reports, briefs = pieces
    top, bottom = _bounds(found, grid, True)
    key = repr((grid, bottom - top, [_measured(p) for p in _all(pieces)]))
    if key not in _ARRANGED:
        if len(_ARRANGED) >= 16:
            _ARRANGED.clear()
        _ARRANGED[key] = arrange.arrangement(lead, reports, briefs, grid, bottom - top)
    rows, score, look = _ARRANGED[key]
    return arrange.place(_repieced(rows, {p.loc: p for p in _all(pieces)}), grid, top, bottom), score, look


#: the arrangements last found, by what the search reads of the pieces: a warm process (the
#: preview) arranges a page again on every edit, and most edits change no measurement
_ARRANGED: dict[str, tuple] = {}


def _measured(piece: arrange.Piece) -> tuple:
    """What the search reads of a piece: all but its story (the text) and length."""
    return tuple((f.name, getattr(piece, f.name)) for f in fields(piece) if f.name not in ("story", "chars", "cache"))


def _repieced(rows: list[arrange.Row], pieces: dict[str, arrange.Piece]) -> list[arrange.Row]:
    """Rows found for pieces measured the same, holding these pieces (their stories)."""
    def option(o):
        return replace(o, piece=pieces[o.piece.loc])

    return [replace(row, stacks=tuple(replace(s, options=tuple(map(option, s.options))) for s in row.stacks)) for row in rows]


def _overflowing(pieces, found, grid: arrange.Grid) -> list[arrange.Page]:
    """More pages than the layout's one (--allow-overflow): each page takes as many reports,
    in order, as it can be filled with; the briefs go on the last page."""
    lead, reports, briefs = pieces
    pages, rest, first = [], list(reports), True
    while True:
        top, bottom = (found["masthead"].height if first else 0.0), grid.height - FOOT_SAFETY
        taken = _largest_prefix(lead if first else None, rest, grid, bottom - top)
        if taken == len(rest):
            last_top, last_bottom = (top, _bounds(found, grid, True)[1])
            rows = _closest(lead if first else None, rest, briefs, grid, last_bottom - last_top)
            pages.append(arrange.place(rows, grid, last_top, last_bottom))
            return pages
        rows = _closest(lead if first else None, rest[:taken], None, grid, bottom - top)
        pages.append(arrange.place(rows, grid, top, bottom))
        rest, first = rest[taken:], False


def _largest_prefix(lead, reports, grid, area) -> int:
    """How many of `reports` (at least one) fit one page under the lead."""
    for count in range(len(reports), 0, -1):
        try:
            arrange.arrange(lead, reports[:count], None, grid, area)
            return count
        except arrange.Misfit as misfit:
            if misfit.excess < 0:
                return count
    return 1


def _closest(lead, reports, briefs, grid, area) -> list[arrange.Row]:
    try:
        return arrange.arrange(lead, reports, briefs, grid, area)
    except arrange.Misfit as misfit:
        return misfit.rows


def measured_pieces(ctx: dict, found: dict, size: measuring.Sizes, settings, grid: arrange.Grid, more: bool = False):
    """The measured lead, reports and briefs as the search's pieces."""
    leading = settings.leading[1]
    lead = lead_piece("lead", ctx["lead"], found, size, settings, grid, more) if ctx["lead"] is not None else None
    reports = [report_piece(f"reports[{index}]", story, found, size, settings, grid, ctx["hints"].get(f"reports[{index}]", {}), more)
               for index, story in enumerate(ctx["reports"])]
    briefs = None
    if ctx["briefs"] is not None:
        flows = {"briefs": as_flow(found[f"briefs:flow:briefs:{size.step}"], size.body * leading)}
        flows.update({f"briefs{n}": as_flow(found[f"briefs:flow:briefs{n}:{size.step}"], size.body * leading)
                      for n in measuring.BRIEFS_VARIANTS if more and n != settings.briefs.columns})
        briefs = arrange.Piece("briefs", "briefs", {grid.columns: found["briefs:head"].height}, flows,
                               chars=sum(len(str(i)) for i in ctx["briefs"].items), story=ctx["briefs"])
    return lead, reports, briefs


def lead_piece(key: str, story, found: dict, size: measuring.Sizes, settings, grid: arrange.Grid,
               more: bool = False) -> arrange.Piece:
    """The measured lead (or a jumped lead's first part, measured under `key`) as a piece."""
    leading = settings.leading[1]
    flows = {"lead": as_flow(found[f"{key}:flow:lead:{size.step}"], size.lead * leading),
             "col": as_flow(found[f"{key}:flow:col:{size.step}"], size.body * leading)}
    flows.update({name: as_flow(found[f"{key}:flow:{name}:{size.step}"], size.lead * leading)
                  for name, _ in measuring.variants(grid, measuring.lead_variants(more))})
    spans = measuring.lead_spans(grid)
    heads, title_lines, scales = _heads(key, found, spans, len(story.title_lines))
    return arrange.Piece(story.loc, "lead", heads, flows, _photos(story, key, found, spans), _chars(story), story=story,
                         title_lines=title_lines, forced_lines=len(story.title_lines), title_scales=scales)


def report_piece(key: str, story, found: dict, size: measuring.Sizes, settings, grid: arrange.Grid, hints: dict,
                 more: bool = False, title_scale: float = 1.0) -> arrange.Piece:
    """A measured report (or a jumped article's part, measured under `key`) as a piece."""
    leading = settings.leading[1]
    spans = measuring.report_spans(grid)
    heads, title_lines, scales = _heads(key, found, spans, len(story.title_lines))
    flows = {"col": as_flow(found[f"{key}:flow:col:{size.step}"], size.body * leading),
             **{name: as_flow(found[f"{key}:flow:{name}:{size.step}"], size.body * leading)
                for name, _ in measuring.variants(grid, measuring.report_variants(more))}}
    return arrange.Piece(
        story.loc, "report", heads, flows, _photos(story, key, found, spans), _chars(story),
        hints.get("span"), hints.get("position"), hints.get("photo"), story, title_lines=title_lines,
        forced_lines=len(story.title_lines), title_scales={k: v * title_scale for k, v in scales.items()},
    )


def _all(pieces) -> list[arrange.Piece]:
    lead, reports, briefs = pieces
    return [p for p in [lead, *reports, briefs] if p is not None]


def _wrapped(block: arrange.Placed) -> bool:
    """A title that takes more lines than the editor broke it into."""
    piece = block.piece
    return piece.title_lines.get(block.span, piece.forced_lines) > piece.forced_lines


def _heads(loc: str, found: dict, spans, forced: int):
    """Per span: the headline's height, its title's lines and the title's scale — one size
    down when that keeps the title to the lines the editor broke it into."""
    heads, lines, scales = {}, {}, {}
    for k in spans:
        normal, small = found[f"{loc}:head:{k}"], found.get(f"{loc}:head-small:{k}")
        use_small = small is not None and normal.title_lines > forced and small.title_lines < normal.title_lines
        chosen = small if use_small else normal
        heads[k], lines[k], scales[k] = chosen.height, chosen.title_lines, (0.85 if use_small else 1.0)
    return heads, lines, scales


def as_flow(measured, line_height: float) -> arrange.Flow:
    return arrange.Flow(tuple((top, height) for top, height, _ in measured.lines), line_height,
                        tuple(chars for _, _, chars in measured.lines), measured.pulls, measured.pushes)


def _photos(story, loc: str, found: dict, spans) -> list[arrange.Photo]:
    return [
        arrange.Photo(figure.pixels, {k: found[f"{loc}:caption:{j}:{k}"].height for k in spans})
        for j, figure in enumerate(story.figures)
    ]


def _chars(story) -> int:
    import re

    return sum(len(re.sub(r"<[^>]+>", "", str(p))) for p in story.paragraphs)


def page_view(page: arrange.Page, grid: arrange.Grid, size: measuring.Sizes, settings) -> PageView:
    page = evening.even(page, grid)
    blocks = [_block(b, grid, size, settings) for b in page.blocks]
    return PageView(round(grid.height, 3), round(page.bottom + grid.gap, 3), blocks,
                    [arrange.Rule(*(round(v, 3) for v in (r.x, r.y, r.length)), r.vertical) for r in page.rules], page.fill)


def _block(placed: arrange.Placed, grid: arrange.Grid, size: measuring.Sizes, settings) -> BlockView:
    piece = placed.piece
    story = piece.story
    font = size.lead if piece.kind == "lead" and placed.flow != "col" else size.body
    title = size.title(measuring.lead_title(settings, grid, placed.span) if piece.kind == "lead"
                       else measuring.headline_size(settings, placed.span))
    title = round(title * piece.title_scales.get(placed.span, 1.0), 3)
    return BlockView(
        piece.kind, story, 1 if piece.kind == "lead" else 2,
        *(round(v, 3) for v in (placed.x, placed.y, placed.width, placed.height)),
        placed.count, round(placed.gutter, 3), round(placed.text + 2 * arrange.EPSILON, 3), round(font, 4),
        round(placed.leading, 5), None if piece.kind == "briefs" else title,
        [(figure, round(height, 3), cropped(figure, placed.width, height))
         for figure, height in zip(getattr(story, "figures", []), placed.photos)],
        round(placed.short, 2),
        None if piece.kind == "briefs" else headline.set_title(story, placed.width, title),
        placed.pull, placed.push,
    )


def cropped(figure, width: float, height: float) -> str:
    """The photo's address with the part its frame shows (`#crop=x,y,w,h` in pixels, served
    by weasy/fetcher.py): the PDF carries only the printed pixels, as InDesign's "crop image
    data to frames" does, and nothing of the photo lies outside its block."""
    pixels_w, pixels_h = figure.pixels
    scale = max(width / pixels_w, height / pixels_h)  # pt per pixel when it covers the frame
    w, h = min(pixels_w, round(width / scale)), min(pixels_h, round(height / scale))
    across, down = (float(v.rstrip("%")) / 100 for v in figure.crop.split())
    x, y = round((pixels_w - w) * across), round((pixels_h - h) * down)
    if (w, h) == (pixels_w, pixels_h) or figure.src.startswith("data:") or figure.src.lower().endswith(".svg"):
        return figure.src  # an SVG has no pixels to cut: its frame clips it (object-fit: cover)
    return f"{figure.src}#crop={x},{y},{w},{h}"


_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:/'’&+\-_?=%#~]{12,}")
_BREAKS = re.compile(r"[/.\-_?&=]")


def too_wide(view: PageView) -> list:
    """A warning for each Latin run that no column of its block can hold, even broken at
    its / . - _ ? & = and hyphenated if it is a word: it is broken anywhere (styles/base.css,
    overflow-wrap), never run across the gap — but the editor should know."""
    found = []
    for block in view.blocks:
        if block.kind == "briefs":
            continue
        measure = (block.width - (block.count - 1) * block.gutter) / block.count / block.font_size
        for paragraph in block.story.paragraphs:
            for run in _RUN.findall(re.sub(r"<[^>]+>", "", str(paragraph))):
                piece = max(_BREAKS.split(run), key=len)
                if not piece.isalpha() and len(piece) * 0.6 > measure:
                    found.append(fit.Problem(fit._loc(f"{block.story.loc}.body"),
                                             f"'{run[:40]}' is wider than its column ({len(piece)} characters without a break "
                                             f"in a column of about {measure:.0f}): it is broken where it must, not run into the next column",
                                             "warning"))
    return found


def long_titles(view: PageView, most: int) -> list:
    """A title that takes more lines than the layout allows in its block, even balanced and a
    size down: a warning at the title, so the editor can shorten it or break it."""
    return [fit.Problem(fit._loc(f"{b.story.loc}.title"), f"the title takes {len(b.title_lines)} lines in its block "
                        f"(the layout's most is {most}): shorten it, or break it where it should break", "warning")
            for b in view.blocks if b.kind != "briefs" and b.title_lines and len(b.title_lines) > most]
