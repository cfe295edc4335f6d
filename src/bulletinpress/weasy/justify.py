"""Inter-character justification for Chinese, at one documented seam of WeasyPrint.

WeasyPrint (tested: 70.x) justifies a line by stretching spaces only
(`weasyprint.layout.inline.justify_line`, its tracker issue 2269), which leaves Chinese
columns ragged. We replace that function: on a line that holds CJK text, the extra width
is spread evenly over the gaps between characters next to a CJK character (clreq §3.8,
"inter-character" justification); lines without CJK keep WeasyPrint's own behaviour.

The spacing is drawn as Pango letter-spacing over each text box: Pango puts it between
the box's characters, not at its ends (checked by `tests/test_justify.py`). Because WeasyPrint rebuilds the Pango layout when it draws
(`Layout.reactivate` → `Layout.set_text(justify=True)`), `Layout.set_text` is wrapped
to re-apply the spacing. No character is inserted into the text.

`install()` checks that both seams still look as expected and raises otherwise, so a
WeasyPrint upgrade that moves them fails loudly instead of going ragged silently.
"""

from __future__ import annotations

import inspect

from ..compose.chars import CJK_TEXT
from ..errors import SeamChanged

_installed = False


def install() -> None:
    """Replace WeasyPrint's justify_line and wrap Layout.set_text (once per process)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    _check_seams(inline, line_break)
    original_justify = inline.justify_line
    original_text_align = inline.text_align
    original_set_text = line_break.Layout.set_text

    def text_align(context, line, available_width, last):
        _drop_edge_gaps(line, inline.boxes)
        return original_text_align(context, line, available_width, last)

    def justify_line(context, line, extra_width):
        if not _justify_cjk(context, line, extra_width, inline, line_break):
            original_justify(context, line, extra_width)

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        spacing = getattr(self, "bp_spacing", 0)
        if justify and spacing:
            _apply_letter_spacing(self, spacing)

    inline.justify_line = justify_line
    inline.text_align = text_align
    line_break.Layout.set_text = set_text
    _installed = True


def _check_seams(inline, line_break) -> None:
    expected = {
        inline.justify_line: ["context", "line", "extra_width"],
        inline.text_align: ["context", "line", "available_width", "last"],
        line_break.Layout.set_text: ["self", "text", "justify"],
        line_break.create_layout: ["text", "style", "context", "max_width", "justification_spacing"],
    }
    for function, params in expected.items():
        if list(inspect.signature(function).parameters) != params:
            raise SeamChanged(f"WeasyPrint's {function.__qualname__} changed its signature; see bulletinpress/weasy/justify.py")
    if "justify_line(context, line, offset)" not in inspect.getsource(inline.text_align):
        raise SeamChanged("WeasyPrint's text_align no longer calls justify_line; see bulletinpress/weasy/justify.py")
    if "text_align(" not in inspect.getsource(inline.inline_block_box_layout if False else inline):
        raise SeamChanged("WeasyPrint's inline layout no longer calls text_align; see bulletinpress/weasy/justify.py")


def _text_boxes(box, boxes_module, latin=False):
    """The line's text boxes in drawing order (left to right), each with whether it is a
    Latin run set apart from Han text by typeset.py (a `.latin` span)."""
    if isinstance(box, boxes_module.TextBox):
        yield box, latin or (box.text.strip() != "" and box.text.isascii())  # a Latin run in a box of its own
    elif isinstance(box, (boxes_module.LineBox, boxes_module.InlineBox)):
        latin = latin or _is_gap(box)
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child, boxes_module, latin)


#: gaps wider than this (in em) make a line loose; text extractors start to see them
LOOSE = 0.08
#: the most a Latin run's or a dash's edge widens by in a loose line (em): past it the
#: gaps between Han characters take the rest, as in a line without Latin
SINK_MOST = 0.5
#: poppler starts a new word at gaps over 0.1 em; gaps in this band are avoided (in em)
NEAR_WORD_BREAK = (0.085, 0.12)


def _justify_cjk(context, line, extra_width, inline, line_break) -> bool:
    """Spread `extra_width` over the line in clreq's order (§3.8, `text-justify:
    inter-character`): compressed punctuation first gets its half em back, then the gaps
    between characters next to a CJK character widen evenly — never the gaps inside a run
    of Latin letters or digits, which keeps its set width (`_plan`).

    The gaps stay below a tenth of an em on a line that holds a Latin run, and what is
    left goes to the edges of its Latin runs and dashes (clreq's CJK–Latin boundaries):
    poppler joins characters into words across gaps under 0.1 em, and once a line has a
    word of several characters it prints a space at every gap over 0.03 em — so gaps over
    the tenth between Han characters would come back from copy-paste as spaces."""
    boxes_module = inline.boxes
    if line.style["direction"] == "rtl":
        return False
    texts = [(box, latin) for box, latin in _text_boxes(line, boxes_module) if box.text]
    if not any(CJK_TEXT.search(box.text) for box, _ in texts):
        return False  # no CJK text: “ ’ — alone (English typographic quotes) do not make a line Chinese
    last = texts[-1][0]
    trailing = len(last.text) - len(last.text.rstrip(" "))
    size = line.style["font_size"]
    plan = _plan(texts, trailing)
    count = sum(before + inside for before, inside in plan.values())
    sinks = [i for i in range(1, len(texts)) if _sink(texts[i]) or _sink(texts[i - 1])]
    spaces = {id(box): box.text.strip(" ").count(" ") for box, latin in texts if latin and " " in box.text.strip(" ")}
    if count <= 0 and not sinks and not spaces:
        return False
    restore: dict[int, float] = {}
    for box, _ in texts[:-1]:  # a compressed mark that ends the line stays compressed
        half = box.style["font_size"] / 2
        if not count or extra_width / count < LOOSE * size:
            break
        if _is_compressed(box) and extra_width >= half:
            restore[id(box)] = half
            extra_width -= half
    spacing, bonus = (extra_width / count if count else 0.0), {}
    words = any(latin and len(box.text.strip()) > 1 for box, latin in texts)
    ligature = any(box.text == "——" for box, _ in texts)
    near = NEAR_WORD_BREAK[0] <= spacing / size < NEAR_WORD_BREAK[1]
    places = len(sinks) + sum(spaces.values())  # Latin runs' edges and their word spaces
    if places and (spacing / size >= NEAR_WORD_BREAK[0] if (words or ligature) else near):
        spacing = min(spacing, NEAR_WORD_BREAK[0] * size * 0.99)
        share = (extra_width - spacing * count) / places
        if share > SINK_MOST * size and count:  # the boundaries take their most, the gaps the rest
            share = SINK_MOST * size
            spacing = (extra_width - share * places) / count
        bonus = {id(texts[i][0]): share for i in sinks}
        bonus.update({("words", key): share for key in spaces})
    _spread(context, line, spacing, plan, restore, bonus, 0.0, boxes_module, line_break)
    return True


def _plan(texts, trailing: int) -> dict[int, tuple[bool, int]]:
    """For each text box: whether the gap before it stretches, and how many inside it.
    A Latin run (a `.latin` span, typeset.py) keeps its set width inside and at its ¼ em
    boundaries; its edges take extra space only as a sink (`_justify_cjk`)."""
    last = texts[-1][0]
    plan = {}
    for index, (box, latin) in enumerate(texts):
        tight = latin or (index > 0 and texts[index - 1][1])
        before = index > 0 and not tight
        inside = 0 if latin else max(_clusters(box.text) - 1 - (trailing if box is last else 0), 0)
        plan[id(box)] = (before, inside)
    return plan


def _sink(entry) -> bool:
    """A box whose edges may take extra space: a Latin run, or a —— dash."""
    box, latin = entry
    return latin or box.text == "——"


def _clusters(text: str) -> int:
    """Characters as Pango spaces them: a pair of em dashes is one glyph in Noto CJK."""
    return len(text) - text.count("——")


def _is_compressed(box) -> bool:
    features = box.style["font_feature_settings"]
    return features != "normal" and ("halt", 1) in features


def _spread(context, box, spacing, plan, restore, bonus, x_advance, boxes_module, line_break) -> float:
    """Move boxes right by the spacing accumulated before them and widen the text boxes.

    Pango puts letter-spacing between the characters of a layout, not at its two ends,
    so a box's own gaps widen it and the gap between two boxes is added by moving the
    second one."""
    if isinstance(box, boxes_module.TextBox):
        before, inside = plan.get(id(box), (False, 0))
        x_advance += spacing * before + bonus.get(id(box), 0.0)
        box.position_x += x_advance
        words = bonus.get(("words", id(box)), 0.0)
        if words:  # a phrase's word spaces widen, as WeasyPrint's own justification does
            box.justification_spacing = words
            box.pango_layout.justification_spacing = words
            box.width += words * box.text.strip(" ").count(" ")
            return x_advance + words * box.text.strip(" ").count(" ")
        if inside:
            layout = box.pango_layout
            if getattr(layout, "text", None) != box.text:  # not the box's own line: make one
                layout = line_break.create_layout(box.text, box.style, context, None, box.justification_spacing)
                layout.deactivate()
                box.pango_layout = layout
            # WeasyPrint rebuilds the layout when it draws (reactivate → set_text), where the
            # wrapped set_text applies this spacing: no second layout is needed now
            layout.bp_spacing = spacing
            box.width += spacing * inside
        return x_advance + spacing * inside + restore.get(id(box), 0.0)
    if isinstance(box, (boxes_module.LineBox, boxes_module.InlineBox)):
        box.position_x += x_advance
        start = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, spacing, plan, restore, bonus, x_advance, boxes_module, line_break)
        box.width += x_advance - start
        return x_advance
    box.translate(x_advance, 0)  # an atomic inline (an image)
    return x_advance


def _drop_edge_gaps(line, boxes_module) -> None:
    """A CJK–Latin gap (a `.latin` span's margin) at a line's start or end is dropped:
    clreq puts no space at line edges, and the line then ends flush."""
    start = _edge_chain(line, boxes_module, 0)
    shift = sum(box.margin_left for box in start if _is_gap(box) and box.margin_left)
    if shift:
        for box in start:
            if _is_gap(box):
                box.margin_left = 0
        for child in line.children:
            child.translate(-shift, 0)
        for box in start:
            box.position_x += shift
            box.width -= shift if box is not start[-1] or not _is_gap(box) else 0
        line.width -= shift
    end = _edge_chain(line, boxes_module, -1)
    trim = sum(box.margin_right for box in end if _is_gap(box) and box.margin_right)
    if trim:
        for box in end:
            if _is_gap(box):
                box.margin_right = 0
            elif box is not line:
                box.width -= trim
        line.width -= trim


def _edge_chain(line, boxes_module, index) -> list:
    """The inline boxes that begin (index 0) or end (index -1) the line, outermost first."""
    chain, box = [], line
    while isinstance(box, (boxes_module.LineBox, boxes_module.InlineBox)):
        children = [c for c in box.children if c.is_in_normal_flow()]
        if not children:
            break
        box = children[index]
        if isinstance(box, boxes_module.InlineBox):
            chain.append(box)
    return chain


def _is_gap(box) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "latin" in (element.get("class") or "").split()


def _apply_letter_spacing(layout, spacing: float) -> None:
    """Letter-spacing over the whole layout, on top of any the style asked for."""
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    own = layout.style["letter_spacing"]
    own = 0 if own == "normal" else own
    attr_list = pango.pango_layout_get_attributes(layout.layout)
    if attr_list == ffi.NULL:
        attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    attr = pango.pango_attr_letter_spacing_new(int(round((spacing + own) * TO_UNITS)))
    attr.start_index, attr.end_index = 0, len(layout.text.encode("utf-8"))
    pango.pango_attr_list_change(attr_list, attr)
    pango.pango_layout_set_attributes(layout.layout, attr_list)
