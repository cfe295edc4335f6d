"""Stages 3-4: context and HTML. Golden files pin the sample issue's HTML in both layouts;
regenerate them with UPDATE_GOLDEN=1 after a deliberate template change and review the diff."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bulletinpress import api
from bulletinpress.options import DRAFT
from conftest import SAMPLE_EN, SAMPLE_ZH, photo_issue, write_issue

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("sample", [SAMPLE_ZH, SAMPLE_EN], ids=["zh", "en"])
@pytest.mark.parametrize("layout", ["newspaper", "briefing"])
def test_golden_html(sample, layout):
    html, _, _ = api.composed_html(api.check(sample, layout=layout), options=DRAFT)  # the English sample is short
    golden = GOLDEN / f"{sample.stem}-{layout}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8")


def test_html_in_content_is_escaped_and_markup_works(project):
    path = write_issue(project, """\
        masthead:
          title: <i>刊名</i>
          date: 2024-12-06
        lead:
          title: 标题<script>alert(1)</script>
          body: |
            梳理**“思想清单”**，<img src="http://127.0.0.1/x.png">一段
            文字。
        """)
    html = re.sub(r'<span class="[^"]*">|</span>', "", api.html(api.check(path)))
    assert "&lt;i&gt;刊名&lt;/i&gt;" in html
    assert "标题&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<p>梳理<strong>“思想清单”</strong>，&lt;img src=&#34;http://127.0.0.1/x.png&#34;&gt;一段文字。</p>" in html.replace("<wbr>", "")
    assert "<script" not in html and "<img" not in html


def test_labels_follow_the_language(project):
    zh = api.html(api.check(write_issue(project, """\
        masthead: {title: 刊, number: 48, date: 2024-12-06}
        briefs: {items: [一条]}
        distribution: {report_to: [市总工会], copy_to: [甲, 乙], copies: 120}
        """, "zh.yaml"), layout="briefing"))
    for expected in ("第48期", "2024年12月6日", "一周动态", "报：</span>市总工会", "送：</span>甲，乙", "共印120份"):
        assert expected in zh
    en = api.html(api.check(write_issue(project, """\
        language: en
        masthead: {title: Bulletin, number: 48, date: 2024-12-06}
        briefs: {items: [One]}
        distribution: {copy_to: [A, B], copies: 120}
        """, "en.yaml"), layout="briefing"))
    for expected in ('lang="en"', "No. 48", "6 December 2024", "News in brief", "Copy to: </span>A, B", "120 copies printed"):
        assert expected in en


def test_title_newline_is_a_forced_break():
    html = api.html(api.check(SAMPLE_ZH))
    title = re.search(r'<h1 class="title"[^>]*>(.*?)</h1>', html).group(1)
    lines = [re.sub(r"<[^>]+>", "", line) for line in title.split("<br>")]
    assert lines == ["深化产业工人队伍建设改革", "加快建设一支知识型、技能型、创新型产业工人大军"]
    assert '<span class="w">产业工人</span>' in title  # each word one unbreakable unit (compose/headline.py)


def test_image_addresses_are_relative_to_the_html(project, tmp_path):
    (project / "photos").mkdir()
    from PIL import Image

    Image.new("RGB", (40, 30), "red").save(project / "photos" / "a.png")
    path = photo_issue(project, "../photos/a.png", ", caption: 图说, credit: 张三")
    checked = api.check(path)
    assert 'src="../photos/a.png"' in api.html(checked)
    assert 'src="../../photos/a.png"' in api.html(checked, asset_base=project / "build" / "web")
    assert "张三 摄" in api.html(checked)


def test_editors_note_is_labelled(project):
    path = write_issue(project, """\
        masthead: {title: 刊, date: 2024-12-06}
        lead:
          title: 题
          note: 这是编者按。
          body: 正文。
        """)
    html = api.html(api.check(path))
    assert '<p class="note"><span class="label">编者按：</span>这是编<span class="nobr">者按。</span></p>' in html
