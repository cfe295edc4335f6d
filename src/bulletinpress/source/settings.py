"""Project settings: `bulletinpress.yaml` at a bulletin project's root holds what rarely
changes (masthead title and publisher, layout and style, distribution list, output folder,
publication schedule). An issue's own values override them. Validated like an issue, with
the same file:line:col errors."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import load
from ..errors import ContentError
from .model import Distribution, Name, Text

FILENAME = "bulletinpress.yaml"


class MastheadDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    title: Text | None = None
    publisher: Text | None = None


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    every_days: int = Field(7, ge=1, le=366)  # weekly by default


class LintSettings(BaseModel):
    """The copy rules for every issue of the project (`lint` in bulletinpress.yaml): rules
    switched off, and rules whose findings are errors (exit 1) rather than warnings."""

    model_config = ConfigDict(extra="forbid")
    off: list[Name] = []
    errors: list[Name] = []


class PrintSettings(BaseModel):
    """The print shop's conditions (`print` in bulletinpress.yaml), for `build --print`: its
    CMYK profile (a file in the project), the condition it names, its paper, its ink limit."""

    model_config = ConfigDict(extra="forbid")
    output_intent: str | None = None
    condition: Text | None = None
    paper: Literal["newsprint", "uncoated", "coated"] | None = None
    max_ink: int | None = Field(None, ge=100, le=400)
    photos: Literal["cmyk", "rgb"] = "cmyk"  # rgb: photos stay ICC-tagged sRGB (PDF/X-4), the shop's RIP converts them


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    language: str | None = None
    layout: Name | None = None
    style: Name | None = None
    masthead: MastheadDefaults = MastheadDefaults()
    distribution: Distribution | None = None
    output: str | None = None  # the build folder, relative to the project root
    schedule: Schedule = Schedule()
    districts: list[Text] = []  # the districts' names as they should be written (lint checks them)
    lint: LintSettings = LintSettings()
    print: PrintSettings = PrintSettings()


def read(root: Path) -> tuple[Settings, dict[str, Any], load.Source | None]:
    """The project's settings, their raw data (to merge under an issue's) and their source
    (to report problems in the settings at their own file's lines); defaults if none."""
    path = root / FILENAME
    if not os.path.lexists(path):
        return Settings(), {}, None
    from .validate import diagnostics_for

    source = load.read(path, roots=(root,))
    if not isinstance(source.data, dict):
        raise ContentError([source.diagnostic((), "project settings must be a group of fields (masthead:, layout:, …)")])
    try:
        settings = Settings.model_validate(source.data)
    except ValidationError as exc:
        raise ContentError(diagnostics_for(source, exc, Settings)) from None
    if source.errors:
        raise ContentError(list(source.errors.values()))
    return settings, source.data, source


def merge(defaults: dict[str, Any], issue: dict[str, Any]) -> dict[str, Any]:
    """The issue's data over the settings' (groups merged field by field)."""
    merged: dict[str, Any] = {}
    for key in ("language", "layout", "style", "masthead", "distribution"):
        if key in defaults and defaults[key] is not None:
            merged[key] = defaults[key]
    for key, value in issue.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def next_date(date: datetime.date, settings: Settings) -> datetime.date:
    return date + datetime.timedelta(days=settings.schedule.every_days)
