"""Chinese typesetting, measured on rendered PDFs (clreq, GB/T 15834-2011 §5).

The sample issue and a purpose-made one (punctuation pairs, Latin words and numbers,
·／～ at every position of a line, many short reports for many column breaks) are built in
both layouts and read back with tests/pdfcheck.py."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pdfcheck
from bulletinpress import api
from bulletinpress.weasy import justify
from bulletinpress.compose.typeset import typeset
from bulletinpress.compose.markup import inline
from conftest import MINIMAL, SAMPLE_ZH, write_issue

FILLER = "产业工人队伍建设改革是党中央作出的一项具有战略性全局性的重大决策部署"


def hard_issue() -> str:
    marks = "\n\n".join(
        FILLER[:k] + mark + FILLER[k : k + 20] + "。" for mark in "·／～" for k in range(1, 18, 2)
    )
    pairs = (
        "他说：“这是对工会组织的充分信任。”（见《关于深化产业工人队伍建设改革的意见》）、"
        "“五小”“十佳”成果……“强基础、提素质”——劳动竞赛覆盖100多家企业。"
    )
    latin = (
        "重庆GDP增速跃居全国第二，5G基站建设提速，2024年前三季度涉案金额59.3万元，"
        "服务职工5000人次，参赛率达到85%以上，气温25℃，Noto Serif字体与LXGW WenKai字体。"
    )
    reports = "\n".join(
        f"""  - district: 第{n}区
    title: 第{n}篇报道的标题
    body: |
      {pairs if n % 2 else latin}{FILLER * (n % 3 + 1)}。

      {latin if n % 2 else pairs}"""
        for n in range(1, 13)
    )
    return f"""\
masthead:
  title: 排版测试
  date: 2024-12-06
lead:
  title: 标点、数字与间隔号
  byline: 本刊记者
  note: 本文用于检验标点挤压、禁则与中西文间距。
  body: |
{textwrap.indent(marks + chr(10) + chr(10) + pairs + chr(10) + chr(10) + latin, '    ')}
reports:
{reports}
briefs:
  items:
    - {pairs}
    - {latin}
"""


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("typeset")
    (root / "issues").mkdir()
    hard = root / "issues" / "hard.yaml"
    hard.write_text(hard_issue(), encoding="utf-8")
    built = {}
    for source in (SAMPLE_ZH, hard):
        for layout in ("newspaper", "briefing"):
            target = root / f"{source.stem}-{layout}.pdf"
            api.build(source, target, layout=layout)
            built[f"{source.stem}-{layout}"] = (target, source)
    return built


CASES = ["2024-12-06-newspaper", "2024-12-06-briefing", "hard-newspaper", "hard-briefing"]


@pytest.mark.parametrize("case", CASES)
def test_lines_are_flush(pdfs, case):
    pdf, source = pdfs[case]
    lines = pdfcheck.read_lines(pdf)
    checked = pdfcheck.body_lines(lines, pdfcheck.Source.read(source))
    assert len(checked) > 40
    assert pdfcheck.not_flush(lines, pdfcheck.Source.read(source)) == []


@pytest.mark.parametrize("case", CASES)
def test_line_start_and_end_prohibitions(pdfs, case):
    pdf, source = pdfs[case]
    assert pdfcheck.kinsoku(pdfcheck.read_lines(pdf), pdfcheck.Source.read(source)) == []


@pytest.mark.parametrize("case", CASES)
def test_adjacent_punctuation_is_compressed(pdfs, case):
    lines = pdfcheck.read_lines(pdfs[case][0])
    assert pdfcheck.uncompressed_pairs(lines) == []


@pytest.mark.parametrize("case", CASES)
def test_latin_and_digits_are_never_spaced_out(pdfs, case):
    """The justifier widens the gaps between Han characters and at Latin runs' edges and word
    spaces, never inside a run (clreq §3.8; pagecheck S1)."""
    lines = pdfcheck.read_lines(pdfs[case][0])
    assert sum(1 for line in lines for g in line.glyphs if pdfcheck.is_latin(g.char)) >= 100
    assert pdfcheck.letter_spaced(lines) == []


@pytest.mark.parametrize("case", CASES)
def test_cjk_latin_gap_is_a_quarter_em(pdfs, case):
    gaps, bad = pdfcheck.latin_gaps(pdfcheck.read_lines(pdfs[case][0]))
    assert len(gaps) > 10
    assert bad == []


@pytest.mark.parametrize("case", CASES)
def test_paragraph_indents_and_no_lone_characters(pdfs, case):
    pdf, source = pdfs[case]
    lines, src = pdfcheck.read_lines(pdf), pdfcheck.Source.read(source)
    assert pdfcheck.indents(lines, src) == []
    assert pdfcheck.lone_characters(lines, src) == []


@pytest.mark.parametrize("case", CASES)
def test_headlines_are_not_stranded(pdfs, case):
    pdf, source = pdfs[case]
    assert pdfcheck.stranded_headlines(pdfcheck.read_lines(pdf), pdfcheck.Source.read(source)) == []


@pytest.mark.parametrize("case", CASES)
def test_copy_paste_is_exact(pdfs, case):
    pdf, source = pdfs[case]
    source_text = source.read_text(encoding="utf-8")
    # in content order (-raw): pdftotext's default reading order joins the lines of blocks side
    # by side whose baselines happen to align, a column's end to the next block's line
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert pdfcheck.extraction_problems(text, source_text) == []
    import pymupdf

    with pymupdf.open(pdf) as doc:
        text = "".join(page.get_text() for page in doc)
    assert pdfcheck.extraction_problems(text, source_text) == []
    squashed = re.sub(r"—\d+—", "", pdfcheck.squash(text).replace("◆", ""))  # folios cut paragraphs at page ends
    for paragraph in pdfcheck.Source.read(source).paragraphs:
        assert paragraph in squashed


@pytest.mark.parametrize("case", CASES)
def test_fonts_by_role(pdfs, case):
    """Headlines 黑体, body 宋体, bylines 楷体: all Simplified Chinese faces."""
    import pymupdf

    fonts = set()
    with pymupdf.open(pdfs[case][0]) as doc:
        for page in doc:
            fonts |= {f[3] for f in page.get_fonts()}
    names = " ".join(fonts)
    assert "Noto-Serif-CJK-SC" in names and "Noto-Sans-CJK-SC-Bold" in names
    if "hard" in case:
        assert "LXGW-WenKai" in names  # the byline and the editor's note
    assert not any(tag in names for tag in ("CJK-JP", "CJK-KR", "CJK-TC", "CJK-HK"))


def test_the_checker_fails_on_ragged_output(tmp_path):
    """The same HTML through plain WeasyPrint (no justify.py) is ragged: the check sees it."""
    checked = api.check(SAMPLE_ZH)
    html = tmp_path / "issue.html"
    html.write_text(api.html(checked, asset_base=tmp_path, embed_css=True), encoding="utf-8")
    ragged = tmp_path / "ragged.pdf"
    subprocess.run([sys.executable, "-c", f"import weasyprint; weasyprint.HTML({str(html)!r}).write_pdf({str(ragged)!r})"], check=True)
    found = pdfcheck.not_flush(pdfcheck.read_lines(ragged), pdfcheck.Source.read(SAMPLE_ZH))
    assert len(found) > 20


# --- the text-level rules, one by one ----------------------------------------------

def set_(text: str, paragraph: bool = False) -> str:
    return str(typeset(inline(text), paragraph=paragraph))


def test_halt_on_the_first_of_two_marks():
    assert set_("信任。”下") == '信任<span class="halt">。</span>”下'
    assert set_("见》，明") == '见<span class="halt">》</span>，明'
    assert set_("（《意见》）") == '（<span class="halt">《</span>意见<span class="halt">》</span>）'
    assert set_("说：“好") == '说<span class="halt">：</span>“好'


def test_latin_runs_get_quarter_em_sides_next_to_han():
    assert set_("重庆GDP增速") == '重庆<span class="latin gl gr">GDP</span>增速'
    assert set_("“GDP”") == '“<span class="latin">GDP</span>”'  # its own box: never spaced out
    assert set_("用Noto Serif字体") == '用<span class="latin phrase gl gr">Noto Serif</span>字体'  # may break at its space
    assert set_("达到85%以上") == '达到<span class="latin gl gr">85%</span>以上'


def test_a_number_and_its_unit_may_part_at_a_line_end():
    """Bound together (nobr), 5000人 left lines so loose the digits were spaced out."""
    assert set_("金额59.3万元") == '金额<span class="latin gl gr">59.3</span>万元'


def test_middle_dot_slash_and_tilde_are_never_at_a_line_edge():
    assert set_("重庆·科学") == '重<span class="nobr">庆·科</span>学'
    assert set_("甲／乙～丙") == '<span class="nobr">甲／乙～丙</span>'


def test_last_two_characters_of_a_paragraph_stay_together():
    assert set_("成效显著。", paragraph=True) == '成效<span class="nobr">显著。</span>'
    assert set_("成效显著。", paragraph=False) == "成效显著。"


def test_markup_and_escapes_survive():
    assert set_("梳理**“思想清单”**，学") == '梳理<strong>“思想清单<span class="halt">”</span></strong>，学'
    assert set_("<b>5G</b>基站") == '&lt;b&gt;<span class="latin">5G</span>&lt;/b&gt;基站'  # 5G touches no Han character
    assert set_("基站<5G>") == '基站&lt;<span class="latin">5G</span>&gt;'
    assert set_("a&b基站") == '<span class="latin gr">a&amp;b</span>基站'


def test_no_character_is_inserted():
    import re

    text = "他说：“好。”（见《意见》）、重庆GDP增速59.3万元，重庆·科学会堂，甲／乙～丙成效显著。"
    assert re.sub(r"<[^>]+>", "", set_(text, paragraph=True)) == text


# --- the WeasyPrint seam --------------------------------------------------------------

def test_weasyprint_calls_our_justification_when_it_lays_out_a_line(project, monkeypatch):
    """Not our own assignment read back: WeasyPrint's line layout, run on a page, reaches
    our justification for the Chinese lines it justifies."""
    calls = []
    real = justify._justify_cjk

    def counting(context, line, extra_width, *args):
        calls.append(extra_width)
        return real(context, line, extra_width, *args)

    monkeypatch.setattr(justify, "_justify_cjk", counting)
    body = "近日，市总工会组织调研组先后赴国网綦江供电公司调研产业工人队伍建设改革工作。" * 6
    api.pdf_bytes(write_issue(project, MINIMAL.replace("第一段。", body)))
    assert len(calls) >= 3, "every full line of the paragraph is justified by justify.py"
    assert any(width > 0 for width in calls)


def test_a_changed_seam_fails_loudly(monkeypatch):
    from weasyprint.layout import inline as weasy_inline
    from weasyprint.text import line_break

    def moved(context, line, extra_width, new_argument):
        return None

    monkeypatch.setattr(weasy_inline, "justify_line", moved)
    with pytest.raises(justify.SeamChanged):
        justify._check_seams(weasy_inline, line_break)


def test_weasyprint_version_is_the_tested_one():
    import weasyprint

    assert weasyprint.__version__.split(".")[0] == "70", "justify.py is tested against WeasyPrint 70"


def test_the_justifiers_pattern_of_chinese_text_agrees_with_is_cjk():
    """`chars.CJK_TEXT` (what the justifier asks of every line) is `is_cjk` without the
    General Punctuation marks English also sets, for every code point."""
    from bulletinpress.compose.chars import CJK_TEXT, is_cjk

    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    assert [c for c in points if bool(CJK_TEXT.search(chr(c))) != (is_cjk(chr(c)) and not 0x2000 <= c <= 0x206F)] == []
    assert CJK_TEXT.search("“Yes,” he said — …") is None and CJK_TEXT.search("他说·") is not None
