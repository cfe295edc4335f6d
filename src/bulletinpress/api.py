"""The pipeline, top to bottom: load → validate → check → context → HTML → PDF → write.

The CLI is a thin layer over these functions; everything here raises `BulletinError`
subclasses (see errors.py) and logs through `logging`, never prints.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import check as checks
from . import context, load, output, render_html, validate
from .errors import ContentError, Diagnostic, RenderError, UsageError
from .model import Issue
from .project import Layout, Project, builtin_dir, resolve_layout

logger = logging.getLogger(__name__)

FORMATS = {"pdf": ".pdf", "html": ".html"}


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


def check(path: Path, *, layout: str | None = None, style: str | None = None) -> Checked:
    """Load, validate and check one issue file; every problem in it is raised at once."""
    source = load.read(path)
    issue = validate.validate(source)
    project = Project.of_issue(path)
    chosen = _layout(source, issue, project, layout, style)
    problems = checks.images(source, issue, project) + checks.glyphs(source, issue, chosen)
    if problems:
        raise ContentError(sorted(problems, key=lambda d: (d.line, d.column)))
    return Checked(source, issue, project, chosen)


def build(
    path: Path,
    target: Path | None = None,
    *,
    fmt: str = "pdf",
    layout: str | None = None,
    style: str | None = None,
) -> BuildResult:
    """Build one issue into `target` (default: the project's build/ folder)."""
    started = time.perf_counter()
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    checked = check(path, layout=layout, style=style)
    target = target or checked.project.build_dir / (path.stem + FORMATS[fmt])
    if fmt == "html":
        data, pages = html(checked, asset_base=target.parent, embed_css=True).encode("utf-8"), 0
    else:
        data, pages = _pdf(checked)
    output.write_atomic(target, data)
    seconds = time.perf_counter() - started
    logger.debug("%s → %s (%s pages, %.2f s)", path, target, pages or "-", seconds)
    return BuildResult(path, target, pages, seconds)


def targets(paths: list[Path], out: Path | None, fmt: str) -> list[Path | None]:
    """Where each issue goes: `-o` names a file for one issue, a folder for several (or with a trailing /)."""
    if out is None:
        return [None] * len(paths)
    suffix = FORMATS.get(fmt, "")
    if len(paths) > 1 or str(out).endswith(("/", "\\")) or out.is_dir():
        return [out / (p.stem + suffix) for p in paths]
    return [out]


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


def html(checked: Checked, asset_base: Path | None = None, embed_css: bool = False) -> str:
    """The issue's HTML; image addresses relative to `asset_base` (default: the issue's folder).
    With `embed_css` the layout's CSS is inlined, making a self-contained file."""
    asset_base = asset_base or checked.source.path.resolve().parent
    css = "\n".join(p.read_text(encoding="utf-8") for p in checked.layout.stylesheets) if embed_css else ""
    ctx = context.build(checked.issue, checked.layout, checked.source.path.parent, asset_base, css)
    return render_html.render(checked.project.layout_dirs, checked.layout.template, ctx)


def _pdf(checked: Checked) -> tuple[bytes, int]:
    from . import render_pdf

    if not render_pdf.fast_subsetting():
        logger.warning("libharfbuzz-subset0 is missing: font subsetting will be ~10x slower (apt-get install libharfbuzz-subset0)")
    issue_dir = checked.source.path.resolve().parent
    roots = [checked.project.root, builtin_dir("styles")]
    pdf, report = render_pdf.render(html(checked, issue_dir), issue_dir, list(checked.layout.stylesheets), roots, _pdf_options(checked))
    problems = [f"refused to load '{url}': only files inside the project can be used" for url in report.refused]
    problems += [
        w for w in report.warnings if w.startswith("Failed to load") and not any(url in w for url in report.refused)
    ]
    if problems:
        path = checked.source.path
        raise ContentError([Diagnostic(path, 1, 1, message) for message in problems])
    for warning in report.warnings:
        logger.warning("%s: %s", checked.source.path, warning)
    return pdf, report.pages


def _pdf_options(checked: Checked) -> dict:
    """Same input, same bytes: the PDF identifier comes from the content, not the clock."""
    import hashlib

    digest = hashlib.sha256(checked.source.text.encode("utf-8")).hexdigest()[:32]
    return {"pdf_identifier": digest.encode("ascii")}
