"""The speed work's correctness: each shortcut gives the answers of the slow path it replaces.

Timings themselves are measured by bench/run.py, never asserted here.
"""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bulletinpress import api
from bulletinpress.options import SCREEN
from bulletinpress.weasy import engine
from bulletinpress.weasy import render as render_pdf
from bulletinpress.source.check import Coverage, font_coverage
from conftest import SAMPLE_EN, SAMPLE_ZH, run_cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "name",
    ["gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0", "c", "m",
     "libgobject-2.0-0", "harfbuzz-vector-0.0", "no-such-library-anywhere"],
)
def test_library_finder_answers_as_ctypes_does(name):
    finder = engine._library_finder(ctypes.util.find_library)
    assert finder is not ctypes.util.find_library  # ldconfig is there: the fast path is in use
    assert finder(name) == ctypes.util.find_library(name)


def test_library_finder_falls_back_when_ldconfig_is_missing(monkeypatch):
    def missing(*args, **kwargs):
        raise FileNotFoundError("/sbin/ldconfig")

    monkeypatch.setattr(engine.subprocess, "run", missing)
    original = ctypes.util.find_library
    assert engine._library_finder(original) is original


def test_weasyprint_import_leaves_ctypes_as_it_was():
    run = subprocess.run(
        [sys.executable, "-c", "import ctypes.util; f = ctypes.util.find_library\n"
         "from bulletinpress.weasy import engine; w = engine.load_weasyprint()\n"
         "assert ctypes.util.find_library is f; assert w.text.ffi.harfbuzz_subset is not None; print('ok')"],
        capture_output=True, text=True,
    )
    assert run.stdout.strip() == "ok", run.stderr


def test_coverage_merges_and_bisects():
    coverage = Coverage([(0x4E00, 0x4E10), (0x41, 0x5A), (0x4E11, 0x4E20), (0x4E05, 0x4E06)])
    assert coverage.starts == [0x41, 0x4E00] and coverage.ends == [0x5A, 0x4E20]
    assert 0x41 in coverage and 0x5A in coverage and 0x4E20 in coverage
    assert 0x40 not in coverage and 0x5B not in coverage and 0x4E21 not in coverage and 0 not in coverage
    assert coverage and not Coverage([])


def test_font_coverage_matches_fontconfig_char_by_char():
    """The ranges say what `fc-match` says, for characters in and out of the font."""
    coverage, missing = font_coverage(("Noto Serif CJK SC",), "zh-cn")
    assert missing == ()
    for char in "产业工人队伍A、。—“”\U0001F600\u0E01":
        listed = subprocess.run(
            ["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True
        ).stdout
        in_font = "Noto Serif CJK SC" in listed
        assert (ord(char) in coverage) == in_font, char


def test_a_missing_font_is_named_and_others_still_count():
    coverage, missing = font_coverage(("No Such Font Family", "Noto Serif CJK SC"), "zh-cn")
    assert missing == ("No Such Font Family",)
    assert ord("产") in coverage


def test_help_and_check_do_not_import_the_renderers():
    """--help and check stay fast because WeasyPrint, Jinja2 and rich are never imported."""
    code = (
        "import sys\n"
        "from bulletinpress import cli\n"
        "sys.argv = ['bulletinpress', *sys.argv[1:]]\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('weasyprint', 'jinja2', 'rich', 'pikepdf') if m in sys.modules), file=sys.stderr)"
    )
    for args in (["--help"], ["check", SAMPLE_ZH]):
        run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
        assert run.stderr.strip().splitlines()[-1] == "[]", (args, run.stderr)


def test_bench_issue_and_typst_source(tmp_path):
    """The benchmark's generated issue builds, and its Typst twin carries the same text as literals."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run as bench
    finally:
        sys.path.pop(0)
    issue = bench.make_issue(tmp_path, 2, "x2")
    assert run_cli("check", issue).code == 0
    source = bench.typst_source(issue)
    assert source.count('#align(center, text(font: "LXGW WenKai"') == 2 * 7  # a district label per report
    assert '#"近日，市总工会组织调研组先后赴国网綦江供电公司' in source
    assert "\n#columns(2" in source and source.rstrip().endswith("]")


@pytest.mark.parametrize("name,pages", [("newspaper", 1), ("briefing", 10), ("one-page A4", 1)])
def test_the_bench_serves_the_issues_it_names(tmp_path, name, pages):
    """What the preview's latency is measured on: the sample as each layout, one A4 page;
    each edit is new text (none is made twice), and it is found in the issue."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run as bench
    finally:
        sys.path.pop(0)
    path = tmp_path / "issues" / "issue.yaml"
    path.parent.mkdir()
    path.write_text(bench.served_issue(name), encoding="utf-8")
    _, printed, _, _ = api._pdf(api.check(path), SCREEN)
    assert printed == pages
    text = path.read_text(encoding="utf-8")
    for edit in (bench.typing, bench.adding):
        edits = [edit(text, n) for n in range(10)]
        assert len(set(edits)) == 10 and text not in edits


DEFERRED_OR_NOT = """
import sys
from pathlib import Path
from bulletinpress import api
from bulletinpress.weasy import engine
from bulletinpress.options import DRAFT, Options
from bulletinpress.press.pdfx import PrintOptions
if sys.argv[1] == "copy":
    engine._defer_font_files = lambda: None  # WeasyPrint as it comes: every font file copied
if sys.argv[1] == "leak":
    engine._free_feature_lists = lambda: None  # WeasyPrint as it comes: feature lists never freed
checked = api.check(Path(sys.argv[2]))
screen, _, _, _ = api._pdf(checked, DRAFT)
printed, _, _, _ = api._pdf(checked, Options(PrintOptions(), allow_overflow=True, allow_underfill=True))
Path(sys.argv[3]).write_bytes(screen + b"%%%%" + printed)
"""


@pytest.mark.parametrize("sample", [SAMPLE_ZH, SAMPLE_EN])
@pytest.mark.parametrize("fix", ["copy", "leak"])
def test_the_engine_fixes_change_no_byte_of_the_pdf(tmp_path, sample, fix):
    """Fonts are read from HarfBuzz only when needed, and each text layout's font features
    are released with it: the PDFs are the same, byte for byte, as WeasyPrint's own
    (CFF-based CJK collections, TrueType Latin and Kai faces)."""
    outputs = []
    for mode in (fix, "fixed"):
        out = tmp_path / f"{mode}.bin"
        run = subprocess.run([sys.executable, "-c", DEFERRED_OR_NOT, mode, sample, str(out)], capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        outputs.append(out.read_bytes())
    assert len(outputs[0]) > 100_000 and outputs[0] == outputs[1]


GROWTH = """
import ctypes, gc, sys
from bulletinpress.weasy import engine
if sys.argv[1] == "leak":
    engine._free_feature_lists = lambda: None
weasyprint = engine.load_weasyprint()
from weasyprint.text.fonts import FontConfiguration
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
mallinfo = ctypes.CDLL("libc.so.6").mallinfo2
mallinfo.restype = Info
html = "<html lang=zh-CN><style>html { font-kerning: normal }</style>" + "<p>产业工人队伍建设改革 WeasyPrint 2024</p>" * 100
fonts, used = FontConfiguration(), []
for n in range(25):
    weasyprint.HTML(string=html).render(font_config=fonts)
    gc.collect()
    used.append(mallinfo().uordblks)
print(used[-1] - used[4])
"""


@pytest.mark.parametrize("mode,most,least", [("fixed", 40_000, 0), ("leak", None, 200_000)])
def test_text_with_font_features_leaves_no_memory_behind(mode, most, least):
    """Twenty renders of text with `font-kerning: normal` (as all ours is) leave the C heap
    as it was (weasy/engine.py `_free_feature_lists`); WeasyPrint as it comes leaks two
    Pango objects a text layout (the second case: the measure can fail)."""
    run = subprocess.run([sys.executable, "-c", GROWTH, mode], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    grown = int(run.stdout.split()[-1])
    assert grown >= least and (most is None or grown <= most), grown


def test_a_moved_features_seam_fails_loudly(monkeypatch):
    from bulletinpress.errors import SeamChanged

    engine.load_weasyprint()
    monkeypatch.setattr(engine.inspect, "getsource", lambda obj: "def setup(self, style): pass")
    with pytest.raises(SeamChanged, match="engine.py"):
        engine._free_feature_lists()


def test_font_file_is_read_when_weasyprint_asks_for_it():
    """Something that reads a font's whole file before subsetting still gets the bytes."""
    from weasyprint.pdf.fonts import Font

    engine.load_weasyprint()
    from weasyprint.text.ffi import pango

    fonts = render_pdf.font_config()
    description = pango.pango_font_description_new()
    pango.pango_font_description_set_family(description, b"Noto Serif CJK SC")
    pango.pango_font_description_set_absolute_size(description, 12 * 1024)
    context = pango.pango_font_map_create_context(fonts.font_map)
    pango_font = pango.pango_font_map_load_font(fonts.font_map, context, description)
    font = Font(pango_font, description, 12)
    assert isinstance(font.__dict__["_file_content"], engine._FaceData)  # nothing copied yet
    data = font.file_content
    assert isinstance(data, bytes) and len(data) > 10_000_000  # the whole collection (.ttc)
    assert data[:4] == b"ttcf" and font.file_content is data  # read once, then kept


def test_a_moved_font_seam_fails_loudly(monkeypatch):
    """A WeasyPrint whose Font reads its file differently stops the build instead of guessing."""
    from bulletinpress.errors import SeamChanged

    engine.load_weasyprint()
    monkeypatch.setattr(engine.inspect, "getsource", lambda obj: "def __init__(self): pass")
    with pytest.raises(SeamChanged, match="engine.py"):
        engine._defer_font_files()


PARSED = """
import hashlib, sys
from cffi import cparser
parsed = []
original = cparser.Parser._internal_parse
cparser.Parser._internal_parse = lambda self, *args: parsed.append(1) or original(self, *args)
from bulletinpress.weasy import engine
weasyprint = engine.load_weasyprint()
from weasyprint.text.ffi import ffi
declarations = sorted((name, str(tp)) for name, (tp, _) in ffi._parser._declarations.items())
pdf = weasyprint.HTML(string="<p lang=zh>产业工人队伍 WeasyPrint</p>").write_pdf(pdf_identifier=b"x")
print(hashlib.sha256(repr(declarations).encode()).hexdigest(), len(declarations), hashlib.sha256(pdf).hexdigest(), len(parsed))
"""


def test_parsed_c_declarations_are_cached_and_give_the_same_weasyprint(tmp_path):
    """First run parses and stores; the next loads; a damaged cache is parsed again. Same
    declarations and the same PDF every time."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def run():
        result = subprocess.run([sys.executable, "-c", PARSED], capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    *parsed, parses = run()
    cached = list((tmp_path / "bulletinpress").glob("cffi-*.pickle"))
    assert len(cached) == 1 and int(parsed[1]) > 200 and parses == "1"
    assert run() == [*parsed, "0"]  # loaded, not parsed
    cached[0].write_bytes(b"not a pickle")
    assert run() == [*parsed, "1"]
    assert cached[0].read_bytes() != b"not a pickle"  # written again


def test_no_home_means_no_cache_not_a_folder_in_the_project(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "relative-home")
    assert engine.cache_dir() is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert engine.cache_dir() == tmp_path / "bulletinpress"


def test_a_moved_subset_seam_fails_loudly(monkeypatch):
    """The preview's reuse of font subsets (weasy/engine.py `kept_font_subsets`) needs
    WeasyPrint's HarfBuzz subsetting to read only the glyph numbers it is given."""
    from bulletinpress.errors import SeamChanged

    engine.load_weasyprint()
    monkeypatch.setattr(engine.inspect, "getsource", lambda obj: "def _harfbuzz_subset(self, to_unicode, hinting): pass")
    with pytest.raises(SeamChanged, match="engine.py"):
        engine._install_subset_reuse.__wrapped__()
