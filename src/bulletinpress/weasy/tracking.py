"""缩行 and 伸行: a paragraph set a touch tighter to lose a line, or looser to gain one.

Chinese typesetters even a block's columns, or lose a 孤字, by pulling a paragraph back a
line (缩行) or setting it on one (伸行) with a little letter-spacing. Here the spacing is at
most TRACKING em between the paragraph's CJK characters (Pango letter-spacing on its text
boxes; Latin runs keep theirs), and the justifier counts the spacing WeasyPrint gives the
last character (justify._overhang), so the lines still end flush.

- A paragraph that would end on a single Han character no choice of breaks avoids
  (typeset.py binds a paragraph's last two, so one where it could not) is set tighter when
  that saves the line (`tightened`).
- For the composer (`for_columns`): a paragraph that TRACKING em tighter holds in a line
  fewer is marked Pullable, one that up to TRACKING em looser sets a line longer with every
  line filled is marked Pushable; the measuring pass counts the marks of each article
  (weasy/measure.py), the composer asks a block to pull back or push on as many paragraphs
  as make its columns even (compose/evening.py: `--bp-pull: N` or `--bp-push: N`
  on the block's text), and the first N such paragraphs of the block are set so.

The paragraph is planned by the caller (`planned(tracking)`: paragraphs.py measures and
plans it with its boxes so tracked); this module decides which tracking to keep.
"""

from __future__ import annotations

import re
from collections import Counter

from ..compose.chars import CJK_TEXT
from . import totalfit
from .justify import _classes

#: the most (in em) a paragraph is tightened or loosened
TRACKING = 0.05
#: a last line with at most this many Han characters (孤字; typeset.py binds the last two, so
#: it is one where that could not be done) is worth pulling back
SHORT_LAST = 1
#: the trackings (em) tried for 伸行, least first
PUSH_TRACKINGS = (0.02, 0.035, TRACKING)
#: the widest a pushed paragraph's lines may be spaced between characters (em), its tracking
#: included: below where text extractors see a space (justify.py's NEAR_WORD_BREAK)
PUSH_GAP = 0.08
#: what the plans came to in this process: paragraphs planned, left to WeasyPrint, tightened,
#: pulled and pushed; lines that ended where planned ("held") or not ("missed")
COUNTS: Counter = Counter()


def trackable(box) -> bool:
    """A text box the tracking spaces: CJK text, not a Latin run (which keeps its spacing)."""
    return "latin" not in _classes(box) and bool(CJK_TEXT.search(box.text))


def track(found, tracking: float) -> None:
    """Set the paragraph's CJK text boxes `tracking` em apart from how its style sets them;
    each box gets a style of its own, never a shared one."""
    for entry in found.texts:
        box = entry[0]
        if trackable(box):
            style = box.style.copy()
            own = style["letter_spacing"]
            style["letter_spacing"] = (0 if own == "normal" else own) + tracking * style["font_size"]
            box.style = style


def tracked(text: totalfit.Measured, trackable_: list[bool], tracking: float) -> totalfit.Measured:
    """The paragraph's widths `tracking` em looser: Pango adds the letter-spacing to each
    character's advance (and WeasyPrint counts it after a box's last character too)."""
    more = tracking * text.em
    widths = [width + more if spaced else width for width, spaced in zip(text.widths, trackable_)]
    return totalfit.Measured(widths, text.give, text.stretch, text.breaks, text.spaces, text.han, text.em)


def orphaned(text: totalfit.Measured, ends: list[int] | None) -> bool:
    """The last line holds a single Han character (孤字)."""
    return bool(ends) and len(ends) > 1 and text.sum("han", ends[-2], ends[-1]) <= SHORT_LAST


def tightened(linebox, plan, planned):
    """缩行 for a 孤字: (the plan, the tracking) TRACKING em tighter if that holds the
    paragraph in a line fewer, else as it was."""
    tight = planned(-TRACKING)
    if tight is not None and len(tight.ends) < len(plan.ends):
        COUNTS["tightened"] += 1
        linebox.bp_tracked = True
        return tight, -TRACKING
    return plan, 0.0


class Pullable:
    """Marks a paragraph 缩行 holds in a line fewer (on its line boxes: weasy/measure.py)."""


class Pushable:
    """Marks a paragraph 伸行 sets a line longer (on its line boxes: weasy/measure.py)."""


def for_columns(context, linebox, text: totalfit.Measured, ends: list[int] | None, planned):
    """In the measuring pass (`--bp-mark` on an article's text, layouts/common/measure.html),
    mark the paragraph Pullable or Pushable; in the last, (its plan, the tracking) so set
    when the block it is in asks for it, else None. Other paragraphs are not looked at."""
    if not ends or getattr(linebox, "bp_tracked", False):
        return None
    measuring = _asked(linebox, MARK) is not None
    asks = [_asked(linebox, name) for name in (PULL, PUSH)]
    for token, property_, tried, asked in ((Pullable, PULL, _pulled, asks[0]), (Pushable, PUSH, _pushed, asks[1])):
        if not (measuring or asked):
            continue
        found = tried(text, ends, planned)
        if found is None:
            continue
        setattr(linebox, f"bp_{token.__name__.lower()}", token())
        if asked and _wanted(context, asked, property_):
            COUNTS[token.__name__.lower().replace("able", "ed")] += 1
            linebox.bp_tracked = True
            return found
    return None


def _pulled(text: totalfit.Measured, ends: list[int], planned):
    if len(ends) < 2 or text.sum("widths", ends[-2], ends[-1]) > TRACKING * text.em * ends[-2]:
        return None  # the last line is longer than all the tightening could free
    if (planned(-TRACKING, fewest=True) or len(ends)) >= len(ends):
        return None  # even filling every line, it takes as many
    tight = planned(-TRACKING)
    return (tight, -TRACKING) if tight is not None and len(tight.ends) == len(ends) - 1 else None


def _pushed(text: totalfit.Measured, ends: list[int], planned):
    if len(ends) < 2:
        return None
    room = text.sum("widths", 0, ends[0]) - text.sum("widths", ends[-2], ends[-1])  # about: a full line's less the last's
    needed = room / (text.em * max(len(text) - len(ends), 1))
    for tracking in (t for t in PUSH_TRACKINGS if t >= needed):  # the least that may do it first
        if planned(tracking, fewest=True) != len(ends) + 1:
            continue  # it still fits its lines (the total fit would keep them), or takes two more
        loose = planned(tracking)
        if loose is not None and len(loose.ends) == len(ends) + 1 and _filled(loose, tracking):
            return loose, tracking
    return None


def _filled(plan, tracking: float) -> bool:
    """Every line of the plan but the last needs at most PUSH_GAP − `tracking` em more
    between its characters."""
    text, width = plan.text, plan.width - plan.inset
    most = 100 * ((PUSH_GAP - tracking) / totalfit.LOOSE_GAP) ** 3
    begins = [0, *plan.ends[:-1]]
    for begin, end in list(zip(begins, plan.ends))[:-1]:
        if totalfit.badness(text, begin, end, width - plan.indent if begin == 0 else width) > most:
            return False
    return True


#: the custom properties `--bp-pull`, `--bp-push` and `--bp-mark` as WeasyPrint's cascade
#: names them
PULL, PUSH, MARK = "__bp_pull", "__bp_push", "__bp_mark"


def _asked(linebox, property_: str):
    """The style of the block's text that asks for paragraphs so set (the property, found up
    the chain of styles, as WeasyPrint keeps a custom property), or None."""
    style = linebox.style
    while style is not None and property_ not in getattr(style, "cascaded", {}):
        style = getattr(style, "parent_style", None)
    return style


def _wanted(context, style, property_: str) -> bool:
    """Whether the block asked for more paragraphs so set than it has had; counts this one."""
    wanted = re.search(r"\d+", str(style.cascaded[property_][0]))
    given = context.__dict__.setdefault("bp_tracked", Counter())
    key = (property_, id(style))
    if wanted is None or given[key] >= int(wanted.group()):
        return False
    given[key] += 1
    return True
