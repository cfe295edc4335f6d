"""Paragraph-wide line breaking for justified Chinese, at documented seams of WeasyPrint.

WeasyPrint (tested: 70.x) breaks a paragraph's lines one at a time, each taking what fits
(`layout.inline.get_next_linebox` → `split_text_box` → Pango). In a column of 17
characters that leaves lines loose for nothing; WeasyPrint's tracker asks for `text-wrap:
pretty` (issue 2264). Here, when a justified paragraph with Chinese text starts, its
characters are measured with Pango as WeasyPrint will set them and `totalfit` chooses all
its breaks together. WeasyPrint then lays the lines out as always, held to the plan at one
place: a text box in which the line should end is split with the width up to that end
(`split_text_box`), and a box before which it should end is reported too wide, so that
WeasyPrint ends the line before it (its own way of putting a box on the next line).

Nothing else of WeasyPrint's layout changes: justification, push-in and drawing are as
before (justify.py). Where the plan and WeasyPrint disagree — a line it could not hold, a
float beside the paragraph, a line that came out wider than its column — the line is laid
out greedily and the rest of the paragraph planned again from where it really ended.

A paragraph may also be set a touch tighter or looser to lose a line or gain one (缩行,
伸行: tracking.py).

`install()` checks the seams and raises `SeamChanged` if they moved.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from ..compose.chars import CJK_TEXT, is_han
from ..errors import SeamChanged
from . import totalfit
from . import tracking as tracking_
from .justify import _classes, _half_marks, _is_compressed

#: how far past the planned end (in em) a text box is allowed when split at it: less than
#: any break opportunity after it, more than Pango's rounding
SPLIT_SLACK = 0.05
#: the most characters a paragraph may have for it to be planned (a longer one is broken greedily)
MOST_CHARACTERS = 20_000

_installed = False
#: what the plans came to in this process (read by bench/stages.py and the tests)
COUNTS = tracking_.COUNTS


def install() -> None:
    """Wrap WeasyPrint's get_next_linebox and split_text_box (once per process)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline

    _check_seams(inline)
    original_next = inline.get_next_linebox
    original_split = inline.split_text_box

    def get_next_linebox(context, linebox, position_y, bottom_space, skip_stack, containing_block,
                         absolute_boxes, fixed_boxes, first_letter_style, first_line_style):
        args = (context, linebox, position_y, bottom_space, skip_stack, containing_block,
                absolute_boxes, fixed_boxes, first_letter_style, first_line_style)
        plan = _line_plan(context, linebox, skip_stack, containing_block, position_y, first_letter_style or first_line_style)
        if plan is None:
            return original_next(*args)
        line, resume_at = original_next(*args)
        if line is not None and line.width > containing_block.width + 1:  # a box said too wide stayed
            plan.line_end = None
            line, resume_at = original_next(*args)
        held = resume_at is not None and _position(linebox, resume_at, plan.paragraph) == plan.line_end
        COUNTS["held" if held else "missed"] += 1
        plan.line_end = None
        return line, resume_at

    def split_text_box(context, box, available_width, skip, is_line_start=True):
        plan = getattr(box, "bp_plan", None)
        if plan is None or plan.line_end is None:
            return original_split(context, box, available_width, skip, is_line_start)
        cap, ends_before = plan.hold(box, skip or 0)
        result = original_split(context, box, min(available_width, cap), skip, is_line_start)
        if ends_before and result[0] is not None:
            result[0].width = available_width + 100 * box.style["font_size"]  # WeasyPrint puts it on the next line
        return result

    inline.get_next_linebox = get_next_linebox
    inline.split_text_box = split_text_box
    _installed = True


def _check_seams(inline) -> None:
    from weasyprint.text import line_break

    expected = {
        line_break._font_style_cache_key: ["style", "include_size"],  # what a measure depends on (`_key`)
        inline.get_next_linebox: ["context", "linebox", "position_y", "bottom_space", "skip_stack", "containing_block",
                                  "absolute_boxes", "fixed_boxes", "first_letter_style", "first_line_style"],
        inline.split_text_box: ["context", "box", "available_width", "skip", "is_line_start"],
    }
    for function, params in expected.items():
        if list(inspect.signature(function).parameters) != params:
            raise SeamChanged(f"WeasyPrint's {function.__qualname__} changed its signature; see bulletinpress/weasy/paragraphs.py")
    calls = {inline.iter_line_boxes: "get_next_linebox(", inline.split_inline_level: "split_text_box(",
             inline._break_waiting_children: "return {children[-1][0] + 1: None}"}
    for function, call in calls.items():
        if call not in inspect.getsource(function):
            raise SeamChanged(f"WeasyPrint's {function.__qualname__} no longer does {call!r}; see bulletinpress/weasy/paragraphs.py")


@dataclass
class Plan:
    """A paragraph's breaks, and where its text boxes sit in its text."""

    text: totalfit.Measured
    width: float
    indent: float
    paragraph: "Paragraph"
    inset: float = 0.0  # a tracked paragraph's lines are drawn this much wider (justify._overhang)
    ends: list[int] = field(default_factory=list)  # where the planned lines end
    line_begin: int = 0
    line_end: int | None = None

    def plan_from(self, start: int) -> bool:
        width = self.width - self.inset
        first = width - self.indent if start == 0 else None
        ends = totalfit.breaks(self.text, width, first, start)
        self.ends = ends or []
        return ends is not None

    def hold(self, box, skip: int) -> tuple[float, bool]:
        """For a text box split from byte `skip`: the width to split it at (infinite when the
        line does not end in it) and whether the line should end before it."""
        begin = self.paragraph.starts[id(box)]
        here = begin + len(box.text.encode()[:skip].decode())
        end = self.line_end
        if here < end < begin + len(box.text):
            slack = SPLIT_SLACK * box.style["font_size"]
            return self.text.sum("widths", here, end) + slack, False
        return float("inf"), end == here and here != self.line_begin


def _line_plan(context, linebox, skip_stack, containing_block, position_y, pseudo) -> Plan | None:
    """The paragraph's plan with this line's planned end set, or None to let WeasyPrint
    break the line its own way."""
    plan = getattr(linebox, "bp_plan", None)
    if plan is False or (plan is None and skip_stack is not None):
        return None  # not ours, or met first in the middle (a paragraph split before we planned)
    width = containing_block.width
    if plan is None or plan.width != width:
        plan = _planned(context, linebox, containing_block, pseudo)
        linebox.bp_plan = plan if plan is not None else False
        if plan is None:
            return None
    begin = _position(linebox, skip_stack, plan.paragraph)
    if _beside_float(context, position_y, linebox):
        plan.ends = []  # planned again below the float
        return None
    if begin not in plan.ends and begin != 0 or not plan.ends:
        if not plan.plan_from(begin):
            return None
    plan.line_begin = begin
    plan.line_end = next((end for end in plan.ends if end > begin), None)
    if plan.line_end is None or plan.line_end >= len(plan.text):
        plan.line_end = None  # the last line: all that is left fits, or WeasyPrint says otherwise
        return None
    return plan


def _beside_float(context, position_y, linebox) -> bool:
    """A float reaches down to this line: its width is not the column's."""
    reach = position_y + 2 * linebox.style["font_size"]
    return any(shape.position_y < reach and shape.position_y + shape.margin_height() > position_y
               for shape in context.excluded_shapes)


def _planned(context, linebox, containing_block, pseudo) -> Plan | None:
    """Measure the paragraph and plan it, if it is one we plan: justified, with Chinese
    text, of text and inline boxes only."""
    if pseudo or not _eligible(linebox, containing_block):
        return None
    found = Paragraph()
    if not _collect(linebox, found) or not found.texts or found.length > MOST_CHARACTERS:
        return None
    if not any(CJK_TEXT.search(box.text) for box, *_ in found.texts):
        return None
    greedy = _greedy(context, linebox, containing_block, found)
    plain = found.measured
    trackable = [tracking_.trackable(box) for box, *_ in found.texts for _ in box.text]
    texts = {0.0: plain}

    def planned(tracking: float = 0.0, fewest: bool = False):
        """The paragraph planned `tracking` em looser (its widths worked out, not measured
        again: Pango adds the letter-spacing to each character's advance); with `fewest`,
        only the fewest lines it can take (each line filled: first fit)."""
        if tracking not in texts:  # the widths once per tracking: first fit and total fit share them
            texts[tracking] = tracking_.tracked(plain, trackable, tracking)
        text = texts[tracking]
        plan = Plan(text, containing_block.width, linebox.text_indent or 0.0, found, -tracking * text.em)
        if fewest:
            width = plan.width - plan.inset
            ends = totalfit.first_fit(text, width, width - plan.indent)
            return len(ends) if ends else None
        return plan if plan.plan_from(0) else None

    plan, tracking = None, 0.0
    if not _fine(plain, greedy, linebox, containing_block):
        plan = planned()
        if plan is not None and tracking_.orphaned(plan.text, plan.ends):
            plan, tracking = tracking_.tightened(linebox, plan, planned)
    chosen = tracking_.for_columns(context, linebox, plain, plan.ends if plan else greedy, planned)
    if chosen is not None:
        plan, tracking = chosen
    if tracking:
        tracking_.track(found, tracking)  # the boxes set so, as planned
    COUNTS["paragraphs" if plan is not None else "left"] += 1
    for box, *_ in found.texts:
        box.bp_plan = plan  # split_text_box holds the box to it
    return plan


def _eligible(linebox, containing_block) -> bool:
    style = linebox.style
    return (style["text_align_all"] == "justify" and style["white_space"] == "normal"
            and style["direction"] == "ltr" and containing_block.width > 0)


@dataclass
class Paragraph:
    """A paragraph's text boxes in order, each with its outermost unbreakable (nowrap)
    ancestor and the inline spacing (margin, border, padding) opened before it and closed
    after it; where every box, text or inline, starts and ends in the paragraph's text."""

    texts: list = field(default_factory=list)  # [box, nowrap, before, after]
    starts: dict[int, int] = field(default_factory=dict)
    ends: dict[int, int] = field(default_factory=dict)
    length: int = 0
    measured: totalfit.Measured | None = None  # as its style sets it


def _collect(box, found: Paragraph, nowrap=None) -> bool:
    """Gather the paragraph; False for content we do not plan (an image, a float, a
    preserved line break)."""
    from weasyprint.formatting_structure import boxes

    for child in box.children:
        if not child.is_in_normal_flow():
            return False
        found.starts[id(child)] = found.length
        if isinstance(child, boxes.TextBox):
            if "\n" in child.text or child.style["font_size"] <= 0:
                return False
            if child.text:
                found.texts.append([child, nowrap if nowrap is not None else _nowrap(child), 0.0, 0.0])
                found.length += len(child.text)
        elif isinstance(child, boxes.InlineBox):
            first = len(found.texts)
            if not _collect(child, found, nowrap if nowrap is not None else _nowrap(child)):
                return False
            if len(found.texts) > first:
                found.texts[first][2] += _spacing(child.style, "left")
                found.texts[-1][3] += _spacing(child.style, "right")
        else:
            return False
        found.ends[id(child)] = found.length
    return True


def _spacing(style, side: str) -> float:
    """An inline box's margin, border and padding on one side, in the layout's units."""
    total = style[f"border_{side}_width"] or 0.0
    for key in (f"margin_{side}", f"padding_{side}"):
        value = style[key]
        if getattr(value, "unit", None) == "px":
            total += value.value
    return total


def _nowrap(box):
    return id(box) if box.style["white_space"] in ("nowrap", "pre") else None


def _greedy(context, linebox, containing_block, found: Paragraph) -> list[int] | None:
    """The breaks WeasyPrint would make on its own, from the paragraph measured once."""
    key = _key(linebox, found)
    found.measured = _MEASURED.get(key)
    if found.measured is None:
        if len(_MEASURED) > MEASURED_KEPT:
            _MEASURED.clear()
        found.measured = _MEASURED[key] = _measure(context, linebox, found.texts)
    width = containing_block.width
    return totalfit.first_fit(found.measured, width, width - (linebox.text_indent or 0.0))


def _fine(measured: totalfit.Measured, ends: list[int] | None, linebox, containing_block) -> bool:
    """WeasyPrint's line-at-a-time breaks leave no line loose and the last line long
    enough: nothing to plan (most paragraphs, which then cost only their measuring)."""
    if ends is None:
        return True  # a piece fits no line: WeasyPrint's way, as without a plan
    width = containing_block.width
    return not tracking_.orphaned(measured, ends) and totalfit.good_enough(measured, ends, width, width - (linebox.text_indent or 0.0))


#: paragraphs measured in this process, by what the measure depends on (`_key`): the
#: measuring pass sets each article's text at each size the composer may choose, and the
#: last pass sets the chosen one again
_MEASURED: dict[tuple, totalfit.Measured] = {}
MEASURED_KEPT = 4096


def _key(linebox, found: Paragraph) -> tuple:
    """What a paragraph's measure depends on: each text box's text, font, spacing, classes
    and inline spacing, which boxes share an unbreakable run, and the paragraph's size."""
    from weasyprint.text.line_break import _font_style_cache_key

    runs: dict[int, int] = {}
    return (linebox.style["font_size"], *(
        (box.text, _font_style_cache_key(box.style, include_size=True), str(box.style["letter_spacing"]),
         str(box.style["word_spacing"]), tuple(sorted(_classes(box))), before, after,
         None if nowrap is None else runs.setdefault(nowrap, len(runs)))
        for box, nowrap, before, after in found.texts))


def _measure(context, linebox, texts) -> totalfit.Measured:
    """Every character's width as WeasyPrint will set it (one Pango layout per text box),
    the half em each pushed-in mark gives back, where a line may break and what stretches."""
    from weasyprint.text import line_break

    widths, give, breaks, spaces, han, latin = [], [], [], [], [], []
    previous = None
    for box, nowrap, before, after in texts:
        box_widths = _advances(context, box, line_break)
        box_widths[0] += before
        box_widths[-1] += after
        widths.extend(box_widths)
        give.extend(_give(context, box, line_break))
        inside = _inside_breaks(box.text, box.style["lang"], line_break)
        breaks.append(previous is not None and _between(previous, (box, nowrap), line_break))
        breaks.extend(brk and nowrap is None for brk in inside[1:])
        spaces.extend(char == " " for char in box.text)
        han.extend(is_han(char) for char in box.text)
        latin.extend(not CJK_TEXT.match(char) for char in box.text)
        previous = (box, nowrap)
    stretch = [not (latin[i] and latin[i + 1]) for i in range(len(latin) - 1)] + [False]
    return totalfit.Measured(widths, give, stretch, breaks, spaces, han, linebox.style["font_size"])


def _give(context, box, line_break) -> list[float]:
    """The half em each mark the font pushed in gives back on a line with room (justify.py)."""
    give = [0.0] * len(box.text)
    if not _is_compressed(box) and "latin" not in _classes(box):
        for index in _half_marks(context, box, line_break):
            give[index] = box.style["font_size"] / 2
    return give


def _advances(context, box, line_break) -> list[float]:
    """The advance of each character of the box, read from the glyphs of a Pango layout of
    its text (a cluster's advance goes to its first character); they add up to the width
    WeasyPrint gives the box."""
    from weasyprint.text.ffi import FROM_UNITS, ffi

    layout = line_break.create_layout(box.text, box.style, context, None, 0)
    line, _ = layout.get_first_line()
    width, _ = line_break.line_size(line, box.style)
    index_of, offset = {}, 0
    for index, char in enumerate(box.text):
        index_of[offset] = index
        offset += len(char.encode())
    widths = [0.0] * len(box.text)
    run = line.runs
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        glyphs, start = glyph_item.glyphs, glyph_item.item.offset
        for i in range(glyphs.num_glyphs):
            index = index_of.get(start + glyphs.log_clusters[i], 0)
            widths[index] += glyphs.glyphs[i].geometry.width * FROM_UNITS
    widths[-1] += width - sum(widths)
    return widths


def _inside_breaks(text: str, lang, line_break) -> list[bool]:
    """Whether Pango may break before each character of one text box."""
    attrs = line_break.get_log_attrs(text, lang)
    return [bool(attrs[i].is_line_break) for i in range(len(text))]


def _between(previous, current, line_break) -> bool:
    """Whether WeasyPrint may end a line between two text boxes (as split_inline_box asks)."""
    (before, before_nowrap), (box, nowrap) = previous, current
    if before_nowrap is not None and before_nowrap == nowrap:
        return False
    if not before.text or not box.text:
        return False
    return line_break.can_break_text(before.text[-1] + box.text[0], box.style["lang"])


def _position(linebox, skip_stack, found: Paragraph) -> int:
    """The character a skip stack points at, counted in the paragraph's text."""
    box = linebox
    while skip_stack:
        (index, skip_stack), = skip_stack.items()
        if hasattr(box, "text"):  # a text box: the index is a byte offset into its text
            return found.starts[id(box)] + len(box.text.encode()[:index or 0].decode())
        children = box.children
        if index >= len(children):
            return found.ends[id(box)] if box is not linebox else found.length
        box = children[index]
    return found.starts[id(box)] if box is not linebox else 0
