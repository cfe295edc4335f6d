"""The inks a print PDF asks for: colours in the print shop's CMYK, and black that overprints.

- A colour given in RGB (a project stylesheet's `#c00`, a rule WeasyPrint drew in RGB) is
  converted into the CMYK of the shop's profile by LittleCMS (Pillow's ImageCms): relative
  colorimetric with black-point compensation, the intent print shops use for spot colours
  of a layout. The same red gives each profile its own CMYK, as each press prints it.
- A neutral (black, a grey) becomes K alone: text and rules never carry C, M and Y that
  misregistration would show as a coloured halo.
- Black (0 0 0 1) is set in DeviceCMYK and overprints (`/op true`, `/OPM 1`): it prints
  over the colours under it instead of knocking a white hole that misregistration shows.
  Every other colour knocks out, as by default.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

BLACK = (0.0, 0.0, 0.0, 1.0)
#: the ExtGStates the pages get: overprint on and off, for fills (op) and strokes (OP)
STATES = {"/BPFillOver": {"op": True}, "/BPFillKnock": {"op": False},
          "/BPStrokeOver": {"OP": True}, "/BPStrokeKnock": {"OP": False}}


def converter(profile: Path):
    """sRGB (0–1 each) → the profile's CMYK (0–1 each); neutrals K alone. The transform is
    built on the first colour that needs it (press/shop.py checked the profile loads)."""
    def convert(r: float, g: float, b: float) -> tuple[float, float, float, float]:
        if abs(r - g) < 1e-3 and abs(g - b) < 1e-3:
            return (0.0, 0.0, 0.0, round(1 - r, 4))
        return _converted(transform_for(str(profile)), round(r * 255), round(g * 255), round(b * 255))

    return convert


@lru_cache(maxsize=8)
def transform_for(profile: str | bytes, photo: bool = False):
    """sRGB → the profile's CMYK (a path, or the bytes of a PDF's output intent): relative
    colorimetric for flat colours, perceptual for photographs; black-point compensation."""
    import io

    from PIL import ImageCms

    opened = ImageCms.ImageCmsProfile(io.BytesIO(profile)) if isinstance(profile, bytes) else ImageCms.getOpenProfile(profile)
    intent = ImageCms.Intent.PERCEPTUAL if photo else ImageCms.Intent.RELATIVE_COLORIMETRIC
    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), opened, "RGB", "CMYK",
                                   renderingIntent=intent, flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


def to_cmyk(picture, transform):
    """An RGB picture through `transform`: LittleCMS straight, not ImageCms.applyTransform,
    which also copies the profile's bytes into the result — something Pillow cannot do for
    some valid profiles (Ghostscript's PS CMYK)."""
    from PIL import Image

    target = Image.new("CMYK", picture.size)
    transform.transform.apply(picture.getim(), target.getim())
    return target


@lru_cache(maxsize=1024)
def _converted(transform, r: int, g: int, b: int) -> tuple[float, float, float, float]:
    from PIL import Image

    pixel = to_cmyk(Image.new("RGB", (1, 1), (r, g, b)), transform).getpixel((0, 0))
    return tuple(round(v / 255, 4) for v in pixel)


def rewrite(doc, holder, convert, seen=None) -> None:
    """The content streams of a page (and the forms it draws): RGB colours converted, black
    set in DeviceCMYK and overprinting, every other colour knocking out."""
    import pikepdf

    seen = seen if seen is not None else set()
    contents = holder.get("/Contents") if holder.get("/Type") == "/Page" else holder
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    used = False
    for stream in streams:
        if isinstance(stream, pikepdf.Stream) and stream.objgen not in seen:
            seen.add(stream.objgen)
            used |= _rewrite_stream(stream, convert)
    if used:
        _add_states(doc, holder)
    resources = holder.get("/Resources")
    if resources is not None and "/XObject" in resources:
        for xobject in resources.XObject.values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                rewrite(doc, xobject, convert, seen)


def _rewrite_stream(stream, convert) -> bool:
    """Rewrite one content stream; whether it now uses the overprint states."""
    import pikepdf

    out, used, changed = [], False, False
    over = {"fill": False, "stroke": False}
    stack = []
    for operands, operator in pikepdf.parse_content_stream(stream):
        name = str(operator)
        if name == "q":
            stack.append(dict(over))
        elif name == "Q" and stack:
            over = stack.pop()
        colour = _cmyk(name, operands, convert)
        if colour is not None:
            part, cmyk = colour
            black = cmyk == BLACK
            if black != over[part]:
                state = ("/BPFillOver" if black else "/BPFillKnock") if part == "fill" else \
                        ("/BPStrokeOver" if black else "/BPStrokeKnock")
                out.append(([pikepdf.Name(state)], pikepdf.Operator("gs")))
                over[part], used = black, True
            if name in ("rg", "RG") or (black and name not in ("k", "K")):  # black in DeviceCMYK: OPM 1 applies to it
                operands, operator, changed = list(cmyk), pikepdf.Operator("k" if part == "fill" else "K"), True
        out.append((operands, operator))
    if used or changed:
        stream.write(pikepdf.unparse_content_stream(out))
    return used


def _cmyk(name: str, operands, convert):
    """("fill" or "stroke", its CMYK) for a colour-setting operator in CMYK or RGB, else None."""
    part = "stroke" if name in ("K", "RG", "SC", "SCN") else "fill"
    try:
        values = tuple(float(v) for v in operands)
    except (TypeError, ValueError):  # a pattern name: not a colour of ours
        return None
    if name in ("rg", "RG") and len(values) == 3:
        return part, convert(*values)
    if name in ("k", "K", "sc", "scn", "SC", "SCN") and len(values) == 4:
        return part, tuple(round(v, 4) for v in values)
    return None


def _add_states(doc, holder) -> None:
    import pikepdf

    if "/Resources" not in holder:
        holder.Resources = pikepdf.Dictionary()
    resources = holder.Resources
    if "/ExtGState" not in resources:
        resources.ExtGState = pikepdf.Dictionary()
    for name, flags in STATES.items():
        if name not in resources.ExtGState:
            state = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, OPM=1, **flags)
            resources.ExtGState[name] = doc.make_indirect(state)


def photo_to_cmyk(image, profile: Path) -> bool:
    """An RGB (or ICC-tagged sRGB) photo's pixels in the profile's CMYK: perceptual with
    black-point compensation (the intent for photographs: the whole image compressed into
    what the press can print), written Flate-compressed as DeviceCMYK. Whether it was."""
    import zlib

    import pikepdf

    space = image.get("/ColorSpace")
    icc_rgb = isinstance(space, pikepdf.Array) and str(space[0]) == "/ICCBased" and int(space[1].get("/N", 0)) == 3
    if not (space == "/DeviceRGB" or icc_rgb) or int(image.get("/BitsPerComponent", 8)) != 8:
        return False
    try:
        picture = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
        return False  # a filter Pillow cannot read: left as it is (preflight says RGB where PDF/X needs CMYK)
    target = to_cmyk(picture, transform_for(str(profile), photo=True))
    image.write(zlib.compress(target.tobytes(), 6), filter=pikepdf.Name.FlateDecode)
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceCMYK, 8
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    return True
