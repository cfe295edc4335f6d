"""A .docx read as what it is — a zip of XML parts — with a ceiling on everything it holds.

python-docx refuses what Word and WPS write every day (.docm, .dotx, ISO Strict, a style id
without a type), and reads a part whole before it can be weighed. Here the package is opened
by its relationships, not its content types; each part's uncompressed size is checked before
it is read (a 1.5 MB zip of 500 MB XML is "too large", not 6 GB of memory); Strict's
namespaces are read as Transitional's; XML is parsed without entities or network. The text
is the importer's business (importer.py): this module gives it parts, styles and pictures.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = ("/officeDocument",)  # the relationship type's end, Transitional or Strict

#: ceilings: one part, all parts read, entries in the zip, a picture's pixels
MAX_PART = 64 * 2**20
MAX_TOTAL = 256 * 2**20
MAX_ENTRIES = 5000
MAX_PIXELS = 60_000_000

#: ISO/IEC 29500 Strict names its namespaces anew; the elements are the same
_STRICT = {
    b"http://purl.oclc.org/ooxml/wordprocessingml/main": b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/officeDocument/relationships": b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    b"http://purl.oclc.org/ooxml/drawingml/main": b"http://schemas.openxmlformats.org/drawingml/2006/main",
    b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing": b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    b"http://purl.oclc.org/ooxml/drawingml/picture": b"http://schemas.openxmlformats.org/drawingml/2006/picture",
    b"http://purl.oclc.org/ooxml/officeDocument/math": b"http://schemas.openxmlformats.org/officeDocument/2006/math",
}


class WordFileError(Exception):
    """The file is not a .docx that can be read: the message says what to do."""


@dataclass
class Picture:
    data: bytes | None
    suffix: str
    problem: str = ""  # why it is not imported (linked, missing, outside the file, too large)


class Package:
    """The parts of a .docx (or .docm, .dotx, .dotm; Transitional or Strict)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise WordFileError(f"the .docx is damaged, not a zip of Word's XML parts ({exc.__class__.__name__}): open it in Word or WPS and save it again") from None
        try:
            self._index()
        except BaseException:
            self.zip.close()
            raise

    def _index(self) -> None:
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise WordFileError(f"it holds {len(infos)} parts (at most {MAX_ENTRIES}): too large to import")
        self.sizes = {info.filename: info.file_size for info in infos}
        self.read_total = 0
        self.main = self._main()
        self.document = self.xml(self.main)
        self.rels = self.relationships(self.main)
        self.styles = Styles(self._related_xml("/styles"))
        self.numbering = self._related_xml("/numbering")

    def close(self) -> None:
        self.zip.close()

    def _main(self) -> str:
        rels = self.relationships("")
        for target, kind, external in rels.values():
            if kind.endswith(OFFICE_DOCUMENT) and not external:
                return target
        if "word/document.xml" in self.sizes:
            return "word/document.xml"
        raise WordFileError("it has no main document part: open it in Word or WPS and save it as Word Document (.docx)")

    def read(self, name: str) -> bytes:
        """A part's bytes, weighed before it is read."""
        size = self.sizes.get(name)
        if size is None:
            raise KeyError(name)
        if size > MAX_PART or self.read_total + size > MAX_TOTAL:
            raise WordFileError(f"its part {name} is {size / 2**20:.0f} MB uncompressed (at most {MAX_PART // 2**20} MB): "
                                "too large to import; save the text again in a new document")
        self.read_total += size
        with self.zip.open(name) as handle:
            data = handle.read(MAX_PART + 1)
        if len(data) > MAX_PART:  # the zip's directory lied about the size
            raise WordFileError(f"its part {name} is larger than it says: too large to import")
        return data

    def xml(self, name: str):
        from lxml import etree

        data = self.read(name)
        for strict, transitional in _STRICT.items():
            data = data.replace(strict, transitional)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
        try:
            return etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            raise WordFileError(f"its part {name} is damaged XML ({exc.msg}): open it in Word or WPS and save it again") from None

    def relationships(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """rId → (target part name, relationship type, external) for a part ('' is the package)."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.sizes:
            return {}
        found = {}
        for rel in self.xml(rels_name).iter(PKG_REL + "Relationship"):
            target, kind = rel.get("Target", ""), rel.get("Type", "")
            external = rel.get("TargetMode") == "External"
            if not external:
                target = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
            found[rel.get("Id", "")] = (target, kind, external)
        return found

    def _related_xml(self, kind: str):
        for target, rel_kind, external in self.rels.values():
            if rel_kind.endswith(kind) and not external and target in self.sizes:
                return self.xml(target)
        return None

    def picture(self, rel_id: str | None) -> Picture:
        """The picture a relationship of the main document names, or why it cannot be had."""
        target, kind, external = self.rels.get(rel_id or "", ("", "", False))
        suffix = "." + target.rsplit(".", 1)[-1].lower().replace("jpeg", "jpg") if "." in target else ""
        if external:
            return Picture(None, suffix, f"a linked picture ({target[:80]}) is not in the file: insert the picture itself")
        if not target or target.startswith("..") or target not in self.sizes:
            return Picture(None, suffix, "a picture whose part is missing from the file")
        data = self.read(target)
        pixels = _pixels(data)
        if pixels and pixels[0] * pixels[1] > MAX_PIXELS:
            return Picture(None, suffix, f"a picture of {pixels[0]}×{pixels[1]} pixels (at most {MAX_PIXELS // 1_000_000} million): "
                                         "not imported; save it smaller")
        if suffix not in (".jpg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".svg", ".webp"):
            return Picture(None, suffix, f"a picture in a form a page cannot print ({suffix or 'unknown'}): save it as JPEG or PNG")
        return Picture(data, suffix)


def _pixels(data: bytes) -> tuple[int, int] | None:
    """A raster picture's size from its header (no pixels decoded), or None."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # noqa: BLE001 - not a raster Pillow knows (an EMF, an SVG)
        return None


class Styles:
    """styles.xml: a style's name and what it inherits (w:basedOn), by style id."""

    def __init__(self, root):
        self.by_id = {}
        if root is not None:
            for style in root.iter(W + "style"):
                self.by_id.setdefault(style.get(W + "styleId", ""), style)

    def chain(self, style_id: str | None) -> list:
        """The style and the ones it is based on, nearest first (a loop is cut)."""
        found, seen = [], set()
        while style_id and style_id in self.by_id and style_id not in seen and len(found) < 20:
            seen.add(style_id)
            style = self.by_id[style_id]
            found.append(style)
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None
        return found

    def name(self, style_id: str | None) -> str:
        chain = self.chain(style_id)
        name = chain[0].find(W + "name") if chain else None
        return re.sub(r"\s+", " ", (name.get(W + "val") if name is not None else style_id or "")).strip().lower()

    def find(self, style_id: str | None, path: str):
        """The first of the style's chain that sets `path` (under w:pPr or w:rPr)."""
        for style in self.chain(style_id):
            found = style.find(path)
            if found is not None:
                return found
        return None
