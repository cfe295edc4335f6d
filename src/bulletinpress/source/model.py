"""The issue format as pydantic models: the contract editors rely on (docs/format.md).

`extra="forbid"` everywhere, so a misspelt key is an error, never silently ignored.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator

#: Languages whose labels, fonts and line-breaking rules the layouts know.
LANGUAGES = {"zh": "zh-CN", "en": "en"}
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]
#: an article's body: long, but not without bound (a pasted book is a mistake)
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200_000)]
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]


def _one_or_many(value: object) -> object:
    """`report_to: 市总工会` means the same as `report_to: [市总工会]`."""
    return [value] if isinstance(value, str) else value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class Image(Strict):
    src: Text
    caption: Text | None = None
    credit: Text | None = None


class PhotoHint(Strict):
    """How the editor wants an article's photos: larger or smaller than the composer would
    make them, and which part to keep when they are cropped to their frame."""

    size: Literal["small", "medium", "large"] | None = None
    crop: Literal["top", "center", "bottom", "left", "right"] | None = None


class Article(Strict):
    kicker: Text | None = None
    title: Text
    subtitle: Text | None = None
    byline: Text | None = None
    note: Body | None = None  # 编者按, the editor's note printed before the body
    body: Body
    images: Annotated[list[Image], Field(max_length=50)] = []
    photo: PhotoHint | None = None  # composed layouts: a hint for the photos
    page: Annotated[int, Field(ge=1, le=64)] | None = None  # composed layouts: the page it starts on


class Report(Article):
    district: Text
    span: Annotated[int, Field(ge=1, le=12)] | None = None  # composed layouts: grid columns
    position: Literal["top", "bottom"] | None = None  # composed layouts: first or last row


class Masthead(Strict):
    title: Text
    number: Annotated[int, Field(ge=1, strict=False)] | None = None
    date: datetime.date
    publisher: Text | None = None

    @field_validator("number", mode="before")
    @classmethod
    def _whole_number(cls, value: object) -> object:
        if isinstance(value, bool) or isinstance(value, float):
            raise ValueError("expected a whole number, like 48")
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):  # quoted in the YAML, as editors and YAML writers often do
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError("expected an ISO date like 2024-12-06")


class Briefs(Strict):
    title: Text | None = None
    items: Annotated[list[Body], Field(min_length=1, max_length=500)]


class Distribution(Strict):
    report_to: Annotated[list[Text], BeforeValidator(_one_or_many)] = []
    copy_to: Annotated[list[Text], BeforeValidator(_one_or_many)] = []
    issue_to: Annotated[list[Text], BeforeValidator(_one_or_many)] = []
    copies: Annotated[int, Field(ge=1)] | None = None


class Issue(Strict):
    language: str = "zh-CN"
    layout: Name | None = None
    style: Name | None = None
    masthead: Masthead
    lead: Article | None = None
    reports: Annotated[list[Report], Field(max_length=500)] = []
    briefs: Briefs | None = None
    distribution: Distribution | None = None
    #: the pages of a composed layout by name (版名), one per page: that many pages are made
    pages: Annotated[list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]],
                     Field(min_length=1, max_length=64)] | None = None

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if not _BCP47.match(value):
            raise ValueError(f"'{value}' is not a BCP 47 language tag (like zh-CN or en)")
        primary = value.split("-")[0].lower()
        if primary not in LANGUAGES:
            raise ValueError(f"language '{value}' is not supported yet; use one of: {', '.join(LANGUAGES.values())}")
        if primary == "zh" and value.lower() not in ("zh", "zh-cn", "zh-hans", "zh-hans-cn", "zh-sg"):
            raise ValueError(f"'{value}': only Simplified Chinese (zh-CN) is supported so far")
        return value

    @model_validator(mode="after")
    def _has_content(self) -> Issue:
        if not (self.lead or self.reports or self.briefs):
            raise ValueError("the issue has no content: give at least a lead, reports or briefs")
        return self

    @property
    def primary_language(self) -> str:
        return self.language.split("-")[0].lower()

    @property
    def articles(self) -> list[Article]:
        return ([self.lead] if self.lead else []) + list(self.reports)
