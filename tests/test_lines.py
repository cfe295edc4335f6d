"""Lines (issue 24): push in before pushing out, and the lines of realistic issues.

The first tests set one paragraph through the real stylesheet and justifier (weasy/render.py
with styles/base.css) and read the glyphs back: a line that fits one more character only
with its marks at half width takes it (推入), and a line with room sets its marks full
width. The others build realistic district weeks (tests/lines/, written for these tests:
eight reports of numbers with units, Latin words, a URL, quotes, book titles and
enumerations) in the newspaper and the briefing and hold every page to: at most one loose
line (a mean gap between Han characters over 0.15 em, pagecheck's S2), no spaced-out
Latin, every justified line flush, and text that copies out exactly."""

from __future__ import annotations

import re
import statistics
import subprocess
from pathlib import Path

import pymupdf
import pytest

import pdfcheck
from bulletinpress import api
from bulletinpress.source.project import builtin_dir
from bulletinpress.weasy import justify, paragraphs, render, tracking

LINES = Path(__file__).parent / "lines"
#: a 10-em measure: nine Han characters and two marks fill it only with both marks at half width
PUSHED = "甲乙丙，丁戊己，庚辛壬癸子丑寅卯辰巳午未申酉戌亥。"
ROOMY = "甲乙，丙丁。"


def _set(tmp_path: Path, text: str) -> list[pdfcheck.Line]:
    """`text` as a justified Chinese paragraph 10 em wide, read back as lines."""
    html = ('<html lang="zh-CN"><body><p style="width: 10em; font-size: 12pt; text-align: justify; '
            f"font-family: 'Noto Serif CJK SC'; margin: 0\">{text}</p></body></html>")
    data, _ = render.render(html, tmp_path, [builtin_dir("styles") / "base.css"], [tmp_path, builtin_dir("styles")], {})
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(data)
    return pdfcheck.read_lines(pdf)


def _origins(line: pdfcheck.Line) -> list[float]:
    return [glyph.x0 for glyph in line.ink]


def test_a_line_takes_one_more_character_by_pushing_its_marks_in(tmp_path):
    lines = _set(tmp_path, PUSHED)
    assert lines[0].text == "甲乙丙，丁戊己，庚辛壬", "at full width 壬 would start the next line"
    steps = [b - a for a, b in zip(_origins(lines[0]), _origins(lines[0])[1:])]
    assert sorted(round(step / 12, 2) for step in steps)[:2] == [0.5, 0.5], "its two marks are set half width"


def test_a_line_with_room_sets_its_marks_full_width(tmp_path):
    line = _set(tmp_path, ROOMY)[0]
    steps = [round((b - a) / 12, 2) for a, b in zip(_origins(line), _origins(line)[1:])]
    assert steps == [1.0] * 5, steps


def test_push_in_and_give_back_copy_out_exactly(tmp_path):
    _set(tmp_path, PUSHED + ROOMY)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "p.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert re.sub(r"\s+", "", text) == PUSHED + ROOMY


def test_without_push_in_the_line_would_not_take_the_character(tmp_path, monkeypatch):
    """The first test fails when push-in is off: the stylesheet's `halt` removed, 壬 is
    pushed to the next line."""
    plain = tmp_path / "base.css"
    plain.write_text((builtin_dir("styles") / "base.css").read_text(encoding="utf-8").replace(
        'html:lang(zh) { font-feature-settings: "halt"; }', ""), encoding="utf-8")
    assert plain.read_text(encoding="utf-8") != (builtin_dir("styles") / "base.css").read_text(encoding="utf-8")
    monkeypatch.setattr(justify, "_HALVED", {})
    html = ('<html lang="zh-CN"><body><p style="width: 10em; font-size: 12pt; text-align: justify; '
            f"font-family: 'Noto Serif CJK SC'; margin: 0\">{PUSHED}</p></body></html>")
    data, _ = render.render(html, tmp_path, [plain], [tmp_path], {})
    (tmp_path / "plain.pdf").write_bytes(data)
    assert pdfcheck.read_lines(tmp_path / "plain.pdf")[0].text == "甲乙丙，丁戊己，庚辛"


def test_a_font_without_halt_gives_nothing_back(tmp_path):
    """LXGW WenKai has no `halt`: its marks are never widened (a gap would open after them)."""
    html = ('<html lang="zh-CN"><body><p style="width: 10em; font-size: 12pt; text-align: justify; '
            f"font-family: 'LXGW WenKai'; margin: 0\">{ROOMY}</p></body></html>")
    data, _ = render.render(html, tmp_path, [builtin_dir("styles") / "base.css"], [tmp_path, builtin_dir("styles")], {})
    (tmp_path / "k.pdf").write_bytes(data)
    line = pdfcheck.read_lines(tmp_path / "k.pdf")[0]
    steps = [round((b - a) / 12, 2) for a, b in zip(_origins(line), _origins(line)[1:])]
    assert max(steps) <= 1.05, steps


# --- realistic issues ------------------------------------------------------------

CASES = [("week-zh", "newspaper"), ("week-zh", "briefing"), ("week-zh", "newsletter"),
         ("week-en", "briefing"), ("week-en", "newsletter")]
ZH = [f"week-zh-{layout}" for layout in ("newspaper", "briefing", "newsletter")]


@pytest.fixture(scope="module")
def weeks(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("lines")
    (root / "issues").mkdir()
    built = {}
    for name, layout in CASES:
        source = root / "issues" / f"{name}.yaml"
        source.write_text((LINES / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        target = root / f"{name}-{layout}.pdf"
        api.build(source, target, layout=layout)
        built[f"{name}-{layout}"] = (target, source)
    return built


IDS = [f"{name}-{layout}" for name, layout in CASES]


def mean_gap(line: pdfcheck.Line) -> float:
    gaps = line.gaps()
    return statistics.mean(gaps) if gaps else 0.0


@pytest.mark.parametrize("case", ZH)
def test_at_most_one_loose_line_a_page(weeks, case):
    pdf, source = weeks[case]
    lines = pdfcheck.read_lines(pdf)
    body = [line for line in pdfcheck.body_lines(lines, pdfcheck.Source.read(source)) if len(line.gaps()) >= 6]
    assert len(body) > 40
    for page in {line.page for line in body}:
        loose = [f"{line.text} ({mean_gap(line):.2f} em)" for line in body if line.page == page and mean_gap(line) > 0.15]
        assert len(loose) <= 1, loose


@pytest.mark.parametrize("case", IDS)
def test_lines_are_flush_and_latin_is_never_spaced_out(weeks, case):
    pdf, source = weeks[case]
    lines = pdfcheck.read_lines(pdf)
    body = pdfcheck.body_lines(lines, pdfcheck.Source.read(source))  # the newsletter tracks its capitals labels
    assert len(body) > 20 and pdfcheck.letter_spaced(body) == []
    if case in ZH[:2]:  # the newsletter's narrow Chinese columns are read as one by pdfcheck
        assert pdfcheck.not_flush(lines, pdfcheck.Source.read(source)) == []


@pytest.mark.parametrize("case", ZH)
def test_realistic_copy_comes_out_exactly(weeks, case):
    """pdftotext in content order (-raw: its default reading order joins lines of
    neighbouring columns) and PyMuPDF: no space between two Han characters anywhere."""
    pdf, source = weeks[case]
    source_text = source.read_text(encoding="utf-8") + "\n职工之家周刊 第112期"  # the nameplate's two pieces share a baseline
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert pdfcheck.extraction_problems(text, source_text) == []
    with pymupdf.open(pdf) as doc:
        text = "".join(page.get_text() for page in doc)
    assert pdfcheck.extraction_problems(text, source_text) == []


def headline_lines(pdf: Path, source: Path) -> dict[str, list[str]]:
    """Each headline of the issue as the lines it was printed on (PyMuPDF's lines, with
    their spaces), found as consecutive lines whose text makes up the headline."""
    import yaml

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    titles = [article["title"] for article in [data["lead"], *data["reports"]]]
    with pymupdf.open(pdf) as doc:
        lines = ["".join(span["text"] for span in line["spans"]).strip()
                 for page in doc for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])]
    found = {}
    for title in titles:
        want = pdfcheck.squash(title)
        for start in range(len(lines)):
            got, end = "", start
            while end < len(lines) and want.startswith(got + pdfcheck.squash(lines[end])) and lines[end]:
                got += pdfcheck.squash(lines[end])
                end += 1
                if got == want:
                    found[title] = lines[start:end]
                    break
            if title in found:
                break
    return found


@pytest.mark.parametrize("case", ["week-zh-briefing", "week-en-briefing", "week-en-newsletter"])
def test_headlines_are_balanced_in_every_layout(weeks, case):
    """No headline ends on one English word or on one or two Chinese characters, in the
    flowing briefing (balanced for its measure, layout.yaml `titles`) as in composed pages."""
    pdf, source = weeks[case]
    found = headline_lines(pdf, source)
    assert len(found) >= 7, found
    several = [lines for lines in found.values() if len(lines) > 1]
    assert several, "some headlines take two lines or more"
    for lines in several:
        last = lines[-1]
        if case.startswith("week-en"):
            assert len(last.split()) >= 2, lines
        else:
            assert len(pdfcheck.squash(last)) >= 3, lines


# --- the whole paragraph's breaks (weasy/totalfit.py, weasy/paragraphs.py) -------

def week_paragraphs() -> list[str]:
    import yaml

    data = yaml.safe_load((LINES / "week-zh.yaml").read_text(encoding="utf-8"))
    return [p.strip() for article in [data["lead"], *data["reports"]] for p in article["body"].split("\n\n") if p.strip()]


def _column(tmp_path: Path, paragraphs_: list[str], width: str, name: str = "c") -> list[pdfcheck.Line]:
    """The paragraphs, typeset as the pipeline does (compose/typeset.py), each in a justified
    column `width` wide with a 2-em indent, read back as lines."""
    from markupsafe import escape

    from bulletinpress.compose.typeset import typeset

    style = f"width: {width}; font-size: 12pt; text-indent: 2em; font-family: 'Noto Serif CJK SC'; margin: 0 0 1em"
    body = "".join(f'<p style="{style}">{typeset(escape(text), paragraph=True)}</p>' for text in paragraphs_)
    html = f'<html lang="zh-CN"><body><div class="body">{body}</div></body></html>'
    data, _ = render.render(html, tmp_path, [builtin_dir("styles") / "base.css"], [tmp_path, builtin_dir("styles")], {})
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    return pdfcheck.read_lines(pdf)


def loose(lines: list[pdfcheck.Line]) -> list[str]:
    return [f"{line.text} ({mean_gap(line):.2f} em)" for line in lines if len(line.gaps()) >= 4 and mean_gap(line) > 0.15]


@pytest.mark.parametrize("width", ["9.5em", "11em", "13em"])
def test_whole_paragraph_breaking_leaves_no_line_loose(tmp_path, monkeypatch, width):
    """The week's 19 paragraphs in narrow columns: broken a line at a time (WeasyPrint's
    way, the plan switched off) some lines are left loose; with the breaks chosen over the
    whole paragraph none is, and the text copies out exactly."""
    paragraphs_ = week_paragraphs()
    chosen = _column(tmp_path, paragraphs_, width)
    assert loose(chosen) == []
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "c.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert pdfcheck.squash(text) == pdfcheck.squash("".join(paragraphs_))
    monkeypatch.setattr(paragraphs.totalfit, "breaks", lambda *args, **kwargs: None)
    greedy = _column(tmp_path, paragraphs_, width, "greedy")
    assert loose(greedy), "a line at a time leaves some line loose"


def test_the_plan_is_held(tmp_path):
    """WeasyPrint ends nearly every planned line where the plan says (a line it ends elsewhere
    is planned again from there); a paragraph whose lines come out fine a line at a time is
    left to WeasyPrint."""
    paragraphs.COUNTS.clear()
    _column(tmp_path, week_paragraphs(), "11em")
    counts = paragraphs.COUNTS
    assert counts["paragraphs"] + counts["left"] == len(week_paragraphs())  # left: fine broken a line at a time
    assert counts["paragraphs"] >= 5 and counts["held"] > 30
    assert counts["missed"] <= counts["held"] / 100, dict(counts)


#: in 10-em lines its second line cannot take 申 (。 may not start a line), so it is left a
#: character short and 申。 stands alone: a 孤字 that no choice of breaks avoids
ORPHANED = "甲乙丙丁，戊己庚辛壬癸子丑寅卯辰巳午未申。"


def test_a_single_character_last_line_is_pulled_back(tmp_path, monkeypatch):
    """缩行: where a paragraph would end on one Han character, it is set 0.05 em tighter and
    loses that line; its other lines stay flush, and no gap is tighter than 0.05 em."""
    tight = _set(tmp_path, ORPHANED)
    monkeypatch.setattr(tracking, "TRACKING", 0.0)
    plain = _set(tmp_path, ORPHANED)
    assert [line.text for line in plain][-1] == "申。"
    assert len(tight) == len(plain) - 1 and tight[-1].text.endswith("申。")
    assert min(gap for line in tight for gap in line.gaps()) > -0.055
    edge = tight[0].x0 + 10 * 12  # the 10-em column's right edge
    assert all(abs(line.x1 - edge) < 0.5 for line in tight[:-1]), [(line.text, line.x1) for line in tight]
    assert tight[-1].ink[-2].x1 <= edge + 0.5, "申 inside the column (the 。 after it pushed in)"


def overlapping_lines(pdf: Path, page_number: int = 0) -> list[str]:
    """Pairs of text lines on a page printed over each other: across the same stretch of the
    page, their glyphs' bands (0.8 em above the baseline, 0.2 em below) crossing by more than
    a tenth of an em (pieces of one line share a baseline and are not counted)."""
    with pymupdf.open(pdf) as doc:
        page = doc[page_number].get_text("dict")
    lines = []
    for block in page["blocks"]:
        for line in block.get("lines", []):
            spans = [span for span in line["spans"] if span["text"].strip()]
            if spans:
                x0, _, x1, _ = line["bbox"]
                lines.append((x0, x1, spans[0]["origin"][1], max(s["size"] for s in spans), "".join(s["text"] for s in spans)))
    found = []
    for i, (a0, a1, a_base, a_size, a_text) in enumerate(lines):
        for b0, b1, b_base, b_size, b_text in lines[i + 1:]:
            across = min(a1, b1) - max(a0, b0) > 1
            crossing = min(a_base + 0.2 * a_size, b_base + 0.2 * b_size) - max(a_base - 0.8 * a_size, b_base - 0.8 * b_size)
            if across and abs(a_base - b_base) > 1 and crossing > 0.1 * min(a_size, b_size):
                found.append(f"{a_text!r} × {b_text!r}")
    return found


#: titles whose "In this issue" entries fill a line of the box only without a page number
#: (found by trying lengths against the box's measure)
EDGE_TITLES = ["市总工会推出首个“工会+就业”服务品牌", "区总工会连续六年与环卫工人共度元宵节", "区总工会获全市职工创新成果最高奖项",
               "首届职工技能节区工会及“工会+就业”双双获奖", "职工创新成果斩获SNEC“十大亮点”最高奖", "区工会“智”造闪耀APEC 2025",
               "三方签署战略合作协议推动职工技能提升"]


def test_the_masthead_and_its_contents_stay_clear_of_the_lead(tmp_path):
    """The newsletter's "In this issue" box is measured with its page numbers: measured
    without them, two of these titles took a line less than they print with them, and the
    real box pushed the dateline into the lead's headline."""
    import yaml

    data = yaml.safe_load((LINES / "week-zh.yaml").read_text(encoding="utf-8"))
    data["reports"] = data["reports"][:6]
    for article, title in zip([data["lead"], *data["reports"]], EDGE_TITLES):
        article["title"] = title
    data["masthead"] = {"title": "企业新闻周刊", "number": 12, "date": "2018-06-25"}
    (tmp_path / "issues").mkdir()
    source = tmp_path / "issues" / "edge-titles.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    api.build(source, tmp_path / "edge-titles.pdf", layout="newsletter")
    assert overlapping_lines(tmp_path / "edge-titles.pdf") == []


def uneven_blocks(pdf: Path, source: Path) -> list[str]:
    """Blocks whose text columns do not end on one baseline. WeasyPrint draws a block's
    columns one after another: a run of body lines (one column) that starts on the baseline
    the run before it started on is the next column of the same block."""
    lines = pdfcheck.body_lines(pdfcheck.read_lines(pdf), pdfcheck.Source.read(source))
    columns: list[list[pdfcheck.Line]] = []
    for line in lines:
        if columns and columns[-1][-1].page == line.page and line.col_left == columns[-1][-1].col_left \
                and line.baseline > columns[-1][-1].baseline:
            columns[-1].append(line)
        else:
            columns.append([line])
    blocks: list[list[list[pdfcheck.Line]]] = []
    for column in columns:
        if blocks and abs(column[0].baseline - blocks[-1][-1][0].baseline) < 1 and column[0].page == blocks[-1][-1][0].page:
            blocks[-1].append(column)
        else:
            blocks.append([column])
    return [f"p{block[0][0].page} {block[0][0].text[:12]}…: feet {[round(c[-1].baseline, 1) for c in block]}"
            for block in blocks if len(block) > 1 and max(c[-1].baseline for c in block) - min(c[-1].baseline for c in block) > 1]


def test_pulling_back_and_setting_on_even_the_columns(tmp_path, monkeypatch):
    """缩行 and 伸行 for the columns: where a block's last column would end a line short and
    its text has paragraphs 0.05 em of tracking holds in a line fewer (or sets a line
    longer), the composer asks for as many as make the columns even, the seam sets exactly
    those, and the blocks' columns end on one baseline; without it they end a line apart
    (the sample: six such articles, five evened, two of them set on)."""
    from bulletinpress.compose import evening

    sample = Path(__file__).parents[1] / "issues" / "2024-12-06.yaml"
    paragraphs.COUNTS.clear()
    html, _, _ = api.composed_html(api.check(sample, layout="newspaper"))
    pulls = sum(int(n) for n in re.findall(r"--bp-pull: (\d+)", html))
    pushes = sum(int(n) for n in re.findall(r"--bp-push: (\d+)", html))
    api.build(sample, tmp_path / "even.pdf", layout="newspaper")
    assert pulls >= 2 and pushes >= 1  # the measuring pass never sets any: only the final one
    assert paragraphs.COUNTS["pulled"] == pulls and paragraphs.COUNTS["pushed"] == pushes
    evened = uneven_blocks(tmp_path / "even.pdf", sample)
    monkeypatch.setattr(evening, "even", lambda page, grid: page)
    api.build(sample, tmp_path / "uneven.pdf", layout="newspaper")
    left = uneven_blocks(tmp_path / "uneven.pdf", sample)
    assert len(evened) <= len(left) - pulls - pushes, (evened, left)
