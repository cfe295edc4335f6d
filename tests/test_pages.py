"""Papers of several pages and the newsletter, end to end: issues made here (the sample's real
copy where it is long enough, numbered copy where every sentence must be told apart), built
by the command line and read back from the PDF — every article's text inside its own blocks
exactly once and in order across a jump, every jump line answered on the page it names,
running heads on pages 2 …, page hints kept, every page filled to its foot."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest
import yaml

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletinpress import api
from bulletinpress.options import DRAFT
from conftest import SAMPLE_ZH, STRAIGHT, run_cli, write_issue

#: the type area's offset on the page (the layouts' @page margins), pt
OFFSETS = {"newspaper": (33.9, 34.0), "newsletter": (15 / 25.4 * 72, 15 / 25.4 * 72)}
JUMP = re.compile(r"（[下上][转接]第[一二三四五六七八九十]+版）|Continued (?:on|from) page \d+")


def numbered(n: int, sentences: int, language: str = "zh") -> str:
    """Copy whose every sentence can be told apart (the article's and the sentence's number)."""
    if language == "en":
        return " ".join(f"Branch {n} reported item {k}: members met the employer and agreed the next steps for the year." for k in range(sentences))
    return "".join(f"第{n}区第{k}项：区总工会组织职工开展技能培训和劳动竞赛，推动产业工人队伍建设改革走深走实。" for k in range(sentences))


def paper(project: Path, name: str, *, pages: list[str] | None = None, layout: str = "newspaper", language: str = "zh",
          reports: int = 0, sentences: int = 6, lead: int | None = None, hints: dict[int, int] | None = None,
          sample: bool = True, photos: bool = False) -> Path:
    """An issue: the sample's lead, reports and briefs (real copy), and `reports` numbered
    reports more; `lead` sentences of numbered copy replace the sample's lead."""
    data = yaml.safe_load(SAMPLE_ZH.read_text(encoding="utf-8")) if sample else {"masthead": {"title": "Works News", "date": "2025-03-07"}}
    data["layout"] = layout
    data["language"] = "zh-CN" if language == "zh" else "en"
    data.setdefault("reports", [])
    for report in data["reports"]:
        report.pop("span", None), report.pop("position", None)
    for n in range(reports):
        extra = {"district": f"第{n + 1}区" if language == "zh" else f"Branch {n + 1}",
                 "title": f"第{n + 1}区推进产改工作成效明显" if language == "zh" else f"Branch {n + 1} agrees its plan for the year",
                 "body": "\n\n".join(numbered(100 * (n + 1) + i, max(2, sentences // 3), language) for i in range(3))}
        if photos and n % 3 == 0:
            extra["images"] = [{"src": "../photos/p.jpg", "caption": f"图为第{n + 1}区职工在培训中", "credit": f"记者{n + 1}"}]
        data["reports"].append(extra)
    if lead is not None:
        data["lead"] = {"title": "持续深化产业工人队伍建设改革" if language == "zh" else "A year of work on the quay",
                        "body": "\n\n".join(numbered(900 + i, 4, language) for i in range(lead))}
    if pages:
        data["pages"] = pages
    for index, page in (hints or {}).items():
        data["reports"][index]["page"] = page
    if photos:
        from PIL import Image

        (project / "photos").mkdir(exist_ok=True)
        Image.new("RGB", (1800, 1200), (90, 120, 150)).save(project / "photos" / "p.jpg")
    return write_issue(project, yaml.safe_dump(data, allow_unicode=True, sort_keys=False), f"{name}.yaml")


def pages_from_html(html: str) -> dict[int, dict[str, tuple[float, float, float, float]]]:
    """Each page's blocks (data-loc → x, y, w, h in the type area) as the HTML places them."""
    found: dict[int, dict] = {}
    for number, body in re.findall(r'<div class="composed" data-page="(\d+)"(.*?)(?=<div class="composed" data-page=|\Z)', html, re.S):
        found[int(number)] = {loc: tuple(float(v) for v in box) for loc, *box in re.findall(
            r'data-loc="([^"]+)" style="left: ([\d.]+)pt; top: ([\d.]+)pt; width: ([\d.]+)pt; height: ([\d.]+)pt"', body)}
    return found


def squash(text: str) -> str:
    return re.sub(r"[\s\u00ad\u2010-]+", "", text).translate(STRAIGHT)


def body_text(article: dict) -> str:
    return squash(re.sub(r"\*\*|\[|\]\([^)]*\)", "", article["body"]))


def built(path: Path, tmp_path: Path, *args: str):
    """The PDF built by the command line, and the composed pages as its HTML places them."""
    target = tmp_path / (path.stem + ".pdf")
    run = run_cli("build", path, "-o", target, *args)
    assert run.code == 0, run.stderr
    html = api.composed_html(api.check(path), options=DRAFT)[0]
    return target, pages_from_html(html), run


def check_paper(pdf: Path, pages: dict, source: Path, layout: str = "newspaper") -> dict[str, list[int]]:
    """Every article's text inside its own block(s), exactly once, in order across a jump;
    every jump line answered; no two blocks of a page overlapping; every page filled. Returns
    the pages each article is printed on."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    left, top = OFFSETS[layout]
    articles = ([("lead", data["lead"])] if data.get("lead") else []) + [(f"reports[{i}]", r) for i, r in enumerate(data["reports"])]
    on_pages: dict[str, list[int]] = {}
    with pymupdf.open(pdf) as doc:
        assert len(doc) == len(pages)
        whole = squash("".join(page.get_text() for page in doc))
        for number, blocks in pages.items():
            for loc, (x, y, w, h) in blocks.items():
                for other, (x2, y2, w2, h2) in blocks.items():
                    if other != loc:
                        assert not (x < x2 + w2 - 0.5 and x2 < x + w - 0.5 and y < y2 + h2 - 0.5 and y2 < y + h - 0.5), (number, loc, other)
                on_pages.setdefault(loc.rstrip("+"), []).append(number)
        for loc, article in articles:
            printed = ""
            for key in (loc, loc + "+"):
                for number, blocks in pages.items():
                    if key in blocks:
                        x, y, w, h = blocks[key]
                        text = doc[number - 1].get_textbox(pymupdf.Rect(x + left - 1, y + top - 1, x + w + left + 1, y + h + top + 1))
                        text = squash(JUMP.sub("", text))
                        if key.endswith("+"):  # the continuation head: the title again, smaller
                            text = text.replace(squash(article["title"]), "", 1)
                        printed += text
            body = body_text(article)
            assert body in printed, f"{loc}: its text is not all inside its block(s), in order"
            markers = re.findall(r"第\d+区第\d+项|Branch\d+reporteditem\d+:", body) or [body[:30]]
            twice = [m for m in markers if printed.count(m) != 1 or whole.count(m) > 1]  # (a jump line may stand inside one)
            assert not twice, f"{loc}: printed more than once: {twice[:3]}"
        text = "".join(page.get_text() for page in doc)
        jumps_to = re.findall(r"下转第([一二三四五六七八九十]+)版|Continued on page (\d+)", text)
        jumps_from = re.findall(r"上接第([一二三四五六七八九十]+)版|Continued from page (\d+)", text)
        assert len(jumps_to) == len(jumps_from), "every jump line is answered"
        for number, blocks in pages.items():
            lowest = max(y + h for x, y, w, h in blocks.values()) if blocks else 0
            page_text = doc[number - 1].get_text()
            for target in re.findall(r"下转第([一二三四五六七八九十]+)版", page_text):
                answer = doc["一二三四五六七八九十".index(target)].get_text()
                assert f"上接第{_zh(number)}版" in answer, f"page {number} jumps to page {target}, which does not say so"
            assert lowest > 0
    return on_pages


def _zh(number: int) -> str:
    return "一二三四五六七八九十"[number - 1]


def filled(pages: dict, height: float) -> None:
    """Every page's blocks reach the foot of its type area (the last over its footer)."""
    for number, blocks in pages.items():
        lowest = max(y + h for x, y, w, h in blocks.values())
        assert lowest > height - 120, f"page {number}: a blank band at the foot ({height - lowest:.0f} pt)"


def test_a_four_page_paper_is_composed_page_after_page(project, tmp_path):
    names = ["要闻", "基层动态", "维权服务", "职工文化"]
    path = paper(project, "four", pages=names, reports=14, sentences=9)
    pdf, pages, run = built(path, tmp_path)
    assert sorted(pages) == [1, 2, 3, 4]
    check_paper(pdf, pages, path)
    with pymupdf.open(pdf) as doc:
        assert "第一版" in doc[0].get_text() and "要闻" in doc[0].get_text()
        for number in (2, 3, 4):
            head = doc[number - 1].get_textbox(pymupdf.Rect(0, 0, doc[number - 1].rect.width, 60))
            assert f"第{_zh(number)}版" in head and names[number - 1] in head and "深化产改进行时" in head, head
    assert "briefs" in pages[4], "the briefs go on the last page"
    for number in (1, 2, 3):
        assert max(y + h for x, y, w, h in pages[number].values()) == pytest.approx(1116.05, abs=1.5), f"page {number} filled"


def test_a_lead_longer_than_a_page_jumps_to_page_two(project, tmp_path):
    path = paper(project, "jump", pages=["要闻", "综合"], reports=0, lead=44)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["reports"] = data["reports"][:5]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pdf, pages, run = built(path, tmp_path, "--allow-underfill")
    assert "lead" in pages[1] and "lead+" in pages[2], "the lead opens page 1 and goes on at the top of page 2"
    check_paper(pdf, pages, path)
    with pymupdf.open(pdf) as doc:
        first, second = doc[0].get_text(), doc[1].get_text()
        assert first.count("（下转第二版）") == 1 and second.count("（上接第一版）") == 1
        x, y, w, h = pages[1]["lead"]
        foot = doc[0].get_textbox(pymupdf.Rect(x + 33.9 + w / 2, y + 34 + h - 40, x + 33.9 + w + 1, y + 34 + h + 1))
        assert "下转第二版" in foot, "the jump line stands at the foot of the block's last column"


def test_page_hints_are_kept_and_checked(project, tmp_path):
    path = paper(project, "hints", pages=["要闻", "基层", "文化"], reports=8, sentences=9, hints={3: 3})
    pdf, pages, run = built(path, tmp_path, "--allow-underfill")
    assert "reports[3]" in pages[3]
    bad = paper(project, "bad", pages=["要闻", "基层"], reports=2, hints={1: 7})
    run = run_cli("check", bad)
    assert run.code == 1 and re.search(r"bad\.yaml:\d+:\d+: error: reports\[1\]\.page: page 7, but the issue names 2 page", run.stderr), run.stderr
    flowing = paper(project, "flowing", pages=["一", "二"], layout="briefing", hints={0: 2})
    run = run_cli("check", flowing)
    assert run.code == 1 and "pages: layout 'briefing' flows its text" in run.stderr and "reports[0].page" in run.stderr, run.stderr


def test_an_english_newsletter_lists_its_articles_and_pages(project, tmp_path):
    corpus = (Path(__file__).parent / "corpus" / "english-page.yaml").read_text(encoding="utf-8")
    from PIL import Image

    (project / "photos").mkdir(exist_ok=True)
    for name, size in (("wide", (1800, 1200)), ("square", (1000, 1000))):
        Image.new("RGB", size, (150, 90, 60)).save(project / "photos" / f"{name}.jpg")
    path = write_issue(project, corpus.replace("layout: newspaper", "layout: newsletter"), "letter.yaml")
    pdf, pages, run = built(path, tmp_path)
    assert len(pages) >= 2
    on_pages = check_paper(pdf, pages, path, "newsletter")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    with pymupdf.open(pdf) as doc:
        contents = doc[0].get_text()
        assert "IN THIS ISSUE" in contents.upper()
        for n, report in enumerate(data["reports"]):
            title = report["title"].replace("'", "’")
            listed = re.search(r"(\d+)\s+" + re.escape(title[:20]), contents)
            assert listed and int(listed.group(1)) == on_pages[f"reports[{n}]"][0], (title, on_pages)
        assert "PAGE 2" in doc[1].get_textbox(pymupdf.Rect(0, 0, doc[1].rect.width, 70)).upper()


def test_a_letter_style_is_us_letter(project, tmp_path):
    path = write_issue(project, "language: en\nlayout: newsletter\nstyle: letter\nmasthead: {title: Works News, date: 2025-03-07}\n"
                       f"reports:\n  - {{district: Branch 1, title: Our plan, body: '{numbered(1, 60, 'en')}'}}\n", "us.yaml")
    run = run_cli("build", path, "-o", tmp_path / "us.pdf", "--allow-underfill")
    assert run.code == 0, run.stderr
    with pymupdf.open(tmp_path / "us.pdf") as doc:
        assert (round(doc[0].rect.width), round(doc[0].rect.height)) == (612, 792)


def test_an_under_full_page_is_built_for_the_screen_and_refused_for_print(project, tmp_path):
    path = write_issue(project, "layout: newspaper\nmasthead: {title: 刊, date: 2024-12-06}\nlead: {title: 短, body: 只有一句话。}\n", "short.yaml")
    run = run_cli("build", path, "-o", tmp_path / "short.pdf")
    assert run.code == 0 and "warning: lead: the page is under-full" in run.stderr, run.stderr
    assert (tmp_path / "short.pdf").read_bytes().startswith(b"%PDF-"), "the editor sees the page the message describes"
    run = run_cli("build", path, "-o", tmp_path / "short-print.pdf", "--print")
    assert run.code == 1 and "error: lead: the page is under-full" in run.stderr
    assert not (tmp_path / "short-print.pdf").exists(), "a half-empty page never reaches the printer unnoticed"
    run = run_cli("build", path, "-o", tmp_path / "short.pdf", "--strict", "--force")
    assert run.code == 1


def test_a_short_english_issue_is_told_of_the_newsletter(project, tmp_path):
    from conftest import SAMPLE_EN

    path = write_issue(project, SAMPLE_EN.read_text(encoding="utf-8"), "short-en.yaml")
    run = run_cli("build", path, "--layout", "newspaper", "-o", tmp_path / "np.pdf")
    assert run.code == 0 and re.search(r"under-full .*; or use the layout newsletter: 1 page\b", run.stderr), run.stderr


def test_an_over_full_page_names_the_least_important_articles_first(project):
    path = paper(project, "over", reports=4, sentences=9)  # the sample and four reports more: over one page
    run = run_cli("build", path)
    assert run.code == 1
    named = re.findall(r"(reports\[\d+\]) \(", run.stderr)
    assert named and named[0] == "reports[10]", run.stderr  # the last report, not the lead


def test_the_preview_shows_every_page_and_redraws_one_block(project):
    from bulletinpress.desk import preview as previewing

    path = paper(project, "preview", pages=["要闻", "综合"], reports=5, sentences=9)
    shown = previewing.Preview(path)
    shown.rebuild()
    assert shown.error is None and len(shown.pngs) == 2, "every page is shown"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("第500区第0项", "第500区第〇项", 1), encoding="utf-8")
    shown.rebuild({path})
    state = shown.state()
    assert state["error"] is None and state["redrawn"] == ["reports[11]"], state["redrawn"]
    fresh = previewing.Preview(path)
    fresh.rebuild()
    assert shown.pngs == fresh.pngs, "the page with one block redrawn is the page laid out whole"


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=12), st.integers(min_value=3, max_value=15),
       st.booleans())
def test_random_papers_are_composed_or_told_what_misses(tmp_path_factory, count, reports, sentences, photos):
    """Random papers of one to four pages' worth: built and read back with every invariant,
    or refused for print with a message naming the page and what it lacks or has too much of."""
    project = tmp_path_factory.mktemp("random")
    (project / "issues").mkdir()
    names = ["要闻", "基层动态", "维权服务", "职工文化"][:count]
    path = paper(project, "random", pages=names, reports=reports, sentences=sentences, photos=photos)
    target = project / "random.pdf"
    run = run_cli("build", path, "-o", target, "--print", "--pdf-variant", "pdf/x-4")
    if run.code == 0:
        screen, pages, _ = built(path, project)
        check_paper(screen, pages, path)
    else:
        assert run.code == 1 and "Traceback" not in run.stderr
        assert re.search(r"error: [^\n]*(page \d+: )?the page is (over|under)-full by about \d+ line", run.stderr), run.stderr
        assert not target.exists(), "nothing half-written"


def test_an_english_lead_jumps_with_continued_lines(project, tmp_path):
    lead = "\n\n".join(numbered(900 + i, 4, "en") for i in range(14))
    reports = "".join(f"  - {{district: Branch {n}, title: Branch {n} agrees its plan, body: '{numbered(100 * n, 9, 'en')}'}}\n" for n in range(1, 6))
    path = write_issue(project, "language: en\nlayout: newsletter\nmasthead: {title: Works News, date: 2025-03-07}\n"
                       "lead:\n  title: A year of work on the quay\n  body: |\n" + "".join(f"    {line}\n" for line in lead.split("\n"))
                       + f"reports:\n{reports}", "quay.yaml")
    pdf, pages, run = built(path, tmp_path)
    assert "lead" in pages[1] and "lead+" in pages[2]
    check_paper(pdf, pages, path, "newsletter")
    with pymupdf.open(pdf) as doc:
        assert doc[0].get_text().count("Continued on page 2") == 1 and doc[1].get_text().count("Continued from page 1") == 1
