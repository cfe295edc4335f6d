"""The live preview and the web edition, in a real browser: Debian's Chromium driven by
Playwright (no browser download: `executable_path=/usr/bin/chromium`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import yaml

from conftest import MINIMAL, SAMPLE_ZH, photo_issue, run_cli, write_issue

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    assert shutil.which(CHROMIUM), "Chromium is part of the set-up (Debian package chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@contextmanager
def serving(path):
    """`bulletinpress serve` of `path` in its own process, and the address it listens at."""
    proc = subprocess.Popen([sys.executable, "-m", "bulletinpress", "serve", str(path), "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    url = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if match := re.search(r"Serving (http://127\.0\.0\.1:\d+/)", line):
            url = match.group(1)
            break
    try:
        assert url, "the server said where it listens"
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def served(project):
    path = write_issue(project, MINIMAL.replace("标题", "第一版标题"))
    with serving(path) as url:
        yield url, path


def test_preview_follows_the_editor(browser, served):
    url, path = served
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function("document.querySelector('img.page') && document.querySelector('img.page').alt.includes('第一版标题')", timeout=30_000)
    assert page.locator("#error").is_hidden()

    path.write_text(MINIMAL.replace("标题", "改过的标题"), encoding="utf-8")
    page.wait_for_function("document.querySelector('img.page').alt.includes('改过的标题')", timeout=30_000)
    # the new page image loads after its alt text is set: wait for it, then look at it
    page.wait_for_function("document.querySelector('img.page').complete", timeout=30_000)
    assert page.evaluate("document.querySelector('img.page').naturalWidth") > 100

    path.write_text(MINIMAL.replace("  title: 标题\n", "  titel: 标题\n"), encoding="utf-8")
    page.wait_for_function("document.getElementById('error').textContent.includes('error')", timeout=30_000)
    error = page.locator("#error").inner_text()
    assert f"{path}:5:3: error: lead: unknown field 'titel'" in error
    assert "titel: 标题" in error  # the offending line
    assert "改过的标题" in page.locator("img.page").first.get_attribute("alt")  # the last good pages stay


def test_the_preview_fetches_only_the_pages_an_edit_changed(browser, project):
    path = write_issue(project, SAMPLE_ZH.read_text(encoding="utf-8").replace("layout: newspaper", "layout: briefing"))
    with serving(path) as url:
        page = browser.new_page()
        fetched = []
        page.on("request", lambda request: fetched.append(request.url) if ".png" in request.url else None)
        page.goto(url)
        page.wait_for_function("document.getElementById('status').textContent === 'build 1' && document.querySelectorAll('img.page').length > 2")
        first = page.evaluate("[...document.querySelectorAll('img.page')].map(img => img.getAttribute('src'))")
        assert len(fetched) == len(first)
        fetched.clear()
        path.write_text(path.read_text(encoding="utf-8").replace("同时，", "同时同时，", 1), encoding="utf-8")
        page.wait_for_function("document.getElementById('status').textContent === 'build 2'", timeout=30_000)
        then = page.evaluate("[...document.querySelectorAll('img.page')].map(img => img.getAttribute('src'))")
        changed = [i for i, (a, b) in enumerate(zip(first, then)) if a != b]
        assert changed and 0 not in changed and len(then) == len(first)
        page.wait_for_function("[...document.querySelectorAll('img.page')].every(img => img.complete)")
        assert sorted(fetched) == sorted(url.rstrip("/") + then[i] for i in changed)


def test_web_edition_fits_a_phone(browser, tmp_path):
    target = tmp_path / "sample.web.html"
    run = run_cli("build", SAMPLE_ZH, "--format", "web", "-o", target)
    assert run.code == 0, run.stderr
    html = target.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", html), "no external requests"
    page = browser.new_page(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(target.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert requests == [target.as_uri()]
    text = page.inner_text("body").replace("\n", "")
    data = yaml.safe_load(SAMPLE_ZH.read_text(encoding="utf-8"))
    articles = [data["lead"]] + data["reports"]
    for piece in [data["masthead"]["title"]] + [a["title"].splitlines()[0].strip() for a in articles]:
        assert piece in text
    for item in data["briefs"]["items"]:
        assert item[:10] in text
    headings = page.eval_on_selector_all("h1, h2", "els => els.map(e => e.textContent)")
    assert len(headings) == len(articles) + 1  # every article, and the briefs


def test_web_edition_embeds_photos(browser, project):
    from PIL import Image

    (project / "photos").mkdir()
    Image.new("RGB", (1200, 800), "teal").save(project / "photos" / "wide.jpg")
    path = photo_issue(project, "../photos/wide.jpg", ", caption: 很宽的照片")
    run = run_cli("build", path, "--format", "web")
    assert run.code == 0, run.stderr
    target = project / "build" / "issue.web.html"
    assert 'src="data:image/jpeg;base64,' in target.read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 360, "height": 700})
    page.goto(target.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("document.querySelector('figure img').naturalWidth") == 1200


def test_web_cjk_latin_space_never_starts_a_line(browser, project):
    """The ¼ em between Han and Latin text is the browser's own autospace, which it drops at
    a line's edges: a Latin run that opens a line starts flush with the column."""
    words = "近日发布GDP增速数据" * 40
    path = write_issue(project, f"masthead: {{title: 刊, date: 2024-12-06}}\nlead:\n  title: 题\n  body: {words}\n")
    target = project / "web.html"
    run = run_cli("build", path, "--format", "web", "-o", target)
    assert run.code == 0, run.stderr
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(target.as_uri())
    found = page.evaluate("""() => {
        const p = document.querySelector('.body p'), left = p.getBoundingClientRect().left;
        const runs = [...p.querySelectorAll('.latin')].map(s => s.getClientRects()[0]);
        const starts = runs.filter(r => Math.abs(r.left - left) < 12);
        return {runs: runs.length, starts: starts.map(r => r.left - left)};
    }""")
    assert found["runs"] >= 40 and found["starts"], "some Latin run opens a line at this width"
    assert all(abs(offset) < 0.5 for offset in found["starts"]), found["starts"]


def test_the_wechat_page_looks_like_the_web_edition(browser, project):
    """Every style inlined: the computed styles of headings, district labels, paragraphs,
    briefs and captions equal the web edition's, and nothing overflows a 375 px phone."""
    from PIL import Image

    (project / "photos").mkdir()
    Image.new("RGB", (2400, 1600), (90, 120, 150)).save(project / "photos" / "p.jpg")
    path = write_issue(project, """\
        masthead: {title: 职工之家, date: 2024-12-06}
        lead:
          title: 技能大赛落幕
          body: 近日，第12届职工技能大赛在渝举行，详见[市总工会网站](https://www.cqgh.org/news)。
          images: [{src: ../photos/p.jpg, caption: 图为Python赛项现场, credit: 张三}]
        reports:
          - district: 黔江区
            title: 职工书屋开放
            body: 书屋藏书三千册，每天开放八小时。
        briefs:
          items: [近日，市总工会发布2025年职工技能提升行动方案。]
        """, "wechat.yaml")
    web, chat = project / "a.web.html", project / "a.wechat.html"
    assert run_cli("build", path, "--format", "web", "-o", web).code == 0
    run = run_cli("build", path, "--format", "wechat", "-o", chat)
    assert run.code == 0, run.stderr
    html = chat.read_text(encoding="utf-8")
    assert "<style" not in html and "<script" not in html and "class=" not in html and "<a " not in html
    assert "市总工会网站（https://www.cqgh.org/news）" in html, "links as text: WeChat allows no outside links"
    probe = """() => {
        const pick = (sel) => [...document.querySelectorAll(sel)];
        const look = (el) => { const s = getComputedStyle(el); return [s.fontSize, s.fontFamily, s.fontWeight, s.color,
            s.backgroundColor, s.lineHeight, s.textIndent, s.textAlign]; };
        const byText = (tag) => Object.fromEntries(pick(tag).map(el => [el.textContent.replace(/\\s+/g, ''), look(el)]));
        return {h: byText('h1, h2'), p: byText('p'), li: byText('li'), cap: byText('figcaption'),
                wide: document.documentElement.scrollWidth};
    }"""
    looks = {}
    for name, target in (("web", web), ("chat", chat)):
        page = browser.new_page(viewport={"width": 375, "height": 740})
        page.goto(target.as_uri())
        found = page.evaluate(probe)
        for part in ("h", "p", "li", "cap"):  # a link is its text and its address in WeChat
            found[part] = {re.sub(r"（https?://[^）]*）", "", text): style for text, style in found[part].items()}
        looks[name] = found
    for part in ("h", "p", "cap"):
        assert looks["web"][part], part
        for text, style in looks["web"][part].items():
            assert looks["chat"][part].get(text) == style, (part, text)
    for text, style in looks["web"]["li"].items():  # the ◆ is text in WeChat
        assert looks["chat"]["li"]["◆" + text] == style
    assert looks["chat"]["wide"] <= 375
