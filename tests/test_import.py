"""`bulletinpress import`: Word files made with python-docx the way WPS writers make them."""

from __future__ import annotations

import copy

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image

from conftest import run_cli, write_issue

BODY = "近日，黔江区总工会组织开展职工技能竞赛，共有来自32家企业的156名职工参加，涌现出一批技术能手。" * 3


def chinese_numbering(document) -> str:
    """A numbering definition 一、二、 as Word writes it (chineseCounting, %1、): its numId."""
    numbering = document.part.numbering_part.element
    abstract = copy.deepcopy(numbering.find(qn("w:abstractNum")))
    abstract.set(qn("w:abstractNumId"), "90")
    level = abstract.find(qn("w:lvl"))
    level.find(qn("w:numFmt")).set(qn("w:val"), "chineseCounting")
    level.find(qn("w:lvlText")).set(qn("w:val"), "%1、")
    numbering.insert(0, abstract)
    num = numbering.makeelement(qn("w:num"), {qn("w:numId"): "90"})
    ref = num.makeelement(qn("w:abstractNumId"), {qn("w:val"): "90"})
    num.append(ref)
    numbering.append(num)
    return "90"


def numbered(paragraph, num_id: str) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = p_pr.makeelement(qn("w:numPr"), {})
    num_pr.append(num_pr.makeelement(qn("w:ilvl"), {qn("w:val"): "0"}))
    num_pr.append(num_pr.makeelement(qn("w:numId"), {qn("w:val"): num_id}))
    p_pr.append(num_pr)


@pytest.fixture
def wps_docx(tmp_path):
    """A report as a WPS writer makes it: a bold 22 pt title, a byline, 2-em indents made with
    full-width spaces, bold in the text, Word numbering, a photo and its caption, a table."""
    document = docx.Document()
    title = document.add_paragraph().add_run("技能竞赛点燃产业工人创新热情")
    title.bold, title.font.size = True, Pt(22)
    document.add_paragraph("黔江区总工会")
    paragraph = document.add_paragraph("\u3000\u3000")
    paragraph.add_run(BODY[:20])
    paragraph.add_run("劳动竞赛").bold = True
    paragraph.add_run(BODY[20:])
    num_id = chinese_numbering(document)
    for text in ("提高站位，统一思想。", "细化任务，压实责任。"):
        numbered(document.add_paragraph(text), num_id)
    picture = tmp_path / "p.png"
    Image.new("RGB", (800, 600), (90, 120, 150)).save(picture)
    document.add_picture(str(picture))
    document.add_paragraph("（图为竞赛现场）")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "企业"
    document.add_paragraph("最后一段，" + BODY[:40])
    path = tmp_path / "黔江区.docx"
    document.save(path)
    return path


def test_a_wps_report_becomes_an_article(project, wps_docx):
    run = run_cli("import", wps_docx, cwd=project)
    assert run.code == 0, run.stderr
    [report] = yaml.safe_load(run.stdout)["reports"]
    assert report["title"] == "技能竞赛点燃产业工人创新热情"
    assert report["district"] == "黔江区"
    paragraphs = report["body"].strip().split("\n\n")
    assert paragraphs[0].startswith("近日，") and "**劳动竞赛**" in paragraphs[0], "indent dropped, bold kept"
    assert paragraphs[1:3] == ["一、提高站位，统一思想。", "二、细化任务，压实责任。"], "Word's numbering as text"
    assert paragraphs[-1].startswith("最后一段")
    [image] = report["images"]
    assert image["caption"] == "图为竞赛现场" and (project / "issues" / image["src"]).resolve().is_file()
    assert "guessed from" in run.stdout, "a guessed field says where it came from"
    assert "a table: its text imported row by row" in run.stderr and "企业" in report["body"], "nothing dropped in silence"


def test_import_into_keeps_the_issue_and_builds(project, wps_docx):
    path = write_issue(project, "# 本期说明：保留这行注释\nmasthead: {title: 周报, date: 2024-12-06}\nreports:\n  - district: 涪陵区\n    title: 已有的报道\n    body: 已有的正文。\n", "issue.yaml")
    run = run_cli("import", wps_docx, "--into", path)
    assert run.code == 0, run.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 本期说明：保留这行注释\n") and "title: 已有的报道" in text
    data = yaml.safe_load(text)
    assert [r["title"] for r in data["reports"]] == ["已有的报道", "技能竞赛点燃产业工人创新热情"]
    assert run_cli("build", path, "-o", project / "out.pdf").code == 0


def test_plain_drafts_import_too(project, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("职工书屋开放\n\n黔江区总工会\n\n　　书屋藏书三千册，\n每天开放八小时。\n", encoding="utf-8")
    report = yaml.safe_load(run_cli("import", draft, cwd=project).stdout)["reports"][0]
    assert report["title"] == "职工书屋开放" and report["district"] == "黔江区"
    assert report["body"].strip() == "书屋藏书三千册，每天开放八小时。", "soft-wrapped lines joined, indent dropped"


@pytest.mark.parametrize("name,content,message", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "save it as .docx"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "save it again"),
    ("report.wps", b"anything", "save it as .docx"),
])
def test_files_that_cannot_be_read_get_a_clear_error(project, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    run = run_cli("import", path, cwd=project)
    assert run.code == 2 and message in run.stderr and "Traceback" not in run.stderr, run.stderr
