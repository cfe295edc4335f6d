"""The print stage: what turns a screen PDF into one a print shop accepts.

WeasyPrint writes PDF/X, bleed and crop marks, but (70.x) its output needs mending:
the CMYK output profile is written with /N 1 (so the output intent and the transparency
groups that use it are broken, WeasyPrint issue 2723), crop marks are drawn in DeviceRGB,
and RGB images are DeviceRGB, which PDF/X does not allow. `finish` mends these with
pikepdf, the rest is CSS (`css`). `preflight.py` checks the result independently.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from . import inks

#: Ghostscript's "Artifex CMYK SWOP Profile" (Debian package libgs-common, AGPL-3+ as part
#: of Ghostscript): the freely licensed CMYK profile a Debian machine has. icc-profiles-free
#: and colord-data ship only RGB and grey profiles.
CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
VARIANTS = ("pdf/x-4", "pdf/x-3", "pdf/x-1a", "pdf/x-5g", "pdf/a-2b", "pdf/a-3b", "pdf/ua-1")


@dataclass(frozen=True)
class PrintOptions:
    variant: str = "pdf/x-4"
    bleed_mm: float = 3.0
    marks: bool = True
    profile: Path = CMYK_PROFILE  # the print shop's CMYK profile: the output intent
    condition: str | None = None  # the printing condition the shop names (FOGRA39, JC200103 …)
    paper: str | None = None  # newsprint, uncoated or coated: the ink limit preflight holds to
    max_ink: int | None = None  # the shop's own ink limit (TAC, %), over the paper's
    package: bool = False  # also write the print package (press/package.py)
    photos: str = "cmyk"  # photos into the profile's CMYK; "rgb": kept as ICC-tagged sRGB (PDF/X-4 only)

    @property
    def is_pdfx(self) -> bool:
        return self.variant.startswith("pdf/x")


def css(options: PrintOptions) -> str:
    """Bleed, crop marks and the CMYK output profile, as a stylesheet added last."""
    # WeasyPrint draws crop marks inside the bleed (its MediaBox is the BleedBox): they
    # would print on the paper the trim cuts off; `finish` draws them outside the bleed
    rules = [f"@page {{ bleed: {options.bleed_mm}mm; marks: none; }}"]
    if options.is_pdfx:
        rules.append(f"@color-profile device-cmyk {{ src: url({options.profile.as_uri()}); components: c m y k }}")
    return "\n".join(rules)


def finish(pdf: bytes, options: PrintOptions) -> tuple[bytes, int]:
    """Mend what WeasyPrint gets wrong for PDF/X; the same input gives the same bytes. Also
    returns how many links were dropped (PDF/X allows none), for the build to say so."""
    import pikepdf

    dropped = 0
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if options.is_pdfx:
            _fix_profile_components(doc)
            srgb = _srgb_profile(doc)
            for obj in doc.objects:
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                    if options.photos == "rgb" or not inks.photo_to_cmyk(obj, options.profile):
                        _tag_rgb_image(obj, srgb)  # kept RGB (X-4 allows it, tagged sRGB)
            convert = inks.converter(options.profile)
            for page in doc.pages:
                inks.rewrite(doc, page.obj, convert)  # the shop's CMYK; black K only, overprinting
                dropped += _drop_link_annotations(page.obj)
        if options.marks:
            for page in doc.pages:
                crop_marks(doc, page.obj)
        if options.is_pdfx:
            _info_pdfx_version(doc)
            _condition(doc, options.condition)
            _exact_profile(doc, options.profile)
        _xmp_identification_as_elements(doc)
        _pin_document_id(doc)
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue(), dropped


#: crop marks (print-shop practice): they start this far from the trim, at least the
#: bleed, and run this long; hairlines in registration colour (every separation)
MARK_OFFSET_MM, MARK_LENGTH_MM, MARK_ZONE_MM, HAIRLINE_PT = 3.0, 6.0, 10.0, 0.25
PT_PER_MM = 72 / 25.4


def crop_marks(doc, page) -> None:
    """Grow the MediaBox by a mark zone around the BleedBox and draw the eight crop marks
    there, in line with the trim edges and wholly outside the bleed."""
    import pikepdf

    trim = [float(v) for v in page.get("/TrimBox", page.MediaBox)]
    bleed = [float(v) for v in page.get("/BleedBox", page.MediaBox)]
    offset = max(MARK_OFFSET_MM * PT_PER_MM, trim[0] - bleed[0], bleed[2] - trim[2]) + 0.5
    zone = max(MARK_ZONE_MM * PT_PER_MM, offset + MARK_LENGTH_MM * PT_PER_MM + 1)
    page.TrimBox, page.BleedBox = pikepdf.Array(trim), pikepdf.Array(bleed)
    page.MediaBox = pikepdf.Array([trim[0] - zone, trim[1] - zone, trim[2] + zone, trim[3] + zone])
    if "/Resources" not in page:
        page.Resources = pikepdf.Dictionary()
    if "/ColorSpace" not in page.Resources:
        page.Resources.ColorSpace = pikepdf.Dictionary()
    page.Resources.ColorSpace.BPRegistration = _registration(doc)
    # the page's own drawing is wrapped in q … Q, so the marks start from the default
    # coordinate system whatever transformation the page leaves behind
    page.Contents = pikepdf.Array(
        [doc.make_stream(b"q\n")] + _contents(page) + [doc.make_stream(b"\nQ " + _marks_stream(trim, offset).encode())]
    )


def _contents(page) -> list:
    import pikepdf

    contents = page.get("/Contents")
    return list(contents) if isinstance(contents, pikepdf.Array) else ([contents] if contents is not None else [])


def _marks_stream(trim: list[float], offset: float) -> str:
    """Two lines per corner, each starting `offset` from the trim and pointing away from it."""
    length = MARK_LENGTH_MM * PT_PER_MM
    left, bottom, right, top = trim
    lines = []
    for x, sign_x in ((left, -1), (right, 1)):
        for y, sign_y in ((bottom, -1), (top, 1)):
            lines.append((x + sign_x * offset, y, x + sign_x * (offset + length), y))  # along the horizontal trim edge
            lines.append((x, y + sign_y * offset, x, y + sign_y * (offset + length)))  # along the vertical one
    paths = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines)
    return f"q /BPRegistration CS 1 SCN {HAIRLINE_PT} w 0 J [] 0 d {paths} Q"


def _registration(doc):
    """The registration colour: a Separation named All, which prints on every plate."""
    import pikepdf

    tint = doc.make_indirect(pikepdf.Dictionary(
        FunctionType=2, Domain=pikepdf.Array([0, 1]), C0=pikepdf.Array([0, 0, 0, 0]), C1=pikepdf.Array([1, 1, 1, 1]), N=1,
    ))
    return pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, tint])


def _exact_profile(doc, profile: Path) -> None:
    """The output intent is the shop's profile byte for byte: WeasyPrint embeds what
    LittleCMS writes back of it, which for some valid profiles (ArgyllCMS's) is another,
    larger file with the same tables."""
    data = profile.read_bytes()  # checked by press/shop.py (or Ghostscript's, or set-up's own)
    for intent in doc.Root.get("/OutputIntents", []):
        stream = intent.get("/DestOutputProfile")
        if stream is not None and stream.read_bytes() != data:
            stream.write(data)


def _condition(doc, condition: str | None) -> None:
    """The output intent's condition as the print shop names it (WeasyPrint writes the
    profile's description there); the description stays as its /Info."""
    import pikepdf

    if condition:
        for intent in doc.Root.get("/OutputIntents", []):
            intent.OutputConditionIdentifier = pikepdf.String(condition)


def _info_pdfx_version(doc) -> None:
    """GTS_PDFXVersion in the Info dictionary too (WeasyPrint writes it only in XMP;
    validators differ on which they read, and InDesign writes both)."""
    import pikepdf

    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        version = meta.get("pdfxid:GTS_PDFXVersion") or meta.get("pdfx:GTS_PDFXVersion")
    if version:
        doc.docinfo[pikepdf.Name.GTS_PDFXVersion] = pikepdf.String(str(version))


def _xmp_identification_as_elements(doc) -> None:
    """WeasyPrint writes PDF/A's pdfaid:part and pdfaid:conformance as attributes of an
    rdf:Description; RDF allows that, but some validators read only the element form."""
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        for key in ("pdfaid:part", "pdfaid:conformance", "pdfuaid:part"):
            value = meta.get(key)
            if value:
                del meta[key]
                meta[key] = str(value)


def _drop_link_annotations(page) -> int:
    """PDF/X allows no annotations on the printed area but printer's marks: links go.
    Returns how many went."""
    import pikepdf

    if "/Annots" not in page:
        return 0
    kept = [a for a in page.Annots if a.get("/Subtype") in ("/PrinterMark", "/TrapNet")]
    dropped = len(page.Annots) - len(kept)
    if kept:
        page.Annots = pikepdf.Array(kept)
    else:
        del page.Annots
    return dropped


def _pin_document_id(doc) -> None:
    """WeasyPrint writes a random XMP DocumentID; derive it from the PDF's own /ID instead."""
    import uuid

    if "/Metadata" not in doc.Root or "/ID" not in doc.trailer:
        return
    seed = bytes(doc.trailer.ID[0]).hex()
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        if "xmpMM:DocumentID" in meta:
            meta["xmpMM:DocumentID"] = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_OID, seed)}"


def _fix_profile_components(doc) -> None:
    """An ICC profile stream's /N must match the profile's colour space (CMYK: 4)."""
    import pikepdf

    channels = {b"CMYK": 4, b"RGB ": 3, b"GRAY": 1}
    for obj in doc.objects:
        if isinstance(obj, pikepdf.Stream) and "/N" in obj and "/Subtype" not in obj:
            try:
                header = obj.read_bytes()[:20]
            except pikepdf.PdfError:
                continue
            if header[12:16] in (b"prtr", b"mntr", b"scnr", b"spac") and header[16:20] in channels:
                obj.N = channels[header[16:20]]


def _srgb_profile(doc):
    import pikepdf

    from ..weasy.engine import srgb_profile

    stream = pikepdf.Stream(doc, srgb_profile())
    stream.N = 3
    return doc.make_indirect(stream)


def _tag_rgb_image(image, srgb) -> None:
    """PDF/X-4 allows RGB images when their colour is defined: DeviceRGB → ICCBased sRGB."""
    import pikepdf

    if image.get("/ColorSpace") == "/DeviceRGB":
        image.ColorSpace = pikepdf.Array([pikepdf.Name.ICCBased, srgb])
