"""Preflight: what a print shop checks, computed from the finished PDF alone (pikepdf).

Nothing here trusts the build's intentions: boxes, PDF/X identification and output
intent, fonts, glyphs, image resolution and text colour are all read back from the file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import EXIT_CONTENT, EXIT_OK
from . import coverage
from .pdffile import DAMAGE, damage, open_pdf, page_box
from .shop import PAPER_PPI, SMALL_NEWSPRINT_PT, THIN_LINE_PT

PT_PER_MM = 72 / 25.4
MIN_BLEED_MM = 3.0
ERROR_PPI, WARN_PPI = 150, 300
SMALL_TEXT_PT = 12.0


@dataclass
class Finding:
    severity: str  # error, warning
    code: str
    message: str
    page: int | None = None

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page else ""
        return f"{self.severity}: {where}{self.message} [{self.code}]"


@dataclass
class PageInfo:
    number: int
    trim_mm: tuple[float, float]
    bleed_mm: dict[str, float]


@dataclass
class ImageInfo:
    page: int
    name: str
    pixels: tuple[int, int]
    printed_mm: tuple[float, float]
    ppi: float
    colour_space: str


@dataclass
class Report:
    file: str
    pages: list[PageInfo] = field(default_factory=list)
    pdfx: str | None = None
    output_intent: str | None = None
    fonts: list[dict] = field(default_factory=list)
    images: list[ImageInfo] = field(default_factory=list)
    small_text: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    max_ink: int | None = None  # the paper's limit on total ink (%), press/shop.py
    paper: str | None = None  # newsprint, uncoated, coated: what small text and photos need
    profile: bytes | None = field(default=None, repr=False)  # the output intent's, for RGB photos' ink

    def add(self, severity: str, code: str, message: str, page: int | None = None) -> None:
        self.findings.append(Finding(severity, code, message, page))

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def exit_status(self, strict: bool = False) -> int:
        """1 when the print shop would refuse it (or, with `strict`, query it), else 0."""
        return EXIT_CONTENT if self.errors or (strict and self.warnings) else EXIT_OK

    def to_json(self) -> str:
        data = asdict(self)
        del data["profile"]  # the output intent's bytes: its name is in output_intent
        data["errors"], data["warnings"] = len(self.errors), len(self.warnings)
        return json.dumps(data, ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        sizes = sorted({f"{p.trim_mm[0]:.0f}×{p.trim_mm[1]:.0f} mm" for p in self.pages})
        bleeds = [min(p.bleed_mm.values()) for p in self.pages if p.bleed_mm]
        bleed = f"bleed {min(bleeds):.1f} mm" if bleeds and min(bleeds) > 0 else "no bleed"
        lines = [
            f"{self.file}: {len(self.pages)} page(s), trim {', '.join(sizes) or '?'}, {bleed}",
            f"  standard: {self.pdfx or 'none'}; output intent: {self.output_intent or 'none'}",
            f"  fonts: {len(self.fonts)} ({sum(f['embedded'] for f in self.fonts)} embedded, "
            f"{sum(f['subset'] for f in self.fonts)} subset)",
            f"  images: {len(self.images)}"
            + (f", lowest {min(i.ppi for i in self.images):.0f} ppi" if self.images else ""),
        ]
        lines += [f"  {finding}" for finding in self.findings]
        lines.append(f"  {len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)


def check(path: Path, *, booklet: bool = False, standard: str | None = None, data: bytes | None = None,
          max_ink: int | None = None, paper: str | None = None) -> Report:
    """Every finding, read from the PDF alone: the file at `path`, or `data` (a build's PDF
    before it is written there). `standard` (pdf/x-4, pdf/a-2b, …) is what the PDF must
    meet; without it, what the file declares. `max_ink`: the paper's limit on total ink
    (%), which every CMYK colour and photo the pages draw with is held to; `paper` what
    small text, thin lines and photos' resolution are held to (press/shop.py)."""
    import pikepdf

    report = Report(str(path), max_ink=max_ink, paper=paper)
    with open_pdf(path, data) as pdf:
        for step in (lambda: _standard(pdf, report, standard), lambda: _pages(pdf, report)):
            try:
                step()
            except (*DAMAGE, pikepdf.PdfError) as exc:  # a malformed output intent, page tree …: said, the rest read
                report.add("error", "damaged", f"the PDF cannot be read to its end: {damage(exc)}")
        fonts: dict[tuple, dict] = {}
        for number, page in enumerate(pdf.pages, 1):
            try:
                _Scanner(report, number, fonts).run(page.obj, page.obj.get("/Resources"), _IDENTITY)
            except (*DAMAGE, pikepdf.PdfError) as exc:  # one page's malformed detail: said, the rest read
                report.add("error", "damaged", f"the page cannot be read to its end: {damage(exc)}", number)
        report.fonts = list(fonts.values())
    for font in report.fonts:
        if not font["embedded"]:
            report.add("error", "font-not-embedded", f"font {font['name']} is not embedded")
        elif not font["subset"]:
            report.add("warning", "font-not-subset", f"font {font['name']} is embedded whole, not subset")
    for kind, count in report.small_text.items():
        report.add("warning", f"small-text-{kind}", f"{count} run(s) of text under {SMALL_TEXT_PT:g} pt set in {kind.replace('-', ' ')}")
    if booklet and len(report.pages) % 4:
        report.add("error", "booklet-pages", f"a booklet needs a multiple of 4 pages, this has {len(report.pages)}")
    return report


def _standard(pdf, report: Report, standard: str | None) -> None:
    """Check what the PDF's standard requires: the one asked for, else the one the file
    declares (PDF/X, PDF/A, PDF/UA); a PDF that declares none is checked as the PDF/X a
    print shop expects."""
    meta = _xmp(pdf)
    report.pdfx = meta.get("pdfxid:GTS_PDFXVersion") or meta.get("pdfx:GTS_PDFXVersion") or _info(pdf, "/GTS_PDFXVersion")
    declared = "pdf/x" if report.pdfx else ("pdf/a" if meta.get("pdfaid:part") else ("pdf/ua" if meta.get("pdfuaid:part") else None))
    family = (standard or declared or "pdf/x")[:6].rstrip("-")
    {"pdf/x": _pdfx, "pdf/a": _pdfa, "pdf/ua": _pdfua}[family](pdf, report, meta, standard)


def _xmp(pdf) -> dict[str, str]:
    """The XMP properties bulletinpress checks, as text (element and attribute forms alike)."""
    keys = ("pdfxid:GTS_PDFXVersion", "pdfx:GTS_PDFXVersion", "pdfaid:part", "pdfaid:conformance", "pdfuaid:part")
    try:
        with pdf.open_metadata() as meta:
            return {key: str(meta[key]) for key in keys if meta.get(key)}
    except Exception:  # unreadable XMP is reported as no identification
        return {}


def _info(pdf, key: str) -> str | None:
    return str(pdf.docinfo[key]) if key in pdf.docinfo else None


def _pdfx(pdf, report: Report, meta: dict, standard: str | None) -> None:
    if not report.pdfx:
        report.add("error", "pdfx-missing", "not identified as PDF/X (no GTS_PDFXVersion)")
    elif not _info(pdf, "/GTS_PDFXVersion"):
        report.add("error", "pdfx-info", "GTS_PDFXVersion is in the XMP but not in the Info dictionary (validators differ: write both)")
    if standard and report.pdfx and not report.pdfx.upper().startswith(standard.upper()):
        report.add("error", "pdfx-version", f"identified as {report.pdfx}, but {standard.upper()} was asked for")
    intents = _intents(pdf, "/GTS_PDFX")
    if not intents:
        report.add("error", "output-intent-missing", "no PDF/X output intent")
        return
    _cmyk_intent(intents[0], report)


def _intents(pdf, kind: str) -> list:
    return [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == kind]


def _cmyk_intent(intent, report: Report) -> None:
    profile = intent.get("/DestOutputProfile")
    name = str(intent.get("/OutputConditionIdentifier", ""))
    report.profile = profile.read_bytes() if profile is not None else None
    space = report.profile[16:20].decode("latin-1").strip() if report.profile else ""
    report.output_intent = f"{name} ({space or 'no profile'})"
    if space != "CMYK":
        report.add("error", "output-intent-not-cmyk", f"the output intent's profile is {space or 'missing'}, not CMYK")
    elif int(profile.get("/N", 0)) != 4:
        report.add("error", "output-intent-components", f"the CMYK profile is declared with /N {profile.get('/N')}, not 4")


def _pdfa(pdf, report: Report, meta: dict, standard: str | None) -> None:
    """PDF/A-2b/3b: identified in XMP as the part and level asked for, with an output intent."""
    part, level = meta.get("pdfaid:part"), (meta.get("pdfaid:conformance") or "").upper()
    report.pdfx = f"PDF/A-{part}{level.lower()}" if part else None
    if not part:
        report.add("error", "pdfa-missing", "not identified as PDF/A (no pdfaid:part in the XMP metadata)")
    elif standard and f"pdf/a-{part}{level.lower()}" != standard.lower():
        report.add("error", "pdfa-version", f"identified as {report.pdfx}, but {standard.upper()} was asked for")
    intents = _intents(pdf, "/GTS_PDFA1")
    report.output_intent = str(intents[0].get("/OutputConditionIdentifier", "")) if intents else None
    if not intents:
        report.add("error", "output-intent-missing", "no PDF/A output intent")


def _pdfua(pdf, report: Report, meta: dict, standard: str | None) -> None:
    """PDF/UA-1: tagged (a structure tree, MarkInfo), the title displayed, a language."""
    report.pdfx = f"PDF/UA-{meta['pdfuaid:part']}" if meta.get("pdfuaid:part") else None
    if not report.pdfx:
        report.add("error", "pdfua-missing", "not identified as PDF/UA (no pdfuaid:part in the XMP metadata)")
    if not bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)) or "/StructTreeRoot" not in pdf.Root:
        report.add("error", "pdfua-untagged", "not a tagged PDF (no structure tree): screen readers cannot follow it")
    if not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        report.add("error", "pdfua-title", "the viewer is not told to show the document's title (DisplayDocTitle)")
    if "/Lang" not in pdf.Root:
        report.add("error", "pdfua-language", "no document language (/Lang)")


def _box(page, name: str, media: list[float], report: Report, number: int) -> list[float]:
    """A page's TrimBox or BleedBox, the MediaBox when it has none; a malformed one is an error."""
    box = page_box(page, name)
    if box is None and name in page.obj:
        report.add("error", "boxes", f"the {name[1:]} is not four numbers: read as the MediaBox", number)
    return box or media


def _pages(pdf, report: Report) -> None:
    trims = set()
    for number, page in enumerate(pdf.pages, 1):
        media = page_box(page, "/MediaBox")
        if media is None:
            report.add("error", "boxes", "the MediaBox is not four numbers (the page has no size)", number)
            continue
        trim, bleed = _box(page, "/TrimBox", media, report, number), _box(page, "/BleedBox", media, report, number)
        width, height = (trim[2] - trim[0]) / PT_PER_MM, (trim[3] - trim[1]) / PT_PER_MM
        sides = {
            "left": (trim[0] - bleed[0]) / PT_PER_MM,
            "bottom": (trim[1] - bleed[1]) / PT_PER_MM,
            "right": (bleed[2] - trim[2]) / PT_PER_MM,
            "top": (bleed[3] - trim[3]) / PT_PER_MM,
        }
        report.pages.append(PageInfo(number, (round(width, 1), round(height, 1)), {k: round(v, 2) for k, v in sides.items()}))
        trims.add((round(width), round(height)))
        if "/TrimBox" not in page.obj:
            report.add("error", "trimbox-missing", "no TrimBox (the finished size)", number)
        if min(sides.values()) < MIN_BLEED_MM - 0.05:
            report.add("error", "bleed", f"bleed {min(sides.values()):.2f} mm, at least {MIN_BLEED_MM:g} mm needed", number)
        inside = bleed[0] - 0.01 <= trim[0] and trim[2] <= bleed[2] + 0.01 and media[0] - 0.01 <= bleed[0] and bleed[2] <= media[2] + 0.01
        if not inside:
            report.add("error", "boxes", "TrimBox ⊂ BleedBox ⊂ MediaBox does not hold", number)
    if len(trims) > 1:
        report.add("warning", "mixed-sizes", f"pages of different sizes: {sorted(trims)}")


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


class _Scanner:
    """Walks a content stream with its graphics state: CTM, fill colour, font and size."""

    def __init__(self, report: Report, page: int, fonts: dict):
        self.report, self.page, self.fonts = report, page, fonts
        self.notdef_reported = False
        self.inked: set = set()
        self.newsprint_said: set = set()
        self.thin_said: set = set()

    def run(self, holder, resources, ctm, seen=None) -> None:
        import pikepdf

        seen = seen or set()
        resources = resources if resources is not None else pikepdf.Dictionary()
        stack, fill, space, width = [], ("gray", (0.0,)), "gray", 1.0
        font, size, tm = None, 0.0, _IDENTITY
        for operands, operator in pikepdf.parse_content_stream(holder):
            op = str(operator)
            if op == "q":
                stack.append((ctm, fill, space, width))
            elif op == "Q" and stack:
                ctm, fill, space, width = stack.pop()
            elif op == "cm":
                ctm = _multiply(tuple(float(v) for v in operands), ctm)
            elif op in ("g", "rg", "k"):
                fill = ({"g": "gray", "rg": "rgb", "k": "cmyk"}[op], tuple(float(v) for v in operands))
                self._ink(fill, "fill")
            elif op == "K":
                self._ink(("cmyk", tuple(float(v) for v in operands)), "stroke")
            elif op == "cs":
                space = self._space(resources, operands[0])
            elif op in ("sc", "scn") and all(isinstance(v, (int, float, pikepdf.Object)) for v in operands):
                try:
                    fill = (space, tuple(float(v) for v in operands))
                    self._ink(fill, "fill")
                except (TypeError, ValueError):
                    pass
            elif op == "Tf":
                font, size = self._font(resources, operands[0]), float(operands[1])
            elif op == "Tm":
                tm = tuple(float(v) for v in operands)
            elif op == "BT":
                tm = _IDENTITY
            elif op in ("Tj", "TJ", "'", '"'):
                self._text(operands, font, size, tm, ctm, fill)
            elif op == "Do":
                self._xobject(resources, operands[0], ctm, seen)
            elif op == "w" and operands:
                width = float(operands[0])
            elif op in ("S", "s", "B", "B*", "b", "b*"):
                self._stroke(width * math.hypot(ctm[0], ctm[1]))

    def _ink(self, colour, what: str) -> None:
        """A CMYK colour over the paper's ink limit (total area coverage): said once a page."""
        kind, values = colour
        limit = self.report.max_ink
        if limit is None or kind != "cmyk" or len(values) != 4:
            return
        total = round(sum(values) * 100)
        if total > limit and (self.page, values) not in self.inked:
            self.inked.add((self.page, values))
            shown = "/".join(f"{v * 100:.0f}" for v in values)
            self.report.add("error", "ink-coverage", f"a {what} of C/M/Y/K {shown} puts down {total} % of ink, "
                            f"over the paper's {limit} %: use a lighter colour (or the shop's profile converts it)", self.page)

    def _space(self, resources, name) -> str:
        if str(name) in ("/DeviceCMYK",):
            return "cmyk"
        if str(name) in ("/DeviceRGB",):
            return "rgb"
        if str(name) in ("/DeviceGray",):
            return "gray"
        entry = resources.get("/ColorSpace", {}).get(str(name)) if "/ColorSpace" in resources else None
        try:
            if entry is not None and str(entry[0]) == "/ICCBased":
                return {4: "cmyk", 3: "rgb", 1: "gray"}.get(int(entry[1].get("/N", 0)), "other")
        except (TypeError, IndexError, KeyError):
            pass
        return "other"

    def _font(self, resources, name):
        font = resources.get("/Font", {}).get(str(name)) if "/Font" in resources else None
        if font is None:
            return None
        key = font.objgen
        if key not in self.fonts:
            base = str(font.get("/BaseFont", "?")).lstrip("/")
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font.DescendantFonts[0].get("/FontDescriptor")
            embedded = font.get("/Subtype") == "/Type3" or (
                descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            )
            self.fonts[key] = {
                "name": base,
                "type": str(font.get("/Subtype", "")).lstrip("/"),
                "embedded": bool(embedded),
                "subset": bool(re.match(r"^[A-Z]{6}\+", base)),
                "identity": str(font.get("/Encoding", "")) == "/Identity-H",
            }
        return self.fonts[key]

    def _text(self, operands, font, size, tm, ctm, fill) -> None:
        import pikepdf

        scale = math.hypot(tm[2], tm[3]) * math.hypot(ctm[2], ctm[3])
        effective = size * scale
        if font is not None and font["identity"] and not self.notdef_reported:
            strings = operands[0] if operands and isinstance(operands[0], pikepdf.Array) else operands
            for item in strings:
                if isinstance(item, pikepdf.String):
                    data = bytes(item)
                    if any(data[i] == 0 and data[i + 1] == 0 for i in range(0, len(data) - 1, 2)):
                        self.report.add("error", "notdef", f"a missing glyph (.notdef) is drawn with {font['name']}", self.page)
                        self.notdef_reported = True
                        break
        if 0 < effective < SMALL_NEWSPRINT_PT and self.report.paper == "newsprint":
            self._newsprint_text(fill, effective, font)
        if 0 < effective < SMALL_TEXT_PT:
            kind, values = fill
            if kind == "rgb":
                self.report.small_text["rgb"] = self.report.small_text.get("rgb", 0) + 1
            elif kind == "cmyk" and len(values) == 4 and values[3] >= 0.9 and sum(values[:3]) > 0.05:
                self.report.small_text["rich-black"] = self.report.small_text.get("rich-black", 0) + 1

    def _photo_ink(self, image, where: str, pixels: tuple[int, int], ppi: float) -> None:
        """The photo's worst 1 mm area of ink (press/coverage.py) against the paper's limit."""
        limit = self.report.max_ink
        if limit is None:
            return
        if pixels[0] * pixels[1] > coverage.MAX_PIXELS:
            self.report.add("info", "ink-coverage-skipped", f"{where}: too large to measure its ink here", self.page)
            return
        found = coverage.worst(image, self.report.profile, ppi)
        if found is not None and found[0] > limit:
            total, (x, y) = found
            self.report.add("error", "ink-coverage", f"{where} puts down {total} % of ink around {x:.0f}×{y:.0f} mm "
                            f"from its top left corner, over the paper's {limit} %", self.page)

    def _newsprint_text(self, fill, size: float, font) -> None:
        """Text under 10 pt on newsprint in three or four inks (misregistration blurs it) or
        reversed out in white (the ink around it fills it in): an error, a warning for a
        bold face, which holds up better (the newspaper's district labels)."""
        kind, values = fill
        bold = bool(font is not None and re.search(r"Bold|Black|Heavy", font["name"]))
        if kind != "cmyk" or len(values) != 4 or (self.page, bold) in self.newsprint_said:
            return
        inks = sum(1 for v in values if v > 0.05)
        if inks >= 3 or inks == 0:  # a two-ink red (M+Y) holds; three or four inks, or none, do not
            self.newsprint_said.add((self.page, bold))
            how = "reversed out (white)" if inks == 0 else f"in {inks} inks"
            self.report.add("warning" if bold else "error", "small-text-newsprint",
                            f"{'bold ' if bold else ''}text of {size:.1f} pt {how}: on newsprint text under "
                            f"{SMALL_NEWSPRINT_PT:g} pt should be one or two inks, not white on a colour", self.page)

    def _stroke(self, width: float) -> None:
        """A line thinner than a press holds (0.25 pt), said once a page."""
        if width < THIN_LINE_PT - 0.005 and self.page not in self.thin_said:
            self.thin_said.add(self.page)
            self.report.add("warning", "thin-line", f"a line {width:.2f} pt wide, under {THIN_LINE_PT:g} pt: it may break up in print", self.page)

    def _xobject(self, resources, name, ctm, seen) -> None:
        xobject = resources.get("/XObject", {}).get(str(name)) if "/XObject" in resources else None
        if xobject is None:
            return
        if xobject.get("/Subtype") == "/Image":
            self._image(str(name), xobject, ctm)
        elif xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            matrix = tuple(float(v) for v in xobject.get("/Matrix", _IDENTITY))
            self.run(xobject, xobject.get("/Resources"), _multiply(matrix, ctm), seen | {xobject.objgen})

    def _image(self, name, image, ctm) -> None:
        import pikepdf

        pixels = (int(image.get("/Width", 0)), int(image.get("/Height", 0)))
        width_pt, height_pt = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
        if not (width_pt and height_pt and all(pixels)):
            return
        ppi = min(pixels[0] / (width_pt / 72), pixels[1] / (height_pt / 72))
        space = image.get("/ColorSpace")
        space_name = str(space[0]) if isinstance(space, pikepdf.Array) else str(space)
        info = ImageInfo(self.page, name, pixels, (round(width_pt / PT_PER_MM, 1), round(height_pt / PT_PER_MM, 1)), round(ppi, 1), space_name.lstrip("/"))
        self.report.images.append(info)
        where = f"image {name} ({pixels[0]}×{pixels[1]} px printed {info.printed_mm[0]}×{info.printed_mm[1]} mm)"
        least = PAPER_PPI.get(self.report.paper or "")
        if least is not None and ppi < least:
            self.report.add("error", "image-resolution", f"{where} is {ppi:.0f} ppi, below the {least} {self.report.paper} needs", self.page)
        elif least is None and ppi < ERROR_PPI:
            self.report.add("error", "image-resolution", f"{where} is {ppi:.0f} ppi, below {ERROR_PPI}", self.page)
        elif least is None and ppi < WARN_PPI:
            self.report.add("warning", "image-resolution", f"{where} is {ppi:.0f} ppi, below {WARN_PPI}", self.page)
        self._photo_ink(image, where, pixels, ppi)
        if space_name == "/DeviceRGB" and self.report.pdfx:
            self.report.add("error", "image-rgb", f"{where} is DeviceRGB, which PDF/X does not allow", self.page)
