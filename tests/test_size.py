"""Small files (press/fonts.py): fonts cut to the glyphs drawn, the page and its text unchanged."""

from __future__ import annotations

import pymupdf
import pytest

from bulletinpress import api
from bulletinpress.options import SCREEN
from bulletinpress.press import fonts
from conftest import SAMPLE_ZH, write_issue


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("size")
    body = "他说：“这是对工会组织的充分信任。”重庆GDP增速跃居全国第二，5G基站建设提速，Noto Serif字体与LXGW WenKai字体。" * 4
    issue = write_issue(root, f"layout: briefing\nmasthead: {{title: 排版, date: 2024-12-06}}\nlead:\n  title: 字体\n  byline: 本刊记者\n  note: 楷体的编者按。\n  body: {body}\n", "fonts.yaml")
    out = {}
    for name, source in (("sample", SAMPLE_ZH), ("fonts", issue)):
        checked = api.check(source)
        whole = api._pdf(checked, SCREEN)[0]
        out[name] = (whole, fonts.compact(whole))
    return out


def test_the_sample_fits_in_250_kib_with_its_fonts_embedded(tmp_path):
    target = tmp_path / "sample.pdf"
    api.build(SAMPLE_ZH, target)
    assert target.stat().st_size <= 250 * 1024, f"{target.stat().st_size // 1024} KiB"
    with pymupdf.open(target) as doc:
        embedded = {name: ext for _, ext, _, name, *_ in doc[0].get_fonts()}
    assert embedded and all(ext != "n/a" for ext in embedded.values()), embedded


@pytest.mark.parametrize("name", ["sample", "fonts"])
def test_compacted_fonts_draw_the_same_page_and_text(pdfs, name):
    whole, small = pdfs[name]
    assert len(small) < len(whole) / 2
    with pymupdf.open(stream=whole) as a, pymupdf.open(stream=small) as b:
        assert len(a) == len(b)
        for before, after in zip(a, b):
            assert before.get_text() == after.get_text()
            assert before.get_pixmap(dpi=50).samples == after.get_pixmap(dpi=50).samples, "every glyph still drawn"
        names = " ".join(font[3] for page in b for font in page.get_fonts())
    if name == "fonts":
        assert "WenKai" in names, "the TrueType path (LXGW WenKai, a CIDToGIDMap) is exercised"


def test_a_font_it_cannot_read_stays_whole():
    import io

    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType0, W=pikepdf.Array([1, [500]]),
                                                FontDescriptor=pikepdf.Dictionary(FontFile3=pikepdf.Stream(pdf, b"not a font", Subtype=pikepdf.Name.OpenType))))
    pdf.Root.Keep = font
    out = io.BytesIO()
    pdf.save(out)
    with pikepdf.open(io.BytesIO(fonts.compact(out.getvalue()))) as again:
        assert again.Root.Keep.FontDescriptor.FontFile3.read_bytes() == b"not a font"


def test_without_harfbuzz_fonttools_cuts_the_fonts_the_same_way(pdfs, monkeypatch):
    """libharfbuzz-subset0 missing: the slower fontTools path gives the same page."""
    monkeypatch.setattr(fonts, "_harfbuzz", lambda: None)
    whole, by_harfbuzz = pdfs["sample"]
    by_fonttools = fonts.compact(whole)
    assert len(by_fonttools) < len(whole) / 2
    with pymupdf.open(stream=by_harfbuzz) as a, pymupdf.open(stream=by_fonttools) as b:
        assert a[0].get_pixmap(dpi=50).samples == b[0].get_pixmap(dpi=50).samples
        assert a[0].get_text() == b[0].get_text()
