"""`bulletinpress import`: a district's Word file (or a plain draft) as an article of the issue.

The .docx is read part by part (desk/wordfile.py: ceilings, Strict, .docm and .dotx) and each
paragraph in the order Word keeps its pieces: runs, links, content controls, fields (their
results, never their codes), tracked insertions and moves (as if accepted), math (its text),
text boxes (once: DrawingML, never also its VML copy), line breaks where they stand. The
parts of a report are found as an editor would find them: the title (a Title/Heading style
in any language, the 公文 title in 小标宋 or centred at 18 pt, a bold line of 16 pt and up — or,
when nothing stands out, the first paragraph, and the editor is told), a kicker or subtitle
beside it, the district (a heading or byline such as 黔江区总工会, or `--district`; a
placeholder when there is none), the body (2-em indents and full-width spaces dropped, line
breaks inside a paragraph joined), bold as **…**, photos with the caption that follows them,
and the 「一、」「（一）」 numbering Word keeps in numbering.xml restored as text.

Nothing is dropped in silence: a table, a footnote, a comment, a linked or missing picture,
an embedded object, a chart or SmartArt is named with its paragraph number. The YAML is
appended to `--into` with ruamel.yaml's round-trip mode, so that file's comments and
formatting stay.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError, Diagnostic, UsageError
from ..source import files

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: a byline or district heading: 黔江区总工会, 涪陵区, 市总工会宣传部
DISTRICT = re.compile(r"^[\u4e00-\u9fff（）()、]{1,16}?(?:区|县|市|州|盟|旗)(?:总工会|工会)?(?:[\u4e00-\u9fff]{0,4}部)?$")
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
    above: list[str] = field(default_factory=list)  # the lines taken as a kicker, until a title follows them
    guessed: dict[str, str] = field(default_factory=dict)  # field → where it came from


def read(path: Path, district: str | None = None) -> Draft:
    """A .docx, .txt or .md file as a Draft; anything else is a clear error."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        draft = _plain(path)
    elif suffix in (".docx", ".docm", ".dotx", ".dotm"):  # a macro document or a template: its text is the same
        draft = _docx(path)
    elif suffix in (".doc", ".wps", ".rtf", ".odt"):
        raise UsageError(f"{path}: a {suffix} file cannot be read: open it in Word or WPS and save it as .docx (Word 2007 or later)")
    else:
        raise UsageError(f"{path}: import reads .docx (and .docm, .dotx), .txt and .md files")
    if district:
        draft.district, draft.guessed = district, {k: v for k, v in draft.guessed.items() if k != "district"}
    if not draft.title:
        holds = f"it holds only {len(draft.photos)} picture(s)" if draft.photos else ("" if draft.notes else "it is empty")
        raise ContentError([Diagnostic(path, 1, 1, "the file has no text to import: " + "; ".join(
            ([holds] if holds else []) + draft.notes))])
    for field_name, where in draft.guessed.items():
        draft.notes.insert(0, f"{field_name} guessed from {where}")
    return draft


# --- plain drafts --------------------------------------------------------------------------------

def _plain(path: Path) -> Draft:
    from ..source.load import decode

    text = decode(path, _read(path, files.DRAFT))
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
    package = _open(path)
    try:
        return _read_document(package)
    finally:
        package.close()


def _read_document(package) -> Draft:
    draft = Draft()
    numbers = _Numbering(package)
    pending_caption = False
    for number, element in enumerate(_blocks(package.document.find(W + "body")), 1):
        tag = element.tag.replace(W, "")
        if tag == "tbl":
            rows = _table_rows(element, package)
            draft.notes.append(f"paragraph {number}: a table: its text imported row by row ({len(rows)} rows); "
                               "a page prints no tables, so check it, or make the table a photo")
            for row in rows:
                _body(draft, row)
            continue
        if tag == "altChunk":
            draft.notes.append(f"paragraph {number}: an embedded document (altChunk) is not imported: paste its text")
            continue
        if tag != "p":
            continue
        paragraph = _Paragraph(element, package, numbers)
        draft.notes += [f"paragraph {number}: {what}" for what in paragraph.problems()]
        for picture in paragraph.pictures:
            if picture.data is None:
                draft.notes.append(f"paragraph {number}: {picture.problem}")
                continue
            draft.photos.append((picture.data, picture.suffix, ""))
            pending_caption = True
        text = paragraph.text()
        if text.strip():
            if pending_caption and CAPTION.match(text.strip()):
                blob, suffix, _ = draft.photos[-1]
                draft.photos[-1] = (blob, suffix, text.strip().strip("（）()"))
                pending_caption = False
            else:
                pending_caption = False
                _place(draft, paragraph, text, number)
        for box in paragraph.boxes:  # a text box's text, once, after its paragraph
            _body(draft, box)
    _title_from_first(draft)
    return draft


def _blocks(body):
    """The body's paragraphs and tables in order, content controls (w:sdt) and custom XML
    opened: their paragraphs are the document's."""
    if body is None:
        return
    for element in body:
        tag = element.tag.replace(W, "") if isinstance(element.tag, str) else ""
        if tag in ("sdt", "customXml"):
            yield from _blocks(element.find(W + "sdtContent") if tag == "sdt" else element)
        elif tag in ("p", "tbl", "altChunk"):
            yield element


def _texts(container, package) -> list[str]:
    """The text of a cell's or a text box's paragraphs (in content controls too) and of the
    tables in it, a line each."""
    texts = []
    for block in _blocks(container):
        if block.tag == W + "p":
            texts.append(_Paragraph(block, package, _NoNumbering()).text())
        elif block.tag == W + "tbl":
            texts += _table_rows(block, package)
    return [t for t in texts if t.strip()]


def _blocks_of(element, tag: str):
    """The element's children of one kind, through content controls (a row in a w:sdt)."""
    for child in element:
        if child.tag == W + tag:
            yield child
        elif child.tag == W + "sdt" and child.find(W + "sdtContent") is not None:
            yield from _blocks_of(child.find(W + "sdtContent"), tag)


def _table_rows(table, package) -> list[str]:
    """A table's text, a line a row, its cells set apart by 「；」 (Chinese) or "; ": a page
    prints no tables, and nothing of it is lost in silence."""
    rows = []
    for row in _blocks_of(table, "tr"):
        cells = []
        for cell in row.findall(W + "tc"):
            cells.append(" ".join(_texts(cell, package)))
        cells = [c for c in cells if c.strip()]
        if cells:
            han = any("\u4e00" <= ch <= "\u9fff" for c in cells for ch in c)
            rows.append(("；" if han else "; ").join(cells))
    return rows


def _title_from_first(draft: Draft) -> None:
    """No paragraph stood out as a title: the first one is taken (a short one whole; of a long
    one its opening words, the paragraph kept in the body) and the editor is told."""
    if draft.title:
        return
    if draft.above:  # lines above a title that never came: they are the text
        draft.paragraphs[:0], draft.kicker, draft.above = draft.above, "", []
    if not draft.paragraphs:
        return
    first = draft.paragraphs[0]
    plain = re.sub(r"\*\*", "", first)
    if len(plain) <= 40 and len(draft.paragraphs) > 1:  # a short first line, and text after it
        draft.title = plain
        draft.paragraphs.pop(0)
        draft.guessed["title"] = "the first paragraph: nothing in the file looks like a title (a Title style, or a large, bold or centred line)"
    else:
        words = re.split(r"(?<=[，。！？；：,.!?;:])", plain)[0]
        draft.title = (words[:30] + "…") if len(words) > 30 else words.rstrip("，,;；:：")
        draft.guessed["title"] = "the opening words of the first paragraph: nothing in the file looks like a title; write the title here"


def _read(path: Path, kind: files.Kind) -> bytes:
    """The file's bytes by the file rule (source/files.py); a file it refuses is a usage
    error: the editor named it on the command line."""
    try:
        return files.read_or_refuse(path, kind)
    except files.Refused as exc:
        raise UsageError(_refused(path, str(exc))) from None


def _allowed(path: Path, kind: files.Kind) -> None:
    problem = files.refusal(path, kind)
    if problem:
        raise UsageError(_refused(path, problem))


def _refused(path: Path, problem: str) -> str:
    return f"{path}: cannot import it: {problem}" + (": too large to import" if "at most" in problem else "")


def _open(path: Path):
    from .wordfile import Package, WordFileError

    _allowed(path, files.WORD)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UsageError(f"{path}: this is a Word 97-2003 (.doc) or password-protected file, not a .docx: "
                         "open it in Word or WPS, remove the password if it has one, and save it as .docx")
    try:
        return Package(path)
    except WordFileError as exc:
        raise UsageError(f"{path}: {exc}") from None


def _place(draft: Draft, paragraph, text: str, number: int) -> None:
    """Title, kicker, subtitle, district or body, by style, size and place."""
    if not draft.title and paragraph.is_title():
        draft.title = re.sub(r"\*\*", "", text).strip()
        if not paragraph.styled_title():
            draft.guessed["title"] = f"paragraph {number} ({paragraph.looks()})"
        return
    if not draft.title and not draft.paragraphs and len(text) <= 30 and paragraph.size() >= 12 and not DISTRICT.match(text.strip()):
        draft.kicker = (draft.kicker + " " + text.strip()).strip()  # 引题 above the title
        draft.above.append(text.strip())
        return
    if draft.title and not draft.paragraphs and text.strip().startswith(("——", "—", "--")):
        draft.subtitle = text.strip()
        return
    if paragraph.heading() and not draft.district and DISTRICT.match(text.strip()):
        draft.district = text.strip()
        return
    _body(draft, text)


M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
V = "{urn:schemas-microsoft-com:vml}"
#: what holds a paragraph's runs and is read through (links, content controls, simple fields,
#: tracked insertions and moves to, smart tags)
_THROUGH = {"hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "dir", "bdo", "sdtContent"}
#: what a paragraph holds that is not its text now (tracked deletions and moves from)
_DELETED = {"del", "moveFrom"}
_NOTES = (("footnoteReference", "a footnote (not imported: add it to the text)"),
          ("endnoteReference", "an endnote (not imported: add it to the text)"),
          ("commentReference", "a comment (not imported)"),
          ("object", "an embedded object (not imported: paste its text, or make it a photo)"))


_PRIVATE = re.compile("[\ue000-\uf8ff]")


class _Paragraph:
    """One w:p read in order: its text (bold marked), its pictures, its text boxes' text."""

    def __init__(self, element, package, numbers):
        self.element, self.package, self.numbers = element, package, numbers
        self.styles = package.styles
        self.style_id = _val(element.find(W + "pPr/" + W + "pStyle"))
        self.pieces: list[tuple[str, bool]] = []
        self.pictures: list = []
        self.boxes: list[str] = []
        self.found: list[str] = []
        self.sizes: list[float] = []
        self.bolds: list[bool] = []
        self._field: list[str] = []  # complex fields open: 'code' until w:separate, then 'result'
        self._walk(element)

    # reading ---------------------------------------------------------------------------------
    def _walk(self, element) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            namespace, _, tag = child.tag[1:].partition("}")
            if child.tag == W + "r":
                self._run(child)
            elif child.tag == W + "sdt":
                self._walk(child.find(W + "sdtContent") if child.find(W + "sdtContent") is not None else child)
            elif namespace == W[1:-1] and tag in _THROUGH:
                self._walk(child)
            elif namespace == W[1:-1] and tag in _DELETED:
                self._note("a tracked deletion (imported as if accepted)" if tag == "del" else "a tracked move (imported where it was moved to)")
            elif child.tag in (M + "oMath", M + "oMathPara"):
                self._text("".join(t.text or "" for t in child.iter(M + "t")), False)
            elif child.tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                self._walk(choice if choice is not None else child.find(MC + "Fallback"))

    def _run(self, run) -> None:
        bold = self._bold(run)
        size = self._size(run)
        for child in run:
            tag = child.tag.replace(W, "") if isinstance(child.tag, str) else ""
            if tag == "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    self._field.append("code")
                elif kind == "separate" and self._field:
                    self._field[-1] = "result"
                elif kind == "end" and self._field:
                    self._field.pop()
            elif self._field and self._field[-1] == "code":
                continue  # a field's code (PAGE, HYPERLINK "…"): its result is the text
            elif tag == "t":
                self._text(child.text or "", bold, size)
            elif tag in ("tab", "ptab"):
                self._text(" ", bold)
            elif tag in ("br", "cr"):
                self._text("\n", bold)
            elif tag == "noBreakHyphen":
                self._text("-", bold, size)
            elif tag == "sym":
                self._symbol(child, bold)
            elif tag in ("drawing", "pict") or child.tag == MC + "AlternateContent":
                self._drawing(child)
            elif tag == "object":
                self._note(dict(_NOTES)["object"])
            for reference, what in _NOTES[:3]:
                if tag == reference:
                    self._note(what)

    def _text(self, text: str, bold: bool, size: float | None = None) -> None:
        if _PRIVATE.search(text):  # a symbol font's private codes: no font prints them as meant
            self._note("a symbol in a symbol font's private code (not imported)")
            text = _PRIVATE.sub("", text)
        if text:
            self.pieces.append((text, bold))
            if text.strip():
                self.bolds.append(bold)
                if size:
                    self.sizes.append(size)

    def _symbol(self, sym, bold: bool) -> None:
        code = sym.get(W + "char", "")
        try:
            char = chr(int(code, 16))
        except ValueError:
            return
        if 0xF000 <= ord(char) <= 0xF0FF:  # a symbol font's private code (Wingdings, Symbol)
            self._note(f"a symbol from the font {sym.get(W + 'font', '?')} (not imported)")
        else:
            self._text(char, bold)

    def _drawing(self, element) -> None:
        """Pictures and text boxes: each read once (an AlternateContent's Choice, never also
        its VML Fallback, which repeats the same text box)."""
        if element.tag == MC + "AlternateContent":
            choice = element.find(MC + "Choice")
            element = choice if choice is not None else element.find(MC + "Fallback")
            if element is None:
                return
        boxes = [b for b in element.iter(W + "txbxContent") if not any(a.tag == W + "txbxContent" for a in b.iterancestors())]
        for box in boxes:  # a box inside a box is read with its outer box's paragraphs
            self.boxes += _texts(box, self.package)
        if boxes:
            self._note("a text box (its text imported as paragraphs after this one)")
        for blip in element.iter(A + "blip"):
            if blip.get(R + "embed"):
                self.pictures.append(self.package.picture(blip.get(R + "embed")))
            elif blip.get(R + "link"):
                self.pictures.append(self.package.picture(blip.get(R + "link")))
        for image in element.iter(V + "imagedata"):
            self.pictures.append(self.package.picture(image.get(R + "id")))
        if next(element.iter("{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds"), None) is not None:
            self._note("a SmartArt graphic (not imported: make it a photo, or type its text)")
        if next(element.iter("{http://schemas.openxmlformats.org/drawingml/2006/chart}chart"), None) is not None:
            self._note("a chart (not imported: make it a photo)")

    def _note(self, what: str) -> None:
        if what not in self.found:
            self.found.append(what)

    def _bold(self, run) -> bool:
        own = run.find(W + "rPr/" + W + "b")
        if own is None:
            own = self.styles.find(_val(run.find(W + "rPr/" + W + "rStyle")), W + "rPr/" + W + "b")
        return own is not None and own.get(W + "val", "true").lower() not in ("0", "false", "off")

    def _size(self, run) -> float | None:
        size = run.find(W + "rPr/" + W + "sz")
        if size is None:
            size = self.styles.find(self.style_id, W + "rPr/" + W + "sz")
        value = _val(size)
        return int(value) / 2 if value and value.isdigit() else None

    # what it says ------------------------------------------------------------------------------
    def text(self) -> str:
        """The paragraph's text: bold as **…** (its edges' white space outside the marks),
        stars and brackets typed in the file kept as they are (escaped)."""
        merged: list[list] = []
        for text, bold in self.pieces:
            text = re.sub(r"([*\[\]\\])", r"\\\1", text)
            if merged and merged[-1][1] == bold:
                merged[-1][0] += text
            else:
                merged.append([text, bold])
        parts = []
        for text, bold in merged:
            core = text.strip()
            if bold and core and not self.is_title():
                lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
                parts.append(f"{lead}**{core}**{trail}")
            else:
                parts.append(text)
        joined = _joined("".join(parts).split("\n"))
        return self.numbers.label(self.element, self.styles) + joined.lstrip("\u3000 ")

    def style(self) -> str:
        return self.styles.name(self.style_id) or "normal"

    def styled_title(self) -> bool:
        outline = _val(self.element.find(W + "pPr/" + W + "outlineLvl")) or _val(self.styles.find(self.style_id, W + "pPr/" + W + "outlineLvl"))
        return self.style() in ("title", "heading 1", "标题", "标题 1", "heading1") or outline == "0"

    def heading(self) -> bool:
        return self.style().startswith(("heading", "标题", "title")) or self.styled_title()

    def size(self) -> float:
        return max(self.sizes, default=10.5)

    def centred(self) -> bool:
        jc = self.element.find(W + "pPr/" + W + "jc")
        jc = jc if jc is not None else self.styles.find(self.style_id, W + "pPr/" + W + "jc")
        return _val(jc) in ("center", "centre")

    def fonts(self) -> str:
        return " ".join(f.get(W + "eastAsia", "") + f.get(W + "ascii", "") for f in self.element.iter(W + "rFonts"))

    def is_title(self) -> bool:
        """A Title or Heading 1 style; the 公文 title (小标宋, or centred at 18 pt and up, bold
        or not); a bold line of 16 pt and up, or centred at 14 pt and up."""
        if self.styled_title():
            return True
        plain = "".join(t for t, _ in self.pieces).strip()
        if not plain or len(plain) > 60:
            return False
        bold = bool(self.bolds) and all(self.bolds)
        size = self.size()
        return ("小标宋" in self.fonts() or (self.centred() and size >= 18) or (bold and size >= TITLE_PT)
                or (bold and self.centred() and size >= 14))

    def looks(self) -> str:
        traits = [f"{self.size():.0f} pt"] + (["bold"] if self.bolds and all(self.bolds) else []) + (["centred"] if self.centred() else [])
        return ", ".join(traits + (["小标宋"] if "小标宋" in self.fonts() else []))

    def problems(self) -> list[str]:
        return self.found


def _val(element) -> str | None:
    return element.get(W + "val") if element is not None else None


class _NoNumbering:
    def label(self, paragraph, styles) -> str:
        return ""


class _Numbering:
    """The 一、（一）1. numbering Word computes from numbering.xml, as text."""

    def __init__(self, package):
        self.counts: dict[tuple[str, int], int] = {}
        self.root = package.numbering

    def label(self, paragraph, styles) -> str:
        found = self._num_pr(paragraph, styles)
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

    def _num_pr(self, paragraph, styles):
        """The paragraph's numbering, its own or its style's (through w:basedOn)."""
        num_pr = paragraph.find(W + "pPr/" + W + "numPr")
        if num_pr is None:
            num_pr = styles.find(_val(paragraph.find(W + "pPr/" + W + "pStyle")), W + "pPr/" + W + "numPr")
        if num_pr is None or num_pr.find(W + "numId") is None:
            return None
        level = _val(num_pr.find(W + "ilvl")) or "0"
        return _val(num_pr.find(W + "numId")), int(level) if level.isdigit() else 0

    def _level(self, num_id: str, level: int):
        num = next((n for n in self.root.iter(W + "num") if n.get(W + "numId") == num_id), None)
        if num is None:
            return None, "", 1
        abstract_id = _val(num.find(W + "abstractNumId"))
        abstract = next((a for a in self.root.iter(W + "abstractNum") if a.get(W + "abstractNumId") == abstract_id), None)
        lvl = next((l for l in abstract.iter(W + "lvl") if l.get(W + "ilvl") == str(level)), None) if abstract is not None else None
        if lvl is None:
            return None, "", 1
        get = lambda tag, default: (lvl.find(W + tag).get(W + "val") if lvl.find(W + tag) is not None else default)  # noqa: E731
        start = get("start", "1")
        return get("numFmt", "decimal"), get("lvlText", "%1."), int(start) if start.isdigit() else 1


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


#: what a report without a district gets, for the editor to see and fill in
NO_DISTRICT = {"zh": "待填写", "en": "TO FILL IN"}


def need_district(draft: Draft) -> None:
    """A report needs its district (`check` rejects one without): when the file names none
    and --district gave none, a placeholder the editor sees, and a note saying so."""
    if draft.district:
        return
    language = "zh" if re.search(r"[\u4e00-\u9fff]", draft.title + "".join(draft.paragraphs[:3])) else "en"
    draft.district = NO_DISTRICT[language]
    draft.guessed["district"] = "nothing: no district or byline was found in the file; write it here (or import with --district)"
    draft.notes.insert(0, "district: none found in the file; a placeholder was written (or import with --district)")


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

    _check_target(path, kind)
    yaml = _yaml()
    data = yaml.load(decode(path, files.read(path, files.ISSUE))) or {}
    if kind == "report":
        data.setdefault("reports", []).append(_commented_map(fields, draft))
    elif kind == "lead":
        if data.get("lead"):
            raise UsageError(f"{path}: the issue has a lead already; import as a report (--as report)")
        data["lead"] = _commented_map(fields, draft)
    else:
        data.setdefault("briefs", {}).setdefault("items", []).extend(_items(fields))
    return _dump(data)


def _check_target(path: Path, kind: str) -> None:
    """The issue file an article goes into, read as `check` reads it (its YAML errors at their
    lines), and the places the article goes checked: nothing is written into a file that
    could not take it."""
    from ..source import load

    if not path.is_file():
        raise UsageError(f"{path}: no such issue file: make it with `bulletinpress new`, or import without --into")
    source = load.read(path)
    data = source.data if source.data is not None else {}
    if source.errors:
        raise ContentError(list(source.errors.values()))
    if not isinstance(data, dict):
        raise ContentError([source.diagnostic((), "an issue file must be a group of fields (masthead:, reports:, …): nothing imported")])
    shapes = {"report": ("reports", list, "a list of reports"), "briefs": ("briefs", dict, "a group with items:"),
              "lead": ("lead", dict, "an article")}
    name, shape, words = shapes[kind]
    if data.get(name) is not None and not isinstance(data[name], shape):
        raise ContentError([source.diagnostic((name,), f"{name}: should be {words}, not {type(data[name]).__name__}: nothing imported")])
    items = data.get("briefs", {}).get("items") if kind == "briefs" and isinstance(data.get("briefs"), dict) else None
    if items is not None and not isinstance(items, list):
        raise ContentError([source.diagnostic(("briefs", "items"), "briefs.items: should be a list: nothing imported")])


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
