"""The print shop's own conditions: the CMYK output profile it sent (it becomes the PDF/X
output intent, byte for byte), the name of its printing condition, and its paper's limit on
total ink (total area coverage, TAC) that preflight holds every colour to.

The limits by paper are newspaper and ISO 12647 practice: coldset newsprint 240 % (WAN-IFRA
allows 220–260 %), uncoated offset 260 %, coated offset 300 %; a shop's own figure
(`max_ink`) wins.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from ..errors import ContentError, Diagnostic
from ..source import files

PAPER_INK = {"newsprint": 240, "uncoated": 260, "coated": 300}
#: the least resolution a photo needs at its printed size: a newspaper screen (85–100 lpi)
#: wants 170 ppi, uncoated offset 240, coated offset (150–175 lpi) 300
PAPER_PPI = {"newsprint": 170, "uncoated": 240, "coated": 300}
#: on newsprint, text under this size must be one ink and not reversed out
SMALL_NEWSPRINT_PT = 10.0
#: the thinnest line a press holds
THIN_LINE_PT = 0.25
PAPERS = tuple(PAPER_INK)
#: a press and paper not named: the coated-offset limit, which every condition here allows
DEFAULT_INK = 300
ICC = files.Kind("an ICC profile", 32 * files.MIB)


def read_profile(path: Path, root: Path) -> bytes:
    """The shop's profile, read by the file rule from inside the project; one that is not a
    CMYK output profile is an error naming the file."""
    data = files.read(path, ICC, [root])
    problem = profile_problem(data) or _unusable(path)
    if problem:
        raise ContentError([Diagnostic(path, 1, 1, problem)])
    return data


def _unusable(path: Path) -> str | None:
    """Why LittleCMS cannot convert colours into the profile (a damaged table), if it cannot."""
    from PIL import ImageCms

    from . import inks

    try:
        inks.converter(path)(0.8, 0.1, 0.1)
    except (OSError, ValueError, ImageCms.PyCMSError) as exc:
        return f"LittleCMS cannot convert colours into it ({exc}): ask the print shop for the profile again"
    return None


def profile_problem(data: bytes) -> str | None:
    """Why `data` cannot be a PDF/X output intent: it must be an ICC profile (the `acsp`
    signature) of an output device (`prtr`) in CMYK."""
    if len(data) < 128 or data[36:40] != b"acsp":
        return "not an ICC profile: ask the print shop for the .icc profile of its press and paper"
    device, space = data[12:16].decode("latin-1"), data[16:20].decode("latin-1").strip()
    if device != "prtr" or space != "CMYK":
        return (f"not a CMYK output profile (it is a '{device}' profile in {space or 'no colour space'}): "
                "a print shop's output intent describes its press in CMYK; ask for that profile")
    return None


def description(data: bytes) -> str:
    """The profile's own description (its name for the condition when the shop gave none)."""
    from PIL import ImageCms

    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(data))).strip()
    except (OSError, ImageCms.PyCMSError):
        return ""


def paper_profile(paper: str | None) -> Path | None:
    """The CMYK profile set-up made for the paper (Makefile: ArgyllCMS's colprof from
    icc-profiles-free's CGATS TR002, FOGRA29L and FOGRA39L data), when the shop sent none;
    None when there is none for it."""
    if paper not in PAPER_INK:
        return None
    path = Path(sys.prefix) / "share" / "bulletinpress" / "icc" / f"{paper}.icc"
    return path if path.is_file() else None


def ink_limit(paper: str | None, max_ink: int | None) -> int:
    """The most ink (in %) a colour may put down on this paper."""
    return max_ink or PAPER_INK.get(paper or "", DEFAULT_INK)
