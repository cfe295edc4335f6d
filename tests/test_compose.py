"""Page composition (自动拼版): every article a rectangular block, none overlapping, the page
full, and a clear fit error naming an article when it cannot be.

Three levels: the search on measurements made up here (hypothesis: random numbers and
lengths of reports, photos or none), the composed sample and purpose-made issues read back
from WeasyPrint's PDF (each article's text inside its own rectangle, the columns reaching
the foot of the type area), and the editor's messages."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pymupdf
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pdfcheck
from bulletinpress import api
from bulletinpress.compose import arrange, evening
from bulletinpress.options import Options
from bulletinpress.press.pdfx import PrintOptions
from conftest import SAMPLE_ZH, STRAIGHT, run_cli, write_issue

LINE = 8.5 * 1.4
GRID = arrange.Grid(
    width=774.0, height=1116.0, columns=5, gutter=12.75, gap=10.0, leading=(1.32, 1.4, 1.5), photo=(0.45, 1.3),
    max_span=3, lead_columns=4, lead_gutter=17.3, briefs_columns=3,
)


def flow(lines: int) -> arrange.Flow:
    return arrange.Flow(tuple((i * LINE, LINE) for i in range(lines)), LINE)


def report(index: int, lines: int, photo: tuple[int, int] | None = None) -> arrange.Piece:
    heads = {k: 40.0 + 10 * (k > 1) for k in (1, 2, 3, 5)}
    photos = [arrange.Photo(photo, {k: 12.0 for k in heads})] if photo else []
    return arrange.Piece(f"reports[{index}]", "report", heads, {"col": flow(lines)}, photos, chars=lines * 17)


def overlaps(a: arrange.Placed, b: arrange.Placed) -> bool:
    return a.x < b.x + b.width - 0.01 and b.x < a.x + a.width - 0.01 and a.y < b.y + b.height - 0.01 and b.y < a.y + a.height - 0.01


def check_page(page: arrange.Page, pieces: list[arrange.Piece]) -> None:
    """Every piece placed once, as a rectangle inside the type area, none overlapping, and
    the rows reaching the foot of the area."""
    assert sorted(b.piece.loc for b in page.blocks) == sorted(p.loc for p in pieces)
    for block in page.blocks:
        assert block.x >= -0.01 and block.x + block.width <= GRID.width + 0.01
        assert block.y >= page.top - 0.01 and block.y + block.height <= page.bottom + 0.01
        assert block.height > 0 and block.width > 0
    for i, a in enumerate(page.blocks):
        for b in page.blocks[i + 1:]:
            assert not overlaps(a, b), (a.piece.loc, b.piece.loc)
    assert page.fill <= 0.5, "the rows reach the foot of the type area"
    area = sum(b.width * b.height for b in page.blocks)
    gaps_bound = GRID.width * (page.bottom - page.top)
    assert area <= gaps_bound + 1


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=4, max_value=70), st.booleans()), min_size=1, max_size=9))
def test_the_search_tiles_the_page_or_says_by_how_much(specs):
    pieces = [report(i, lines, (1200, 800) if photo else None) for i, (lines, photo) in enumerate(specs)]
    area = 900.0
    try:
        rows = arrange.arrange(None, pieces, None, GRID, area)
    except arrange.Misfit as misfit:
        assert misfit.excess != 0 and misfit.rows, "a misfit says by how much, with the nearest arrangement"
        gaps = GRID.gap * (len(misfit.rows) - 1)
        low, high = sum(r.low for r in misfit.rows) + gaps * arrange.ROW_GAPS[0], sum(r.high for r in misfit.rows) + gaps * arrange.ROW_GAPS[1]
        strips = not all(arrange._passes(o) for r in misfit.rows for s in r.stacks for o in s.options)
        assert (low > area) if misfit.excess > 0 else (high < area or strips), "the excess is what the nearest arrangement misses by"
        return
    page = arrange.place(rows, GRID, 0.0, area)
    check_page(page, pieces)
    for block in page.blocks:  # each block filled: under its columns less than a line of white
        captions = sum(p.captions.get(block.span, 0.0) for p in block.piece.photos)
        filled = block.head + sum(block.photos) + captions + block.text
        assert filled <= block.height + 0.1
        assert block.height - filled <= LINE + 0.1, (block.piece.loc, block.height - filled)
        assert block.count == 1 or (block.short <= 1 + 1e-6 and block.text >= 2.5 * LINE * 1.32 / 1.4), "a block a typesetter passes"


def test_the_editors_order_is_kept_row_by_row():
    pieces = [report(i, 20 + 3 * i) for i in range(7)]
    rows = arrange.arrange(None, pieces, None, GRID, 700.0)
    order = [o.piece.loc for row in rows for s in row.stacks for o in s.options]
    assert order == [p.loc for p in pieces]


def test_a_span_hint_is_kept():
    pieces = [report(i, 20) for i in range(5)]
    pieces[1].span = 3
    rows = arrange.arrange(None, pieces, None, GRID, 500.0)
    spans = {o.piece.loc: s.span for row in rows for s in row.stacks for o in s.options}
    assert spans["reports[1]"] == 3


def test_flow_columns_split_as_weasyprint_fills_them():
    text = flow(10)
    height, short = text.split(4)
    assert round(height / LINE) == 3 and short == pytest.approx(2)  # 3, 3, 3, 1: the last is 2 lines short
    assert text.split(2) == (pytest.approx(5 * LINE), pytest.approx(0))
    assert [round(h / LINE) for h in text.columns(3 * LINE)] == [3, 3, 3, 1]


# --- the composed sample and purpose-made issues, read back from the PDF ------------------------

def blocks_from_html(html: str) -> dict[str, tuple[float, float, float, float]]:
    """Each article's rectangle (pt, in the type area) as the HTML places it."""
    found = {}
    for loc, x, y, w, h in re.findall(r'data-loc="([^"]+)" style="left: ([\d.]+)pt; top: ([\d.]+)pt; width: ([\d.]+)pt; height: ([\d.]+)pt"', html):
        found[loc] = tuple(float(v) for v in (x, y, w, h))
    return found


def read_back(pdf: Path, source: Path) -> tuple[list, float, float]:
    """The PDF's text lines (x0, y0, x1, y1, text) relative to the type area, and the area."""
    with pymupdf.open(pdf) as doc:
        page = doc[0]
        lines = []
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                text = "".join(span["text"] for span in line["spans"]).strip()
                if text:
                    x0, y0, x1, y1 = line["bbox"]
                    lines.append((x0 - 33.9, y0 - 34, x1 - 33.9, y1 - 34, text))
        return lines, page.rect.width, page.rect.height


def article_texts(data: dict) -> dict[str, str]:
    found = {}
    if data.get("lead"):
        found["lead"] = re.sub(r"\s+", "", data["lead"]["body"])
    for i, r in enumerate(data.get("reports", [])):
        found[f"reports[{i}]"] = re.sub(r"\s+", "", r["body"])
    return found


def compose_and_read(path: Path, tmp_path: Path, *args: str):
    target = tmp_path / "composed.pdf"
    run = run_cli("build", path, "--layout", "newspaper", "-o", target, *args)
    assert run.code == 0, run.stderr
    html = api.composed_html(api.check(path, layout="newspaper"), options=Options(PrintOptions(), allow_underfill="--allow-underfill" in args))[0]
    return target, blocks_from_html(html), run


def check_composed(pdf: Path, blocks: dict, source: Path) -> None:
    """Each article's whole text is printed inside its own rectangle (so it is one block that
    neither snakes nor runs into another), and no two blocks overlap."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    texts = article_texts(data)
    for loc, (x, y, w, h) in blocks.items():
        for other, (x2, y2, w2, h2) in blocks.items():
            if other != loc:
                assert not (x < x2 + w2 - 0.5 and x2 < x + w - 0.5 and y < y2 + h2 - 0.5 and y2 < y + h - 0.5), (loc, other)
    with pymupdf.open(pdf) as doc:
        page = doc[0]
        for loc, body in texts.items():
            x, y, w, h = blocks[loc]
            inside = page.get_textbox(pymupdf.Rect(x + 33.9 - 1, y + 34 - 1, x + w + 33.9 + 1, y + h + 34 + 1))
            printed = re.sub(r"[\s\u00ad\u2010-]+", "", inside).translate(STRAIGHT)  # line ends, hyphenation, quotes
            plain = re.sub(r"[\s\u00ad\u2010-]+", "", re.sub(r"\*\*|\[|\]\([^)]*\)", "", body)).translate(STRAIGHT)
            assert plain in printed, f"{loc}: its text is not all inside its block"
        for image in page.get_image_info():  # a photo cropped to its frame carries only what it shows
            box = pymupdf.Rect(image["bbox"]) - (33.9, 34, 33.9, 34)
            assert any(pymupdf.Rect(x - 0.5, y - 0.5, x + w + 0.5, y + h + 0.5).contains(box) for x, y, w, h in blocks.values()), \
                f"a photo's pixels ({box}) reach outside its block"


def test_the_sample_is_composed_into_blocks_that_fill_the_page(tmp_path):
    pdf, blocks, run = compose_and_read(SAMPLE_ZH, tmp_path)
    data = yaml.safe_load(SAMPLE_ZH.read_text(encoding="utf-8"))
    assert set(blocks) == {"lead"} | {f"reports[{i}]" for i in range(len(data["reports"]))} | {"briefs"}
    check_composed(pdf, blocks, SAMPLE_ZH)
    lowest = max(y + h for x, y, w, h in blocks.values())
    assert lowest == pytest.approx(1116.05, abs=1), "the last row reaches the foot of the type area"
    lines, _, _ = read_back(pdf, SAMPLE_ZH)
    assert max(y1 for _, _, _, y1, _ in lines) > 1116.55 - 2 * 12, "text reaches the foot: no blank band"


def purpose_issue(project: Path, reports: int, repeat: int, photos: bool = False, language: str = "zh") -> Path:
    """An issue of `reports` reports, each `repeat` sentences long, optionally with photos."""
    from PIL import Image

    (project / "photos").mkdir(exist_ok=True)
    Image.new("RGB", (2400, 1600), (90, 120, 150)).save(project / "photos" / "p.jpg")
    zh = "近日，区总工会组织开展职工技能竞赛，共有来自32家企业的156名职工参加，涌现出一批技术能手。"
    en = "Members at the terminal elected four safety representatives in a ballot with a turnout of 81 per cent. "
    sentence = zh if language == "zh" else en
    items = []
    for n in range(reports):
        body = sentence * (repeat + n % 3)
        image = f"\n    images: [{{src: ../photos/p.jpg, caption: 图为第{n + 1}区竞赛现场, credit: 记者{n + 1}号}}]" if photos and n % 2 == 0 else ""
        district = f"第{n + 1}区" if language == "zh" else f"Branch {n + 1}"
        title = f"第{n + 1}区技能竞赛成效显著" if language == "zh" else f"Branch {n + 1} holds its skills contest"
        items.append(f"  - district: {district}\n    title: {title}\n    body: {body}{image}")
    lang = "language: en\n" if language == "en" else ""
    return write_issue(project, f"{lang}layout: newspaper\nmasthead: {{title: 测试专版, date: 2024-12-06}}\nreports:\n" + "\n".join(items) + "\n",
                       f"purpose-{reports}-{repeat}-{photos}-{language}.yaml")


@pytest.mark.parametrize("reports,repeat,photos,language", [
    (7, 9, False, "zh"),  # about a full page
    (6, 6, True, "zh"),  # with photos
    (9, 5, False, "zh"),  # many short reports
    (6, 6, False, "en"),  # English
])
def test_purpose_made_issues_are_composed(project, tmp_path, reports, repeat, photos, language):
    path = purpose_issue(project, reports, repeat, photos, language)
    pdf, blocks, _ = compose_and_read(path, tmp_path)
    assert len(blocks) == reports
    check_composed(pdf, blocks, path)
    lowest = max(y + h for x, y, w, h in blocks.values())
    assert lowest == pytest.approx(1116.05, abs=1)


def sample_share(project: Path, share: float, photos: bool) -> Path:
    """The sample cut to a share of its reports and briefs (real copy, real titles), with
    photos — wide, portrait, square — added to the lead and every third report."""
    from PIL import Image

    (project / "photos").mkdir(exist_ok=True)
    for name, size in (("wide", (1800, 1200)), ("tall", (900, 1350)), ("square", (1000, 1000))):
        Image.new("RGB", size, (90, 120, 150)).save(project / "photos" / f"{name}.jpg")
    data = yaml.safe_load(SAMPLE_ZH.read_text(encoding="utf-8"))
    data["reports"] = data["reports"][: max(1, round(len(data["reports"]) * share))]
    data["briefs"]["items"] = data["briefs"]["items"][: max(1, round(len(data["briefs"]["items"]) * share))]
    if photos:
        data["lead"]["images"] = [{"src": "../photos/wide.jpg", "caption": "图为2024年技能大赛决赛现场", "credit": "张三"}]
        for i, report in enumerate(data["reports"]):
            if i % 3 == 1:
                report["images"] = [{"src": f"../photos/{'tall' if i % 2 else 'square'}.jpg", "caption": f"图为{report['district']}职工在培训中", "credit": f"李{i}"}]
    return write_issue(project, yaml.safe_dump(data, allow_unicode=True, sort_keys=False), f"share-{share}-{photos}.yaml")


@pytest.mark.parametrize("share,photos", [(0.5, False), (0.5, True), (0.75, True)])
def test_shares_of_the_sample_are_composed(project, tmp_path, share, photos):
    """Half the sample's copy fills the page at a larger size; photos shrink, grow and are
    cropped within the layout's limits; every block passes (tests/test_compose.py check_page
    covers the shapes in the search itself)."""
    path = sample_share(project, share, photos)
    pdf, blocks, _ = compose_and_read(path, tmp_path)
    check_composed(pdf, blocks, path)
    assert max(y + h for x, y, w, h in blocks.values()) == pytest.approx(1116.05, abs=1)


def test_an_english_page_is_composed(tmp_path):
    from PIL import Image

    (tmp_path / "issues").mkdir()
    (tmp_path / "photos").mkdir()
    for name, size in (("wide", (1800, 1200)), ("square", (1000, 1000))):
        Image.new("RGB", size, (150, 90, 60)).save(tmp_path / "photos" / f"{name}.jpg")
    path = tmp_path / "issues" / "english-page.yaml"
    path.write_text((Path(__file__).parent / "corpus" / "english-page.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    pdf, blocks, _ = compose_and_read(path, tmp_path)
    check_composed(pdf, blocks, path)
    assert pdfcheck.letter_spaced(pdfcheck.read_lines(pdf)) == [], "English with typographic quotes is never set as Chinese"


def test_copy_too_short_for_columns_is_under_full_not_strips(project):
    """Three two-line reports could only be set as strips across the page: an under-full
    error, not a page of one-line columns."""
    body = "近日，区总工会组织开展职工技能竞赛，共有来自32家企业的156名职工参加。"
    reports = "".join(f"  - {{district: 第{n}区, title: 第{n}区竞赛, body: {body}}}\n" for n in range(3))
    path = write_issue(project, f"layout: newspaper\nmasthead: {{title: 测试, date: 2024-12-06}}\nreports:\n{reports}", "strips.yaml")
    run = run_cli("build", path, "--print")
    assert run.code == 1 and "under-full" in run.stderr, run.stderr


# --- the editor's messages ----------------------------------------------------------------------

def test_an_over_full_page_names_the_article_to_cut(project):
    path = purpose_issue(project, 8, 30)
    run = run_cli("build", path)
    assert run.code == 1
    assert re.search(r"error: reports\[\d+\]: the page is over-full by about \d+ line\(s\) \(\d+ mm\): reports\[\d+\] \(第\d+区 [^)]*\): cut about \d+ characters", run.stderr), run.stderr
    assert not (project / "build").exists() or not list((project / "build").glob("*.pdf"))
    run = run_cli("build", path, "--allow-overflow")
    assert run.code == 0 and "warning:" in run.stderr and "over-full" in run.stderr
    with pymupdf.open(project / "build" / path.with_suffix(".pdf").name) as pdf:
        assert len(pdf) >= 2


def test_an_under_full_page_says_what_it_lacks(project):
    path = write_issue(project, "layout: newspaper\nmasthead: {title: 刊, date: 2024-12-06}\nlead: {title: 短, body: 只有一句话。}\n")
    run = run_cli("build", path, "--print")
    assert run.code == 1
    assert re.search(r"error: lead: the page is under-full by about \d+ line\(s\) across its 5 columns \(\d+ mm\), even at the largest body size: add about \d+ characters of copy, or a photo about \d+ mm high", run.stderr)
    run = run_cli("build", path, "--print", "--allow-underfill")
    assert run.code == 0 and "warning: lead: the page is under-full" in run.stderr


@pytest.mark.parametrize("hint,message", [
    ("span: 7", "reports[0].span: 7 columns, but layout 'newspaper' has 5"),
    ("span: two", "reports[0].span: expected a whole number"),
    ("position: middle", "reports[0].position"),
    ("photo: {size: huge}", "reports[0].photo.size"),
])
def test_impossible_hints_are_errors_at_their_place(project, hint, message):
    path = write_issue(project, f"layout: newspaper\nmasthead: {{title: 刊, date: 2024-12-06}}\nreports:\n  - district: 区\n    title: 题\n    body: 文。\n    {hint}\n")
    run = run_cli("check", path)
    assert run.code == 1
    assert f"{path}:7:" in run.stderr and message in run.stderr, run.stderr


def test_a_span_hint_in_a_flowing_layout_is_an_error(project):
    path = write_issue(project, "layout: briefing\nmasthead: {title: 刊, date: 2024-12-06}\nreports:\n  - {district: 区, title: 题, body: 文。, span: 2}\n")
    run = run_cli("check", path)
    assert run.code == 1 and "it has no grid to span" in run.stderr


def test_hints_are_honoured_on_the_page(project, tmp_path):
    path = purpose_issue(project, 7, 9)
    text = path.read_text(encoding="utf-8")
    text = text.replace("    title: 第2区技能竞赛成效显著\n", "    title: 第2区技能竞赛成效显著\n    span: 3\n")
    text = text.replace("    title: 第7区技能竞赛成效显著\n", "    title: 第7区技能竞赛成效显著\n    position: bottom\n")
    path.write_text(text, encoding="utf-8")
    html = api.composed_html(api.check(path))[0]
    blocks = blocks_from_html(html)
    assert blocks["reports[1]"][2] == pytest.approx(3 * 144.6 + 2 * 12.75, abs=1)
    assert blocks["reports[6]"][1] + blocks["reports[6]"][3] == pytest.approx(1116.05, abs=1)


def test_an_unchanged_article_is_not_measured_twice(project, monkeypatch):
    """In a warm process (serve), an edit to one article measures only that article."""
    from bulletinpress.compose import measure

    path = purpose_issue(project, 7, 9)
    api.composed_html(api.check(path))
    asked = []
    real = measure.render_html

    def spy(dirs, template, ctx):
        asked.extend(piece.key for piece in ctx.get("pieces", []))
        return real(dirs, template, ctx)

    monkeypatch.setattr(measure, "render_html", spy)
    path.write_text(path.read_text(encoding="utf-8").replace("涌现出一批技术能手。", "涌现出一批技术能手和青年骨干。", 1), encoding="utf-8")
    api.composed_html(api.check(path))
    assert asked and all(key.startswith("reports[0]:flow") for key in asked), asked


def test_a_url_or_a_long_word_never_runs_across_the_gap(project, tmp_path):
    """A URL breaks after its separators and a long English word is hyphenated (or broken):
    no line of a block reaches past its right edge into the gutter or the next block."""
    path = purpose_issue(project, 7, 9)
    text = path.read_text(encoding="utf-8").replace(
        "body: 近日，", "body: 职工可访问https://www.cqgh.org/news/2024/12/06/union-service-platform.html办理，"
        "或搜索Pneumonoultramicroscopicsilicovolcanoconiosis了解。近日，", 3)
    path.write_text(text, encoding="utf-8")
    pdf, blocks, _ = compose_and_read(path, tmp_path)
    lines, _, _ = read_back(pdf, path)
    checked = 0
    for x0, y0, x1, y1, line in lines:
        inside = [b for b in blocks.values() if b[0] - 1 <= x0 <= b[0] + b[2] and b[1] - 1 <= y0 <= b[1] + b[3]]
        if inside:
            # a closing mark set half width at a full line's end has a glyph box an em wide
            # (its ink is in the left half): the box may reach half an em past the edge
            half = (y1 - y0) / 2 if line[-1] in pdfcheck.CLOSING else 0
            assert x1 <= inside[0][0] + inside[0][2] + 1 + half, f"runs past its block: {line}"
            checked += 1
    assert checked > 100
    assert "cqgh" in "".join(line for *_, line in lines)


def test_long_latin_runs_get_break_opportunities_and_no_characters():
    from bulletinpress.compose.typeset import _long_run

    url = _long_run("https://www.cqgh.org/news/2024/union.html", "")
    assert url.count("<wbr>") >= 5 and "https://<wbr>" not in url.replace("https://www.", "")
    assert re.sub(r"<[^>]+>", "", url) == "https://www.cqgh.org/news/2024/union.html"
    assert 'lang="en"' in _long_run("Pneumonoultramicroscopicsilicovolcanoconiosis", "")


def test_a_cropped_photo_keeps_its_quality_and_format(tmp_path):
    from PIL import Image

    from bulletinpress.weasy import fetcher

    jpeg, png = tmp_path / "p.jpg", tmp_path / "p.png"
    Image.new("RGB", (400, 300), (200, 40, 40)).save(jpeg, quality=70, subsampling=2)
    Image.new("RGBA", (400, 300), (0, 0, 0, 0)).save(png)
    with Image.open(io.BytesIO(fetcher.cropped_bytes(jpeg, 0, (50, 0, 350, 300)))) as part, Image.open(jpeg) as whole:
        assert (part.format, part.size) == ("JPEG", (300, 300))
        assert part.quantization == whole.quantization, "re-encoded at its own quality, not another"
    with Image.open(io.BytesIO(fetcher.cropped_bytes(png, 0, (0, 0, 100, 100)))) as part:
        assert (part.format, part.mode, part.size) == ("PNG", "RGBA", (100, 100))
    assert fetcher._crop_box("crop=1,2,3,4") == (1, 2, 4, 6) and fetcher._crop_box("page=2") is None


def test_a_run_no_column_can_hold_is_a_warning_at_its_line(project, tmp_path):
    path = purpose_issue(project, 7, 9)
    code = "SN" + "4G7X2K9Q" * 5  # a serial number: no break, no hyphenation
    path.write_text(path.read_text(encoding="utf-8").replace("body: 近日，", f"body: 设备编号{code}已登记。近日，", 1), encoding="utf-8")
    pdf, blocks, run = compose_and_read(path, tmp_path)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if code in text)
    assert re.search(rf"{re.escape(str(path))}:{line}:\d+: warning: reports\[0\]\.body: '{code[:40]}' is wider than its column", run.stderr), run.stderr
    with pymupdf.open(pdf) as doc:
        assert code in re.sub(r"\s+", "", doc[0].get_text()), "broken, not lost"


def test_a_title_past_the_layouts_lines_is_a_warning_at_the_title(project, tmp_path):
    path = purpose_issue(project, 7, 9)
    long = "全市各级工会组织深入开展职工技能提升行动推动产业工人队伍建设改革向纵深发展取得新的成效"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 第1区技能竞赛成效显著", f"title: {long}\n    span: 1", 1), encoding="utf-8")
    pdf, blocks, run = compose_and_read(path, tmp_path)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if long in text)
    assert re.search(rf":{line}:\d+: warning: reports\[0\]\.title: the title takes \d lines in its block \(the layout's most is 3\)", run.stderr), run.stderr


def _lines_flow(count: int, pulls: int = 0, pushes: int = 0) -> arrange.Flow:
    return arrange.Flow(tuple((10.0 * i, 10.0) for i in range(count)), 10.0, (17,) * count, pulls, pushes)


def test_a_block_a_line_short_is_evened_by_pulling_back_when_its_leading_takes_it_up():
    # 21 lines in two columns of 11: pulled back a line, 20 lines of 10 at leading 1.07 are
    # 107 pt, 3 pt short of the 110 the block gives its text; the block's spare room takes it
    flow = _lines_flow(21, pulls=1)
    assert flow.split(2) == (110.0, 1.0)
    assert evening.pull_back(flow, 2, 110.0, (0.97, 1.07), 1.0, 110.0, 1.0, room=5.0)[:1] == (1,)
    pull, factor, text, short = evening.pull_back(flow, 2, 110.0, (0.97, 1.07), 1.0, 110.0, 1.0, room=5.0)
    assert factor == pytest.approx(1.07) and text == pytest.approx(107.0) and short == pytest.approx(0.0, abs=1e-9)
    assert evening.pull_back(flow, 2, 110.0, (0.97, 1.07), 1.0, 110.0, 1.0, room=1.0)[0] == 0, "no room for 3 pt"
    assert evening.pull_back(_lines_flow(21), 2, 110.0, (0.97, 1.07), 1.0, 110.0, 1.0, room=5.0)[0] == 0, "nothing to pull"


def test_a_block_a_line_short_is_evened_by_setting_one_on():
    assert evening.set_on(_lines_flow(21, pushes=1), 2, 1.0, 110.0, 1.0) == 1
    assert evening.set_on(_lines_flow(20, pushes=2), 3, 1.0, 70.0, 1.0) == 1  # 7 + 7 + 6
    assert evening.set_on(_lines_flow(19, pushes=2), 3, 1.0, 70.0, 2.0) == 2  # 7 + 7 + 5
    assert evening.set_on(_lines_flow(21), 2, 1.0, 110.0, 1.0) == 0
    assert evening.set_on(_lines_flow(22, pushes=1), 2, 1.0, 110.0, 0.0) == 0, "already even"
