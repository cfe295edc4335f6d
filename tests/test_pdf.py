"""End to end: build real PDFs through the CLI and read them back.

Text is read with two independent readers (PyMuPDF in content-stream order, poppler's
pdftotext), fonts with pdffonts, glyphs with PyMuPDF's text trace.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pymupdf
import pytest
import yaml

from conftest import STRAIGHT, SAMPLE_EN, SAMPLE_ZH, run_cli

PAGE_SIZES = {"A3": (841.89, 1190.55), "A4": (595.28, 841.89)}
LAYOUT_PAGE = {"newspaper": "A3", "briefing": "A4"}
CASES = [(SAMPLE_ZH, "newspaper"), (SAMPLE_ZH, "briefing"), (SAMPLE_EN, "briefing"), (SAMPLE_EN, "newspaper")]
IDS = [f"{s.stem}-{layout}" for s, layout in CASES]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[Path, str], Path]:
    out = tmp_path_factory.mktemp("pdf")
    result = {}
    for sample, layout in CASES:
        target = out / f"{sample.stem}-{layout}.pdf"
        run = run_cli("build", sample, "--layout", layout, "-o", target, "--allow-underfill")  # the English sample is short for an A3 page
        assert run.code == 0, run.stderr
        result[(sample, layout)] = target
    return result


def normalise(text: str) -> str:
    """What must survive extraction: no whitespace (lines wrap), no hyphens (English
    hyphenation), no layout ornaments (◆ list markers, — around district labels)."""
    return re.sub(r"[\s\-\u00ad\u2010◆—]+", "", text).translate(STRAIGHT)  # English quotes are typographic


def expected_pieces(sample: Path) -> list[str]:
    """Every headline, district, paragraph and brief of the source, in reading order,
    read straight from the YAML (independent of bulletinpress's own code)."""
    data = yaml.safe_load(sample.read_text(encoding="utf-8"))
    pieces = [data["masthead"]["title"]]
    for article in [data["lead"]] + data.get("reports", []):
        if "district" in article:
            pieces.append(article["district"])
        for key in ("kicker", "title", "subtitle", "byline"):
            if key in article:
                pieces.append(article[key])
        pieces += re.split(r"\n\s*\n", article["body"].strip())
    briefs = data.get("briefs")
    if briefs:
        pieces += [briefs.get("title", "")] + briefs["items"]
    return [normalise(p.replace("*", "")) for p in pieces if p]


def furniture_free(pages: list[str], title: str) -> str:
    """Page text without margin boxes: folios like '— 1 —', and the running foot
    (bulletin title and date) that the newspaper layout sets from page 2 on."""
    kept = []
    for number, page in enumerate(pages):
        for line in page.splitlines():
            if re.fullmatch(r"\s*— \d+ —\s*", line) or (number and line.strip().startswith(title + " ")):
                continue
            kept.append(line)
    return "\n".join(kept)


def masthead_title(sample: Path) -> str:
    return yaml.safe_load(sample.read_text(encoding="utf-8"))["masthead"]["title"]


def assert_in_order(pieces: list[str], text: str) -> None:
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        assert found >= 0, f"missing or out of order: {piece[:30]}… (after offset {position})"
        position = found + len(piece)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_piece_of_text_in_reading_order(built, case):
    sample, layout = case
    with pymupdf.open(built[case]) as doc:
        pages = [page.get_text("text", sort=False) for page in doc]
    text = normalise(furniture_free(pages, masthead_title(sample)))
    assert_in_order(expected_pieces(sample), text)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pdftotext_extracts_every_paragraph(built, case):
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(built[case]), "-"],
                         capture_output=True, text=True, check=True).stdout
    text = normalise(furniture_free(raw.split("\f"), masthead_title(case[0])))
    for piece in expected_pieces(case[0]):
        assert piece in text or len(piece) < 2, f"pdftotext lost: {piece[:30]}…"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_page_size_is_the_layouts(built, case):
    manifest = yaml.safe_load((Path(__file__).parents[1] / "layouts" / case[1] / "layout.yaml").read_text())
    assert manifest["page_size"] == LAYOUT_PAGE[case[1]]
    width, height = PAGE_SIZES[manifest["page_size"]]
    with pymupdf.open(built[case]) as doc:
        assert len(doc) >= 1
        for page in doc:
            assert abs(page.rect.width - width) < 0.5 and abs(page.rect.height - height) < 0.5


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fonts_embedded_subset_and_simplified_chinese(built, case):
    assert shutil.which("pdffonts"), "poppler-utils is part of the set-up"
    listing = subprocess.run(["pdffonts", str(built[case])], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert re.match(r"^[A-Z]{6}\+", name), f"not a subset: {name}"
        assert not re.search(r"CJK-(JP|KR|TC|HK)", name), f"wrong CJK face: {name}"
    names = " ".join(row[0] for row in rows)
    if case[0] == SAMPLE_ZH:
        assert "Noto-Serif-CJK-SC" in names and "Noto-Sans-CJK-SC" in names
    else:
        assert "Noto-Serif" in names and "Noto-Sans" in names


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_missing_glyph_and_chinese_only_in_sc_faces(built, case):
    drawn = 0
    with pymupdf.open(built[case]) as doc:
        for page in doc:
            for span in page.get_texttrace():
                for char in span["chars"]:
                    codepoint, glyph = char[0], char[1]
                    drawn += 1
                    assert glyph != 0, f"missing glyph (.notdef) for {chr(codepoint)!r} in {span['font']}"
                    if 0x4E00 <= codepoint <= 0x9FFF:
                        assert re.search(r"CJK.?SC|WenKai", span["font"]), (chr(codepoint), span["font"])
    assert drawn > 500
