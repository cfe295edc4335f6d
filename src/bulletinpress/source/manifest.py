"""A layout's manifest (`layouts/NAME/layout.yaml`) as a schema, checked like an issue file.

A misspelt key (`stylesheet:`), a wrong type (`pages: two`) or a stylesheet that is not
there is a `file:line:col` error naming the field, never a layout that silently loses its
CSS. `page_size` is the page's size for every output: it becomes the `@page` size rule.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from ..errors import ContentError
from . import files, load
from .model import Name

#: CSS page size keywords (CSS Paged Media §7.1), optionally with an orientation
_NAMED_SIZE = re.compile(r"^(A3|A4|A5|B4|B5|JIS-B4|JIS-B5|letter|legal|ledger)( (portrait|landscape))?$", re.I)
_LENGTHS = re.compile(r"^\d+(\.\d+)?(mm|cm|in|pt|px)( \d+(\.\d+)?(mm|cm|in|pt|px))?$")
Family = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


Points = Annotated[float, Field(gt=0, le=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LeadGrid(Strict):
    """The lead across the page: its text in `columns` columns (变栏) of `chars` characters."""

    columns: Annotated[int, Field(ge=1, le=8)] = 4
    chars: list[Annotated[int, Field(ge=8, le=60)]] = [19, 18, 17, 16]
    gutter: Points = 17.3
    title: Points = 26


class BriefsPlace(Strict):
    position: str = "bottom"
    columns: Annotated[int, Field(ge=1, le=6)] = 3

    @field_validator("position")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in ("bottom", "top"):
            raise ValueError(f"'{value}': the briefs box goes at the 'bottom' or the 'top' of the page")
        return value


class Compose(Strict):
    """A composed layout (自动拼版): articles become rectangular blocks on a grid of basic
    columns (基本栏). Sizes in pt; `chars` are characters of body text per column line, one
    per body size step (the first is the natural size; later ones are larger type, used to
    fill a page that has too little copy)."""

    columns: Annotated[int, Field(ge=1, le=12)] = 5
    gutter: Points = 12.75
    chars: list[Annotated[int, Field(ge=8, le=60)]] = [17, 16, 15, 14]
    leading: Annotated[list[Annotated[float, Field(ge=1, le=3)]], Field(min_length=3, max_length=3)] = [1.36, 1.4, 1.5]
    gap: Points = 10
    headline: dict[Annotated[int, Field(ge=1, le=12)], Points] = {1: 12, 2: 16, 3: 20, 4: 22, 5: 24}
    title_lines: Annotated[int, Field(ge=1, le=8)] = 3  # more in a composed title is a warning
    max_span: Annotated[int, Field(ge=1, le=12)] = 3
    photo: Annotated[list[Annotated[float, Field(gt=0, le=3)]], Field(min_length=2, max_length=2)] = [0.75, 1.3]
    lead: LeadGrid = LeadGrid()
    briefs: BriefsPlace = BriefsPlace()


class Titles(Strict):
    """A flowing layout's headlines, balanced as a composed layout's are (compose/headline.py):
    the measure they are set in and their sizes, in pt, as the layout's CSS sets them."""

    measure: Annotated[float, Field(gt=0, le=2000)]
    lead: Points = 22
    report: Points = 18


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    page_size: str = "A4"
    pages: Annotated[int, Field(ge=1, strict=True)] | None = None
    bleed: str | float = "3mm"
    stylesheets: list[Annotated[str, StringConstraints(min_length=1)]] = []
    styles: dict[Name, str] = {}
    page_sizes: dict[Name, str] = {}  # a style's own page size (a newsletter's `letter` style: US Letter)
    fonts: dict[str, list[Family]] = {}
    compose: Compose | None = None
    titles: Titles | None = None  # a flowing layout's headline measure (a composed one knows its blocks)

    @field_validator("page_size")
    @classmethod
    def _css_page_size(cls, value: str) -> str:
        return page_size(value)

    @field_validator("page_sizes")
    @classmethod
    def _styles_page_sizes(cls, value: dict[str, str]) -> dict[str, str]:
        return {style: page_size(size) for style, size in value.items()}

    @field_validator("bleed")
    @classmethod
    def _millimetres(cls, value: str | float) -> str | float:
        millimetres(value)
        return value

    @property
    def bleed_mm(self) -> float:
        return millimetres(self.bleed)


def page_size(value: str) -> str:
    """A CSS page size (a keyword, with an orientation, or two lengths), or ValueError."""
    if not (_NAMED_SIZE.match(value) or _LENGTHS.match(value)):
        raise ValueError(f"'{value}' is not a page size; use A4, A3 landscape, letter, or two lengths like '210mm 297mm'")
    return value


def millimetres(value: object) -> float:
    """'3mm' or 3 → 3.0; anything else is an error."""
    try:
        number = float(str(value).strip().removesuffix("mm"))
    except ValueError:
        raise ValueError(f"'{value}' is not a bleed; give it in millimetres, like 3mm") from None
    if not 0 <= number <= 20:
        raise ValueError(f"a bleed of {number} mm is outside 0–20 mm")
    return number


def read(path: Path) -> tuple[Manifest, load.Source | None]:
    """The manifest at `path`, or a ContentError with every problem at its place in the file."""
    from .validate import diagnostics_for

    if not _has_content(path):
        return Manifest(), None
    source = load.read(path, files.MANIFEST)
    data: Any = source.data
    if not isinstance(data, dict):
        raise ContentError([source.diagnostic((), "a layout.yaml must be a group of fields (description:, stylesheets:, …)")])
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        raise ContentError(list(source.errors.values()) + diagnostics_for(source, exc, Manifest)) from None
    if source.errors:
        raise ContentError(list(source.errors.values()))
    return manifest, source


def _has_content(path: Path) -> bool:
    """An empty manifest (or one of comments only) is a layout with every default."""
    try:
        text = files.read_or_refuse(path, files.MANIFEST).decode("utf-8-sig")
    except (files.Refused, UnicodeDecodeError):
        return True  # let the reader report it
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())
