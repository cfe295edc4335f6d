"""The one place that says which characters are Chinese (CJK) and which are set full width.

Three questions are asked of a character, and they have different answers on purpose:
- `is_han`: a Han ideograph (the CJK–Latin ¼ em gap and 孤字 are about these);
- `is_cjk`: a character of CJK text — Han, kana, and the full-width punctuation and
  quotes set with them (justification spreads the gaps next to these);
- `is_wide`: a character set full width in text of `language`, by Unicode's East Asian Width
  (no space is put next to one when an editor's hard-wrapped lines are joined).
"""

from __future__ import annotations

import re
import unicodedata

#: Han ideographs: CJK Unified Ideographs with Extension A, compatibility ideographs, and
#: the supplementary planes' extensions B and later
HAN_RANGES = ((0x3400, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
#: CJK text beyond Han: radicals, CJK symbols and punctuation, kana, CJK compatibility
#: forms, full-width forms
CJK_RANGES = HAN_RANGES + ((0x2E80, 0x33FF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
#: marks Unicode leaves ambiguous that Chinese sets full width
CJK_AMBIGUOUS = frozenset("“”‘’—…·")


#: a character that makes a line Chinese: CJK, but not the General Punctuation marks
#: (“ ” ‘ ’ — …) that English sets too; a pattern, as the justifier asks it of every line
CJK_TEXT = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in CJK_RANGES) + "".join(
    sorted(c for c in CJK_AMBIGUOUS if not "\u2000" <= c <= "\u206f")) + "]")


def _in(code: int, ranges) -> bool:
    return any(first <= code <= last for first, last in ranges)


def is_han(char: str) -> bool:
    return len(char) == 1 and _in(ord(char), HAN_RANGES)


def is_cjk(char: str) -> bool:
    return len(char) == 1 and (_in(ord(char), CJK_RANGES) or char in CJK_AMBIGUOUS)


def is_wide(char: str, language: str) -> bool:
    """A character set full width: ideographs, kana, full-width forms, and in Chinese
    text also the quotes, dashes and ellipsis that Chinese sets full width."""
    width = unicodedata.east_asian_width(char)
    return width in ("W", "F") or (width == "A" and language == "zh" and not char.isalnum())
