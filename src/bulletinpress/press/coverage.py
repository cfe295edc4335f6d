"""Ink coverage of a photo as the press would put it down: the image in the output intent's
CMYK (an RGB one converted through the profile, as the shop's RIP would), averaged over
1 mm areas — a press's dot gain smooths anything finer — and the worst area found."""

from __future__ import annotations

#: photos larger than this are not decoded for the check (the pixel ceiling is 60 million;
#: a print photo is rarely over 25 million) — the report says so
MAX_PIXELS = 25_000_000


def worst(image, profile: bytes | None, ppi: float) -> tuple[int, tuple[float, float]] | None:
    """(the most ink in % over any 1 mm area, where: mm right and down from the top left),
    or None when the photo cannot be read in CMYK (no profile for an RGB one)."""
    from pikepdf import PdfImage
    from PIL import Image

    picture = PdfImage(image).as_pil_image()
    cmyk = picture if picture.mode == "CMYK" else _through(picture, profile)
    if cmyk is None:
        return None
    cell = max(1, round(ppi / 25.4))  # pixels in a millimetre at the printed size
    small = cmyk.resize((max(1, cmyk.width // cell), max(1, cmyk.height // cell)), resample=Image.Resampling.BOX)
    pixels = getattr(small, "get_flattened_data", None) or small.getdata  # Pillow 14 drops getdata
    totals = [sum(pixel) for pixel in pixels()]
    index = max(range(len(totals)), key=totals.__getitem__)
    return round(totals[index] / 255 * 100), (float(index % small.width), float(index // small.width))


def _through(picture, profile: bytes | None):
    """An RGB or grey picture in the profile's CMYK, as press/inks.py converts photos (and a
    shop's RIP would)."""
    if profile is None:
        return None
    from . import inks

    return inks.to_cmyk(picture.convert("RGB"), inks.transform_for(profile, photo=True))
