"""WeasyPrint, loaded once per process, faster and leaner than a plain import.

Two measured costs of WeasyPrint itself are removed here (docs/speed.md): finding its C
libraries (~0.4 s of every cold start) and copying every font file whole into each PDF
(~90 MB of peak memory with the CJK faces). Both change no byte of the output; each checks
that WeasyPrint still looks as expected and raises `SeamChanged` otherwise, like the
justification in justify.py.
"""

from __future__ import annotations

import inspect
import os
import re
import struct
import subprocess
from functools import lru_cache


class SeamChanged(RuntimeError):
    """WeasyPrint's internals moved; update engine.py or justify.py for the new version."""


@lru_cache(maxsize=1)
def load_weasyprint():
    """Import WeasyPrint, finding its C libraries in one `ldconfig -p` run.

    WeasyPrint tries up to six names per library and cffi asks ctypes' `find_library` for
    each miss: some twenty `ldconfig`/`gcc` subprocesses, ~0.4 s of every cold build. The
    answers are the same as find_library's (same table, same match), read once."""
    import ctypes.util

    original = ctypes.util.find_library
    ctypes.util.find_library = _library_finder(original)
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = original
    _defer_font_files()
    return weasyprint


class _FaceData:
    """A font face's file, not yet copied out of HarfBuzz."""

    def __init__(self, face, read):
        self.face, self.read = face, read

    def __bool__(self) -> bool:
        from weasyprint.text.ffi import harfbuzz

        blob = harfbuzz.hb_face_reference_blob(self.face)
        try:
            return harfbuzz.hb_blob_get_length(blob) > 0
        finally:
            harfbuzz.hb_blob_destroy(blob)


def _defer_font_files() -> None:
    """Copy a font's file out of HarfBuzz only when WeasyPrint reads it.

    WeasyPrint's PDF `Font` copies the whole font file into Python when it is created, and
    all of a document's fonts are created before the first is subset: with the CJK faces
    (20-27 MB each) that is ~90 MB of a build's peak memory, and a copy per font per build.
    Subsetting reads the face, not the copy; the copy is made only if something reads
    `file_content` before the subset replaces it (a variable font, an unsubset font)."""
    from weasyprint.pdf import fonts

    source = inspect.getsource(fonts.Font.__init__)
    if "self.file_content = get_hb_object_data(self.hb_face)" not in source:
        raise SeamChanged("WeasyPrint's Font no longer reads its font file as expected; see bulletinpress/engine.py")
    read = fonts.get_hb_object_data

    def get_hb_object_data(hb_object, ot_color=None, glyph=None):
        if ot_color is None:
            return _FaceData(hb_object, read)
        return read(hb_object, ot_color, glyph)

    def get_file_content(font):
        value = font.__dict__["_file_content"]
        if isinstance(value, _FaceData):
            value = font.__dict__["_file_content"] = value.read(value.face)
        return value

    def set_file_content(font, value):
        if isinstance(value, _FaceData) and value.face != font.hb_face:
            value = value.read(value.face)  # a subset face: read it while it is alive
        font.__dict__["_file_content"] = value

    fonts.get_hb_object_data = get_hb_object_data
    fonts.Font.file_content = property(get_file_content, set_file_content)


def _library_finder(original):
    """find_library answered from the dynamic linker's cache, as ctypes does on Linux."""
    try:
        table = subprocess.run(
            ["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return original
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
           "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6")

    def find_library(name: str) -> str | None:
        found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}", table)
        if found:
            return found.group(1)
        # not in the cache: let ctypes look where only it knows how (LD_LIBRARY_PATH, gcc)
        return original(name) if os.environ.get("LD_LIBRARY_PATH") else None

    return find_library
