"""The WeChat edition: the web edition with every style on its own element.

WeChat's article editor keeps only inline styles: no <style>, no classes, no scripts, no
outside links, no custom properties, no pseudo-elements. So the web stylesheet is first
made plain for one language (its var()s resolved, rem turned into px, :lang() rules kept or
dropped, @supports left out, html and body styles moved onto a wrapping <section>), then
css-inline puts each rule on the elements it selects; what CSS drew (the ◆ before a brief)
becomes text, links become their text and address, photos are scaled to WeChat's limits.
"""

from __future__ import annotations

import base64
import io
import re

#: the web edition's root font size (styles/web.css `html { font-size }`): rem are px of it
ROOT_PX = 17.0
#: the widest photo a phone shows; larger ones are scaled down (WeChat takes 10 MB at most)
PHOTO_WIDTH = 1080
PHOTO_BYTES = 2_000_000


def page(web_html: str, css: str, language: str) -> str:
    """The WeChat page made from the web edition's HTML and its stylesheet."""
    import css_inline

    body = re.search(r"<body[^>]*>(.*)</body>", web_html, re.S).group(1)
    body = _markers(_links(body, language))
    body = _photos(body)
    document = (f'<html lang="{language}"><head><style>{plain_css(css, language)}</style></head>'
                f'<body><section class="wx-root">{body}</section></body></html>')
    inlined = css_inline.inline(document)
    section = re.search(r"(<section.*</section>)", inlined, re.S).group(1)
    return _without_classes(section)


def plain_css(css: str, language: str) -> str:
    """The stylesheet as css-inline and WeChat can take it, for `language`."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = _without_supports(css)
    variables = _variables(css, language)
    css = re.sub(r"(?:^|\n)\s*(?::root|html:lang\([a-z-]+\))\s*\{[^}]*\}", "\n", css)
    for _ in range(4):
        css = re.sub(r"var\((--[\w-]+)\)", lambda m: variables.get(m.group(1), ""), css)
    css = re.sub(r"(-?\d*\.?\d+)rem\b", lambda m: f"{float(m.group(1)) * ROOT_PX:g}px", css)
    css = _languages(css, language)
    css = re.sub(r"(^|\}|\n)\s*(?:html|body)\s*\{", r"\1 .wx-root {", css)
    css = re.sub(r"[^{}]*::?before\s*\{[^}]*\}", "", css)
    return css + f"\n.wx-marker {{ color: {variables.get('--accent', 'inherit')};{' margin-right: 0.4em;' if language == 'en' else ''} }}\n"


def _without_supports(css: str) -> str:
    """@supports blocks left out (one level of nesting, as web.css has)."""
    return re.sub(r"@supports[^{]*\{(?:[^{}]*\{[^}]*\})*\s*\}", "", css)


def _variables(css: str, language: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in re.finditer(r"(:root|html:lang\(([a-z-]+)\))\s*\{([^}]*)\}", css):
        lang = match.group(2)
        if lang is None or lang.split("-")[0] == language:
            found.update({name: value.strip() for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", match.group(3))})
    return found


def _languages(css: str, language: str) -> str:
    """Rules for another language dropped, ':lang(this one)' taken off the rest."""
    def rule(match: re.Match) -> str:
        selectors = [s.strip() for s in match.group(1).split(",")]
        kept = []
        for selector in selectors:
            langs = re.findall(r":lang\(([a-z-]+)\)", selector)
            if any(lang.split("-")[0] != language for lang in langs):
                continue
            kept.append(re.sub(r":lang\([a-z-]+\)\s*", "", selector).strip() or ".wx-root")
        return f"{', '.join(kept)} {{{match.group(2)}}}" if kept else ""

    return re.sub(r"([^{}@]+)\{([^{}]*)\}", rule, css)


def _links(body: str, language: str) -> str:
    """WeChat articles allow no outside links: a link is its text and its address."""
    def text(match: re.Match) -> str:
        address, label = match.group(1), match.group(2)
        if re.sub(r"<[^>]+>", "", label) == address:
            return label
        return f"{label}（{address}）" if language == "zh" else f"{label} ({address})"

    return re.sub(r'<a href="([^"]*)"[^>]*>(.*?)</a>', text, body, flags=re.S)


def _markers(body: str) -> str:
    """The ◆ a brief's ::before draws, as text (WeChat keeps no pseudo-elements)."""
    def items(match: re.Match) -> str:
        return re.sub(r"<li>", '<li><span class="wx-marker">◆</span>', match.group(0))

    return re.sub(r'<section class="briefs.*?</section>', items, body, flags=re.S)


def unusable(path) -> str | None:
    """Why a photo (checked readable for print) cannot go into a WeChat article: WeChat
    shows JPEG, PNG and GIF only, and a photo is decoded whole here to be scaled, so a
    truncated file that print would draw half of is said now, at the photo's line."""
    from PIL import Image

    if path.suffix.lower() == ".svg":
        return "is an SVG drawing, which WeChat articles do not show: export it as a PNG 1080 pixels wide and use that"
    try:
        with Image.open(path) as image:
            image.load()
    except Exception as exc:  # Pillow raises many kinds for a damaged file: each is the same to the editor
        return f"cannot be decoded for WeChat ({str(exc) or type(exc).__name__}): save it again from a photo editor"
    return None


def _photos(body: str) -> str:
    return re.sub(r'src="data:(image/[\w.+-]+);base64,([^"]+)"', _photo, body)


def _photo(match: re.Match) -> str:
    """A photo scaled to a phone's width and WeChat's size, as JPEG unless it has transparency."""
    from PIL import Image

    raw = base64.b64decode(match.group(2))
    if len(raw) <= PHOTO_BYTES:
        try:
            with Image.open(io.BytesIO(raw)) as image:
                if image.width <= PHOTO_WIDTH:
                    return match.group(0)
        except Exception:
            return match.group(0)
    with Image.open(io.BytesIO(raw)) as image:
        image.thumbnail((PHOTO_WIDTH, PHOTO_WIDTH * 4))
        out = io.BytesIO()
        if image.mode in ("RGBA", "LA", "P"):
            image.save(out, "PNG", optimize=True)
            mime = "image/png"
        else:
            image.convert("RGB").save(out, "JPEG", quality=85)
            mime = "image/jpeg"
    return f'src="data:{mime};base64,{base64.b64encode(out.getvalue()).decode("ascii")}"'


def _without_classes(html: str) -> str:
    return re.sub(r'\s(?:class|data-loc)="[^"]*"', "", html)
