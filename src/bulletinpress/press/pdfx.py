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
    profile: Path = CMYK_PROFILE

    @property
    def is_pdfx(self) -> bool:
        return self.variant.startswith("pdf/x")


def css(options: PrintOptions) -> str:
    """Bleed, crop marks and the CMYK output profile, as a stylesheet added last."""
    rules = [f"@page {{ bleed: {options.bleed_mm}mm; marks: {'crop' if options.marks else 'none'}; }}"]
    if options.is_pdfx:
        rules.append(f"@color-profile device-cmyk {{ src: url({options.profile.as_uri()}); components: c m y k }}")
    return "\n".join(rules)


def finish(pdf: bytes, options: PrintOptions) -> bytes:
    """Mend what WeasyPrint gets wrong for PDF/X; the same input gives the same bytes."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if options.is_pdfx:
            _fix_profile_components(doc)
            srgb = _srgb_profile(doc)
            for obj in doc.objects:
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                    _tag_rgb_image(obj, srgb)
            for page in doc.pages:
                _rgb_operators_to_cmyk(page.obj)
                _drop_link_annotations(page.obj)
        _pin_document_id(doc)
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def _drop_link_annotations(page) -> None:
    """PDF/X allows no annotations on the printed area but printer's marks: links go."""
    import pikepdf

    if "/Annots" in page:
        kept = [a for a in page.Annots if a.get("/Subtype") in ("/PrinterMark", "/TrapNet")]
        if kept:
            page.Annots = pikepdf.Array(kept)
        else:
            del page.Annots


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


def rgb_to_cmyk(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """Naive conversion, enough for the black and grey of crop marks and rules."""
    k = 1 - max(r, g, b)
    if k >= 1:
        return 0.0, 0.0, 0.0, 1.0
    return tuple(round((1 - v - k) / (1 - k), 4) for v in (r, g, b)) + (round(k, 4),)


def _rgb_operators_to_cmyk(holder, seen=None) -> None:
    """DeviceRGB colour operators (rg, RG) in a content stream and the forms it draws."""
    import pikepdf

    seen = seen if seen is not None else set()
    contents = holder.get("/Contents") if holder.get("/Type") == "/Page" else holder
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    for stream in streams:
        if not isinstance(stream, pikepdf.Stream) or stream.objgen in seen:
            continue
        seen.add(stream.objgen)
        instructions = pikepdf.parse_content_stream(stream)
        changed = False
        rewritten = []
        for operands, operator in instructions:
            name = str(operator)
            if name in ("rg", "RG") and len(operands) == 3:
                cmyk = rgb_to_cmyk(*(float(v) for v in operands))
                rewritten.append((list(cmyk), pikepdf.Operator("k" if name == "rg" else "K")))
                changed = True
            else:
                rewritten.append((operands, operator))
        if changed:
            stream.write(pikepdf.unparse_content_stream(rewritten))
    resources = holder.get("/Resources")
    if resources is not None and "/XObject" in resources:
        for xobject in resources.XObject.values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                _rgb_operators_to_cmyk(xobject, seen)
