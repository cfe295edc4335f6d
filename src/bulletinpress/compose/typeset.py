"""Chinese typesetting rules that live in the text, applied before templates see it.

Each rule wraps characters in a span; none inserts a character, so copy-paste from the
PDF gives back the editor's text. The spans' look is in `styles/base.css`; the rules
and their sources (W3C clreq, GB/T 15834-2011) are listed in docs/typesetting.md.

- `halt`: the first of two adjacent full-width marks (。” ）、) is set half width
  (OpenType `halt`), so the pair takes 1.5 em, not 2 em (标点挤压).
- `latin gl/gr`: a run of Latin letters or digits is one box, never spaced out (justify.py)
  and not broken (unless long: `LONG_RUN`); next to a Han character it gets a ¼ em margin
  on that side (CJK–Latin spacing), which the layout drops at line edges.
- `dash`: a 2-em dash —— is one unit (never split; the spacing of a stretched line may
  widen its sides, see justify.py).
- `<wbr>` before “ and after ” in paragraphs: Pango follows UAX #14, which allows no break
  next to a quotation mark; Chinese breaks there as at any bracket.
- `nobr` keeps together what must not be split: the characters on both sides of ·／～
  (which may neither start nor end a line), and the last two characters of a paragraph
  (no 孤字: a last line holding a single character). A number and the unit after it
  (2024年, 59.3万) may be parted at a line end, as newspapers do: bound together they
  left lines so loose that the digits' run was spaced out.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

from .chars import is_han

#: marks whose blank half is on the right: they may be compressed before another mark
CLOSING = set("，。、；：？！”’）》」』】〕〉〗｝")
#: marks whose blank half is on the left
OPENING = set("“‘（《「『【〔〈〖｛")
FULLWIDTH_PUNCT = CLOSING | OPENING
#: joins its neighbours (重庆·科学会堂, 甲／乙, 5～10): no line starts or ends with it, and
#: Pango does not know that
JOINING = set("·・／～")
#: quotation marks, around which UAX #14 (and so Pango) allows no line break (LB19), while
#: Chinese breaks before an opening one and after a closing one like any bracket: in
#: paragraphs a <wbr> says so, or a quoted phrase would leave the line before it loose
QUOTES_OPEN, QUOTES_CLOSE = set("“‘"), set("”’")
_LATIN_WORD = r"[0-9A-Za-z](?:[0-9A-Za-z.,:/'’&+\-]*[0-9A-Za-z%‰℃])?[%‰℃]?"
#: a Latin word, or a phrase of them (Noto Serif, LXGW WenKai): one box, never spaced out;
#: a phrase may break at its spaces (`phrase`), a word only if long (`LONG_RUN`)
_LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?: {_LATIN_WORD})*")
_TAG = re.compile(r"(<[^>]+>)")


def _span(cls: str, content: str) -> str:
    return f'<span class="{cls}">{content}</span>'


def typeset(markup: Markup, *, paragraph: bool = False) -> Markup:
    """The rules above applied to HTML from `text.inline` (text plus <strong>/<em> tags)."""
    tokens = _TAG.split(str(markup))
    texts = [html.unescape(tok) if i % 2 == 0 else None for i, tok in enumerate(tokens)]
    out = []
    for i, tok in enumerate(tokens):
        if i % 2:
            out.append(tok)
            continue
        before = next((t[-1] for t in reversed(texts[:i]) if t), "")
        after = next((t[0] for t in texts[i + 1 :] if t), "")
        out.append(_text(texts[i], before, after, breaks=paragraph))
    result = "".join(out)
    return Markup(_keep_last_two(result) if paragraph else result)


#: a Latin run longer than this may not fit a column: it is allowed to break
LONG_RUN = 12
_URL_BREAKS = re.compile(r"(?<=[.\-_?&=])(?!$)|(?<=[^:/]/)(?!/)")


def _long_run(word: str, sides: str) -> str:
    """A URL breaks after / . - _ ? & = (a <wbr>, no character); a long word is hyphenated in
    English (lang="en", hyphens: auto); either may still break anywhere rather than run
    across the column gap (overflow-wrap: anywhere in styles/base.css)."""
    pieces = [str(escape(part)) for part in _URL_BREAKS.split(word) if part]
    lang = ' lang="en"' if word.isalpha() else ""
    return f'<span class="latin long{sides}"{lang}>' + "<wbr>".join(pieces) + "</span>"


def _text(text: str, before: str, after: str, breaks: bool = False) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        prev = text[i - 1] if i else before
        nxt = text[i + 1] if i + 1 < len(text) else after
        run = _LATIN_RUN.match(text, i) if char.isascii() and char.isalnum() else None
        if run:
            j = run.end()
            follow = text[j] if j < len(text) else after
            sides = (" gl" if is_han(prev) else "") + (" gr" if is_han(follow) else "")
            if len(run.group()) > LONG_RUN:  # a URL or a long word: may break, never overprints
                piece = _long_run(run.group(), sides)
            else:
                # its own box even between marks (（OCR）): the justifier never spaces inside it
                kind = "latin phrase" if " " in run.group() else "latin"
                alone = run.start() == 0 and j == len(text)  # already a box of its own (<a>link</a>)
                piece = _span(kind + sides, str(escape(run.group()))) if sides or (len(run.group()) > 1 and not alone) else str(escape(run.group()))
            out.append(piece)
            i = j
            continue
        if text.startswith("——", i):
            out.append(_span("dash", "——"))
            i += 2
            continue
        if nxt in JOINING and i + 1 < len(text) and not char.isspace():
            j = i + 1  # the mark, and the characters on both sides of it (甲／乙～丙 too)
            while j < len(text) and text[j] in JOINING:
                j += 1
                if j < len(text) and not text[j].isspace() and text[j] not in JOINING:
                    j += 1
            out.append(_span("nobr", str(escape(text[i:j]))))
            i = j
            continue
        if breaks and char in QUOTES_OPEN and prev and prev not in OPENING:
            out.append("<wbr>")  # Pango never breaks before “ (UAX #14 LB19); Chinese may
        if char in CLOSING and nxt in FULLWIDTH_PUNCT:
            out.append(_span("halt", str(escape(char))))
        elif char in OPENING and prev in FULLWIDTH_PUNCT and prev not in CLOSING:
            out.append(_span("halt", str(escape(char))))
        else:
            out.append(str(escape(char)))
        if breaks and char in QUOTES_CLOSE and nxt and nxt not in FULLWIDTH_PUNCT | JOINING | set("…—"):
            out.append("<wbr>")  # nor after ”, where Chinese may break
        i += 1
    return "".join(out)


_LATIN_SPAN = r'<span class="latin[^"<>]*">[^<]{1,12}</span>'
_LAST_TWO = re.compile(rf"((?:[\u3400-\u9fff]|{_LATIN_SPAN})(?:<[^>]+>)*[\u3400-\u9fff](?:<[^>]+>|[，。、；：？！”’）》」』】…—])*)$")


def _keep_last_two(html_text: str) -> str:
    """Wrap a paragraph's last two Han characters (and any closing marks) in nobr; a number
    before the last one counts as a character (达420人。 keeps 420人。 together)."""
    match = _LAST_TWO.search(html_text)
    if not match or "<" in re.sub(_LATIN_SPAN, "", match.group(1), count=1):
        return html_text
    return html_text[: match.start()] + _span("nobr", match.group(1))
