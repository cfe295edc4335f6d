"""`bulletinpress new`: next week's issue file, started from the latest one.

Number + 1, the next publication date (weekly unless the project settings say otherwise),
masthead and distribution carried over, every section present but empty with a comment
saying what goes there. An existing file is never overwritten.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import yaml

from ..source import load
from ..errors import ContentError, UsageError
from ..source.project import Project


def _scalar(value: object) -> str:
    """A YAML scalar on one line, quoted only when it must be."""
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip().removesuffix("...").strip()


def latest_issue(issues_dir: Path) -> Path:
    """The issue with the latest masthead date (by name among equals); every file is read
    with the reader's limits, so one huge or hostile file cannot hang `new`."""
    candidates = sorted(issues_dir.glob("*.yaml"))
    if not candidates:
        raise UsageError(f"no issue files in {issues_dir} to start from; write the first one by hand (see docs/format.md)")
    return max(candidates, key=_date_of)


def _date_of(path: Path) -> tuple:
    try:
        data = load.read(path).data
    except ContentError:
        return (datetime.date.min, path.name)
    masthead = data.get("masthead") if isinstance(data, dict) else None
    date = masthead.get("date") if isinstance(masthead, dict) else None
    return (date if isinstance(date, datetime.date) else datetime.date.min, path.name)


def create(project_root: Path) -> Path:
    """Write the next issue file and return its path."""
    from ..source.settings import next_date

    project = Project(project_root.resolve())
    latest = latest_issue(project.root / "issues")
    source = load.read(latest)  # the latest issue may be half written: only its masthead counts
    masthead = source.data.get("masthead") if isinstance(source.data, dict) else None
    if not isinstance(masthead, dict) or not isinstance(masthead.get("date"), datetime.date):
        raise ContentError([source.diagnostic(("masthead", "date"), "the latest issue needs a masthead date to start the next one from")])
    settings = project.settings[0]
    previous_number = masthead.get("number")
    number = previous_number + 1 if isinstance(previous_number, int) and not isinstance(previous_number, bool) else None
    try:
        date = next_date(masthead["date"], settings)
    except OverflowError:
        raise ContentError([source.diagnostic(("masthead", "date"), f"masthead.date: {masthead['date']}: the next issue's date "
                                              "would be past the year 9999; correct the date")]) from None
    stem = f"{date.year}-{number}" if number and re.fullmatch(r"\d{4}-\d{1,3}", latest.stem) else date.isoformat()
    target = latest.parent / f"{stem}.yaml"
    if target.exists():
        raise UsageError(f"{target} exists already; bulletinpress new never overwrites an issue file")
    target.write_text(_text(source.data, number, date), encoding="utf-8")
    return target


def _text(previous: dict, number: int | None, date: datetime.date) -> str:
    lines = [f"# Issue of {date.isoformat()}, started by `bulletinpress new` from the previous issue.", ""]
    for key in ("language", "layout", "style"):
        if key in previous:
            lines.append(f"{key}: {_scalar(previous[key])}")
    masthead = previous.get("masthead", {})
    lines.append("masthead:")
    if masthead.get("title"):  # else it comes from bulletinpress.yaml: an empty one would override it
        lines.append(f"  title: {_scalar(masthead['title'])}")
    if number:
        lines.append(f"  number: {number}")
    lines.append(f"  date: {date.isoformat()}")
    if masthead.get("publisher"):
        lines.append(f"  publisher: {_scalar(masthead['publisher'])}")
    lines += [
        "",
        "# The lead editorial: a title (a line break in it is kept) and paragraphs separated by",
        "# blank lines. Delete the whole block if this issue has none.",
        "lead:",
        "  title: ''",
        "  body: |",
        "    ",
        "",
        "# District reports, in printed order: copy the block below for each report.",
        "reports: []",
        "#  - district: ''",
        "#    title: ''",
        "#    body: |",
        "#      ",
        "",
        "# Weekly briefs: one line per item.",
        "briefs:",
        "  items: []",
    ]
    if previous.get("distribution"):
        lines += ["", "# 报/送/发, carried over from the previous issue."]
        lines.append("distribution:")
        for key, value in previous["distribution"].items():
            lines.append(f"  {key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"
