"""Embedded fonts cut down to the glyphs the page uses.

WeasyPrint subsets with HarfBuzz keeping every glyph slot (retain-gids), so that the glyph
numbers in the page's text stay valid: a subset of Noto Serif CJK still carries 63 000
empty slots, and the sample's one page was 485 KiB, 96 % of it fonts. Here each font is
subset again with fontTools to only the glyphs it draws, without renumbering what the page
says:

- a CFF font (Noto CJK, CIDFontType0) is CID-keyed: its charset names each glyph's CID, so
  the compact subset is embedded as a bare CFF (FontFile3 /CIDFontType0C), which readers
  map from CID to glyph by that charset;
- a TrueType font (LXGW WenKai, CIDFontType2) gets a /CIDToGIDMap from the old glyph
  numbers (the CIDs the text uses) to the new ones.

The glyphs used are those the font's /W array gives widths for (WeasyPrint writes one per
glyph it draws). Any font this does not recognise is left as it is.
"""

from __future__ import annotations

import io
import logging

logger = logging.getLogger(__name__)


def compact(data: bytes) -> bytes:
    """The PDF with its CID fonts holding only the glyphs it draws (the text unchanged)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        changed = False
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and obj.get("/Subtype") in ("/CIDFontType0", "/CIDFontType2"):
                try:
                    changed |= _font(pdf, obj)
                except Exception as exc:  # a font fontTools cannot read stays whole: never a broken page
                    logger.debug("font %s kept whole: %s", obj.get("/BaseFont"), exc)
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
        return out.getvalue()


def used_cids(font) -> set[int]:
    """The CIDs a CID font's /W array gives widths for: [c [w …]] and [c1 c2 w] forms."""
    import pikepdf

    items, cids, i = list(font.get("/W", [])), {0}, 0
    while i + 1 < len(items):
        first, following = int(items[i]), items[i + 1]
        if isinstance(following, pikepdf.Array):
            cids.update(range(first, first + len(following)))
            i += 2
        else:
            cids.update(range(first, int(following) + 1))
            i += 3
    return cids


def _font(pdf, font) -> bool:
    descriptor = font.FontDescriptor
    cids = used_cids(font)
    if font.Subtype == "/CIDFontType0" and "/FontFile3" in descriptor and descriptor.FontFile3.get("/Subtype") == "/OpenType":
        descriptor.FontFile3 = _cff(pdf, descriptor.FontFile3.read_bytes(), cids)
        return True
    if font.Subtype == "/CIDFontType2" and "/FontFile2" in descriptor and font.get("/CIDToGIDMap", "/Identity") == "/Identity":
        stream, cid_map = _truetype(pdf, descriptor.FontFile2.read_bytes(), cids)
        descriptor.FontFile2, font.CIDToGIDMap = stream, cid_map
        return True
    return False


def _subset(font, names: list[str]):
    from fontTools import subset

    options = subset.Options()
    options.retain_gids, options.notdef_outline, options.glyph_names = False, True, True
    options.layout_features, options.name_IDs = [], ["*"]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "DSIG"]
    subsetter = subset.Subsetter(options)
    font.recalcBBoxes = False  # the glyphs' outlines are not changed: their bounds stand
    known = set(font.getGlyphOrder())
    subsetter.populate(glyphs=[n for n in names if n in known])
    subsetter.subset(font)
    return font


def _cff(pdf, data: bytes, cids: set[int]):
    """A bare CID-keyed CFF of the used glyphs (its charset keeps their CIDs)."""
    import pikepdf
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    if not hasattr(font["CFF "].cff.topDictIndex[0], "ROS"):
        raise ValueError("not a CID-keyed CFF")
    font = _subset(font, [".notdef"] + [f"cid{c:05d}" for c in sorted(cids) if c])
    out = io.BytesIO()
    font["CFF "].cff.compile(out, font)
    stream = pikepdf.Stream(pdf, out.getvalue())
    stream.Subtype = pikepdf.Name("/CIDFontType0C")
    return stream


def _truetype(pdf, data: bytes, cids: set[int]):
    """A TrueType subset of the used glyphs, and the CID → new glyph map for it."""
    import pikepdf
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    order = font.getGlyphOrder()
    wanted = {cid: order[cid] for cid in cids if cid < len(order)}
    font = _subset(font, [".notdef", *wanted.values()])
    new = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    table = bytearray(2 * (max(cids) + 1))
    for cid, name in wanted.items():
        gid = new.get(name, 0)
        table[2 * cid:2 * cid + 2] = gid.to_bytes(2, "big")
    out = io.BytesIO()
    font.save(out)
    return pikepdf.Stream(pdf, out.getvalue()), pikepdf.Stream(pdf, bytes(table))
