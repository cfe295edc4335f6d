"""Stage 3: the validated issue as the data a template presents.

Everything computed lives here (labels in the issue's language, dates, paragraphs as
safe HTML, image addresses), so templates only place it.
"""

from __future__ import annotations

import base64
import datetime
import mimetypes
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import headline, markup
from .typeset import typeset
from ..source import files
from ..source.model import Article, Image, Issue
from ..source.project import Layout

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "number": "第{n}期",
        "briefs": "一周动态",
        "report_to": "报：",
        "copy_to": "送：",
        "issue_to": "发：",
        "separator": "，",
        "copies": "共印{n}份",
        "credit": "{name} 摄",
        "note": "编者按：",
        "page": "第{n}版",
        "jump_to": "（下转第{n}版）",
        "jump_from": "（上接第{n}版）",
        "contents": "本期导读",
    },
    "en": {
        "number": "No. {n}",
        "briefs": "News in brief",
        "report_to": "To: ",
        "copy_to": "Copy to: ",
        "issue_to": "Issued to: ",
        "separator": ", ",
        "copies": "{n} copies printed",
        "credit": "Photo: {name}",
        "note": "Editor's note: ",
        "page": "Page {n}",
        "jump_to": "Continued on page {n}",
        "jump_from": "Continued from page {n}",
        "contents": "In this issue",
    },
}


def format_date(date: datetime.date, language: str) -> str:
    if language == "zh":
        return f"{date.year}年{date.month}月{date.day}日"
    return f"{date.day} {date:%B} {date.year}"


@dataclass(frozen=True)
class Figure:
    src: str
    caption: Markup | None
    credit: str | None
    alt: str  # plain text for the alt attribute: never markup inside an attribute
    pixels: tuple[int, int] = (1, 1)  # width, height: the composer sizes photos by them
    crop: str = "50% 50%"  # object-position: which part stays when the frame crops it

    @property
    def shape(self) -> str:
        """portrait, landscape or square: a flowing layout floats a portrait photo beside the text."""
        ratio = self.pixels[1] / self.pixels[0]
        return "portrait" if ratio > 1.1 else ("landscape" if ratio < 0.9 else "square")


@dataclass(frozen=True)
class BriefsView:
    title: str
    items: list[Markup]


@dataclass(frozen=True)
class Story:
    kicker: Markup | None
    title_lines: list[Markup]
    subtitle: Markup | None
    byline: str | None
    note: Markup | None
    note_label: str
    paragraphs: list[Markup]
    figures: list[Figure]
    district: Markup | None = None
    loc: str = ""  # where it comes from in the issue file (lead, reports[2]): overflow reports name it
    title_units: tuple = ()  # per line the editor broke it into: its words (headline.Unit), for balancing
    language: str = "zh"
    jump: Markup | None = None  # a jumped article's first part ends with （下转第N版）
    continued: Markup | None = None  # its rest opens with （上接第M版）, the paragraph not indented


_NUMERALS = "〇一二三四五六七八九"


def page_label(number: int, language: str, key: str = "page") -> str:
    """第二版, （下转第三版）, Page 2: Chinese papers count their pages in Chinese numerals."""
    if language != "zh":
        return LABELS[language][key].format(n=number)
    tens, units = divmod(number, 10)
    text = (("" if tens == 1 else _NUMERALS[tens]) + "十" if tens else "") + (_NUMERALS[units] if units or not tens else "")
    return LABELS[language][key].format(n=text)


def build(
    issue: Issue,
    layout: Layout,
    issue_dir: Path,
    asset_base: Path,
    stylesheet: str = "",
    output: str = "screen",
    embed_images: bool = False,
) -> dict[str, Any]:
    """The template context. Image addresses are relative to `asset_base`, where the HTML is read from;
    `stylesheet` is CSS to embed (for a self-contained HTML file; the PDF gets its CSS apart)."""
    language = issue.primary_language
    labels = LABELS[language]
    masthead = issue.masthead
    return {
        "lang": issue.language,
        "output": output,  # screen or print: print styles use CMYK colours
        "language": language,
        "layout": layout.name,
        "style": layout.style,
        "stylesheet": Markup(stylesheet),
        "title": masthead.title,
        "masthead": {
            "title": masthead.title,
            "number": labels["number"].format(n=masthead.number) if masthead.number else None,
            "date": _set(format_date(masthead.date, language), language),
            "date_text": format_date(masthead.date, language),
            "iso_date": masthead.date.isoformat(),
            "publisher": masthead.publisher,
        },
        "lead": _balanced(_story(issue.lead, language, issue_dir, asset_base, embed=embed_images), layout, "lead")
        if issue.lead else None,
        "reports": [
            _balanced(_story(r, language, issue_dir, asset_base, district=r.district, loc=f"reports[{i}]", embed=embed_images),
                      layout, "report")
            for i, r in enumerate(issue.reports)
        ],
        "briefs": BriefsView(
            title=issue.briefs.title or labels["briefs"],
            items=[_set(markup.join_lines(item.split("\n"), language), language, paragraph=True) for item in issue.briefs.items],
        )
        if issue.briefs
        else None,
        "distribution": _distribution(issue, labels),
        "hints": _hints(issue),
        "page_names": list(issue.pages or []),
        "first_page_label": page_label(1, language),
        "page_label_sample": page_label(88, language),  # the widest number a running head is measured with
        "contents_title": labels["contents"],
        # the articles and the pages they open on (a newsletter's "In this issue"): the pages
        # are filled in by pagination (compose/paginate.py); measured with a stand-in number
        "in_this_issue": [{"loc": loc, "title": markup.plain(title), "page": ""} for loc, title in _titles(issue)],
    }


def _balanced(story: Story, layout: Layout, role: str) -> Story:
    """In a flowing layout that says its headline measure (layout.yaml `titles`), the title
    balanced for it as a composed block's is: no last line of one English word or of one or
    two Chinese characters. A composed layout balances per block (compose/page.py)."""
    titles = layout.titles
    if titles is None or layout.compose is not None:
        return story
    return replace(story, title_lines=list(headline.set_title(story, titles.measure, getattr(titles, role))))


def _titles(issue: Issue) -> list[tuple[str, str]]:
    found = [("lead", issue.lead.title)] if issue.lead else []
    return found + [(f"reports[{i}]", r.title) for i, r in enumerate(issue.reports)]


def _hints(issue: Issue) -> dict[str, dict]:
    """The editor's composition hints per article (span, position, photo size)."""
    found = {}
    for loc, article in [("lead", issue.lead)] + [(f"reports[{i}]", r) for i, r in enumerate(issue.reports)]:
        if article is None:
            continue
        hint = {"span": getattr(article, "span", None), "position": getattr(article, "position", None),
                "photo": article.photo.size if article.photo else None, "page": article.page}
        found[loc] = {k: v for k, v in hint.items() if v}
    return found


def _set(value: str, language: str, paragraph: bool = False) -> Markup:
    """Inline markup, then (for Chinese) the typesetting rules of typeset.py."""
    if language == "en":
        return markup.inline(markup.smart_quotes(value))
    return typeset(markup.inline(value), paragraph=paragraph)


def _one_line(value: str | None, language: str) -> Markup | None:
    return _set(markup.join_lines(value.split("\n"), language), language) if value else None


def _story(
    article: Article,
    language: str,
    issue_dir: Path,
    asset_base: Path,
    district: str | None = None,
    loc: str = "lead",
    embed: bool = False,
) -> Story:
    return Story(
        kicker=_one_line(article.kicker, language),
        title_lines=[headline.line_html(units) for units in _title_units(article.title, language)],
        subtitle=_one_line(article.subtitle, language),
        byline=article.byline,
        note=_set(markup.join_lines(article.note.split("\n"), language), language, paragraph=True) if article.note else None,
        note_label=LABELS[language]["note"],
        paragraphs=[_set(p, language, paragraph=True) for p in markup.paragraphs(article.body, language)],
        figures=[_figure(image, language, issue_dir, asset_base, embed, _crop(article)) for image in article.images],
        district=_set(district, language) if district else None,
        loc=loc,
        title_units=_title_units(article.title, language),
        language=language,
    )


def _title_units(title: str, language: str) -> tuple:
    """The title's lines as the editor broke them, each as its words (compose/headline.py)."""
    return tuple(tuple(headline.units(_set(line, language), language)) for line in markup.lines_text(title))


_CROPS = {"top": "50% 0%", "bottom": "50% 100%", "left": "0% 50%", "right": "100% 50%", "center": "50% 50%"}


def _crop(article: Article) -> str:
    return _CROPS[article.photo.crop] if article.photo and article.photo.crop else _CROPS["center"]


def _pixels(path: Path) -> tuple[int, int]:
    """A photo's size in pixels, from its header (the file was checked readable); an SVG's
    from its width and height or viewBox, so the composer gives it its own proportions."""
    if path.suffix.lower() == ".svg":
        return _svg_size(path)
    try:
        from PIL import Image as PILImage

        with PILImage.open(path) as img:
            return img.size
    except Exception:  # an SVG, or anything PIL cannot size: a square the composer can scale
        return (1000, 1000)


def _svg_size(path: Path) -> tuple[int, int]:
    import re

    with path.open("rb") as handle:  # checked a regular file inside the project (source/check.py)
        head = handle.read(4096).decode("utf-8", "replace")
    root = re.search(r"<svg\b[^>]*>", head, re.S)
    tag = root.group() if root else ""
    box = re.search(r"viewBox\s*=\s*[\"']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)", tag)
    size = [re.search(rf"\b{name}\s*=\s*[\"']\s*([\d.]+)", tag) for name in ("width", "height")]
    try:
        if all(size):
            return max(1, round(float(size[0].group(1)))), max(1, round(float(size[1].group(1))))
        if box:
            return max(1, round(float(box.group(1)))), max(1, round(float(box.group(2))))
    except ValueError:
        pass
    return (1000, 1000)


def _figure(image: Image, language: str, issue_dir: Path, asset_base: Path, embed: bool = False, crop: str = "50% 50%") -> Figure:
    path = (issue_dir / image.src).resolve()
    if embed:  # the web edition carries its photos: one file to upload or paste
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        src = f"data:{mime};base64,{base64.b64encode(files.read(path, files.PHOTO)).decode('ascii')}"
    else:  # an address: a photo named a#1.jpg, 50%.jpg or 问题?.jpg is that file, not a fragment or a query
        from urllib.parse import quote

        src = quote(Path(os.path.relpath(path, asset_base.resolve())).as_posix(), safe="/")
    caption = _one_line(image.caption, language)
    plain = markup.join_lines(image.caption.split("\n"), language) if image.caption else ""
    return Figure(src=src, caption=caption, credit=credit_line(image.credit, language), alt=plain, pixels=_pixels(path), crop=crop)


#: what a credit already says when the editor wrote the label too (张三 摄, 摄影：张三, Photo: …)
_CREDIT_LABELED = {"zh": ("摄", "图", "供图", "摄影"), "en": ("photo", "picture", "image", "©")}


def credit_line(credit: str | None, language: str) -> str | None:
    """The credit with the layout's label (张三 → 张三 摄), unless the editor wrote one."""
    if not credit:
        return None
    words = credit.lower()
    if any(words.startswith(w) or words.endswith(w) for w in _CREDIT_LABELED[language]):
        return credit
    return LABELS[language]["credit"].format(name=credit)


def _distribution(issue: Issue, labels: dict[str, str]) -> dict[str, Any] | None:
    dist = issue.distribution
    if dist is None:
        return None
    rows = [
        {"label": labels[key], "names": labels["separator"].join(names)}
        for key, names in (("report_to", dist.report_to), ("copy_to", dist.copy_to), ("issue_to", dist.issue_to))
        if names
    ]
    copies = labels["copies"].format(n=dist.copies) if dist.copies else None
    return {"rows": rows, "copies": copies}


def text_length(html: str) -> int:
    """Characters of text in an HTML fragment, white space not counted (as measured lines
    count them: weasy/measure.py)."""
    import html as entities
    import re

    return len("".join(entities.unescape(re.sub(r"<[^>]*>", "", str(html))).split()))


#: characters a cut that fell on a paragraph's end leaves to the rest, so the first part
#: still ends inside a paragraph (a jump never ends at a paragraph's end)
_CARRIED = 8


def split_story(story: Story, chars: int, to_page: int, from_page: int) -> tuple[Story, Story | None]:
    """A jumped article in two: its first `chars` characters of text (white space not
    counted, the editor's note included) ending with （下转第N版）, and the rest, which opens
    with （上接第M版） under the title alone. Every character is in exactly one part."""
    left = chars - (text_length(story.note_label) + text_length(story.note) if story.note else 0)
    paragraphs, first, rest = list(story.paragraphs), [], []
    for index, paragraph in enumerate(paragraphs):
        length = text_length(paragraph)
        if left > length and index + 1 < len(paragraphs):
            first.append(paragraph)
            left -= length
            continue
        at = max(1, min(left, length - min(_CARRIED, max(1, length // 3))))
        head, tail = markup.split_html(paragraph, at)
        first.append(head)
        rest = ([tail] if text_length(tail) else []) + paragraphs[index + 1:]
        break
    if not rest:
        return story, None
    language = story.language
    head = replace(story, paragraphs=first, jump=Markup(page_label(to_page, language, "jump_to")))
    tail = replace(story, paragraphs=rest, kicker=None, subtitle=None, byline=None, note=None, figures=[], district=None,
                   loc=story.loc + "+", continued=Markup(page_label(from_page, language, "jump_from")))
    return head, tail
