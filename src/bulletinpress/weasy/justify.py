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
        _give_back(context, line, available_width, inline.boxes, line_break)
        return original_text_align(context, line, available_width, last)

    def justify_line(context, line, extra_width):
        if not _justify_cjk(context, line, extra_width, inline, line_break):
            original_justify(context, line, extra_width)

    def set_text(self, text, justify=False):
        if justify and getattr(self, "bp_full", None):
            _full_width(self, self.bp_full)  # before: set_text adds its spacing to this list
        original_set_text(self, text, justify)
        spacing = getattr(self, "bp_spacing", 0)
        if justify and spacing:
            _apply_letter_spacing(self, spacing)

    inline.justify_line = justify_line
    inline.text_align = text_align
    line_break.Layout.set_text = set_text
    _installed = True


def _check_seams(inline, line_break) -> None:
    from weasyprint.text import fonts

    expected = {
        inline.justify_line: ["context", "line", "extra_width"],
        inline.text_align: ["context", "line", "available_width", "last"],
        line_break.Layout.set_text: ["self", "text", "justify"],
        line_break.create_layout: ["text", "style", "context", "max_width", "justification_spacing"],
        line_break.line_size: ["line", "style"],  # push-in: which marks a font halves
        fonts.font_features: ["font_kerning", "font_variant_ligatures", "font_variant_position", "font_variant_caps",
                              "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian",
                              "font_feature_settings"],  # push-in: a mark's full-width glyph
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
    texts = [(box, latin) for box, latin in _text_boxes(line, boxes_module) if _visible(box)]
    if not any(CJK_TEXT.search(box.text) for box, _ in texts):
        return False  # no CJK text: “ ’ — alone (English typographic quotes) do not make a line Chinese
    last = texts[-1][0]
    trailing = len(last.text) - len(last.text.rstrip(" "))
    size = line.style["font_size"]
    extra_width -= _overhang(last)
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


def _visible(box) -> bool:
    """A box with something to draw: not empty, not only the zero-width space of a <wbr>
    (typeset.py), which takes no gap of its own — a line may end with it."""
    return bool(box.text.strip("\u200b"))


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
    """A mark of an adjacent pair set half width (typeset.py `halt`): its half comes back
    only on a loose line."""
    return "halt" in _classes(box)


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def _give_back(context, line, available_width, boxes_module, line_break) -> None:
    """Push in before pushing out (clreq §3.8). Chinese text is set with OpenType `halt`
    (styles/base.css), so lines are broken with every mark at half width and a line may
    hold a character more than at full width. Here each mark gets its half em back while
    the line has the room, so a line that needed the room keeps just those marks
    compressed and every other line sets them full width. A mark that ends (or starts)
    the line gets its half first: a full-width mark at the line end keeps its em box flush
    with the column edge (GB/T 15834: a mark takes one character's place), and a pushed-in
    line compresses the marks inside it. A mark is given back by drawing its full-width
    glyph (not by a gap after the half one), so text extraction sees no space."""
    every = [box for box, _ in _text_boxes(line, boxes_module) if _visible(box)]
    if not every:
        return
    extra = available_width - line.width - _overhang(every[-1])
    sides, extra = _latin_sides(line, every, extra, boxes_module)
    texts = [box for box, latin in _text_boxes(line, boxes_module) if box.text and not latin and not _is_compressed(box)]
    marks = [(box, index) for box in texts for index in _half_marks(context, box, line_break)]
    edges = {(every[0], 0), (every[-1], len(every[-1].text.rstrip(" ")) - 1)}
    widen = {}
    for box, index in sorted(marks, key=lambda mark: mark not in edges):
        half = box.style["font_size"] / 2
        if extra >= half - 1e-6:
            widen.setdefault(id(box), []).append(index)
            extra -= half
    if widen or sides:
        _widen(context, line, widen, sides, 0.0, boxes_module, line_break)


def _overhang(box) -> float:
    """How far a letter-spaced box (a paragraph tightened or loosened by paragraphs.py,
    缩行/伸行) is drawn past the width WeasyPrint gives it (negative: short of it): WeasyPrint
    counts the spacing after the last character too (CSS), Pango puts it only between
    characters, so a justified line would end that far from the column's edge."""
    own = box.style["letter_spacing"]
    return 0.0 if own == "normal" else -own


def _latin_sides(line, texts, extra: float, boxes_module) -> tuple[dict[int, list[float]], float]:
    """The space between a Latin run and Han text (clreq §3.2.3; typeset.py `gl`/`gr`): in
    justified text lines are broken with an eighth em there (styles/base.css, the least
    JIS X 4051 allows), and each side is made a quarter here while the line has room,
    before any mark gets its half. A number or a word that fits only with the eighths still
    takes its place on the line (no line is left loose for it). Never at the line's edges,
    where `_drop_edge_gaps` takes the eighth away."""
    sides: dict[int, list[float]] = {}
    first, last = texts[0], texts[-1]
    for box in _latin_runs(line, boxes_module):
        inner = [t for t, _ in _text_boxes(box, boxes_module) if t.text]
        if not inner:
            continue
        classes, quarter = _classes(box), box.style["font_size"] / 4
        wanted = [quarter - box.margin_left if "gl" in classes and inner[0] is not first else 0.0,
                  quarter - box.margin_right if "gr" in classes and inner[-1] is not last else 0.0]
        given = [0.0, 0.0]
        for side, want in enumerate(wanted):
            if 1e-6 < want <= extra + 1e-6:
                given[side], extra = want, extra - want
        if any(given):
            sides[id(box)] = given
    return sides, extra


def _latin_runs(box, boxes_module):
    """The line's Latin runs with flexible sides (not the long ones, which keep CSS margins)."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes_module.InlineBox) and child.is_in_normal_flow():
            classes = _classes(child)
            if "latin" in classes and "long" not in classes:
                yield child
            else:
                yield from _latin_runs(child, boxes_module)


#: the marks a CJK font's `halt` sets half width (Noto CJK and Source Han: 51 of them)
HALT_CANDIDATES = frozenset("‐‘’“”•‧〈〉、。〈〉《》「」『』【】〔〕〖〗〘〙〚〛〝〞〟・！＂＇（），．：；？［］｛｜｝｟｠￤·")


def _half_marks(context, box, line_break) -> list[int]:
    """Indices of the box's characters that its font set half width."""
    features = box.style["font_feature_settings"]
    if features == "normal" or ("halt", 1) not in features:
        return []
    candidates = [i for i, char in enumerate(box.text) if char in HALT_CANDIDATES]
    if not candidates:
        return []
    halved = _halved(context, box.style, line_break)
    return [i for i in candidates if box.text[i] in halved]


_HALVED: dict[tuple, frozenset] = {}


def _halved(context, style, line_break) -> frozenset:
    """Which candidates the style's fonts set half width: measured once per font list
    with Pango itself (a font without `halt`, as LXGW WenKai, halves none)."""
    key = (tuple(style["font_family"]), style["font_weight"], style["font_style"], str(style["lang"]))
    found = _HALVED.get(key)
    if found is None:
        found = _HALVED[key] = _measure_halved(context, style, line_break)
    return found


def _measure_halved(context, style, line_break) -> frozenset:
    """The candidates whose width grows by about half an em when `halt` is turned off:
    measured, since a mark may come from a font that has no `halt` (a Latin ·, WenKai)."""
    halved = set()
    for char in HALT_CANDIDATES:
        layout = line_break.create_layout(char, style, context, None, 0)
        half, _ = line_break.line_size(layout.get_first_line()[0], style)
        _full_width(layout, [(0, len(char.encode("utf-8")))])
        full, _ = line_break.line_size(layout.get_first_line()[0], style)
        if full - half > 0.3 * style["font_size"]:
            halved.add(char)
    return frozenset(halved)


def _widen(context, box, widen: dict[int, list[int]], sides: dict[int, list[float]], x_advance: float,
           boxes_module, line_break) -> float:
    """Give the listed marks of each text box their full width and each listed Latin run its
    quarters (as margins), moving what follows right (as `_spread`)."""
    if isinstance(box, boxes_module.TextBox):
        box.position_x += x_advance
        indices = widen.get(id(box))
        if not indices:
            return x_advance
        _own_layout(context, box, line_break).bp_full = [_byte_range(box.text, i) for i in indices]
        more = len(indices) * box.style["font_size"] / 2
        box.width += more
        return x_advance + more
    if isinstance(box, (boxes_module.LineBox, boxes_module.InlineBox)):
        left, right = sides.get(id(box), (0.0, 0.0))
        box.position_x += x_advance
        box.margin_left += left
        x_advance += left
        start = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _widen(context, child, widen, sides, x_advance, boxes_module, line_break)
        box.width += x_advance - start
        box.margin_right += right
        return x_advance + right
    box.translate(x_advance, 0)
    return x_advance


def _byte_range(text: str, index: int) -> tuple[int, int]:
    start = len(text[:index].encode("utf-8"))
    return start, start + len(text[index].encode("utf-8"))


def _full_width(layout, ranges: list[tuple[int, int]]) -> None:
    """The layout's font features again, without `halt` over `ranges`: those marks drawn
    with their full-width glyphs. A fresh attribute list (WeasyPrint shares its features
    attribute between layouts, so it is never changed in place); a second features
    attribute over the first would not turn `halt` off."""
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.fonts import font_features

    style = layout.style
    features = font_features(
        style["font_kerning"], style["font_variant_ligatures"], style["font_variant_position"],
        style["font_variant_caps"], style["font_variant_numeric"], style["font_variant_alternates"],
        style["font_variant_east_asian"], style["font_feature_settings"])
    without = {key: value for key, value in features.items() if key != "halt"}
    attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)

    def add(chosen: dict, start: int, end: int) -> None:
        if chosen and end > start:
            attr = pango.pango_attr_font_features_new(",".join(f"{k} {v}" for k, v in chosen.items()).encode())
            attr.start_index, attr.end_index = start, end
            pango.pango_attr_list_insert(attr_list, attr)

    position = 0
    for start, end in sorted(ranges):
        add(features, position, start)
        add(without, start, end)
        position = end
    add(features, position, TEXT_END)
    pango.pango_layout_set_attributes(layout.layout, attr_list)


#: Pango's "to the end of the text" for an attribute's end index (G_MAXUINT)
TEXT_END = 2**32 - 1


def _own_layout(context, box, line_break):
    """The box's Pango layout, made for its own text if it holds more (its paragraph)."""
    layout = box.pango_layout
    if getattr(layout, "text", None) != box.text:
        layout = line_break.create_layout(box.text, box.style, context, None, box.justification_spacing)
        layout.deactivate()
        box.pango_layout = layout
    return layout


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
            layout = _own_layout(context, box, line_break)  # not the box's own line: make one
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
