"""Stage: checks that need the project and the layout but no rendering.

Run by both `check` and `build`, before anything is drawn: a photo that is missing or
outside the project, or a character that none of the layout's fonts has (it would print as
a blank box), is an error naming the file, line and character.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..errors import Diagnostic, SetupError
from . import files
from .load import Source, dotted
from .model import Issue
from .project import Layout, Project

#: fields whose values are names or paths, not text that gets printed
_NOT_PRINTED = {"src", "language", "layout", "style", "output"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".tif", ".tiff"}


def images(source: Source, issue: Issue, project: Project) -> list[Diagnostic]:
    problems = []
    issue_dir = source.path.resolve().parent
    for loc, image in image_locs(issue):
        try:
            path = (issue_dir / image.src).resolve()
            path.is_file()
        except (OSError, RuntimeError, ValueError) as exc:  # a name too long, a loop of links
            problems.append(source.diagnostic(loc, f"{dotted(loc)}: photo '{image.src[:80]}' cannot be followed: "
                                              f"{getattr(exc, 'strerror', None) or exc}"))
            continue
        refused = files.refusal(issue_dir / image.src, files.PHOTO, [project.root])
        if not path.is_relative_to(project.root):
            problems.append(source.diagnostic(loc, f"{dotted(loc)}: '{image.src}' is outside the bulletin project ({project.root}); photos must be inside it"))
        elif refused == files.NOT_FOUND:
            problems.append(source.diagnostic(loc, f"{dotted(loc)}: photo '{image.src}' not found (looked for {path})"))
        elif path.suffix.lower() not in IMAGE_SUFFIXES:
            problems.append(source.diagnostic(loc, f"{dotted(loc)}: '{image.src}' is not a photo format bulletinpress reads ({', '.join(sorted(IMAGE_SUFFIXES))})"))
        else:
            reason = refused or _unreadable(path)
            if reason:
                problems.append(source.diagnostic(loc, f"{dotted(loc)}: photo '{image.src}' cannot be read: {reason}"))
    return problems


def image_locs(issue: Issue):
    articles = [(("lead",), issue.lead)] if issue.lead else []
    articles += [(("reports", i), r) for i, r in enumerate(issue.reports)]
    for base, article in articles:
        for j, image in enumerate(article.images):
            yield base + ("images", j, "src"), image


#: a photo's pixels at the most: a full A3 page at 300 ppi is 17 million; 60 million leaves
#: room for any camera, and a 50000×50000 PNG of 300 KB (2.5 billion) never reaches memory
MAX_PIXELS = 60_000_000


#: an SVG's elements nest a few levels (a drawing's groups); thousands is an attack that
#: WeasyPrint would draw as an empty frame
MAX_SVG_DEPTH = 200


def _unreadable(path: Path) -> str | None:
    if path.suffix.lower() == ".svg":
        return _unreadable_svg(path)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:  # the header only: the size is known before any pixel is decoded
            width, height = img.size
            if width * height > MAX_PIXELS:
                return (f"it is {width}×{height} pixels ({width * height / 1e6:.0f} million; at most {MAX_PIXELS // 1_000_000} "
                        "million): save it smaller (a full A3 page at 300 ppi needs 17 million)")
            img.verify()
    except Image.DecompressionBombError as exc:  # Pillow refuses it at its header already
        import re

        count = re.search(r"(\d+) pixels", str(exc))
        many = f"{int(count.group(1)) / 1e6:.0f} million pixels" if count else "far too many pixels"
        return f"it is {many} (at most {MAX_PIXELS // 1_000_000} million): save it smaller (a full A3 page at 300 ppi needs 17 million)"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _unreadable_svg(path: Path) -> str | None:
    """Why an SVG photo would not draw: not XML, not an SVG (an HTML page saved as .svg),
    or nested past MAX_SVG_DEPTH. Parsed as events with entities off: nothing is fetched."""
    from lxml import etree

    depth, root = 0, None
    try:
        for event, element in etree.iterparse(str(path), events=("start", "end"), resolve_entities=False,
                                               no_network=True, huge_tree=False, load_dtd=False):
            depth += 1 if event == "start" else -1
            root = element if root is None else root
            if event == "end":
                element.clear()  # a large drawing is read, not kept
            if depth > MAX_SVG_DEPTH:
                return f"its elements nest more than {MAX_SVG_DEPTH} levels deep; save the drawing again flattened"
    except (etree.XMLSyntaxError, OSError) as exc:
        if "depth" in str(exc):  # libxml2 stops at 256 levels, before the events reach here
            return f"its elements nest more than {MAX_SVG_DEPTH} levels deep; save the drawing again flattened"
        return f"it is not a well-formed SVG drawing ({str(exc).split(',')[0]}); export it again as SVG"
    if root is None or etree.QName(root).localname != "svg":
        found = etree.QName(root).localname if root is not None else "nothing"
        return f"it is not an SVG drawing (its first element is <{found}>, not <svg>); export it again as SVG"
    return None


def glyphs(source: Source, issue: Issue, layout: Layout, skip: set = frozenset()) -> list[Diagnostic]:
    """Every printed character must be in one of the layout's fonts, as fontconfig sees them.
    Fields in `skip` are not printed from this file (the issue overrides the settings')."""
    problems = []
    families = layout.fonts.get(issue.primary_language, ())
    coverage, missing_fonts = font_coverage(families, issue.language)
    for family in missing_fonts:
        problems.append(Diagnostic(source.path, 1, 1, f"font '{family}' named by layout '{layout.name}' is not installed"))
    if not coverage:
        return problems
    printable: dict[str, bool] = {}  # each distinct character is looked up once
    for loc, node in source.scalars.items():
        if not isinstance(node.value, str) or (loc and loc[-1] in _NOT_PRINTED) or loc in skip:
            continue
        chars = set(node.value)
        for char in chars - printable.keys():
            printable[char] = char.isspace() or unicodedata.category(char) in ("Cc", "Cf") or ord(char) in coverage
        missing = {char for char in chars if not printable[char]}
        for offset, char in enumerate(node.value if missing else ()):
            if char in missing:
                missing.discard(char)  # named once per field, at its first place
                pos = source.locate_in_text(loc, offset)
                name = unicodedata.name(char, "unnamed character")
                problems.append(
                    Diagnostic(
                        source.path, pos.line, pos.column,
                        f"{dotted(loc)}: '{char}' (U+{ord(char):04X} {name}) is in none of the layout's fonts "
                        f"({', '.join(families)}); it would print as a blank box",
                    )
                )
    return problems


class Coverage:
    """Code points as merged ranges, as fontconfig reports them: testing a character is a
    bisection, and a CJK font's ~65 000 code points are never expanded one by one."""

    def __init__(self, ranges: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for first, last in sorted(ranges):
            if merged and first <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        self.starts = [first for first, _ in merged]
        self.ends = [last for _, last in merged]

    def __contains__(self, code_point: int) -> bool:
        index = bisect.bisect_right(self.starts, code_point) - 1
        return index >= 0 and code_point <= self.ends[index]

    def __bool__(self) -> bool:
        return bool(self.starts)


@lru_cache(maxsize=16)
def font_coverage(families: tuple[str, ...], lang: str) -> tuple[Coverage, tuple[str, ...]]:
    """The code points the families cover, read from fontconfig's cache (no font is parsed)."""
    if shutil.which("fc-match") is None:
        raise SetupError(
            "fc-match (fontconfig) is not installed, so the characters cannot be checked against the "
            "layout's fonts (a missing one would print as a blank box): apt-get install fontconfig"
        )
    covered: list[tuple[int, int]] = []
    missing = []
    # one fc-match per family, run side by side: a check costs one process's wait, not three
    running = [
        (family, subprocess.Popen(
            ["fc-match", "--format=%{family}\n%{charset}", f"{family}:lang={lang}"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        ))
        for family in families
    ]
    for family, process in running:
        found, _, charset = process.communicate()[0].partition("\n")
        if family.lower() not in [f.strip().lower() for f in found.split(",")]:
            missing.append(family)
            continue
        for part in charset.split():
            first, _, last = part.partition("-")
            covered.append((int(first, 16), int(last or first, 16)))
    return Coverage(covered), tuple(missing)


def hints(source: Source, issue: Issue, layout: Layout) -> list[Diagnostic]:
    """Composition hints the layout cannot honour: a span wider than its grid, two reports
    that both want the top (or the bottom) row out of order, a hint in a flowing layout."""
    problems = []
    grid = layout.compose
    for index, report in enumerate(issue.reports):
        loc = ("reports", index)
        if report.span is not None and grid is None:
            problems.append(source.diagnostic(loc + ("span",), f"reports[{index}].span: layout '{layout.name}' flows its text; it has no grid to span (use a composed layout, such as newspaper)"))
        elif report.span is not None and report.span > grid.columns:
            problems.append(source.diagnostic(loc + ("span",), f"reports[{index}].span: {report.span} columns, but layout '{layout.name}' has {grid.columns}"))
    problems += _pages(source, issue, layout)
    if grid is not None and not paginated(issue, layout):
        problems += _positions(source, issue, 2 * grid.columns)
    return problems


def paginated(issue: Issue, layout: Layout) -> bool:
    """More than one page is composed: the issue names its pages, or the layout makes as many
    as the copy needs (a composed layout without a fixed number of pages)."""
    return layout.compose is not None and (bool(issue.pages) or layout.pages is None)


def _pages(source: Source, issue: Issue, layout: Layout) -> list[Diagnostic]:
    """`pages:` and `page:` need a composed layout, and a page hint a page that exists."""
    problems = []
    if issue.pages and layout.compose is None:
        problems.append(source.diagnostic(("pages",), f"pages: layout '{layout.name}' flows its text from page to page; "
                                          "it has no pages to name (use a composed layout: newspaper or newsletter)"))
    count = len(issue.pages) if issue.pages else layout.pages
    for loc, article in [(("lead",), issue.lead)] + [(("reports", i), r) for i, r in enumerate(issue.reports)]:
        if article is None or article.page is None:
            continue
        where = dotted(loc + ("page",))
        if layout.compose is None:
            problems.append(source.diagnostic(loc + ("page",), f"{where}: layout '{layout.name}' flows its text; it composes no pages to choose from"))
        elif count is not None and article.page > count:
            named = "the issue names" if issue.pages else f"layout '{layout.name}' has"
            problems.append(source.diagnostic(loc + ("page",), f"{where}: page {article.page}, but {named} {count} page(s)"
                                              + ("" if issue.pages else "; list the pages with `pages:` to make more")))
    return problems


def _positions(source: Source, issue: Issue, row: int) -> list[Diagnostic]:
    """A report put in the top row must be among the first that one row can hold (the order
    is the order of importance: rows keep it), and one put in the bottom row among the last."""
    problems, count = [], len(issue.reports)
    for index, report in enumerate(issue.reports):
        far = index >= row if report.position == "top" else (count - index > row if report.position == "bottom" else False)
        if far:
            problems.append(source.diagnostic(("reports", index, "position"), (
                f"reports[{index}].position: '{report.position}' cannot be kept: a row holds at most {row} reports "
                f"and the others stay in the file's order; move it {'up' if report.position == 'top' else 'down'} in the file")))
    return problems
