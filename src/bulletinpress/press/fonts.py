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

import functools
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

    stream = pikepdf.Stream(pdf, _harfbuzz_cff(data, cids) or _fonttools_cff(data, cids))
    stream.Subtype = pikepdf.Name("/CIDFontType0C")
    return stream


def _fonttools_cff(data: bytes, cids: set[int]) -> bytes:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    if not hasattr(font["CFF "].cff.topDictIndex[0], "ROS"):
        raise ValueError("not a CID-keyed CFF")
    font = _subset(font, [".notdef"] + [f"cid{c:05d}" for c in sorted(cids) if c])
    out = io.BytesIO()
    font["CFF "].cff.compile(out, font)
    return out.getvalue()


_HB = """
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t; typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data, void *destroy);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_table(const hb_face_t *face, uint32_t tag);
void hb_set_add(hb_set_t *set, uint32_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
_PASSTHROUGH, _DESUBROUTINIZE, _READONLY = 0x20, 0x04, 1


@functools.lru_cache(maxsize=1)
def _harfbuzz():
    """HarfBuzz's subsetter (libharfbuzz-subset0, installed by the set-up), or None."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_HB)
    try:
        return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    except OSError:
        return None


def _harfbuzz_cff(data: bytes, cids: set[int]) -> bytes | None:
    """The CFF table of a HarfBuzz subset to the used glyphs, glyph ids not retained: a
    hundredth of fontTools' time, and like it HarfBuzz keeps a CID-keyed charset's CIDs
    (checked: the subset's charset names the CIDs it was given)."""
    loaded = _harfbuzz()
    if loaded is None:
        return None
    ffi, hb, hbs = loaded
    source = ffi.new("char[]", data)
    blob = hb.hb_blob_create(source, len(data), _READONLY, ffi.NULL, ffi.NULL)
    face, wanted = hb.hb_face_create(blob, 0), hbs.hb_subset_input_create_or_fail()
    try:
        glyphs = hbs.hb_subset_input_glyph_set(wanted)
        for cid in sorted(cids):
            hb.hb_set_add(glyphs, cid)
        hbs.hb_subset_input_set_flags(wanted, _PASSTHROUGH | _DESUBROUTINIZE)
        subset = hbs.hb_subset_or_fail(face, wanted)
        if subset == ffi.NULL:
            return None
        table = hb.hb_face_reference_table(subset, int.from_bytes(b"CFF ", "big"))
        length = ffi.new("unsigned int *")
        found = bytes(ffi.buffer(hb.hb_blob_get_data(table, length), length[0]))
        hb.hb_blob_destroy(table)
        hb.hb_face_destroy(subset)
        return found if found and _keeps_cids(found, cids) else None
    finally:
        hbs.hb_subset_input_destroy(wanted)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _keeps_cids(cff: bytes, cids: set[int]) -> bool:
    """The subset's charset holds every CID asked for (a few more, that layout closure adds,
    do no harm): the page's text stays valid."""
    from fontTools.cffLib import CFFFontSet

    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(cff), None)
    top = fonts[fonts.fontNames[0]]
    if not hasattr(top, "ROS"):
        return False
    return cids <= {0 if name == ".notdef" else int(name[3:]) for name in top.charset}


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
