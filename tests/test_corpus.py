"""A corpus beyond the sample (tests/corpus/): each issue built in every layout and style and
read back — the text in order, fonts embedded, no .notdef, each caption exactly once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pymupdf
import pytest
import yaml

from bulletinpress import api
from bulletinpress.options import DRAFT
from bulletinpress.press import preflight
from conftest import squash

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.yaml"))
LAYOUTS = [("newspaper", None), ("newspaper", "blue"), ("briefing", None), ("briefing", "plain")]


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory) -> Path:
    from PIL import Image

    root = tmp_path_factory.mktemp("corpus")
    (root / "issues").mkdir()
    (root / "photos").mkdir()
    for name, size, colour in (("wide", (1800, 1200), (150, 90, 60)), ("tall", (900, 1350), (60, 120, 90)), ("square", (1000, 1000), (70, 80, 160))):
        Image.new("RGB", size, colour).save(root / "photos" / f"{name}.jpg", quality=80)
    for issue in CORPUS:
        shutil.copy(issue, root / "issues" / issue.name)
    return root


def articles(data: dict) -> list[dict]:
    return ([data["lead"]] if data.get("lead") else []) + list(data.get("reports", []))


def expected_order(data: dict) -> list[str]:
    """What must be read in this order: each article's first title line, then the briefs."""
    pieces = [a["title"].splitlines()[0].strip() for a in articles(data)]
    pieces += [item[:12] for item in (data.get("briefs") or {}).get("items", [])]
    return [squash(p) for p in pieces]


def captions(data: dict) -> list[str]:
    return [squash(image["caption"]) for a in articles(data) for image in a.get("images", []) if image.get("caption")]


@pytest.mark.parametrize("layout,style", LAYOUTS, ids=[f"{l}-{s or 'default'}" for l, s in LAYOUTS])
@pytest.mark.parametrize("issue", CORPUS, ids=[p.stem for p in CORPUS])
def test_the_corpus_builds_and_reads_back(corpus_project, issue, layout, style, tmp_path):
    path = corpus_project / "issues" / issue.name
    data = yaml.safe_load(issue.read_text(encoding="utf-8"))
    target = tmp_path / f"{issue.stem}.pdf"
    result = api.build(path, target, layout=layout, style=style, options=DRAFT)
    assert result.pages >= 1
    with pymupdf.open(target) as pdf:
        text = squash("".join(page.get_text() for page in pdf))
        fonts = {font[3]: font[1] for page in pdf for font in page.get_fonts()}
    position = 0
    for piece in expected_order(data):
        found = text.find(piece, position)
        assert found >= 0, f"{piece!r} missing or out of order"
        position = found + len(piece)
    for caption in captions(data):
        assert text.count(caption) == 1, f"caption {caption!r} printed {text.count(caption)} times"
    assert fonts and all(ext != "n/a" for ext in fonts.values()), f"fonts not embedded: {fonts}"
    report = preflight.check(target)
    assert "notdef" not in {f.code for f in report.findings}, "a glyph no font has"
    assert "font-not-embedded" not in {f.code for f in report.findings}


def test_the_corpus_has_what_the_sample_lacks():
    texts = {p.stem: p.read_text(encoding="utf-8") for p in CORPUS}
    everything = "\n".join(texts.values())
    assert "credit:" in everything and "note:" in everything and "](https://" in everything
    assert "distribution:" in everything and "language: en" in everything
    assert re.search(r"district: \S{12,}", everything), "a district name of twelve characters or more"
    sizes = sorted(len(t) for t in texts.values())
    assert sizes[0] < 400 and sizes[-1] > 4_000, "a very short issue and a very long one"
