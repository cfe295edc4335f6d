"""The composition stage for a paper of several pages: measure → plan the pages
(paginate.py) → settle the jumps (jumps.py) → each page placed (arrange.py) → the views the
template draws (page.py's, with each page's number and name).

A paper whose issue names its pages (`pages:`) has that many; a layout without a fixed
number of pages (the newsletter) has as many as its copy fills. The body steps up a size
only when the copy cannot fill the pages at the natural one, as on the one page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import arrange, fit, jumps, paginate
from . import measure as measuring
from . import page as one_page
from .context import page_label
from ..options import SCREEN, Options


@dataclass
class Planned:
    """The best plan found at one body size, with the pieces and sizes it was made of."""

    plan: paginate.Plan
    pieces: tuple
    size: measuring.Sizes
    planner: paginate.Planner | None = None
    cutter: jumps.Cutter | None = None

    @property
    def fits(self) -> bool:
        return self.plan.fits

    def settled(self) -> "Planned":
        """The plan with its jumps cut in the text and measured (jumps.py): done only for the
        plan that is printed, as each cut is a measuring pass of its article."""
        if self.planner is None or not any(s.jumped for s in self.plan.sheets):
            return self
        return replace(self, plan=jumps.settle(self.planner, self.plan, self.cutter), planner=None)


def compose(ctx: dict, settings, area: tuple[float, float], measurer, count: int | None,
            options: Options = SCREEN) -> one_page.Composition:
    """The issue's pages (`count` of them, or as many as the copy fills when None); pages
    that cannot be filled are problems, or (as `options` allow) built with warnings."""
    grid = measuring.grid(settings, area)
    nearest, first = None, _first_step(ctx, settings, grid, measurer, count)
    steps = list(range(first, len(settings.chars)))
    while steps:
        step = steps.pop(0)
        size = measuring.sizes(settings, grid, step)
        planned = _planned(ctx, settings, grid, size, measurer, count, more=False)
        if not planned.fits and any(s.excess > 0 or not s.frame.last for s in planned.plan.sheets if not s.fits):
            planned = _planned(ctx, settings, grid, size, measurer, count, more=True)  # the rarer ways may serve
        if planned.fits:
            planned = planned.settled()
        if planned.fits:
            return _composition(planned, ctx, grid, settings, [])
        nearest = planned if nearest is None or planned.plan.rank < nearest.plan.rank else nearest
        if any(s.excess > 0 for s in planned.plan.sheets):  # larger type only over-fills it more:
            steps = list(range(first - 1, -1, -1)) if step >= first else steps  # smaller, if the estimate began too high
        elif step < first:
            break  # smaller type under-fills it: the estimate was right after all
    return _misfit(nearest, ctx, settings, grid, measurer, count, options)


#: a body size is planned only when the copy, estimated, fills at least this share of the pages
#: (a plan at a size that cannot fill them costs as much as one that can)
SHORT = 0.93


def _first_step(ctx: dict, settings, grid: arrange.Grid, measurer, count: int | None) -> int:
    """The body size to plan first: a paper of a fixed number of pages starts at the first
    size whose copy, estimated from the natural size's measurements (text grows with the
    square of the type), comes near to filling its pages; when that over-fills them (a jump
    takes at most two thirds of an article on), the smaller sizes are tried after it."""
    if count is None:
        return 0
    size = measuring.sizes(settings, grid, 0)
    wanted = [r for r in measuring.requests(ctx, settings, grid, size) if _estimating(r, grid)]
    found = measurer(wanted, grid.width)
    pages = paginate.frames(found, grid, count, one_page.FOOT_SAFETY)
    share = sum(paginate.need(p, grid) for p in _rough(wanted, found)) / (sum(f.area for f in pages) * grid.columns)
    grown = [share * (settings.chars[0] / chars) ** 2 for chars in settings.chars]
    return next((step for step, value in enumerate(grown) if value >= SHORT), len(grown) - 1)


def _estimating(request: measuring.Request, grid: arrange.Grid) -> bool:
    """What the estimate measures: each article's text in a basic column and its headline at
    one width (two columns; the lead across the page), the briefs — a quarter of a full pass."""
    if request.kind == "briefs":
        return ":briefs" in request.key or request.part == "briefs-head"
    if request.part == "head":
        return request.key.endswith(f":head:{grid.columns if request.kind == 'lead' else 2}")
    return request.part == "flow" and ":flow:col:" in request.key


def _rough(requests: list[measuring.Request], found: dict) -> list[arrange.Piece]:
    """Pieces with just what `paginate.need` reads (a headline, a basic column, the photos)."""
    pieces: dict[str, arrange.Piece] = {}
    for request in requests:
        name = request.key.split(":")[0]
        piece = pieces.setdefault(name, arrange.Piece(name, request.kind, {}, {}, [
            arrange.Photo(f.pixels, {}) for f in getattr(request.story, "figures", [])]))
        measured = found[request.key]
        if request.part in ("head", "briefs-head"):
            piece.heads[int(request.key.rsplit(":", 1)[1]) if request.part == "head" else 0] = measured.height
        else:
            piece.flows[request.key.split(":")[2]] = one_page.as_flow(measured, request.font_size * request.line_height)
    return [p for p in pieces.values() if p.heads and p.flows]


def _planned(ctx: dict, settings, grid: arrange.Grid, size: measuring.Sizes, measurer, count: int | None, more: bool) -> Planned:
    """The best plan at one body size."""
    wraps = measuring.wrapping(ctx, settings, grid, size)
    found = measurer(measuring.requests(ctx, settings, grid, size, more=more, wraps=wraps), grid.width)
    pieces = one_page.measured_pieces(ctx, found, size, settings, grid, more=more)
    lead, reports, briefs = pieces
    units = ([lead] if lead else []) + reports
    pins = {i: ctx["hints"].get(u.loc, {}).get("page", 1) - 1 for i, u in enumerate(units)
            if ctx["hints"].get(u.loc, {}).get("page")}
    cutter = jumps.Cutter(ctx, settings, grid, size, measurer, more)
    best = None
    for pages in _counts(units, briefs, found, grid, count, pins):
        planner = paginate.Planner(units, briefs, grid, paginate.frames(found, grid, pages, one_page.FOOT_SAFETY), pins)
        plan = planner.plan()  # jumps estimated from the lines: settled only for the plan printed
        if best is None or plan.rank < best.plan.rank:
            best = Planned(plan, pieces, size, planner, cutter)
        if plan.fits:
            break
    return best


def _counts(units: list, briefs, found: dict, grid: arrange.Grid, count: int | None, pins: dict) -> list[int]:
    """The page counts to try: the issue's own, or the ones nearest the copy's estimate."""
    if count is not None:
        return [count]
    frames = paginate.frames(found, grid, 2, one_page.FOOT_SAFETY)
    total = sum(paginate.need(u, grid) for u in units) + (paginate.need(briefs, grid) if briefs else 0.0)
    total += (frames[0].top - frames[1].top + (grid.height - frames[1].bottom)) * grid.columns
    estimate = total / (frames[1].area * grid.columns)
    least = max([1] + [p + 1 for p in pins.values()])
    near = sorted(range(least, paginate.MOST_PAGES + 1), key=lambda n: (abs(n - estimate), n))
    return near[:3]


def _composition(planned: Planned, ctx: dict, grid: arrange.Grid, settings, problems: list) -> one_page.Composition:
    """The planned pages placed and drawn, with what composing them had to say."""
    size = planned.size
    if any(isinstance(p, paginate.Part) and p.story is p.whole.story for s in planned.plan.sheets for p in s.pieces):
        raise RuntimeError("a jump was planned but not cut in the text: its article would print twice")
    views = [_view(sheet, grid, size, settings, ctx) for sheet in planned.plan.sheets]
    warnings = [w for view in views for w in one_page.too_wide(view) + one_page.long_titles(view, settings.title_lines)]
    contents = {}
    for view in views:
        for block in view.blocks:
            if block.kind != "briefs":
                contents.setdefault(block.story.loc, view.number)
    return one_page.Composition(views, problems + warnings, size.step, contents)


def _view(sheet: paginate.Sheet, grid: arrange.Grid, size: measuring.Sizes, settings, ctx: dict) -> one_page.PageView:
    placed = arrange.place(sheet.rows, grid, sheet.frame.top, sheet.frame.bottom)
    view = one_page.page_view(placed, grid, size, settings)
    names = ctx.get("page_names") or []
    number = sheet.frame.index + 1
    return replace(view, number=number, name=names[number - 1] if number <= len(names) else "",
                   label=page_label(number, ctx["language"]))


def _misfit(planned: Planned, ctx: dict, settings, grid: arrange.Grid, measurer, count: int | None,
            options: Options) -> one_page.Composition:
    """Pages that cannot all be filled: each one named in the editor's terms, least important
    articles first; the pages anyway when allowed (white at the foot of an under-full page;
    an over-full paper on as many pages as its copy needs)."""
    planned = planned.settled()
    sheets = planned.plan.sheets
    over = [s for s in sheets if s.excess > 0]
    problems = [_explain(s, grid) for s in sheets if not s.fits]
    if over and options.allow_overflow and count is not None:
        more = compose(ctx, settings, (grid.width, grid.height), measurer, None, replace(options, allow_underfill=True))
        return replace(more, problems=[p.as_warning() for p in problems] + more.problems)
    if over or not options.white_allowed:
        return one_page.Composition([], problems, planned.size.step)
    return _composition(planned, ctx, grid, settings, [p.as_warning() for p in problems])


def _explain(sheet: paginate.Sheet, grid: arrange.Grid) -> fit.Problem:
    """What one page lacks or has too much of, in the editor's terms, named with the page."""
    on_page = [p for p in sheet.pieces if p.kind != "briefs"]
    lead = next((p for p in on_page if p.kind == "lead"), None)
    reports = [p for p in on_page if p is not lead]
    problem = fit.explain(arrange.Misfit(sheet.excess, sheet.rows), lead, reports, grid)
    return replace(problem, message=f"page {sheet.frame.index + 1}: {problem.message}")


