"""Where an issue's project is, and which layouts and styles it can use.

Layouts and styles are looked up in an ordered list of directories, MkDocs-theme style:
the project's own `layouts/`/`styles/` first, then the built-in ones shipped in the package.
"""

from __future__ import annotations

import importlib.resources
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import ContentError
from . import files, load
from . import manifest as manifests

DEFAULT_LAYOUT = "newspaper"


def builtin_dir(kind: str) -> Path:
    """The built-in `layouts` or `styles` folder: inside the package when installed from a
    wheel (hatch's force-include puts them there), else the checkout's top-level folder (an
    editable install, which runs the package from src/)."""
    packaged = Path(str(importlib.resources.files("bulletinpress") / kind))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / kind


@dataclass(frozen=True)
class Project:
    """A bulletin project: a folder holding `issues/` and optionally `layouts/`, `styles/`, photos."""

    root: Path

    @classmethod
    def of_issue(cls, issue_path: Path) -> Project:
        """An issue in `X/issues/` belongs to project X; any other issue to its own folder."""
        folder = issue_path.resolve().parent
        return cls(folder.parent if folder.name == "issues" else folder)

    @cached_property
    def settings(self):
        """(Settings, raw data) from bulletinpress.yaml; read once per project."""
        from . import settings

        return settings.read(self.root)

    @property
    def build_dir(self) -> Path:
        """build/, or the folder the project settings name."""
        configured = self.settings[0].output
        return (self.root / configured) if configured else self.root / "build"

    @cached_property
    def layout_dirs(self) -> list[Path]:
        return [d for d in (self.root / "layouts", builtin_dir("layouts")) if d.is_dir()]

    @cached_property
    def style_dirs(self) -> list[Path]:
        return [d for d in (self.root / "styles", builtin_dir("styles")) if d.is_dir()]

    def layout_names(self) -> list[str]:
        return sorted({p.parent.name for d in self.layout_dirs for p in d.glob("*/layout.yaml")})

    def find_style(self, name: str) -> Path | None:
        """A stylesheet by name in the style folders; a name that leaves its folder (an
        absolute path, `../`, a symbolic link out of it) is no stylesheet of the project's."""
        return _first(self.style_dirs, name, files.STYLESHEET)


def _first(folders: list[Path], name: str, kind: files.Kind) -> Path | None:
    """`folder / name` in the first folder that has it; a file there that the file rule
    refuses (a pipe, a link out of the folder, past its ceiling) is a LookupError saying
    why, not a reason to take the next folder's file silently."""
    for folder in folders:
        path = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts or not os.path.lexists(path):
            continue  # `../x` or `/x` names no file of this folder's
        problem = files.refusal(path, kind, [folder])
        if problem:
            raise LookupError(f"cannot be read from {path}: {problem}")
        return path
    return None


@dataclass(frozen=True)
class Layout:
    """A layout: a template folder with `layout.yaml` naming its stylesheets and style variants."""

    name: str
    style: str | None
    description: str
    template: str
    stylesheets: tuple[Path, ...]
    styles: dict[str, str]
    page_size: str
    fonts: dict[str, tuple[str, ...]]  # by primary language: the families its text may use
    pages: int | None = None  # a fixed number of pages: content past it is overflow
    bleed_mm: float = 3.0
    compose: object | None = None  # a manifest.Compose: the layout composes blocks on a grid
    titles: object | None = None  # a manifest.Titles: a flowing layout's headlines balanced

    @property
    def page_css(self) -> str:
        """The manifest's page size as the rule every output of the layout gets."""
        return f"@page {{ size: {self.page_size}; }}"


def resolve_layout(project: Project, name: str | None, style: str | None) -> Layout:
    """The layout and style an issue asked for, or a ContentError naming what exists."""
    name = name or DEFAULT_LAYOUT
    manifest_path = _first(project.layout_dirs, f"{name}/layout.yaml", files.MANIFEST)
    if manifest_path is None:
        raise LookupError(f"unknown layout '{name}'; available: {', '.join(project.layout_names())}")
    manifest, source = manifests.read(manifest_path)
    if style is not None and style not in manifest.styles:
        known = ", ".join(manifest.styles) or "none"
        raise LookupError(f"layout '{name}' has no style '{style}'; its styles: {known}")
    return Layout(
        name=name,
        style=style,
        description=manifest.description,
        template=f"{name}/issue.html",
        stylesheets=_stylesheets(project, manifest, source, name, style),
        styles=manifest.styles,
        page_size=manifest.page_sizes.get(style or "", manifest.page_size),
        fonts={lang: tuple(families) for lang, families in manifest.fonts.items()},
        pages=manifest.pages,
        bleed_mm=manifest.bleed_mm,
        compose=manifest.compose,
        titles=manifest.titles,
    )


def _stylesheets(project: Project, manifest, source, name: str, style: str | None) -> tuple[Path, ...]:
    """The layout's stylesheets as files, then its style's; a missing one is an error at
    its place in layout.yaml (a style's file at the style's name)."""
    sheets, problems = [], []
    names = [(("stylesheets", i), sheet) for i, sheet in enumerate(manifest.stylesheets)]
    names += [(("styles", style), f"{name}-{style}.css")] if style else []
    for loc, sheet in names:
        try:
            found = project.find_style(sheet)
            problem = None if found else f"not found in {', '.join(map(str, project.style_dirs))}"
        except LookupError as exc:
            found, problem = None, str(exc)
        if problem:
            problems.append(source.diagnostic(loc, f"{load.dotted(loc)}: stylesheet '{sheet}' {problem}"))
        sheets.append(found)
    if problems:
        raise ContentError(problems)
    return tuple(sheets)
