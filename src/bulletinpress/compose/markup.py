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
