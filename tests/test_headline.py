"""Headlines broken by words and balanced (compose/headline.py), unit by unit and read back
from composed pages."""

from __future__ import annotations

import re

import pymupdf
import rjieba

from bulletinpress.compose import headline, markup, typeset
from conftest import run_cli, write_issue


def texts(title: str, measure: float, language: str = "zh") -> list[str]:
    units = headline.units(typeset.typeset(markup.inline(title)) if language == "zh" else markup.inline(title), language)
    return ["".join(u.word.text if not u.word.space or i == 0 else " " + u.word.text for i, u in enumerate(line))
            for line in headline.balance_units(units, measure, language)]


def test_words_stay_whole_and_marks_stay_with_their_word():
    assert texts("加快建设一支知识型、技能型、创新型产业工人大军", 10) == ["加快建设一支", "知识型、技能型、", "创新型产业工人大军"]
    assert texts("“快递小哥”也有了“职工之家”", 10) == ["“快递小哥”也有了", "“职工之家”"]  # a short quotation is one unit
    assert texts("打造“金果子”产业链", 6) == ["打造", "“金果子”", "产业链"]


def test_lines_are_balanced_and_never_end_on_one_or_two_characters():
    lines = texts("西部陆海新通道建设全国引领性劳动和技能竞赛启动", 13)
    assert len(lines) == 2 and abs(len(lines[0]) - len(lines[1])) <= 2
    for measure in range(6, 20):
        last = texts("以技能提升培训推动产业工人全覆盖", measure)[-1]
        assert len(last) > 2, (measure, last)


def test_the_editors_space_is_the_preferred_break():
    assert texts("以赛促学 以学促干", 6) == ["以赛促学", "以学促干"]
    assert texts("以赛促学 以学促干", 20) == ["以赛促学 以学促干"]


def test_english_never_ends_on_one_word():
    lines = texts("New pilot boat enters service", 14, "en")
    assert len(lines) == 2 and len(lines[-1].split()) > 1


def test_a_unit_never_crosses_a_typeset_span():
    units = headline.units(typeset.typeset(markup.inline("重庆GDP增速 5G基站**建设**提速")), "zh")
    for unit in units:
        assert unit.html.count("<span") == unit.html.count("</span>") and unit.html.count("<strong>") == unit.html.count("</strong>")
    assert "".join(u.word.text for u in units) == "重庆GDP增速5G基站建设提速"


TITLES = ["加快建设一支知识型、技能型、创新型产业工人大军", "西部陆海新通道建设全国引领性劳动和技能竞赛启动",
          "“快递小哥”也有了“职工之家”", "技能提升培训全覆盖", "打造“金果子”产业链助推乡村振兴", "以赛促学 以学促干"]


def test_composed_headlines_break_only_between_words(project, tmp_path):
    body = "近日，区总工会组织开展职工技能竞赛，共有来自32家企业的156名职工参加，涌现出一批技术能手。" * 9
    reports = "".join(f"  - district: 第{n}区\n    title: {title}\n    body: {body}\n" for n, title in enumerate(TITLES * 2))
    path = write_issue(project, f"layout: newspaper\nmasthead: {{title: 测试, date: 2024-12-06}}\nreports:\n{reports}", "titles.yaml")
    target = tmp_path / "titles.pdf"
    run = run_cli("build", path, "-o", target, "--allow-overflow")
    assert run.code == 0, run.stderr
    found = _title_lines(target)
    assert len(found) >= len(TITLES)
    for lines in found:
        title = "".join(lines)
        bounds = _boundaries(title)
        position = 0
        for line in lines[:-1]:
            position += len(line)
            assert position in bounds, f"{lines}: broken inside a word"
        assert len(lines[-1]) > 2, f"{lines}: a last line of {len(lines[-1])} characters"


def _boundaries(title: str) -> set[int]:
    cuts, position = {0}, 0
    for word in rjieba.cut(title, hmm=False):
        position += len(word)
        cuts.add(position)
    return cuts


def _title_lines(pdf) -> list[list[str]]:
    """Each headline's lines: bold sans lines bigger than the body, grouped while they follow
    one another in one block."""
    found, current, last = [], [], None
    with pymupdf.open(pdf) as doc:
        for page in doc:
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    spans = [s for s in line["spans"] if s["text"].strip()]
                    if not spans:
                        continue
                    big = all("Sans" in s["font"] and "Bold" in s["font"] and s["size"] >= 11.5 for s in spans)
                    text = re.sub(r"\s+", "", "".join(s["text"] for s in spans))
                    if big and text in "".join(TITLES) + "".join(TITLES).replace(" ", ""):
                        if last is not None and abs(line["bbox"][1] - last) < 30 and current:
                            current.append(text)
                        else:
                            current and found.append(current)
                            current = [text]
                        last = line["bbox"][1]
    current and found.append(current)
    return found
