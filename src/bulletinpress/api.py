"""The pipeline, top to bottom: source (load → validate → check) → compose (context →
HTML) → weasy (PDF) → press (PDF/X → write → preflight).

The CLI is a thin layer over these functions; everything here raises `BulletinError`
subclasses (see errors.py) and logs through `logging`, never prints.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ContentError, Diagnostic, PreflightFailed, UsageError
from .options import DRAFT, SCREEN, Options
from .press import fonts, output
from .press.pdfx import PrintOptions
from .source import check as checks
from .source import files, load, settings, validate
from .source.model import Issue
from .source.project import Layout, Project, builtin_dir, resolve_layout

logger = logging.getLogger(__name__)

FORMATS = {"pdf": ".pdf", "html": ".html", "web": ".web.html", "wechat": ".wechat.html"}


@dataclass
class Checked:
    """An issue that passed every check that needs no rendering."""

    source: load.Source
    issue: Issue
    project: Project
    layout: Layout


@dataclass
class BuildResult:
    source: Path
    output: Path
    pages: int
    seconds: float
    warnings: list[Diagnostic] = field(default_factory=list)
    preflight: object | None = None  # a preflight.Report, for --print builds
    notes: list[str] = field(default_factory=list)  # what the build did that the editor should know


def check(path: Path, *, layout: str | None = None, style: str | None = None) -> Checked:
    """Load, validate and check one issue file; every problem in it is raised at once."""
    source = load.read(path)
    project = Project.of_issue(path)
    _, defaults, settings_source = project.settings
    merged = settings.merge(defaults, source.data) if isinstance(source.data, dict) else None
    issue = validate.validate(source, merged, settings_source)
    chosen = _layout(source, issue, project, layout, style)
    problems = checks.images(source, issue, project) + checks.glyphs(source, issue, chosen)
    problems += checks.hints(source, issue, chosen)
    if settings_source is not None:  # the settings' text is printed too (masthead, 报/送/发)
        problems += checks.glyphs(settings_source, issue, chosen, skip=set(source.scalars))
    if problems:
        raise ContentError(sorted(problems, key=lambda d: (d.line, d.column)))
    return Checked(source, issue, project, chosen)


def lint(path: Path) -> list[Diagnostic]:
    """The copy rules (compose/copyedit.py) over an issue file, as warnings at their places;
    the project's `districts:` checks the district names."""
    return _copy_warnings(check(path))


def lint_text(text: str, name: Path, root: Path) -> list[Diagnostic]:
    """The copy rules over issue YAML given as text (`lint --stdin`, an editor's buffer),
    with the settings of the project at `root`; its findings under `name`."""
    from .compose import copyedit

    source = load.parse(name, text)
    if source.errors:
        raise ContentError(list(source.errors.values()))
    settings_ = Project(root.resolve()).settings[0]
    data = source.data if isinstance(source.data, dict) else {}
    language = str(data.get("language") or settings_.language or "zh-CN").split("-")[0]
    return copyedit.lint(source, "en" if language == "en" else "zh", settings_.districts, settings_.lint)


def import_file(path: Path, *, into: Path | None = None, kind: str = "report", district: str | None = None,
                project_root: Path | None = None) -> tuple[str, list[str]]:
    """A Word file or a draft as an article (desk/importer.py): appended to `into` (written
    atomically, then checked), or returned as YAML; with what was guessed or left out."""
    from .desk import importer

    if kind not in ("report", "lead", "briefs"):
        raise UsageError(f"--as must be report, lead or briefs, not '{kind}'")
    draft = importer.read(path, district)
    if kind == "report":
        importer.need_district(draft)
    root = Project.of_issue(into).root if into else (project_root or Path.cwd())
    base = into.resolve().parent if into else root / "issues"
    fields = importer.article(draft, root / "photos", path.stem, base)
    if into is None:
        return importer.as_yaml(fields, kind, draft), draft.notes
    if not into.is_file():
        raise UsageError(f"{into}: no such issue file: make it with `bulletinpress new`, or import without --into")
    with output.editing(into):  # two imports into one issue: one after the other, both kept
        read = files.read(into, files.ISSUE)
        text = importer.append_into(into, fields, kind, draft)
        output.write_atomic(into, text.encode("utf-8"), expected=read)
    return text, draft.notes


def lint_fix(path: Path) -> tuple[str, list[Diagnostic]]:
    """Apply the copy rules' fixes to the issue file in place (desk/lint.py): the diff, and
    the findings left for the editor."""
    from .desk import lint as linting

    checked = check(path)
    diff, left = linting.fix(path, checked.issue.primary_language, checked.project.settings[0].lint)
    return diff, left + [d for d in lint(path) if d.fix is None]


def _copy_warnings(checked: Checked) -> list[Diagnostic]:
    from .compose import copyedit

    settings = checked.project.settings[0]
    return copyedit.lint(checked.source, checked.issue.primary_language, settings.districts, settings.lint)


def build(
    path: Path,
    target: Path | None = None,
    *,
    fmt: str = "pdf",
    layout: str | None = None,
    style: str | None = None,
    options: Options = SCREEN,
    checked: Checked | None = None,
) -> BuildResult:
    """Build one issue into `target` (default: the project's build/ folder).

    With `options.print` the PDF is made for the print shop (PDF/X, CMYK, bleed, crop
    marks) and preflighted; a composed page that is over-full is an error unless
    `options.allow_overflow`, and an under-full one is a warning on screen and an error in
    print unless `options.allow_underfill`."""
    started = time.perf_counter()
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    checked = checked or check(path, layout=layout, style=style)
    if options.print is not None:
        options = replace(options, print=_shop(checked, options.print))
    target = target or checked.project.build_dir / (path.stem + FORMATS[fmt])
    warnings: list[Diagnostic] = []
    notes: list[str] = []
    report = None
    if fmt == "html":
        page_html, warnings, _ = composed_html(checked, target.parent, embed_css=True, options=options)
        data, pages = page_html.encode("utf-8"), 0
    elif fmt == "web":
        data, pages = web(checked).encode("utf-8"), 0
    elif fmt == "wechat":
        data, pages = wechat(checked).encode("utf-8"), 0
    else:
        data, pages, warnings, notes = _pdf(checked, options)
        data = fonts.compact(data)  # a third of the size: the fonts hold only the glyphs drawn
    if options.print is not None and fmt == "pdf":
        report = _preflight(target, data, options.print)
    output.write_atomic(target, data)
    if options.print is not None and options.print.package and fmt == "pdf":
        notes.append(f"print package: {_package(checked, target, report, options.print)}")
    warnings = _copy_warnings(checked) + warnings
    seconds = time.perf_counter() - started
    logger.debug("%s → %s (%s pages, %.2f s)", path, target, pages or "-", seconds)
    return BuildResult(path, target, pages, seconds, warnings, report, notes)


def _preflight(target: Path, data: bytes, print_options: PrintOptions):
    """Preflight the print PDF before it is written: one the print shop would refuse never
    replaces the previous good file."""
    from .press import preflight

    from .press import shop

    limit = shop.ink_limit(print_options.paper, print_options.max_ink)
    report = preflight.check(target, standard=print_options.variant, data=data, max_ink=limit, paper=print_options.paper)
    if report.errors:
        raise PreflightFailed(report)
    return report


def _package(checked: Checked, target: Path, report, print_options: PrintOptions) -> Path:
    """The print package beside the PDF (press/package.py): the job ticket from the issue."""
    from .press import package, shop

    issue = checked.issue
    job = package.Job(
        name=target.stem, title=issue.masthead.title or target.stem, trim_mm=report.pages[0].trim_mm,
        bleed_mm=print_options.bleed_mm, pages=len(report.pages),
        copies=issue.distribution.copies if issue.distribution else None, paper=print_options.paper,
        condition=print_options.condition or (report.output_intent or "").rsplit(" (", 1)[0],
        max_ink=shop.ink_limit(print_options.paper, print_options.max_ink))
    return package.write(target, report, job)


def targets(paths: list[Path], out: str | Path | None, fmt: str) -> list[Path | None]:
    """Where each issue goes. `-o` names a folder for several issues, or when it ends with
    a slash, is a folder already, or has no suffix (`-o build`: never a file named build);
    else the one issue's file. Two issues that would land on the same file are an error."""
    if out is None:
        return [None] * len(paths)
    text, suffix = str(out), FORMATS.get(fmt, "")
    folder = Path(text)
    if len(paths) > 1 or text.endswith(("/", "\\")) or folder.is_dir() or not folder.suffix:
        chosen = [folder / (p.stem + suffix) for p in paths]
        _no_collisions(paths, chosen)
    else:
        chosen = [folder]
    _no_inputs(paths, chosen)
    return chosen


def _no_inputs(paths: list[Path], chosen: list[Path]) -> None:
    """An issue file is never written over by an output (`-o issues/x.yaml`)."""
    sources = {p.resolve(): p for p in paths}
    for target in chosen:
        if target.resolve() in sources:
            raise UsageError(f"{sources[target.resolve()]} would be written over by the build's output: give -o a PDF file or a folder")


def _no_collisions(paths: list[Path], chosen: list[Path]) -> None:
    seen: dict[Path, Path] = {}
    clashes = []
    for path, target in zip(paths, chosen):
        if target in seen and seen[target].resolve() != path.resolve():
            clashes.append(f"{seen[target]} and {path} would both be written to {target}")
        seen.setdefault(target, path)
    if clashes:
        raise UsageError("; ".join(clashes) + ": build them into separate folders, or rename one")


def layouts(folder: Path) -> list[Layout]:
    """Every layout a project can use (its own, then the built-in ones), with its styles."""
    project = Project(folder.resolve())
    return [resolve_layout(project, name, None) for name in project.layout_names()]


def _layout(source: load.Source, issue: Issue, project: Project, layout: str | None, style: str | None) -> Layout:
    """The layout asked for on the command line, else in the issue; a bad name is the editor's error."""
    try:
        return resolve_layout(project, layout or issue.layout, style if layout or style else issue.style)
    except LookupError as exc:
        if layout or style:
            raise UsageError(str(exc.args[0])) from None
        field_name = "style" if issue.style and "style" in str(exc.args[0]) else "layout"
        loc = (field_name,) if field_name in source.data else ()
        raise ContentError([source.diagnostic(loc, f"{field_name}: {exc.args[0]}")]) from None


def html(checked: Checked, asset_base: Path | None = None, embed_css: bool = False, output: str = "screen",
         options: Options = SCREEN) -> str:
    """The issue's HTML; image addresses relative to `asset_base` (default: the issue's folder).
    With `embed_css` the layout's CSS is inlined, making a self-contained file. A composed
    layout's page that cannot be filled is an error here, as `options` say (`composed_html`)."""
    page_html, _, _ = composed_html(checked, asset_base, embed_css, output, options=options)
    return page_html


def composed_html(checked: Checked, asset_base: Path | None = None, embed_css: bool = False, output: str = "screen",
                  *, options: Options = SCREEN) -> tuple[str, list[Diagnostic], list]:
    """The HTML, what composing its pages had to say (warnings) and the composed pages (none
    for a flowing layout); a page that cannot be filled, unless `options` allow it, is a
    ContentError naming the articles in the editor's terms."""
    ctx, warnings = _context(checked, asset_base, embed_css, output, options)
    return _template(checked, ctx), warnings, ctx.get("pages", [])


def _context(checked: Checked, asset_base: Path | None, embed_css: bool, output: str,
             options: Options, suggest: bool = True) -> tuple[dict, list[Diagnostic]]:
    """The template's context, its pages composed (for a composed layout)."""
    from .compose import context  # Jinja2 is not needed to check an issue

    asset_base = asset_base or checked.source.path.resolve().parent
    sheets = [files.read(p, files.STYLESHEET).decode("utf-8", "replace") for p in checked.layout.stylesheets]
    sheets.append(checked.layout.page_css)
    css = "\n".join(sheets) if embed_css else ""
    ctx = context.build(checked.issue, checked.layout, checked.source.path.parent, asset_base, css, output)
    warnings: list[Diagnostic] = []
    if checked.layout.compose is not None:
        warnings = _compose(checked, ctx, options, suggest)
    return ctx, warnings


def _template(checked: Checked, ctx: dict) -> str:
    from .compose import html as render_html

    return render_html.render(checked.project.layout_dirs, checked.layout.template, ctx)


def _compose(checked: Checked, ctx: dict, options: Options, suggest: bool = True) -> list[Diagnostic]:
    """Page composition: measured by WeasyPrint, arranged by compose/arrange.py."""
    from .compose import measure, page
    from .weasy import measure as weasy_measure

    sheets = list(checked.layout.stylesheets)
    roots = [checked.project.root, builtin_dir("styles")]
    issue_dir = checked.source.path.resolve().parent
    fingerprint = measure.fingerprint(sheets, checked.project.layout_dirs, checked.layout.template)

    def run(markup: str, tall: bool):
        page_css = measure.TALL_PAGE if tall else checked.layout.page_css
        return weasy_measure.measure(markup, issue_dir, sheets, roots, page_css)[0]

    def measurer(requests, width):
        return measure.measured(requests, ctx, checked.project.layout_dirs, fingerprint, run, width)

    # the masthead's "In this issue" is measured with a digit where each page number will go:
    # measured without one, its titles wrapped less and the real box ran into the lead
    ctx["in_this_issue"] = [{**entry, "page": "0"} for entry in ctx["in_this_issue"]]
    area = measure.area(ctx, checked.project.layout_dirs, fingerprint, run)
    if checks.paginated(checked.issue, checked.layout):
        from .compose import paper

        count = len(checked.issue.pages) if checked.issue.pages else checked.layout.pages
        composition = paper.compose(ctx, checked.layout.compose, area, measurer, count, options)
    else:
        composition = page.compose(ctx, checked.layout.compose, area, measurer, options)
    ctx["pages"] = composition.pages
    ctx["in_this_issue"] = [{**entry, "page": composition.contents.get(entry["loc"], "")} for entry in ctx["in_this_issue"]]
    problems = composition.problems
    misfit = next((i for i, p in enumerate(problems) if p.excess), None)
    if misfit is not None and suggest:
        other = _other_layout(checked)
        if other:
            problems = list(problems)
            problems[misfit] = replace(problems[misfit], message=f"{problems[misfit].message}; or use the layout {other}")
    found = [checked.source.diagnostic(p.loc, f"{load.dotted(p.loc)}: {p.message}", key=True, severity=p.severity)
             for p in problems]
    errors = [d for d in found if d.severity == "error"]
    if errors:
        raise ContentError(errors)
    return found


def _other_layout(checked: Checked) -> str | None:
    """Another built-in composed layout that fills its pages with this copy, as the fit
    message can offer it: 'newsletter: 2 pages'. Tried only when a page cannot be filled."""
    for name in sorted(p.name for p in builtin_dir("layouts").iterdir() if (p / "layout.yaml").is_file()):
        if name == checked.layout.name:
            continue
        try:
            other = check(checked.source.path, layout=name)
            if other.layout.compose is None:
                continue
            ctx, _ = _context(other, None, False, "screen", Options(PrintOptions()), suggest=False)
        except (ContentError, UsageError):
            continue
        count = len(ctx.get("pages", []))
        return f"{name}: {count} page{'s' if count > 1 else ''}"
    return None


def pdf_bytes(path: Path, *, layout: str | None = None, style: str | None = None) -> bytes:
    """The screen PDF of an issue, in memory; overflow is allowed."""
    pdf, _, _, _ = _pdf(check(path, layout=layout, style=style), DRAFT)
    return pdf


@dataclass
class Draft:
    """An issue composed for the live preview (desk/preview.py): checked, its template's
    context, and the composed pages (none for a flowing layout)."""

    checked: Checked
    context: dict
    pages: list


def draft(path: Path, *, layout: str | None = None, style: str | None = None) -> Draft:
    """The issue checked and composed for the live preview; overflow and white allowed."""
    checked = check(path, layout=layout, style=style)
    ctx, _ = _context(checked, checked.source.path.resolve().parent, False, "screen", DRAFT)
    return Draft(checked, ctx, ctx.get("pages", []))


def draft_html(drafted: Draft, only: dict[int, set[str]] | None = None) -> str:
    """A draft's page HTML; with `only` (page index → block locs) each page keeps its
    masthead, rules and footer but only those blocks: what the preview redraws."""
    return _template(drafted.checked, {**drafted.context, "pages": _draft_pages(drafted, only)})


def draft_pdf(drafted: Draft, only: dict[int, set[str]] | None = None) -> tuple[bytes, list[dict[str, tuple]]]:
    """A draft (or only some of its blocks, as `draft_html`) as a throw-away screen PDF, and
    where each composed block lies on each page (pt): the preview redraws only what changed."""
    pages = _draft_pages(drafted, only)
    page_html = _template(drafted.checked, {**drafted.context, "pages": pages})
    pdf, report, _, _ = _rendered(drafted.checked, page_html, [], pages, DRAFT, draft=True)
    return pdf, report.blocks


def _draft_pages(drafted: Draft, only: dict[int, set[str]] | None) -> list:
    from .compose import page

    return drafted.pages if only is None else page.only_blocks(drafted.pages, only)


def web(checked: Checked) -> str:
    """The web edition: one self-contained responsive page, photos embedded as data URIs."""
    from .compose import context, html as render_html

    css = (builtin_dir("styles") / "web.css").read_text(encoding="utf-8")
    ctx = context.build(checked.issue, checked.layout, checked.source.path.parent, checked.source.path.parent, css, "web", embed_images=True)
    return render_html.render(checked.project.layout_dirs, "common/web.html", ctx)


def wechat(checked: Checked) -> str:
    """The WeChat edition: the web edition with every style inlined (press/wechat.py)."""
    from .press import wechat as wechat_page

    issue_dir = checked.source.path.resolve().parent
    problems = [checked.source.diagnostic(loc, f"{load.dotted(loc)}: photo '{image.src}' {reason}")
                for loc, image in checks.image_locs(checked.issue)
                if (reason := wechat_page.unusable(issue_dir / image.src))]
    if problems:
        raise ContentError(problems)
    css = (builtin_dir("styles") / "web.css").read_text(encoding="utf-8")
    return wechat_page.page(web(checked), css, checked.issue.primary_language)


def _shop(checked: Checked, given: PrintOptions) -> PrintOptions:
    """The print options with the layout's bleed and the print shop's conditions: what the
    command line gave, else the project's `print:` settings (press/shop.py). The shop's
    profile is checked to be a CMYK output profile inside the project."""
    from .press import pdfx, shop

    settings_ = checked.project.settings[0].print
    profile, paper = given.profile, given.paper or settings_.paper
    if profile == pdfx.CMYK_PROFILE and settings_.output_intent:
        profile = checked.project.root / settings_.output_intent
    if profile != pdfx.CMYK_PROFILE:
        shop.read_profile(profile, checked.project.root)
    elif made := shop.paper_profile(paper):  # no profile from the shop: the paper's own, made at set-up
        profile = made
    elif paper:
        logger.warning("no CMYK profile for %s paper (run `make setup`): the PDF's output intent is Ghostscript's SWOP", paper)
    photos = "cmyk" if given.variant == "pdf/x-1a" else settings_.photos  # X-1a allows no RGB at all
    return replace(given, bleed_mm=checked.layout.bleed_mm, profile=profile,
                   condition=given.condition or settings_.condition, paper=paper,
                   max_ink=given.max_ink or settings_.max_ink, photos=photos)


def _pdf(checked: Checked, options: Options) -> tuple[bytes, int, list[Diagnostic], list[str]]:
    from .weasy import render as render_pdf

    if not render_pdf.fast_subsetting():
        logger.warning("libharfbuzz-subset0 is missing: font subsetting will be ~10x slower (apt-get install libharfbuzz-subset0)")
    if options.print is not None:
        if options.print.is_pdfx and not options.print.profile.is_file():
            raise UsageError(f"the CMYK profile {options.print.profile} is missing (apt-get install libgs-common)")
    page_html, composed, pages = composed_html(checked, checked.source.path.resolve().parent,
                                               output="print" if options.print else "screen", options=options)
    pdf, report, warnings, notes = _rendered(checked, page_html, composed, pages, options)
    return pdf, report.pages, warnings, notes


def _rendered(checked: Checked, page_html: str, composed: list[Diagnostic], pages: list, options: Options,
              draft: bool = False) -> tuple[bytes, object, list[Diagnostic], list[str]]:
    """The HTML through WeasyPrint: the PDF, WeasyPrint's report, the warnings and notes;
    what WeasyPrint refused or could not set is a ContentError."""
    from .press import pdfx as printing
    from .weasy import render as render_pdf

    issue_dir = checked.source.path.resolve().parent
    roots = [checked.project.root, builtin_dir("styles")]
    print_options = options.print
    pdf_options = _pdf_options(checked)
    extra_css = checked.layout.page_css
    if print_options is not None:
        roots.append(print_options.profile.parent)
        extra_css += "\n" + printing.css(print_options)
        pdf_options["pdf_variant"] = print_options.variant
    pdf, report = render_pdf.render(
        page_html, issue_dir, list(checked.layout.stylesheets), roots, pdf_options,
        extra_css=extra_css, max_pages=None if checked.layout.compose else checked.layout.pages,
        measure_images=print_options is not None and any(checks.image_locs(checked.issue)), draft=draft,
    )
    source = checked.source
    problems = [Diagnostic(source.path, 1, 1, f"refused to load '{url}': only files inside the project can be used") for url in report.refused]
    problems += [
        Diagnostic(source.path, 1, 1, w)
        for w in report.warnings
        if w.startswith("Failed to load") and not any(url in w for url in report.refused)
    ]
    overflow = _overflow(checked, report.overflow)
    if overflow and not options.allow_overflow:
        problems += overflow
    problems += _unfitted(checked, pages, report.fragments)
    if problems:
        raise ContentError(problems)
    warnings = [Diagnostic(d.path, d.line, d.column, d.message, "warning") for d in overflow] + composed
    notes = []
    if print_options is not None:
        warnings += _image_resolution(checked, report.images)
        pdf, dropped = printing.finish(pdf, print_options)
        if dropped:
            notes.append(f"{source.path}: note: {dropped} link(s) left out: {print_options.variant.upper()} allows no links on the page (the screen PDF keeps them)")
    for warning in report.warnings:
        logger.warning("%s: %s", source.path, warning)
    return pdf, report, warnings, notes


def _unfitted(checked: Checked, pages: list, fragments: dict[str, int]) -> list[Diagnostic]:
    """A composed block whose text WeasyPrint needed more columns for than it was given
    (the measurement and the page disagree): never printed over the next block in silence."""
    given = {("briefs" if b.kind == "briefs" else b.story.loc): b.count for p in pages for b in p.blocks}
    return [
        checked.source.diagnostic(_parse_loc(loc), f"{loc}: its text did not fit the block it was composed into "
                                  f"({fragments.get(loc, 0)} columns for {count}); this is a bulletinpress bug: please report it", key=True)
        for loc, count in given.items() if fragments.get(loc, 0) > count or fragments.get(loc, 0) == 0
    ]


def _overflow(checked: Checked, overflow: dict[str, list[int]]) -> list[Diagnostic]:
    """What did not fit the layout's pages, per article, at the article's place in the file."""
    limit = checked.layout.pages
    diagnostics = []
    for loc_text, (lines, chars) in overflow.items():
        loc = _parse_loc(loc_text)
        name = _article_name(checked.issue, loc)
        diagnostics.append(checked.source.diagnostic(
            loc,
            f"{loc_text}{name}: does not fit the layout's {limit} page(s): about {lines} line(s), "
            f"{chars} characters run over; shorten it (or build with --allow-overflow)",
            key=True,
        ))
    return diagnostics


def _parse_loc(text: str) -> tuple:
    """'reports[2]' → ('reports', 2)."""
    loc: list = []
    for name, index in re.findall(r"([A-Za-z_]+)|\[(\d+)\]", text):
        loc.append(name if name else int(index))
    return tuple(loc)


def _article_name(issue: Issue, loc: tuple) -> str:
    if loc[:1] == ("reports",) and len(loc) > 1 and loc[1] < len(issue.reports):
        report = issue.reports[loc[1]]
        return f" ({report.district}: {report.title.splitlines()[0]})"
    if loc == ("lead",) and issue.lead:
        return f" ({issue.lead.title.splitlines()[0]})"
    return ""


def _image_resolution(checked: Checked, images) -> list[Diagnostic]:
    """Each photo's effective resolution at its printed size: under 150 ppi is an error,
    under 300 a warning, named at the photo's line in the issue file."""
    from .press.preflight import ERROR_PPI, WARN_PPI

    issue_dir = checked.source.path.resolve().parent
    by_path = {(issue_dir / image.src).resolve(): loc for loc, image in checks.image_locs(checked.issue)}
    problems, errors = [], []
    from urllib.parse import unquote, urlsplit

    for placed in images:
        loc = by_path.get((issue_dir / unquote(urlsplit(placed.src).path)).resolve(), ())
        where = f"{load.dotted(loc)}: photo '{placed.src}' ({_article_name(checked.issue, loc[:2]).strip(' ()') or placed.loc})"
        if placed.ppi < ERROR_PPI:
            errors.append(checked.source.diagnostic(loc, f"{where} prints at {placed.ppi:.0f} ppi; at least {ERROR_PPI} needed (300 for good print): use a larger photo or print it smaller"))
        elif placed.ppi < WARN_PPI:
            problems.append(checked.source.diagnostic(loc, f"{where} prints at {placed.ppi:.0f} ppi, under {WARN_PPI}: it may look soft", severity="warning"))
    if errors:
        raise ContentError(errors)
    return problems


def _pdf_options(checked: Checked) -> dict:
    """Same input, same bytes: the PDF identifier comes from the content, not the clock."""
    import hashlib

    digest = hashlib.sha256(checked.source.text.encode("utf-8")).hexdigest()[:32]
    return {"pdf_identifier": digest.encode("ascii")}
