"""Where an issue's project is, and which layouts and styles it can use.

Layouts and styles are looked up in an ordered list of directories, MkDocs-theme style:
the project's own `layouts/`/`styles/` first, then the built-in ones shipped in the package.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from .errors import ContentError, Diagnostic

DEFAULT_LAYOUT = "newspaper"


def builtin_dir(kind: str) -> Path:
    """The built-in `layouts` or `styles` folder (a real directory in a wheel or a checkout)."""
    return Path(str(importlib.resources.files("bulletinpress") / kind))


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
        return next((d / name for d in self.style_dirs if (d / name).is_file()), None)


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


def resolve_layout(project: Project, name: str | None, style: str | None) -> Layout:
    """The layout and style an issue asked for, or a ContentError naming what exists."""
    name = name or DEFAULT_LAYOUT
    manifest_path = next(
        (d / name / "layout.yaml" for d in project.layout_dirs if (d / name / "layout.yaml").is_file()), None
    )
    if manifest_path is None:
        raise LookupError(f"unknown layout '{name}'; available: {', '.join(project.layout_names())}")
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8")) or {}
    styles: dict[str, str] = manifest.get("styles") or {}
    if style is not None and style not in styles:
        known = ", ".join(styles) or "none"
        raise LookupError(f"layout '{name}' has no style '{style}'; its styles: {known}")
    names = list(manifest.get("stylesheets") or []) + ([f"{name}-{style}.css"] if style else [])
    sheets = []
    for sheet in names:
        found = project.find_style(sheet)
        if found is None:
            raise ContentError([Diagnostic(manifest_path, 1, 1, f"stylesheet '{sheet}' not found in {project.style_dirs}")])
        sheets.append(found)
    return Layout(
        name=name,
        style=style,
        description=str(manifest.get("description", "")),
        template=f"{name}/issue.html",
        stylesheets=tuple(sheets),
        styles=styles,
        page_size=str(manifest.get("page_size", "A4")),
        fonts={lang: tuple(families) for lang, families in (manifest.get("fonts") or {}).items()},
        pages=manifest.get("pages"),
        bleed_mm=_millimetres(manifest.get("bleed", "3mm")),
    )


def _millimetres(value: object) -> float:
    """'3mm' or 3 → 3.0."""
    return float(str(value).strip().removesuffix("mm"))
