"""A block's columns evened (缩行, 伸行): on the page the search has chosen, a block whose
last column ends a line or more short pulls paragraphs back a line or sets them on one.

The search (arrange.py) judges blocks as the copy sets them; this stage comes after it, so
that evening a block never makes the page look stretched to the search. What it can do was
counted by the measuring pass: each article's paragraphs that 0.05 em less between their
characters holds in a line fewer (`Flow.pulls`) or up to 0.05 em more sets a line longer
(`Flow.pushes`); the seam sets the block's first such paragraphs when the block asks
(`pull`, `push`: `--bp-pull`, `--bp-push` on its text; weasy/tracking.py).
"""

from __future__ import annotations

from dataclasses import replace

from .arrange import EPSILON, Flow, Grid, Page, Placed


def even(page: Page, grid: Grid) -> Page:
    """The page with each block's columns evened where paragraphs can be set on a line
    (`set_on`) or pulled back (`pull_back`): done on the page chosen, after the search, which
    judges blocks as set."""
    return replace(page, blocks=[_evened_block(block, grid) for block in page.blocks])


def _evened_block(block: Placed, grid: Grid) -> Placed:
    if block.piece.kind == "briefs" or not block.text:  # the briefs box's items are not paragraphs the seam pulls
        return block
    least, natural, most = grid.leading
    flow = block.piece.flows[block.flow]
    factor = block.leading / natural
    pull, new_factor, text, short = pull_back(flow, block.count, block.target, (least / natural, most / natural),
                                           factor, block.text, block.short, block.room)
    if pull:
        return replace(block, text=text, leading=natural * new_factor, short=short, pull=pull)
    pushes = set_on(flow, block.count, factor, block.text, block.short)
    if pushes:  # the leading and the block stay as they are
        return replace(block, short=0.0, push=pushes)
    return block


def set_on(flow: Flow, count: int, factor: float, text: float, short: float) -> int:
    """伸行 to even a block's columns: where its last column ends a line or more short, set
    on as many paragraphs (each a line longer, up to 0.05 em looser) as it is short, if the
    flow has them: every column then ends level, at the same height and leading."""
    lines = round(short)
    if count < 2 or lines < 1 or lines >= count or flow.pushes < lines or len(flow.lines) < 2:
        return 0
    more = flow.pushed(lines).scaled(factor)
    height, left = more.split(count)
    return lines if left <= 0.2 and height <= text + EPSILON else 0


def pull_back(flow: Flow, count: int, target: float, factors: tuple[float, float], factor: float, text: float,
           short: float, room: float) -> tuple[int, float, float, float]:
    """缩行 to even a block's columns: where its last column ends a line or more short,
    pull back as many paragraphs (each a line shorter, set 0.05 em tighter) as make the
    columns come out even, if the flow has them; the leading (within the layout's range)
    takes up the line, and what it cannot the block's headline zone and foot (`room`), as
    any block's spare height. Returns (paragraphs pulled, leading factor, text height,
    lines short)."""
    lines = round(short)
    if count < 2 or lines < 1 or lines >= count:
        return 0, factor, text, short
    pulls = count - lines  # then every column holds one line fewer than the first does now
    if flow.pulls < pulls or len(flow.lines) <= pulls:
        return 0, factor, text, short
    pulled = flow.pulled(pulls)
    new_factor = pulled.leading_for(count, target, *factors)
    new_text = pulled.height_at(count, new_factor)
    new_short = pulled.scaled(new_factor).split(count)[1]
    if new_short > 0.2 or text - new_text > room + EPSILON:
        return 0, factor, text, short
    return pulls, new_factor, new_text, new_short
