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


def track(found, tracking: float) -> None:
    """Set the paragraph's CJK text boxes `tracking` em apart from how its style sets them
    (0: as its style sets them); each box gets a style of its own, never a shared one."""
    found.measured = None
    for entry in found.texts:
        box = entry[0]
        original = getattr(box, "bp_style", None) or box.style
        box.bp_style = original
        if not tracking or "latin" in _classes(box) or not CJK_TEXT.search(box.text):
            box.style = original
            continue
        style = original.copy()
        own = style["letter_spacing"]
        style["letter_spacing"] = (0 if own == "normal" else own) + tracking * style["font_size"]
        box.style = style


def orphaned(text: totalfit.Measured, ends: list[int] | None) -> bool:
    """The last line holds a single Han character (孤字)."""
    return bool(ends) and len(ends) > 1 and text.sum("han", ends[-2], ends[-1]) <= SHORT_LAST


def tightened(linebox, plan, planned):
    """缩行 for a 孤字: the paragraph TRACKING em tighter, if that holds it in a line fewer;
    otherwise the plan as it was."""
    tight = planned(-TRACKING)
    if tight is not None and len(tight.ends) < len(plan.ends):
        COUNTS["tightened"] += 1
        linebox.bp_tracked = True
        return tight
    planned(0.0)
    return plan


class Pullable:
    """Marks a paragraph 缩行 holds in a line fewer (on its line boxes: weasy/measure.py)."""


class Pushable:
    """Marks a paragraph 伸行 sets a line longer (on its line boxes: weasy/measure.py)."""


def for_columns(context, linebox, text: totalfit.Measured, ends: list[int] | None, planned):
    """Mark the paragraph Pullable or Pushable, and return its plan so set when the
    composer asks that of the block it is in; None to keep it as it is."""
    if not ends or getattr(linebox, "bp_tracked", False):
        return None
    tracked = []  # whether `planned` was asked for another tracking: set back at the end

    def planned_and_noted(tracking: float):
        tracked.append(tracking)
        return planned(tracking)

    for token, property_, tried in ((Pullable, PULL, _pulled), (Pushable, PUSH, _pushed)):
        plan = tried(text, ends, planned_and_noted)
        if plan is None:
            continue
        mark = token()
        setattr(linebox, f"bp_{token.__name__.lower()}", mark)
        if _wanted(context, linebox, property_, take=True):
            COUNTS[token.__name__.lower().replace("able", "ed")] += 1
            linebox.bp_tracked = True
            return plan
    if tracked:
        planned(0.0)
    return None


def _pulled(text: totalfit.Measured, ends: list[int], planned):
    if len(ends) < 2 or text.sum("widths", ends[-2], ends[-1]) > TRACKING * text.em * ends[-2]:
        return None  # the last line is longer than all the tightening could free
    tight = planned(-TRACKING)
    return tight if tight is not None and len(tight.ends) == len(ends) - 1 else None


def _pushed(text: totalfit.Measured, ends: list[int], planned):
    begin = ends[-2] if len(ends) > 1 else 0
    width = text.sum("widths", 0, ends[0]) if len(ends) > 1 else 0.0  # about a full line
    if len(ends) < 2 or width - text.sum("widths", begin, ends[-1]) > TRACKING * text.em * len(text):
        return None  # the last line has more room than all the loosening could fill
    for tracking in PUSH_TRACKINGS:
        loose = planned(tracking)
        if loose is not None and len(loose.ends) == len(ends) + 1 and _filled(loose, tracking):
            return loose
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


#: the custom properties `--bp-pull` and `--bp-push` as WeasyPrint's cascade names them
PULL, PUSH = "__bp_pull", "__bp_push"


def _wanted(context, linebox, property_: str, take: bool = False) -> bool:
    """Whether the composer asked the block this paragraph is in for more paragraphs so set
    than it has had (the property on the block's text, found up the chain of styles, as
    WeasyPrint keeps a custom property); `take` counts this one if so."""
    style = linebox.style
    while style is not None and property_ not in getattr(style, "cascaded", {}):
        style = getattr(style, "parent_style", None)
    if style is None:
        return False
    wanted = re.search(r"\d+", str(style.cascaded[property_][0]))
    given = context.__dict__.setdefault("bp_tracked", Counter())
    key = (property_, id(style))
    if wanted is None or given[key] >= int(wanted.group()):
        return False
    if take:
        given[key] += 1
    return True
