"""What page composition needs measured, asked of WeasyPrint in as few passes as possible.

One pass lays out, in one document, every piece the search may place: the masthead and the
footer, each headline at each block span, each article's text in one column of each measure
it may be set in, each caption at each span. The text of an article is measured once per
body size; the results are kept by content, so a warm process (serve, batch workers)
measures only the articles that changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import arrange, headline
from .html import render as render_html

#: measurements kept between builds in one process, by what they depend on
_CACHE: dict[str, object] = {}
_CACHE_LIMIT = 4000


@dataclass(frozen=True)
class Sizes:
    """The type sizes of one body size step, in pt."""

    step: int
    body: float
    lead: float
    briefs_width: float
    scale: float = 1.0  # body size over the natural one: headlines grow with its square root

    def title(self, points: float) -> float:
        return round(points * self.scale ** 0.5, 3)


def grid(settings, area: tuple[float, float]) -> arrange.Grid:
    """The layout's grid over the measured type area (width, height)."""
    return arrange.Grid(
        width=area[0], height=area[1], columns=settings.columns, gutter=settings.gutter, gap=settings.gap,
        leading=tuple(settings.leading), photo=tuple(settings.photo), max_span=min(settings.max_span, settings.columns),
        lead_columns=settings.lead.columns, lead_gutter=settings.lead.gutter, briefs_columns=settings.briefs.columns,
    )


def sizes(settings, area_grid: arrange.Grid, step: int) -> Sizes:
    """Body and lead sizes that make a whole number of characters fill each column."""
    lead_column = (area_grid.width - (settings.lead.columns - 1) * settings.lead.gutter) / settings.lead.columns
    chars = settings.chars[min(step, len(settings.chars) - 1)]
    lead_chars = settings.lead.chars[min(step, len(settings.lead.chars) - 1)]
    briefs = briefs_width(area_grid, settings.briefs.columns)
    # a hair under the exact size: at exactly column / chars rounding loses a character a line
    return Sizes(step, area_grid.column / chars * 0.9999, lead_column / lead_chars * 0.9999, briefs, settings.chars[0] / chars)


#: the briefs box: border and padding on each side, and the gap between its columns (pt)
BRIEFS_INSET, BRIEFS_GAP = 10.3, 19.7


def briefs_width(area_grid: arrange.Grid, columns: int) -> float:
    return (area_grid.width - 2 * BRIEFS_INSET - (columns - 1) * BRIEFS_GAP) / columns


@dataclass
class Request:
    """One piece to measure: `key` names it in the results; the template draws it."""

    key: str
    part: str  # head, flow, caption, briefs-head, briefs-flow
    story: object
    kind: str  # lead, report, briefs
    width: float
    font_size: float | None = None
    line_height: float | None = None
    title_size: float | None = None
    figure: object | None = None
    level: int = 2
    title_lines: tuple | None = None  # a head's title as balanced for its width and size


def requests(ctx: dict, settings, area_grid: arrange.Grid, size: Sizes, more: bool = False, wraps=frozenset()) -> list[Request]:
    """Every piece of the issue at every span and measure the search may use (with `more`,
    the rarer ways too: reports across the page in fewer columns, the briefs in two, and a
    size down for each (loc, span) in `wraps`, whose title wrapped)."""
    found = []
    leading = settings.leading[1]
    if ctx["lead"] is not None:
        found += lead_requests("lead", ctx["lead"], settings, area_grid, size, more, wraps)
    for index, story in enumerate(ctx["reports"]):
        found += report_requests(f"reports[{index}]", story, settings, area_grid, size, more, wraps)
    if ctx["briefs"] is not None:
        found.append(Request("briefs:head", "briefs-head", ctx["briefs"], "briefs", area_grid.width))
        found.append(Request(f"briefs:flow:briefs:{size.step}", "briefs-flow", ctx["briefs"], "briefs", size.briefs_width, size.body, leading))
        found += [Request(f"briefs:flow:briefs{n}:{size.step}", "briefs-flow", ctx["briefs"], "briefs", briefs_width(area_grid, n), size.body, leading)
                  for n in BRIEFS_VARIANTS if more and n != settings.briefs.columns]
    return found


def wrapping(ctx: dict, settings, area_grid: arrange.Grid, size: Sizes) -> set[tuple[str, int]]:
    """The (article, span) whose title, balanced by words, takes more lines than the editor
    broke it into: measured a size down too, in the first pass (a paper of several pages
    cannot afford a second one to find them)."""
    found = set()
    stories = ([("lead", ctx["lead"], lead_spans(area_grid))] if ctx["lead"] is not None else [])
    stories += [(f"reports[{i}]", story, report_spans(area_grid)) for i, story in enumerate(ctx["reports"])]
    for key, story, spans in stories:
        for k in spans:
            points = lead_title(settings, area_grid, k) if key == "lead" else headline_size(settings, k)
            if len(headline.set_title(story, area_grid.span_width(k), size.title(points))) > len(story.title_lines):
                found.add((key, k))
    return found


def lead_requests(key: str, story, settings, area_grid: arrange.Grid, size: Sizes, more: bool = False,
                  wraps=frozenset()) -> list[Request]:
    """The lead's pieces (or a jumped lead's first part, under `key`): its headline at every
    span it may take, its text in its own measures and in a basic column, its captions."""
    leading = settings.leading[1]
    width = area_grid.width
    spans = lead_spans(area_grid)
    found = [_head(f"{key}:head{tag}:{k}", story, "lead", area_grid.span_width(k),
                   round(size.title(lead_title(settings, area_grid, k)) * scale, 3), 1)
             for k in spans for tag, scale in TITLE_STEPS if not tag or (key, k) in wraps]
    lead_width = (width - (settings.lead.columns - 1) * settings.lead.gutter) / settings.lead.columns
    found.append(Request(f"{key}:flow:lead:{size.step}", "flow", story, "lead", lead_width, size.lead, leading))
    found.append(Request(f"{key}:flow:col:{size.step}", "flow", story, "lead", area_grid.column, size.body, leading))
    found += [Request(f"{key}:flow:{name}:{size.step}", "flow", story, "lead", width_, size.lead, leading)
              for name, width_ in variants(area_grid, lead_variants(more))]
    return found + _captions(story, key, spans, area_grid)


def report_requests(key: str, story, settings, area_grid: arrange.Grid, size: Sizes, more: bool = False,
                    wraps=frozenset(), title_scale: float = 1.0) -> list[Request]:
    """A report's pieces (or a jumped article's part, under `key`): its headline at every
    span (`title_scale` of the layout's size: a continuation head is smaller), its text in
    every measure, its captions."""
    leading = settings.leading[1]
    spans = report_spans(area_grid)
    found = [_head(f"{key}:head{tag}:{k}", story, "report", area_grid.span_width(k),
                   round(size.title(headline_size(settings, k)) * scale * title_scale, 3), 2)
             for k in spans for tag, scale in TITLE_STEPS if not tag or (key, k) in wraps]
    found.append(Request(f"{key}:flow:col:{size.step}", "flow", story, "report", area_grid.column, size.body, leading))
    found += [Request(f"{key}:flow:{name}:{size.step}", "flow", story, "report", width_, size.body, leading)
              for name, width_ in variants(area_grid, report_variants(more))]
    return found + _captions(story, key, spans, area_grid)


def report_spans(area_grid: arrange.Grid) -> list[int]:
    """A report is set across 1 … max_span basic columns, or alone across the page."""
    return sorted(set(range(1, area_grid.max_span + 1)) | {area_grid.columns})


#: 变栏: blocks whose text is set in fewer, wider columns than the basic ones they span
#: (span, columns); more ways to set an article give the composer more ways to fill a block
LEAD_VARIANTS = ((3, 2),)
MORE_LEAD_VARIANTS = ((5, 3), (4, 3))
REPORT_VARIANTS = ((3, 2),)
#: measured only when a page came out with a column short (a report across the page, the briefs)
MORE_REPORT_VARIANTS = ((5, 4), (5, 3))
BRIEFS_VARIANTS = (2,)  # the briefs box in two columns instead of three


#: a title that wraps where the editor did not break it is tried one size down (measured
#: with the rarer ways, when a page came out with such a title)
TITLE_STEPS = (("", 1.0), ("-small", 0.85))


def lead_variants(more: bool):
    return LEAD_VARIANTS + (MORE_LEAD_VARIANTS if more else ())


def report_variants(more: bool):
    return REPORT_VARIANTS + (MORE_REPORT_VARIANTS if more else ())


def variants(area_grid: arrange.Grid, wanted) -> list[tuple[str, float]]:
    """The 变栏 measures that fit the grid: (flow name, column width)."""
    return [(arrange.variant_name(span, count), area_grid.measure(span, count))
            for span, count in wanted if span <= area_grid.columns and count < span]


def lead_spans(area_grid: arrange.Grid) -> list[int]:
    """The lead is set across the page, or across most of it with reports beside it."""
    return list(range(min(3, area_grid.columns), area_grid.columns + 1))


def lead_title(settings, area_grid: arrange.Grid, span: int) -> float:
    """The lead's title size: the layout's across the page, smaller on a narrower block."""
    return round(settings.lead.title * (0.7 + 0.3 * span / area_grid.columns), 2)


def headline_size(settings, span: int) -> float:
    """The layout's title size for a block of `span` columns (the widest given for wider)."""
    given = [k for k in settings.headline if k <= span]
    return settings.headline[max(given)] if given else min(settings.headline.values())


def _head(key: str, story, kind: str, width: float, title_size: float, level: int) -> Request:
    return Request(key, "head", story, kind, width, title_size=title_size, level=level,
                   title_lines=headline.set_title(story, width, title_size))


def _captions(story, loc: str, spans, area_grid: arrange.Grid) -> list[Request]:
    return [
        Request(f"{loc}:caption:{j}:{k}", "caption", story, "report", area_grid.span_width(k), figure=figure)
        for j, figure in enumerate(story.figures) for k in spans
    ]


#: the measuring document's pages: tall enough that no piece is cut by a page break, and
#: without margins; every piece has its own width, so the page's does not matter
TALL_PAGE = "@page { size: 3000pt 14000pt; margin: 0; }"


def area(ctx: dict, layout_dirs, fingerprint: str, run) -> tuple[float, float]:
    """The type area (width, height) of the layout's page, measured once per layout."""
    key = f"{fingerprint}:@page"
    if key not in _CACHE:
        _remember(key, run(render_html(layout_dirs, "common/measure.html", {**ctx, "pieces": [], "area_width": None}), False)["@page"])
    found = _CACHE[key]
    return found.width, found.height


def measured(requests_: list[Request], ctx: dict, layout_dirs, fingerprint: str, run, width: float) -> dict:
    """The measurements of every request, and of the masthead and the footer at the type
    area's `width`: from the cache when the same piece (same content, same layout files) was
    measured before, else from one WeasyPrint pass (`run`)."""
    keys = {r.key: _cache_key(r, fingerprint) for r in requests_}
    extra = {e: f"{fingerprint}:{e}:{_masthead_key(ctx)}" for e in EXTRAS}
    known = {key: _CACHE[key] for key in list(keys.values()) + list(extra.values()) if key in _CACHE}
    missing = [r for r in requests_ if keys[r.key] not in known]
    if missing or any(k not in known for k in extra.values()):
        sample = {"label": ctx.get("page_label_sample", ""), "name": max(ctx.get("page_names") or [""], key=len)}
        html = render_html(layout_dirs, "common/measure.html", {**ctx, "pieces": missing, "area_width": width, "running_sample": sample})
        results = run(html, True)
        known.update({keys[r.key]: results.get(r.key) for r in missing})
        known.update({key: results.get(name) for name, key in extra.items()})
        for key, value in known.items():  # the cache may be emptied on the way: `known` answers
            _remember(key, value)
    found = {r.key: known[keys[r.key]] for r in requests_}
    found.update({name: known[key] for name, key in extra.items()})
    return found


#: measured with every pass, at the type area's width: the masthead (page 1), the running head
#: (报眉, pages 2 …) and the footer (the 版记, last page)
EXTRAS = ("masthead", "running-head", "distribution")


def _remember(key: str, value) -> None:
    if len(_CACHE) > _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = value


def _cache_key(request: Request, fingerprint: str) -> str:
    """What a measurement depends on: the layout's files, the piece's part and sizes, and
    the article's own content (its headline, text or caption as they will be printed)."""
    story = request.story
    content = repr((request.part, request.kind, round(request.width, 3), request.font_size, request.line_height,
                    request.title_size, request.level, _content(story, request)))
    return f"{fingerprint}:{request.key.split(':')[1]}:" + hashlib.sha256(content.encode()).hexdigest()[:24]


def _content(story, request: Request):
    if request.part in ("briefs-head", "briefs-flow"):
        return (str(story.title), [str(i) for i in story.items])
    if request.part == "caption":
        figure = request.figure
        return (str(figure.caption), figure.credit)
    if request.part == "head":
        return (str(story.district), str(story.kicker), [str(t) for t in request.title_lines], str(story.subtitle), story.byline)
    return (str(story.note), story.note_label, [str(p) for p in story.paragraphs])


def _masthead_key(ctx: dict) -> str:
    return hashlib.sha256(repr((ctx["masthead"], ctx["distribution"], ctx["lang"], ctx.get("in_this_issue"))).encode()).hexdigest()[:24]


def fingerprint(stylesheets: list[Path], layout_dirs, template: str) -> str:
    """The layout's files as they are now: a changed stylesheet or template measures anew."""
    digest = hashlib.sha256(template.encode())
    for path in list(stylesheets) + sorted(p for d in layout_dirs for p in Path(d).rglob("*.html")):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()[:24]
