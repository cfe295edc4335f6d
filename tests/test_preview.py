"""The live preview (desk/preview.py, desk/serve.py): an edit to one article of a composed
page redraws only its block, and what the editor sees is the page laid out whole, pixel for
pixel; anything more than a block's contents lays the page out whole; the browser is told
of a build as soon as it is there, and fetches only the pages that changed."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pypdfium2 as pdfium
import pytest
import yaml
from PIL import Image

import test_compose as composing
from bulletinpress import api
from bulletinpress.desk import preview as previewing
from bulletinpress.desk import serve
from conftest import SAMPLE_ZH, write_issue


def sample(project, layout: str = "newspaper"):
    return write_issue(project, SAMPLE_ZH.read_text(encoding="utf-8").replace("layout: newspaper", f"layout: {layout}"), "sample.yaml")


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def whole(path) -> previewing.Preview:
    """The issue as a fresh preview lays it out: whole."""
    fresh = previewing.Preview(path)
    fresh.rebuild()
    assert fresh.error is None, fresh.error
    return fresh


def pixels(pdf: bytes) -> list[bytes]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=1).to_pil().tobytes() for page in document]
    finally:
        document.close()


@pytest.mark.parametrize("case,old,new,block", [
    ("body", "近日，市总工会", "近一，市总工会", "reports[0]"),
    ("title", "创新“四同培育”工作法", "创新“五同培育”工作法", "reports[2]"),
    ("briefs", "- 近日，北碚区", "- 近一，北碚区", "briefs"),
    ("photo block", "district: 黔江区", "district: 黔江县", "reports[1]"),
])
def test_an_edit_to_one_article_redraws_its_block_and_shows_the_whole_page(project, case, old, new, block):
    path = composing.sample_share(project, 0.75, True) if case == "photo block" else sample(project)
    preview = whole(path)
    edit(path, old, new)
    before = preview.state()
    preview.rebuild({path})
    state = preview.state()
    assert state["error"] is None and state["redrawn"] == [block]
    fresh = whole(path)
    assert preview.pngs == fresh.pngs  # the same pixels: the same PNG bytes
    assert state["texts"] == fresh.state()["texts"]
    assert state["texts"] != before["texts"] and state["versions"] == [before["generation"] + 1]


@pytest.mark.parametrize("change", ["a report less", "the masthead"])
def test_an_edit_beyond_the_blocks_lays_the_page_out_whole(project, change):
    """A report less moves the blocks; a masthead edit leaves every block as it was but
    changes the page around them."""
    path = sample(project)
    preview = whole(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if change == "a report less":
        del data["reports"][3]
    else:
        data["masthead"]["title"] = "深化产改进行中"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    preview.rebuild({path})
    assert preview.state()["redrawn"] == [] and not preview.shown.patched
    assert preview.pngs == whole(path).pngs


def test_a_changed_photo_lays_the_page_out_whole(project):
    path = composing.sample_share(project, 0.75, True)
    preview = whole(path)
    shown = preview.pngs
    photo = project / "photos" / "wide.jpg"
    Image.new("RGB", (1800, 1200), (200, 40, 40)).save(photo)  # same size, other pixels: the YAML is the same
    preview.rebuild({photo})
    assert not preview.shown.patched and preview.pngs != shown
    assert preview.pngs == whole(path).pngs


def test_only_the_pages_an_edit_changed_get_a_new_version(project):
    path = sample(project, "briefing")
    preview = whole(path)
    first, pngs = preview.state(), preview.pngs
    assert first["pages"] >= 3
    edit(path, "同时，", "同时同时，")  # in the last report, pages after the first
    preview.rebuild({path})
    state = preview.state()
    changed = [i for i, (a, b) in enumerate(zip(pngs, preview.pngs)) if a != b]
    assert changed and 0 not in changed
    assert state["versions"] == [state["generation"] if i in changed else first["generation"] for i in range(state["pages"])]
    assert preview.pngs == whole(path).pngs


def test_a_patched_page_settles_into_the_page_laid_out_whole(project):
    path = sample(project)
    preview = whole(path)
    edit(path, "近日，市总工会", "近二，市总工会")
    preview.rebuild({path})
    assert preview.shown.patched
    state = preview.state()
    preview.settle()
    assert not preview.shown.patched
    assert preview.state() == {**state, "redrawn": []}  # nothing the browser shows changed, no new build


def test_a_draft_prints_as_the_build_does(project):
    """The preview's PDFs are uncompressed and reuse font subsets made for earlier drafts
    (weasy/engine.py kept_font_subsets): drawn, they are the built PDF's pixels, also after
    the kept subsets grew for another issue and when a glyph is new to them."""
    small = write_issue(project, "layout: briefing\nmasthead: {title: 刊, date: 2024-12-06}\nlead: {title: 题, body: 文。}\n", "small.yaml")
    rare = write_issue(project, "layout: briefing\nmasthead: {title: 刊, date: 2024-12-06}\nlead: {title: 题, body: 龘靐齉。}\n", "rare.yaml")
    for path in (small, sample(project, "briefing"), small, rare):
        assert pixels(api.draft_pdf(api.draft(path))[0]) == pixels(api.pdf_bytes(path))


def test_the_state_answers_as_soon_as_the_next_build_is_there(project, monkeypatch):
    path = sample(project)
    server = serve.serve(path, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        state = json.load(urllib.request.urlopen(url + "state"))
        assert state["generation"] == 1 and state["versions"] == [1]
        got = {}

        def wait():
            got["state"] = json.load(urllib.request.urlopen(f"{url}state?after=1"))
            got["at"] = time.monotonic()

        waiting = threading.Thread(target=wait)
        waiting.start()
        time.sleep(0.5)
        assert "state" not in got  # the request waits for build 2
        saved = time.monotonic()
        edit(path, "近日，市总工会", "近三，市总工会")
        waiting.join(timeout=30)
        assert got["state"]["generation"] == 2 and got["state"]["redrawn"] == ["reports[0]"]
        assert got["at"] > saved
        image = urllib.request.urlopen(f"{url}page/0.png?v=2").read()
        assert image == whole(path).pngs[0]
    finally:
        server.stop_event.set()
        server.shutdown()
