"""Body text: line joining by script, paragraphs, inline emphasis, HTML as literal text."""

from __future__ import annotations

from bulletinpress.compose import markup as text


def test_chinese_line_breaks_vanish_latin_ones_become_spaces():
    body = "重庆市坚持系统\n观念，2024年前三季度，重庆\nGDP增速跃居\n全国第二。\n\nLatin words\nwrap here, “引号”\n和 5G\n基站"
    assert text.paragraphs(body, "zh") == [
        "重庆市坚持系统观念，2024年前三季度，重庆GDP增速跃居全国第二。",
        "Latin words wrap here, “引号”和 5G基站",
    ]


def test_english_quotes_are_not_wide():
    assert text.paragraphs("He said “yes”\nand left.", "en") == ["He said “yes” and left."]


def test_leading_ideographic_indent_is_dropped():
    assert text.paragraphs("\u3000\u3000第一段。\n\n  \u3000第二段。", "zh") == ["第一段。", "第二段。"]


def test_emphasis_next_to_chinese_punctuation():
    assert text.inline("梳理**“思想清单”**，学意见") == "梳理<strong>“思想清单”</strong>，学意见"
    assert text.inline("*斜体*与**粗体**") == "<em>斜体</em>与<strong>粗体</strong>"


def test_unmatched_and_escaped_stars_stay_literal():
    assert text.inline("a ** b") == "a ** b"
    assert text.inline(r"\*not\*") == "*not*"


def test_html_is_text():
    assert text.inline("<b>粗</b> & <script>") == "&lt;b&gt;粗&lt;/b&gt; &amp; &lt;script&gt;"


def test_title_lines():
    assert text.lines_text("第一行\n 第二行 \n") == ["第一行", "第二行"]


def test_links_only_for_web_and_mail_addresses():
    assert text.inline("见[官网](https://example.org/a?b=1&c=2)") == '见<a href="https://example.org/a?b=1&amp;c=2">官网</a>'
    assert text.inline("[邮件](mailto:a@b.cn)") == '<a href="mailto:a@b.cn">邮件</a>'
    for literal in ("[x](file:///etc/passwd)", "[x](javascript:alert(1))", "![图](http://a/b.png)", r"\[x](http://a)"):
        assert "<a" not in text.inline(literal)



def test_english_gets_typographic_quotes_but_addresses_keep_theirs(project):
    from bulletinpress import api
    from conftest import write_issue

    path = write_issue(project, """\
        language: en
        masthead: {title: Bulletin, date: 2024-12-06}
        lead:
          title: The branch's "new deal"
          body: |
            "You can practise," she said, at [the council's site](https://example.org/it's) or www.example.org/a'b.
        """, "quotes.yaml")
    html = api.html(api.check(path)).replace("&#39;", "'")
    assert "The branch’s “new deal”" in html and "“You can practise,” she said" in html
    assert "council’s site" in html
    assert 'href="https://example.org/it\'s"' in html and "www.example.org/a'b" in html
