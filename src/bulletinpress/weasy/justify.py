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

from ..compose.chars import is_cjk
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
        yield box, latin
    elif isinstance(box, (boxes_module.LineBox, boxes_module.InlineBox)):
        latin = latin or _is_gap(box)
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child, boxes_module, latin)


#: gaps wider than this (in em) make a line loose; text extractors start to see them
LOOSE = 0.08
#: poppler starts a new word at gaps over 0.1 em; gaps in this band are avoided (in em)
NEAR_WORD_BREAK = (0.085, 0.12)


def _justify_cjk(context, line, extra_width, inline, line_break) -> bool:
    """Spread `extra_width` evenly over the gaps between the line's characters (CSS
    `text-justify: inter-character`), except inside Latin runs and at their ¼ em
    boundaries, which keep their set width (see `_plan`). In a loose line, compressed
    punctuation first gets its half em back (clreq's order of adjustment), so the gaps
    stay narrow.

    Even gaps are also what lets text extractors read the line without inventing
    spaces: poppler only keeps a line's characters together when the gaps are even, or
    all below a tenth of an em; a compressed mark among wide gaps breaks that."""
    boxes_module = inline.boxes
    if line.style["direction"] == "rtl":
        return False
    texts = [(box, latin) for box, latin in _text_boxes(line, boxes_module) if box.text]
    if not any(is_cjk(ch) for box, _ in texts for ch in box.text):
        return False
    last = texts[-1][0]
    trailing = len(last.text) - len(last.text.rstrip(" "))
    size = line.style["font_size"]
    plan = _plan(texts, trailing, keep_latin=True)
    count = sum(before + inside for before, inside in plan.values())
    if count <= 0 or extra_width / count >= LOOSE * size:
        plan = _plan(texts, trailing, keep_latin=False)
        count = sum(before + inside for before, inside in plan.values())
    if count <= 0:
        return False
    restore: dict[int, float] = {}
    for box, _ in texts[:-1]:  # a compressed mark that ends the line stays compressed
        half = box.style["font_size"] / 2
        if extra_width / count < LOOSE * size:
            break
        if _is_compressed(box) and extra_width >= half:
            restore[id(box)] = half
            extra_width -= half
    spacing, bonus = extra_width / count, {}
    sinks = [i for i in range(1, len(texts)) if _sink(texts[i]) or _sink(texts[i - 1])]
    near = NEAR_WORD_BREAK[0] <= spacing / size < NEAR_WORD_BREAK[1]
    ligature = spacing / size >= NEAR_WORD_BREAK[0] and any(box.text == "——" for box, _ in texts)
    if sinks and (near or ligature):
        # Gaps this close to a tenth of an em fall either side of poppler's word break
        # by rounding, and a two-character glyph (the —— ligature) among gaps over it
        # makes poppler space every character: keep the gaps below it and widen the
        # boundaries of Latin runs and dashes instead.
        spacing = NEAR_WORD_BREAK[0] * size * 0.99
        share = (extra_width - spacing * count) / len(sinks)
        bonus = {id(texts[i][0]): share for i in sinks}
    _spread(context, line, spacing, plan, restore, bonus, 0.0, boxes_module, line_break)
    return True


def _plan(texts, trailing: int, keep_latin: bool) -> dict[int, tuple[bool, int]]:
    """For each text box: whether a gap before it stretches, and how many inside it.

    With `keep_latin`, Latin runs and their ¼ em boundaries keep their set width. In a
    loose line every gap stretches alike, Latin ones too: uneven gaps that wide would
    make text extractors split the Han text with spaces."""
    last = texts[-1][0]
    plan = {}
    for index, (box, latin) in enumerate(texts):
        tight = keep_latin and (latin or (index > 0 and texts[index - 1][1]))
        before = index > 0 and not tight
        inside = 0 if keep_latin and latin else max(_clusters(box.text) - 1 - (trailing if box is last else 0), 0)
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
