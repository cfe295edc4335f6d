"""Editors' plain text to HTML: paragraphs, line joining, and the two inline marks.

Editors hard-wrap Chinese; a line break between two Chinese characters must vanish, one
between Latin words must become a space. Emphasis is `**bold**` and `*italic*` only. We do
not use a CommonMark parser for it: CommonMark's flanking rules refuse the most common
Chinese case (`梳理**“思想清单”**，…`: a closing `**` after a quote and before a comma is
not recognised), so editors would see stray asterisks. HTML in the text is never markup.
"""

from __future__ import annotations

import re
from markupsafe import Markup, escape

from .chars import is_wide

_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n")
_STRONG = re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*", re.S)
_EM = re.compile(r"(?<![\\*])\*(?=[^\s*])(.+?)(?<=[^\s\\*])\*(?!\*)", re.S)
_ESCAPED = re.compile(r"\\([*\\\[\]])")
#: [text](address): a link for readers of the PDF or web page, never fetched
_LINK = re.compile(r"(?<![\\!])\[([^\]\n]+)\]\(([^)\s]+)\)")
LINK_SCHEMES = ("http://", "https://", "mailto:")


def join_lines(lines: list[str], language: str) -> str:
    """Join a paragraph's source lines: no space next to a wide character, else one space."""
    out = ""
    for line in (part.strip() for part in lines):
        if not line:
            continue
        if out and not (is_wide(out[-1], language) or is_wide(line[0], language)):
            out += " "
        out += line
    return out


def paragraphs(body: str, language: str) -> list[str]:
    """Paragraphs are separated by blank lines; leading full-width indent spaces are dropped
    because the layout indents every paragraph itself."""
    blocks = _BLANK_LINE.split(body.replace("\r\n", "\n").replace("\r", "\n"))
    result = []
    for block in blocks:
        text = join_lines(block.split("\n"), language).lstrip("\u3000 ")
        if text:
            result.append(text)
    return result


def inline(text: str) -> Markup:
    """Escape HTML, then turn `**…**` into <strong>, `*…*` into <em> and `[text](url)` into a
    link when the address is http, https or mailto (anything else stays as typed);
    `\\*` is a literal star."""
    html = str(escape(text))
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    html = _EM.sub(r"<em>\1</em>", html)
    html = _LINK.sub(_link, html)
    return Markup(_ESCAPED.sub(r"\1", html))


def _link(match: re.Match) -> str:
    label, address = match.group(1), match.group(2)
    if not address.lower().startswith(LINK_SCHEMES):
        return match.group(0)
    return f'<a href="{address}">{label}</a>'  # both already HTML-escaped


def lines_text(text: str) -> list[str]:
    """A title's forced line breaks."""
    return [line.strip() for line in text.split("\n") if line.strip()]


#: what smart quotes leave alone: link targets, bare addresses, code-like runs
_LITERAL = re.compile(r"\]\([^)\s]*\)|(?:https?://|mailto:|www\.)\S+")


def smart_quotes(text: str) -> str:
    """English straight quotes and apostrophes as typographic ones (markdown-it-py's
    typographer, already installed with rich): "You…" → “You…”, branch's → branch’s.
    Addresses and link targets keep theirs."""
    pieces, last = [], 0
    for match in _LITERAL.finditer(text):
        pieces += [_smart(text[last:match.start()]), match.group(0)]
        last = match.end()
    return "".join(pieces + [_smart(text[last:])])


def _smart(text: str) -> str:
    if "'" not in text and '"' not in text:
        return text
    tokens = _typographer().parseInline(text)
    return "".join(child.content if child.type == "text" else "\n" for child in tokens[0].children or [])


def _typographer():
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("zero", {"typographer": True}).enable(["smartquotes"])
    return _MD


_MD = None


def plain(text: str) -> str:
    """A title as one line of plain text, its marks and line breaks gone (a contents entry)."""
    return " ".join(lines_text(re.sub(r"\*\*|(?<!\*)\*(?!\*)", "", text)))


_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|.", re.S)
#: what may not open the rest of a cut paragraph (clreq's line-start prohibitions)
_NO_START = set("，。、；：？！）》」』”’〉】…—·,.;:?!)]")


def split_html(html: str, chars: int) -> tuple[Markup, Markup]:
    """A paragraph's HTML cut after its first `chars` characters of text (white space not
    counted), every element open at the cut closed in the first part and opened again in the
    second: a jumped article's text, nothing lost and nothing doubled. The cut moves on past
    marks that may not open a line, and back to a word space in Latin text."""
    tokens = _TOKEN.findall(html)
    cut, counted = len(tokens), 0
    for index, token in enumerate(tokens):
        if counted >= chars:
            cut = index
            break
        if not token.startswith("<") and not token.isspace():
            counted += 1
    cut = _better_cut(tokens, cut)
    opened = _open_tags(tokens[:cut])
    head = "".join(tokens[:cut]).rstrip() + "".join(f"</{_tag_name(t)}>" for t in reversed(opened))
    tail = "".join(opened) + "".join(tokens[cut:]).lstrip()
    return Markup(head), Markup(tail)


def _better_cut(tokens: list[str], cut: int) -> int:
    """On past closing tags and marks that may not open a line; back to a word space when
    the cut falls inside a Latin word."""
    while True:
        while cut < len(tokens) and tokens[cut].startswith("</"):
            cut += 1
        following = next((i for i in range(cut, len(tokens)) if not tokens[i].startswith("<")), None)
        if following is None or tokens[following] not in _NO_START:
            break
        cut = following + 1
    if _word(tokens, cut) and _word(tokens, _text_before(tokens, cut)):
        back = cut
        while back > 0 and not tokens[back - 1].isspace():
            back -= 1
        cut = back or cut
    return cut


def _text_before(tokens: list[str], cut: int) -> int:
    index = cut - 1
    while index >= 0 and tokens[index].startswith("<"):
        index -= 1
    return index


def _word(tokens: list[str], index: int) -> bool:
    """A Latin letter or digit at `index` (inside a word, a cut would split it)."""
    return 0 <= index < len(tokens) and len(tokens[index]) == 1 and tokens[index].isascii() and tokens[index].isalnum()


def _tag_name(tag: str) -> str:
    return re.match(r"</?\s*([A-Za-z0-9]+)", tag).group(1).lower()


def _open_tags(tokens: list[str]) -> list[str]:
    """The elements open at the end of `tokens` (their start tags, outermost first)."""
    stack: list[str] = []
    for token in tokens:
        if not token.startswith("<") or token.endswith("/>") or _tag_name(token) in ("br", "wbr", "img"):
            continue
        if token.startswith("</"):
            name = _tag_name(token)
            while stack and _tag_name(stack.pop()) != name:
                pass
        else:
            stack.append(token)
    return stack
