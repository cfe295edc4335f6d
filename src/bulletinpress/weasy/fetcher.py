"""The sandboxed fetcher: WeasyPrint fetches http://, file:// and attachments by default; every
HTML and CSS object gets this fetcher, which serves only files inside the allowed folders
(the project and the built-in styles) and refuses everything else, noting what it refused."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..source import files
from .engine import load_weasyprint


@lru_cache(maxsize=1)
def fetcher_class():
    load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _Served(URLFetcherResponse):
        """A response whose bytes are not the file's (a crop, a 16-bit grey made 8-bit):
        without a path, WeasyPrint embeds these bytes, not the file it would otherwise reopen."""

        @property
        def path(self):
            return None

    class SandboxFetcher(URLFetcher):
        def __init__(self, roots: tuple[Path, ...], report):  # a render.RenderReport: refusals are noted in it
            super().__init__(allowed_protocols=("file",))
            self.roots = roots
            self.report = report

        def fetch(self, url: str, headers=None):
            path = self.allowed_path(url)
            if path is None:
                self.report.refused.append(url)
                raise ValueError(f"refused to load {url}: only files inside the project may be used")
            crop, mtime = _crop_box(urlsplit(url).fragment), path.stat().st_mtime_ns
            data = cropped_bytes(path, mtime, crop) if crop is not None else printable_bytes(path, mtime)
            if data is None:
                try:
                    data = files.read_or_refuse(path, files.PHOTO, self.roots)
                except files.Refused as exc:
                    self.report.refused.append(url)
                    raise ValueError(f"refused to load {url}: {exc}") from None
                return URLFetcherResponse(path.as_uri(), data)
            return _Served(url, data)  # bytes we made: WeasyPrint must not read the file again by its name

        def allowed_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(unquote(parts.path)).resolve()
            inside = any(path.is_relative_to(root) for root in self.roots)
            return path if inside and path.is_file() else None

    return SandboxFetcher


_CROP = re.compile(r"crop=(\d+),(\d+),(\d+),(\d+)$")


def _crop_box(fragment: str) -> tuple[int, int, int, int] | None:
    """`crop=x,y,w,h` (compose/page.py `cropped`) as Pillow's box, or None."""
    found = _CROP.match(fragment)
    if not found:
        return None
    x, y, w, h = (int(v) for v in found.groups())
    return (x, y, x + w, y + h)


#: Pillow's modes of 16 or 32 bits a grey: WeasyPrint writes them as if they were 8 (a
#: 16-bit greyscale PNG printed black)
_DEEP = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")


@lru_cache(maxsize=64)
def printable_bytes(path: Path, mtime: int) -> bytes | None:
    """For a photo of 16-bit grey, an 8-bit grey PNG of it (the ICC profile kept), so the
    page shows what the photo shows; None for any other file, printed as it is. `mtime`
    keys the cache."""
    if path.suffix.lower() != ".png":
        return None
    from PIL import Image

    with Image.open(path) as image:
        if image.mode not in _DEEP:
            return None
        deepest = 65535 if image.mode.startswith("I;16") else max(1, image.getextrema()[1] or 1)
        grey = image.point(lambda value: value * 255 / deepest).convert("L")
        out, icc = io.BytesIO(), image.info.get("icc_profile")
        grey.save(out, "PNG", **({"icc_profile": icc} if icc else {}))
    return out.getvalue()


@lru_cache(maxsize=64)
def cropped_bytes(path: Path, mtime: int, box: tuple[int, int, int, int]) -> bytes:
    """The part of a photo its frame shows, in its own format: a JPEG with its own quantization
    tables, chroma subsampling and colour profile (as good as it came), anything else as PNG.
    `mtime` keys the cache."""
    from PIL import Image, JpegImagePlugin

    with Image.open(path) as image:
        if image.format == "JPEG" and image.mode not in ("RGB", "L"):
            return path.read_bytes()  # a CMYK JPEG is printed whole and clipped: no re-encoding of its inks
        if image.mode in _DEEP:
            image = Image.open(io.BytesIO(printable_bytes(path, mtime)))
        part = image.crop(box)
        out, icc = io.BytesIO(), image.info.get("icc_profile")
        extra = {"icc_profile": icc} if icc else {}
        if image.format == "JPEG":
            sampling = JpegImagePlugin.get_sampling(image)
            part.save(out, "JPEG", qtables=image.quantization, subsampling=max(sampling, 0), dpi=image.info.get("dpi", (72, 72)), **extra)
        else:
            part.save(out, "PNG", **extra)
    return out.getvalue()
