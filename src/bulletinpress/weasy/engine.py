"""WeasyPrint, loaded once per process, faster and leaner than a plain import.

Three measured costs of WeasyPrint itself are removed here (docs/speed.md): finding its C
libraries (~0.4 s of every cold start), parsing its C declarations (~0.3 s), and copying
every font file whole into each PDF (~90 MB of peak memory with the CJK faces). None of
them changes a byte of the output (tests/test_speed.py). The last one reaches into
WeasyPrint's `Font`, so it checks that `Font` still reads its file as expected and raises
`SeamChanged` otherwise, like the justification in justify.py.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import pickle
import re
import struct
import subprocess
import sys
import threading
import weakref
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path

from ..errors import SeamChanged


@lru_cache(maxsize=1)
def load_weasyprint():
    """Import WeasyPrint once per process, without three costs of a plain import.

    - WeasyPrint tries up to six names per C library and cffi asks ctypes' `find_library`
      for each miss: some twenty `ldconfig`/`gcc` subprocesses, ~0.4 s. They are answered
      from one `ldconfig -p` read, with ctypes' own matching rule.
    - cffi parses WeasyPrint's C declarations with pycparser at every import, ~0.3 s. The
      parsed declarations are kept in the user's cache folder, keyed by the source text
      and the cffi, pycparser and Python versions, like Python's own .pyc files.
    - Each PDF font's file is copied out of HarfBuzz only if read (`_defer_font_files`)."""
    import ctypes.util

    from cffi import cparser

    find_library, parse = ctypes.util.find_library, cparser.Parser.parse
    ctypes.util.find_library = _library_finder(find_library)
    cparser.Parser.parse = _cached_parse(parse)
    try:
        import weasyprint
    finally:
        ctypes.util.find_library, cparser.Parser.parse = find_library, parse
    _defer_font_files()
    _free_feature_lists()
    return weasyprint


def cache_dir() -> Path | None:
    """Where parsed C declarations are kept between runs (XDG_CACHE_HOME, else ~/.cache);
    None when there is no home to keep them in (never a folder relative to the project)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))
    return base / "bulletinpress" if base.is_absolute() else None


def _cached_parse(parse):
    """cffi's Parser.parse, answered from the cache when a fresh parser is given a source
    it has parsed before; any problem with the cache falls back to parsing."""
    import cffi
    import pycparser

    def cached(parser, csource, *args, **kwargs):
        folder = cache_dir()
        if parser._declarations or folder is None:  # not a fresh parser, or nowhere to keep it
            return parse(parser, csource, *args, **kwargs)
        versions = (cffi.__version__, pycparser.__version__, sys.version_info[:2], args, sorted(kwargs.items()))
        key = hashlib.sha256(repr(versions).encode() + csource.encode()).hexdigest()[:32]
        path = folder / f"cffi-{key}.pickle"
        try:
            state = pickle.loads(path.read_bytes())
            parser.__dict__.update(state, _structnode2type=weakref.WeakKeyDictionary())
            return None
        except Exception:  # missing, unreadable, or from another library version: parse
            parser.__dict__.update(_fresh_parser_state())
        parse(parser, csource, *args, **kwargs)
        state = {k: v for k, v in parser.__dict__.items() if k != "_structnode2type"}
        with suppress(Exception):  # a read-only home is no error: next time parses again
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
            temporary.replace(path)
        return None

    return cached


def _fresh_parser_state() -> dict:
    from cffi import cparser

    return dict(cparser.Parser().__dict__)


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
        raise SeamChanged("WeasyPrint's Font no longer reads its font file as expected; see bulletinpress/weasy/engine.py")
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


#: WeasyPrint's Layout.setup for text with OpenType features (font-kerning, ligatures,
#: font-feature-settings): it creates a features attribute on every call and keeps only the
#: first (the argument of `setdefault` is built anyway), and never releases the attribute
#: list, which holds that shared attribute
_FEATURES_LEAK = """\
            attr = style.font_config.font_features.setdefault(
                features, pango.pango_attr_font_features_new(features))
            attr_list = pango.pango_attr_list_new()
            pango.pango_attr_list_insert(attr_list, attr)
            pango.pango_layout_set_attributes(self.layout, attr_list)
"""
#: the same with each layout's own list and attribute, released with the layout (the layout
#: takes its own reference to the list)
_FEATURES_FREED = """\
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
            pango.pango_attr_list_insert(attr_list, pango.pango_attr_font_features_new(features))
            pango.pango_layout_set_attributes(self.layout, attr_list)
"""


def _free_feature_lists() -> None:
    """Stop WeasyPrint leaking two Pango objects per text layout with font features.

    Every line of text the layout sets with `font-kerning: normal` (all of ours) left an
    attribute list and an attribute behind: ~35 KB a rebuild of the sample, the larger part
    of a warm worker's growth (bench: RSS over 100 rebuilds). Same text, same PDF (tested)."""
    import textwrap
    import types

    from weasyprint.text import line_break

    source = textwrap.dedent(inspect.getsource(line_break.Layout.setup))
    if textwrap.indent(textwrap.dedent(_FEATURES_LEAK), "        ") not in source:
        raise SeamChanged("WeasyPrint's Layout.setup sets font features differently; see bulletinpress/weasy/engine.py")
    fixed = source.replace(textwrap.indent(textwrap.dedent(_FEATURES_LEAK), "        "),
                           textwrap.indent(textwrap.dedent(_FEATURES_FREED), "        "))
    first_line = inspect.getsourcelines(line_break.Layout.setup)[1]
    module = compile("\n" * (first_line - 1) + fixed, line_break.__file__, "exec")  # tracebacks show WeasyPrint's lines
    code = next(c for c in module.co_consts if isinstance(c, types.CodeType) and c.co_name == "setup")
    line_break.Layout.setup = types.FunctionType(code, line_break.__dict__, "setup", line_break.Layout.setup.__defaults__)


#: per font face, the glyphs of the largest subset made so far and that subset's file
_SUBSETS: dict[tuple, tuple[frozenset, bytes]] = {}
_keeping = threading.local()


@contextmanager
def kept_font_subsets():
    """While inside, a font subset made for an earlier document is reused when it holds
    every glyph asked for (the live preview: each rebuild uses nearly the same glyphs).

    WeasyPrint subsets with HarfBuzz keeping glyph numbers (retain-gids), so a subset with
    more glyphs than a page uses prints it just the same; the PDF's widths and ToUnicode
    come from the page's own glyphs, not the file. One subset of a CJK face costs ~0.03 s,
    three faces a rebuild. When a glyph is new, the face is subset again for all the
    glyphs seen, so the kept subset only grows with what the issue uses."""
    _install_subset_reuse()
    _keeping.on = True
    try:
        yield
    finally:
        _keeping.on = False


@lru_cache(maxsize=1)
def _install_subset_reuse() -> None:
    from weasyprint.pdf import fonts

    source = inspect.getsource(fonts.Font._harfbuzz_subset)
    if "sorted(to_unicode)" not in source or "max(to_unicode)" not in source:
        raise SeamChanged("WeasyPrint's Font subsets fonts differently; see bulletinpress/weasy/engine.py")
    original = fonts.Font._harfbuzz_subset

    def harfbuzz_subset(font, to_unicode, hinting):
        if not getattr(_keeping, "on", False):
            return original(font, to_unicode, hinting)
        key = _face_key(font, hinting)
        glyphs, data = _SUBSETS.get(key, (frozenset(), b""))
        if not glyphs.issuperset(to_unicode):
            glyphs = glyphs.union(to_unicode)
            original(font, dict.fromkeys(glyphs), hinting)  # HarfBuzz reads only the keys
            data = font.file_content
            _SUBSETS[key] = (glyphs, data)
        font.file_content = data

    fonts.Font._harfbuzz_subset = harfbuzz_subset


def _face_key(font, hinting: bool) -> tuple:
    """A font face by what identifies it in this process: the faces live as long as the
    process's FontConfiguration, and the address is checked against the face's size."""
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_blob(font.hb_face)
    try:
        size = harfbuzz.hb_blob_get_length(blob)
    finally:
        harfbuzz.hb_blob_destroy(blob)
    return int(ffi.cast("uintptr_t", font.hb_face)), font.index, size, font.family, bool(font.missing), hinting


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


def srgb_profile() -> bytes:
    """The sRGB ICC profile WeasyPrint ships (for tagging RGB photos in a PDF/X)."""
    from importlib.resources import files

    return (files("weasyprint") / "pdf" / "sRGB2014.icc").read_bytes()
