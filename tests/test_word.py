"""Word files as the world writes them (issue 21): each structure found in public projects'
test documents and WPS users' files, reproduced here with python-docx and raw OOXML, and
imported: no traceback, every readable file an article, the text once and in order, and
what cannot become text named with its paragraph number."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from PIL import Image

from conftest import run_cli

BODY = "近日，区总工会组织开展职工技能竞赛，共有来自32家企业的156名职工参加，涌现出一批技术能手。"


def imported(project: Path, path: Path, *args: str) -> tuple[dict, str]:
    run = run_cli("import", path, *args, cwd=project)
    assert run.code == 0 and "Traceback" not in run.stderr, run.stderr
    [report] = yaml.safe_load(run.stdout)["reports"]
    return report, run.stderr


def saved(document, tmp_path: Path, name: str = "report.docx") -> Path:
    path = tmp_path / name
    document.save(path)
    return path


def raw(paragraph_xml: str):
    """A w:p written as Word writes it (what python-docx has no API for)."""
    spaces = {"mc": "http://schemas.openxmlformats.org/markup-compatibility/2006", "v": "urn:schemas-microsoft-com:vml",
              "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
              "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"}
    more = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in spaces.items())
    return parse_xml(f"<w:p {nsdecls('w', 'r', 'wp', 'a', 'pic')} {more}>{paragraph_xml}</w:p>")


def test_styled_paragraphs_and_list_styles_import(project, tmp_path):
    """A Heading 1 title, a List Number paragraph (numbering through its style and basedOn)
    and a character style: the paragraph styles every Word document has."""
    document = docx.Document()
    document.add_paragraph("技能竞赛点燃产业工人创新热情", style="Heading 1")
    document.add_paragraph("黔江区总工会", style="Heading 2")
    document.add_paragraph(BODY)
    document.add_paragraph("提高站位。", style="List Number")
    document.add_paragraph("压实责任。", style="List Number")
    report, _ = imported(project, saved(document, tmp_path))
    assert report["title"] == "技能竞赛点燃产业工人创新热情" and report["district"] == "黔江区总工会"
    paragraphs = report["body"].strip().split("\n\n")
    assert paragraphs[0] == BODY and paragraphs[1].endswith("提高站位。") and paragraphs[2].endswith("压实责任。")


def test_a_localized_heading_style_is_a_title(project, tmp_path):
    document = docx.Document()
    style = document.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    document.add_paragraph("黔江区深化产改工作纪实", style="标题 1")
    document.add_paragraph(BODY)
    report, stderr = imported(project, saved(document, tmp_path), "--district", "黔江区")
    assert report["title"] == "黔江区深化产改工作纪实" and "title guessed" not in stderr


def test_the_gongwen_title_is_found_and_said_so(project, tmp_path):
    """The 公文 title: 方正小标宋 22 pt, centred, not bold."""
    document = docx.Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("关于开展职工技能竞赛的通知")
    run.font.size = Pt(22)
    run._r.get_or_add_rPr().append(parse_xml(f'<w:rFonts {nsdecls("w")} w:eastAsia="方正小标宋简体"/>'))
    document.add_paragraph(BODY)
    report, stderr = imported(project, saved(document, tmp_path), "--district", "黔江区")
    assert report["title"] == "关于开展职工技能竞赛的通知"
    assert re.search(r"title guessed from paragraph 1 \(22 pt, centred, 小标宋\)", stderr), stderr


def test_a_document_with_nothing_that_looks_like_a_title_is_imported_with_a_guess(project, tmp_path):
    document = docx.Document()
    for text in ("区总工会开展技能竞赛", BODY, BODY):
        document.add_paragraph(text)
    report, stderr = imported(project, saved(document, tmp_path), "--district", "黔江区")
    assert report["title"] == "区总工会开展技能竞赛" and report["body"].count(BODY) == 2
    assert "title guessed from the first paragraph" in stderr


def test_a_long_first_paragraph_gives_a_title_and_keeps_its_text(project, tmp_path):
    document = docx.Document()
    document.add_paragraph(BODY * 2)
    report, stderr = imported(project, saved(document, tmp_path), "--district", "黔江区")
    assert report["title"] == "近日" and report["body"].strip() == BODY * 2, "nothing lost to the guess"
    assert "title guessed from the opening words" in stderr


def test_word_structures_give_their_text_once_and_in_order(project, tmp_path):
    """Content controls (block and inline), a simple and a complex field (their results),
    math, a tracked move, a line break inside a run, tabs, a non-breaking hyphen, bold off
    (w:b w:val="0"), bold with spaces at its edges, stars typed in the text, and a text box
    that Word writes twice (DrawingML and its VML fallback)."""
    document = docx.Document()
    document.add_paragraph("技能竞赛成效显著", style="Title")
    body = document.element.body
    paragraphs = [
        '<w:r><w:t xml:space="preserve">内容控件：</w:t></w:r><w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>行内文字</w:t></w:r></w:sdtContent></w:sdt>',
        '<w:fldSimple w:instr=" DATE "><w:r><w:t>2024年12月6日</w:t></w:r></w:fldSimple><w:r><w:t>召开大会</w:t></w:r>',
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "http://x" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>链接文字</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>之后</w:t></w:r>',
        '<w:r><w:t xml:space="preserve">公式 </w:t></w:r><m:oMath><m:r><m:t>E=mc2</m:t></m:r></m:oMath>',
        '<w:moveFrom w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>旧处</w:t></w:r></w:moveFrom>'
        '<w:moveTo w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>新处</w:t></w:r></w:moveTo>',
        '<w:r><w:t>First line</w:t><w:br/><w:t>second</w:t><w:tab/><w:t>tabbed</w:t><w:noBreakHyphen/><w:t>word</w:t></w:r>',
        '<w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>不加粗</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> 加粗 </w:t></w:r><w:r><w:t>5*3=15</w:t></w:r>',
        '<w:r><w:t>文本框前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
        '<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框里的字</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>'
        '<w:p><w:r><w:t>文本框里的字</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>',
    ]
    sect = body[-1]
    for xml in paragraphs:
        sect.addprevious(raw(xml))
    block = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>块级内容控件里的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    sect.addprevious(block)
    report, stderr = imported(project, saved(document, tmp_path), "--district", "黔江区")
    text = report["body"]
    for expected in ("内容控件：行内文字", "2024年12月6日召开大会", "链接文字之后", "公式 E=mc2", "新处", "First line second tabbed-word",
                     "不加粗 **加粗** 5\\*3=15", "文本框前", "块级内容控件里的段落"):
        assert expected in text, (expected, text)
    assert "HYPERLINK" not in text and "旧处" not in text and "** **" not in text and "****" not in text
    assert text.count("文本框里的字") == 1, "a text box's text once, never its VML copy too"
    assert "a text box (its text imported" in stderr and "a tracked move" in stderr


def test_pictures_that_cannot_be_had_are_named_and_the_text_imported(project, tmp_path):
    """A linked picture (not in the file), one whose part is missing, one whose target climbs
    out of the package: the text is imported, each picture named at its paragraph."""
    document = docx.Document()
    document.add_paragraph("技能竞赛成效显著", style="Title")
    document.add_paragraph(BODY)
    part = document.part
    linked = part.relate_to("file:///C:/photos/a.jpg", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image", is_external=True)
    missing = part.relate_to("media/gone.png", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image", is_external=True)
    for rel_id in (linked, missing):
        document.element.body[-1].addprevious(raw(
            f'<w:r><w:drawing><wp:inline><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:link="{rel_id}"/></pic:blipFill>'
            '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'))
    path = saved(document, tmp_path)
    escaped = _rewrite(path, "word/_rels/document.xml.rels", lambda xml: xml.replace(
        b'Target="media/gone.png" TargetMode="External"', b'Target="../../../etc/passwd"'))
    report, stderr = imported(project, escaped, "--district", "黔江区")
    assert BODY in report["body"] and "images" not in report
    assert re.search(r"paragraph 3: a linked picture \(file:///C:/photos/a\.jpg\) is not in the file", stderr), stderr
    assert "paragraph 4: a picture whose part is missing" in stderr


def test_a_huge_picture_is_named_not_imported(project, tmp_path):
    document = docx.Document()
    document.add_paragraph("技能竞赛成效显著", style="Title")
    document.add_paragraph(BODY)
    picture = tmp_path / "p.png"
    Image.new("1", (9000, 9000)).save(picture)  # 81 million pixels in a small file
    document.add_picture(str(picture))
    report, stderr = imported(project, saved(document, tmp_path), "--district", "黔江区")
    assert "images" not in report and "a picture of 9000×9000 pixels" in stderr, stderr


def test_an_inflating_part_is_too_large_not_a_memory_blow_up(project, tmp_path):
    """A small .docx whose document.xml inflates past the ceiling: 'too large', at once."""
    path = tmp_path / "bomb.docx"
    source = saved(_titled(), tmp_path, "base.docx")
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<!--" + b" " * (70 * 2**20) + b"--></w:body>")
            out.writestr(item, data)
    assert path.stat().st_size < 2 * 2**20
    run = run_cli("import", path, cwd=project)
    assert run.code == 2 and "too large to import" in run.stderr and "Traceback" not in run.stderr, run.stderr


@pytest.mark.parametrize("suffix,content_type", [
    (".docm", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    (".dotx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
])
def test_macro_documents_and_templates_import(project, tmp_path, suffix, content_type):
    source = saved(_titled(), tmp_path, "base.docx")
    path = _rewrite(source, "[Content_Types].xml", lambda xml: xml.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", content_type.encode()), suffix)
    report, _ = imported(project, path, "--district", "黔江区")
    assert report["title"] == "技能竞赛成效显著"


def test_iso_strict_is_read(project, tmp_path):
    """Word's "Strict Open XML Document": the same elements under other namespaces."""
    source = saved(_titled(), tmp_path, "base.docx")
    strict = _rewrite(source, "word/document.xml", lambda xml: xml.replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main", b"http://purl.oclc.org/ooxml/wordprocessingml/main"))
    report, _ = imported(project, strict, "--district", "黔江区")
    assert BODY in report["body"]


def test_the_district_guess_never_eats_a_body_paragraph_and_a_missing_one_is_a_placeholder(project, tmp_path):
    document = _titled()
    document.add_paragraph("市总工会组织调研组深入园区企业，调研产业工人队伍建设改革工作。")
    report, stderr = imported(project, saved(document, tmp_path))
    assert "市总工会组织调研组" in report["body"]
    assert report["district"] == "待填写" and "district: none found in the file" in stderr
    issue = project / "issues" / "issue.yaml"
    issue.write_text("masthead: {title: 刊, date: 2024-12-06}\n", encoding="utf-8")
    run = run_cli("import", saved(document, tmp_path), "--into", issue, cwd=project)
    assert run.code == 0 and "# guessed from nothing: no district" in issue.read_text(encoding="utf-8")


def test_an_empty_document_says_why(project, tmp_path):
    run = run_cli("import", saved(docx.Document(), tmp_path), cwd=project)
    assert run.code == 1 and "the file has no text to import: it is empty" in run.stderr, run.stderr


def _titled():
    document = docx.Document()
    document.add_paragraph("技能竞赛成效显著", style="Title")
    document.add_paragraph(BODY)
    return document


def _rewrite(path: Path, part: str, change, suffix: str = ".docx") -> Path:
    out = path.with_name(path.stem + "-changed" + suffix)
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in original.infolist():
            data = original.read(item.filename)
            target.writestr(item, change(data) if item.filename == part else data)
    return out



def test_a_tables_text_is_imported_row_by_row_and_an_alt_chunk_named(project, tmp_path):
    document = _titled()
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "企业", (0, 1): "人数", (1, 0): "长安汽车", (1, 1): "120"}.items():
        table.cell(row, col).text = text
    document.element.body[-1].addprevious(parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="rIdX"/>'))
    report, stderr = imported(project, saved(document, tmp_path), "--district", "黔江区")
    assert "企业；人数" in report["body"] and "长安汽车；120" in report["body"]
    assert "a table: its text imported row by row (2 rows)" in stderr and "an embedded document (altChunk)" in stderr


def test_an_old_vml_picture_is_imported(project, tmp_path):
    """Word 2003's VML picture (v:imagedata), as documents converted from .doc keep it."""
    document = _titled()
    picture = tmp_path / "p.png"
    Image.new("RGB", (400, 300), (90, 120, 150)).save(picture)
    inline = document.add_picture(str(picture))  # the image part and its relationship
    rel_id = document.element.body.xpath(".//a:blip/@r:embed")[0]
    drawing = document.element.body.xpath(".//w:drawing")[0]
    drawing.getparent().replace(drawing, parse_xml(
        f'<w:pict {nsdecls("w", "r")} xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:imagedata r:id="{rel_id}"/></v:shape></w:pict>'))
    report, _ = imported(project, saved(document, tmp_path), "--district", "黔江区")
    assert len(report["images"]) == 1 and inline is not None


def test_charts_objects_and_smartart_are_named(project, tmp_path):
    document = _titled()
    chart = ('<w:r><w:drawing><wp:inline><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
             '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rId98"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
    smartart = ('<w:r><w:drawing><wp:inline><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
                '<dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" r:dm="rId1" r:lo="rId2" r:qs="rId3" r:cs="rId4"/>'
                '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
    ole = '<w:r><w:object><v:shape/></w:object></w:r>'
    for xml in (chart, smartart, ole):
        document.element.body[-1].addprevious(raw(xml))
    report, stderr = imported(project, saved(document, tmp_path), "--district", "黔江区")
    assert "paragraph 3: a chart" in stderr and "paragraph 4: a SmartArt graphic" in stderr and "paragraph 5: an embedded object" in stderr, stderr


def test_every_ceiling_of_the_package_holds(tmp_path, monkeypatch):
    """Too many parts, and too much XML in all: 'too large', before anything is read."""
    from bulletinpress.desk import wordfile

    source = saved(_titled(), tmp_path, "base.docx")
    crowded = tmp_path / "crowded.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(crowded, "w") as out:
        for item in original.infolist():
            out.writestr(item, original.read(item.filename))
        for n in range(wordfile.MAX_ENTRIES):
            out.writestr(f"extra/item{n}.xml", b"<a/>")
    with pytest.raises(wordfile.WordFileError, match="parts .at most 5000.: too large"):
        wordfile.Package(crowded)
    monkeypatch.setattr(wordfile, "MAX_TOTAL", 2000)  # smaller than the document and its styles together
    with pytest.raises(wordfile.WordFileError, match="too large to import"):
        wordfile.Package(source)
