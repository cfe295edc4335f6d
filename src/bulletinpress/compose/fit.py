"""When a page cannot be filled, say so in the editor's terms.

Over-full: which article(s) to cut, by about how many characters, or whose photo to drop,
worked out from the arrangement that came closest. Under-full (even at the largest body
size): about how many characters, or how large a photo, the page lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import arrange

PT_PER_MM = 72 / 25.4


@dataclass
class Problem:
    loc: tuple
    message: str
    severity: str = "error"
    excess: float = 0.0  # pt: over (positive) or short (negative)

    def as_warning(self) -> "Problem":
        return Problem(self.loc, self.message, "warning", self.excess)


def explain(misfit: arrange.Misfit, lead, reports, grid: arrange.Grid) -> Problem:
    if misfit.excess > 0:
        return _over(misfit, reports, lead, grid)
    return _under(misfit, reports, lead, grid)


def _options(misfit: arrange.Misfit) -> dict[str, arrange.Option]:
    return {o.piece.loc: o for row in misfit.rows for stack in row.stacks for o in stack.options}


def _over(misfit: arrange.Misfit, reports, lead, grid: arrange.Grid) -> Problem:
    """The least important articles are the ones to cut — the file's order is the order of
    importance, so the last report first and the lead last — each by no more than 60 % of
    its text: each line of a block's column height saved takes as many lines of text as the
    block has columns."""
    placed = _options(misfit)
    candidates = [p for p in list(reversed(reports)) + ([lead] if lead else []) if p.loc in placed]
    excess, parts, names = misfit.excess, [], []
    for piece in candidates[:4]:
        option = placed[piece.loc]
        flow = piece.flows[option.flow]
        per_line = max(1, round(piece.chars / max(flow.count, 1)))
        lines = excess / flow.line_height * option.count
        cut = min(piece.chars * 0.6, lines * per_line)
        photo = next((p for p in option.photos if p[0] + p[3] >= excess), None)
        parts.append(f"{_name(piece)}: cut about {_round(cut)} characters" + (", or drop its photo" if photo else ""))
        names.append(piece)
        excess -= cut / per_line / option.count * flow.line_height
        if excess <= 0:
            break
    where = names[0].loc if names else "reports"
    message = (f"the page is over-full by about {misfit.excess / grid.leading[1] / _body(reports, lead, grid):.0f} line(s) "
               f"({misfit.excess / PT_PER_MM:.0f} mm): " + "; ".join(parts) + " (or build with --allow-overflow)")
    return Problem(_loc(where), message, excess=misfit.excess)


def _under(misfit: arrange.Misfit, reports, lead, grid: arrange.Grid) -> Problem:
    short = -misfit.excess
    lines = short / (grid.leading[1] * _body(reports, lead, grid))
    per_line = round(grid.column / _body(reports, lead, grid))
    chars = lines * per_line * grid.columns
    message = (f"the page is under-full by about {lines:.0f} line(s) across its {grid.columns} columns "
               f"({short / PT_PER_MM:.0f} mm), even at the largest body size: add about {_round(chars)} characters of copy, "
               f"or a photo about {short / PT_PER_MM:.0f} mm high (the white stays at the foot; a --print build needs --allow-underfill)")
    last = reports[-1].loc if reports else ("lead" if lead else "briefs")
    return Problem(_loc(last), message, excess=misfit.excess)


def _body(reports, lead, grid: arrange.Grid) -> float:
    """The body size, from a measured flow's nominal line height (size × leading)."""
    for piece in reports + ([lead] if lead else []):
        for flow in piece.flows.values():
            return flow.line_height / grid.leading[1]
    return 10.0


def _name(piece) -> str:
    story = piece.story
    title = str(story.title_lines[0]) if getattr(story, "title_lines", None) else ""
    import re

    title = re.sub(r"<[^>]+>", "", title)
    district = re.sub(r"<[^>]+>", "", str(story.district)) if getattr(story, "district", None) else ""
    label = f"{district} {title}".strip()
    return f"{piece.loc} ({label[:24]}{'…' if len(label) > 24 else ''})"


def _round(chars: float) -> int:
    step = 10 if chars < 200 else 50
    return max(step, int(round(chars / step)) * step)


def _loc(text: str) -> tuple:
    import re

    return tuple(name if name else int(index) for name, index in re.findall(r"([A-Za-z_]+)|\[(\d+)\]", text))
