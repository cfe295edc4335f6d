"""`bulletinpress import`: a district's Word file (or a plain draft) as an article of the issue.

python-docx reads the .docx (MIT, small, and it exposes the direct formatting — bold,
22 pt, 小标宋 — that WPS writers use to make a title, where mammoth reads only styles and
pandoc is a 150 MB GPL binary). The parts of a report are found as an editor would find
them: the title (a Title/Heading style, or the largest bold run of 16 pt and up at the
top), a kicker or subtitle beside it, the district (a heading or byline such as 黔江区总工会,
or `--district`), the body (2-em indents and full-width spaces dropped, line breaks inside a
paragraph joined), bold as **…**, photos with the caption that follows them, and the
「一、」「（一）」 numbering Word keeps in numbering.xml restored as text.

Nothing is dropped in silence: a table, text box, footnote, comment or tracked change is
converted or named with its paragraph number. The YAML is appended to `--into` with
ruamel.yaml's round-trip mode, so that file's comments and formatting stay.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError, Diagnostic, UsageError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: a byline or district heading: 黔江区总工会, 涪陵区, 市总工会宣传部
DISTRICT = re.compile(r"^[\u4e00-\u9fff（）()、]{2,16}?(?:区|县|市|州|盟|旗)(?:总工会|工会)?(?:[\u4e00-\u9fff]{0,4}部)?$|^市总工会")
CAPTION = re.compile(r"^[（(]?(?:图为|图注|图：|图:|上图|下图|图\d)")
TITLE_PT = 16


@dataclass
class Draft:
    """An article as read from a file, before it is YAML."""

    title: str = ""
    kicker: str = ""
    subtitle: str = ""
    district: str = ""
    paragraphs: list[str] = field(default_factory=list)
    photos: list[tuple[bytes, str, str]] = field(default_factory=list)  # bytes, suffix, caption
    notes: list[str] = field(default_factory=list)  # what was guessed or not imported, for the editor
    guessed: dict[str, str] = field(default_factory=dict)  # field → where it came from


def read(path: Path, district: str | None = None) -> Draft:
    """A .docx, .txt or .md file as a Draft; anything else is a clear error."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        draft = _plain(path)
    elif suffix == ".docx":
        draft = _docx(path)
    elif suffix in (".doc", ".wps", ".rtf", ".odt"):
        raise UsageError(f"{path}: a {suffix} file cannot be read: open it in Word or WPS and save it as .docx (Word 2007 or later)")
    else:
        raise UsageError(f"{path}: import reads .docx, .txt and .md files")
    if district:
        draft.district, draft.guessed = district, {k: v for k, v in draft.guessed.items() if k != "district"}
    if not draft.title:
        raise ContentError([Diagnostic(path, 1, 1, "no title found: the first line (or a bold line of 16 pt and up) should be the title")])
    return draft


# --- plain drafts --------------------------------------------------------------------------------

def _plain(path: Path) -> Draft:
    from ..source.load import decode

    text = decode(path, path.read_bytes())
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    if not blocks:
        return Draft()
    first, *rest = blocks[0].split("\n")
    draft = Draft(title=first.lstrip("# ").strip())
    for block in ([("\n".join(rest))] if rest else []) + blocks[1:]:
        _body(draft, _joined(block.split("\n")))
    return draft


def _joined(lines: list[str]) -> str:
    from ..compose.markup import join_lines

    return join_lines([line.strip().lstrip("\u3000") for line in lines], "zh")


def _body(draft: Draft, text: str) -> None:
    text = text.strip().lstrip("\u3000 ")
    if not text:
        return
    if not draft.district and DISTRICT.match(text):
        draft.district = re.sub(r"(?:总工会|工会).*$", "", text) or text
        draft.guessed["district"] = f"the line 「{text}」"
        return
    draft.paragraphs.append(text)


# --- Word ------------------------------------------------------------------------------------------

def _docx(path: Path) -> Draft:
    document = _open(path)
    draft = Draft()
    numbers = _Numbering(document)
    pending_caption = False
    for number, element in enumerate(document.element.body.iterchildren(), 1):
        tag = element.tag.replace(W, "")
        if tag == "tbl":
            draft.notes.append(f"paragraph {number}: a table is not imported; set it as text or make it a photo")
            continue
        if tag != "p":
            continue
        paragraph = _Paragraph(element, document, numbers)
        draft.notes += [f"paragraph {number}: {what}" for what in paragraph.problems()]
        for blob, suffix in paragraph.images():
            draft.photos.append((blob, suffix, ""))
            pending_caption = True
        text = paragraph.text()
        if not text.strip():
            continue
        if pending_caption and CAPTION.match(text.strip()):
            blob, suffix, _ = draft.photos[-1]
            draft.photos[-1] = (blob, suffix, text.strip().strip("（）()"))
            pending_caption = False
            continue
        pending_caption = False
        _place(draft, paragraph, text, number)
    return draft


def _open(path: Path):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    head = path.read_bytes()[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UsageError(f"{path}: this is a Word 97-2003 (.doc) or password-protected file, not a .docx: "
                         "open it in Word or WPS, remove the password if it has one, and save it as .docx")
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise UsageError(f"{path}: not a readable .docx ({exc.__class__.__name__}): open it in Word or WPS and save it again as .docx") from None
    except Exception as exc:  # a damaged package: lxml and zipfile raise their own
        raise UsageError(f"{path}: the .docx is damaged ({exc.__class__.__name__}): open it in Word or WPS and save it again") from None


def _place(draft: Draft, paragraph, text: str, number: int) -> None:
    """Title, kicker, subtitle, district or body, by style, size and place."""
    if not draft.title and paragraph.is_title():
        draft.title = text.strip()
        if not paragraph.styled_title():
            draft.guessed["title"] = f"paragraph {number} (bold, {paragraph.size():.0f} pt)"
        return
    if not draft.title and not draft.paragraphs and len(text) <= 30 and paragraph.size() >= 12 and not DISTRICT.match(text.strip()):
        draft.kicker = (draft.kicker + " " + text.strip()).strip()  # 引题 above the title
        return
    if draft.title and not draft.paragraphs and text.strip().startswith(("——", "—", "--")):
        draft.subtitle = text.strip()
        return
    if paragraph.heading() and not draft.district and DISTRICT.match(text.strip()):
        draft.district = text.strip()
        return
    _body(draft, text)


class _Paragraph:
    def __init__(self, element, document, numbers):
        self.element, self.document, self.numbers = element, document, numbers

    def runs(self):
        """Its runs, tracked insertions included, deletions left out (as if accepted)."""
        return [r for r in self.element.iter(W + "r") if not any(a.tag == W + "del" for a in r.iterancestors())]

    def text(self) -> str:
        parts = []
        for run in self.runs():
            if run.find(W + "rPr/" + W + "vanish") is not None:
                continue
            piece = "".join(t.text or "" for t in run.iter(W + "t")) + ("\n" if run.find(W + "br") is not None else "")
            bold = run.find(W + "rPr/" + W + "b") is not None and run.find(W + "rPr/" + W + "b").get(W + "val") not in ("0", "false")
            parts.append(f"**{piece}**" if bold and piece.strip() and not self.is_title() else piece)
        text = _joined(re.sub(r"\*\*\*\*", "", "".join(parts)).split("\n"))
        return self.numbers.label(self.element) + text.lstrip("\u3000 ")

    def style(self) -> str:
        style = self.element.find(W + "pPr/" + W + "pStyle")
        return self.document.styles.get_by_id(style.get(W + "val")).name if style is not None else "Normal"

    def styled_title(self) -> bool:
        return self.style().lower() in ("title", "heading 1", "标题", "标题 1")

    def heading(self) -> bool:
        return self.style().lower().startswith(("heading", "标题", "title"))

    def size(self) -> float:
        sizes = [int(s.get(W + "val")) / 2 for r in self.runs() for s in r.iter(W + "sz") if s.get(W + "val", "").isdigit()]
        return max(sizes, default=10.5)

    def is_title(self) -> bool:
        runs = [r for r in self.runs() if "".join(t.text or "" for t in r.iter(W + "t")).strip()]
        bold = runs and all(r.find(W + "rPr/" + W + "b") is not None for r in runs)
        return self.styled_title() or (bool(bold) and self.size() >= TITLE_PT)

    def images(self):
        for blip in self.element.iter(A + "blip"):
            part = self.document.part.related_parts.get(blip.get(R + "embed"))
            if part is not None:
                yield part.blob, "." + part.partname.ext.lower().replace("jpeg", "jpg")

    def problems(self) -> list[str]:
        found = []
        checks = (("txbxContent", "a text box (its text is not imported: copy it into the body)"),
                  ("footnoteReference", "a footnote (not imported: add it to the text)"),
                  ("endnoteReference", "an endnote (not imported: add it to the text)"),
                  ("commentReference", "a comment (not imported)"),
                  ("del", "a tracked deletion (imported as if accepted)"),
                  ("ins", "a tracked insertion (imported as if accepted)"))
        for tag, what in checks:
            if next(self.element.iter(W + tag), None) is not None:
                found.append(what)
        return found


class _Numbering:
    """The 一、（一）1. numbering Word computes from numbering.xml, as text."""

    def __init__(self, document):
        self.counts: dict[tuple[str, int], int] = {}
        try:
            self.root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self.root = None
        self.document = document

    def label(self, paragraph) -> str:
        found = self._num_pr(paragraph)
        if found is None or self.root is None:
            return ""
        num_id, level = found
        fmt, text, start = self._level(num_id, level)
        if fmt in (None, "none", "bullet"):
            return ""
        key = (num_id, level)
        self.counts[key] = self.counts.get(key, start - 1) + 1
        for (other, deeper) in list(self.counts):
            if other == num_id and deeper > level:
                del self.counts[(other, deeper)]
        return re.sub(r"%(\d)", lambda m: _format(self.counts.get((num_id, int(m.group(1)) - 1), start), fmt), text)

    def _num_pr(self, paragraph):
        num_pr = paragraph.find(W + "pPr/" + W + "numPr")
        if num_pr is None:
            style = paragraph.find(W + "pPr/" + W + "pStyle")
            if style is not None:
                element = self.document.styles.get_by_id(style.get(W + "val")).element
                num_pr = element.find(W + "pPr/" + W + "numPr")
        if num_pr is None or num_pr.find(W + "numId") is None:
            return None
        level = num_pr.find(W + "ilvl")
        return num_pr.find(W + "numId").get(W + "val"), int(level.get(W + "val")) if level is not None else 0

    def _level(self, num_id: str, level: int):
        num = next((n for n in self.root.iter(W + "num") if n.get(W + "numId") == num_id), None)
        if num is None:
            return None, "", 1
        abstract_id = num.find(W + "abstractNumId").get(W + "val")
        abstract = next((a for a in self.root.iter(W + "abstractNum") if a.get(W + "abstractNumId") == abstract_id), None)
        lvl = next((l for l in abstract.iter(W + "lvl") if l.get(W + "ilvl") == str(level)), None) if abstract is not None else None
        if lvl is None:
            return None, "", 1
        get = lambda tag, default: (lvl.find(W + tag).get(W + "val") if lvl.find(W + tag) is not None else default)  # noqa: E731
        return get("numFmt", "decimal"), get("lvlText", "%1."), int(get("start", "1"))


_CHINESE_DIGITS = "零一二三四五六七八九"


def _format(value: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "japanese", "taiwanese")):
        return _chinese(value)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(value)


def _chinese(value: int) -> str:
    if value < 10:
        return _CHINESE_DIGITS[value]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" + (_CHINESE_DIGITS[ones] if ones else "")


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + letters, value - number
    return out


# --- to YAML ----------------------------------------------------------------------------------------

def article(draft: Draft, photos_dir: Path, stem: str, relative_to: Path) -> dict:
    """The draft as an article's fields; its photos written into `photos_dir`."""
    import os

    fields: dict = {}
    if draft.district:
        fields["district"] = draft.district
    if draft.kicker:
        fields["kicker"] = draft.kicker
    fields["title"] = draft.title
    if draft.subtitle:
        fields["subtitle"] = draft.subtitle
    fields["body"] = "\n\n".join(draft.paragraphs) + "\n"
    images = []
    for number, (blob, suffix, caption) in enumerate(draft.photos, 1):
        target = _free(photos_dir, f"{stem}-{number}", suffix, blob)
        image = {"src": Path(os.path.relpath(target, relative_to)).as_posix()}
        if caption:
            image["caption"] = caption
        images.append(image)
    if images:
        fields["images"] = images
    return fields


def _free(folder: Path, name: str, suffix: str, blob: bytes) -> Path:
    """A file name in `folder` for these bytes (the same bytes already there are reused)."""
    from ..press.output import write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        target = folder / (f"{name}{suffix}" if n == 1 else f"{name}-{n}{suffix}")
        if not target.exists():
            write_atomic(target, blob)
            return target
        if target.read_bytes() == blob:
            return target
    raise UsageError(f"{folder}: too many photos named {name}")


def as_yaml(fields, kind: str, draft: Draft) -> str:
    """What to print (no --into): the article as the YAML an editor would write."""
    data = _commented({"reports": [fields]} if kind == "report" else ({"lead": fields} if kind == "lead" else {"briefs": {"items": _items(fields)}}), draft)
    return _dump(data)


def append_into(path: Path, fields, kind: str, draft: Draft) -> str:
    """The article appended to an issue file (round trip: its comments and formatting kept)."""
    from ..source.load import decode

    yaml = _yaml()
    data = yaml.load(decode(path, path.read_bytes())) or {}
    if kind == "report":
        data.setdefault("reports", []).append(_commented_map(fields, draft))
    elif kind == "lead":
        if data.get("lead"):
            raise UsageError(f"{path}: the issue has a lead already; import as a report (--as report)")
        data["lead"] = _commented_map(fields, draft)
    else:
        data.setdefault("briefs", {}).setdefault("items", []).extend(_items(fields))
    return _dump(data)


def _items(fields) -> list[str]:
    return [p for p in fields["body"].split("\n\n") if p.strip()] or [fields["title"]]


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _commented(data: dict, draft: Draft):
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap()
    for key, value in data.items():
        out[key] = [_commented_map(v, draft) for v in value] if key == "reports" else (_commented_map(value, draft) if key == "lead" else value)
    return out


def _commented_map(fields: dict, draft: Draft):
    """The fields, with a comment beside each one that was guessed."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import LiteralScalarString

    out = CommentedMap()
    for key, value in fields.items():
        out[key] = LiteralScalarString(value) if key == "body" else value
        if key in draft.guessed:
            out.yaml_add_eol_comment(f"guessed from {draft.guessed[key]}", key)
    return out


def _dump(data) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()
