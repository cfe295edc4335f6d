"""Stage 2: every schema problem in a file, at once, at the right line and column."""

from __future__ import annotations

import pytest

from bulletinpress.source import load, validate
from bulletinpress.errors import ContentError

BAD = """\
language: zh-CN
masthead:
  title: 深化产改进行时
  number: 4.5
  date: 2024-12-06
lead:
  titel: 标题
  body: |
    正文。
reprots: []
reports:
  - district: 黔江区
    body: ""
  - district: [a]
    title: b
    body: c
distribution:
  copies: 0
"""


def errors_of(tmp_path, text: str) -> list[str]:
    path = tmp_path / "issue.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        validate.validate(load.read(path))
    prefix = f"{path}:"
    assert all(str(d).startswith(prefix) for d in exc.value.diagnostics)
    return [str(d)[len(prefix):] for d in exc.value.diagnostics]


def test_all_errors_reported_at_once_in_file_order(tmp_path):
    assert errors_of(tmp_path, BAD) == [
        "4:11: error: masthead.number: expected a whole number, like 48",
        "6:1: error: lead: missing required field 'title'",
        "7:3: error: lead: unknown field 'titel' — did you mean 'title'?",
        "10:1: error: unknown field 'reprots' — did you mean 'reports'?",
        "12:5: error: reports[0]: missing required field 'title'",
        "13:11: error: reports[0].body: must not be empty",
        "14:15: error: reports[1].district: expected text, got a list",
        "18:11: error: distribution.copies: must be at least 1, got the number 0",
    ]


def test_duplicate_keys_join_the_schema_errors(tmp_path):
    text = "masthead:\n  title: 一\n  title: 二\n  date: 2024-12-06\nbriefs:\n  items: [x]\n  colour: red\n"
    found = errors_of(tmp_path, text)
    assert found[0].startswith("3:3: error: masthead.title: duplicate field 'title'")
    assert found[1].startswith("7:3: error: briefs: unknown field 'colour'")


def test_unknown_field_without_a_near_match_lists_the_known_ones(tmp_path):
    text = "masthead:\n  title: 一\n  date: 2024-12-06\n  zzz: 1\nbriefs:\n  items: [x]\n"
    [message] = errors_of(tmp_path, text)
    assert "known fields: title, number, date, publisher" in message


def test_unsupported_language_and_missing_masthead(tmp_path):
    found = errors_of(tmp_path, "language: fr\nbriefs:\n  items: [x]\n")
    assert found == [
        "1:1: error: missing required field 'masthead'",
        "1:11: error: language: language 'fr' is not supported yet; use one of: zh-CN, en",
    ]


def test_issue_without_content(tmp_path):
    [message] = errors_of(tmp_path, "masthead:\n  title: 一\n  date: 2024-12-06\n")
    assert "no content" in message


def test_date_must_be_a_date(tmp_path):
    [message] = errors_of(tmp_path, "masthead:\n  title: 一\n  date: next friday\nbriefs:\n  items: [x]\n")
    assert message == "3:9: error: masthead.date: expected an ISO date like 2024-12-06"


def test_a_quoted_iso_date_is_a_date(tmp_path):
    path = tmp_path / "quoted.yaml"
    path.write_text("masthead:\n  title: 一\n  date: '2024-12-06'\nbriefs:\n  items: [x]\n", encoding="utf-8")
    assert str(validate.validate(load.read(path)).masthead.date) == "2024-12-06"
    [message] = errors_of(tmp_path, "masthead:\n  title: 一\n  date: '2024-13-06'\nbriefs:\n  items: [x]\n")
    assert "expected an ISO date" in message


def test_single_name_distribution_becomes_a_list(tmp_path):
    path = tmp_path / "issue.yaml"
    path.write_text(
        "masthead:\n  title: 一\n  date: 2024-12-06\nbriefs:\n  items: [x]\ndistribution:\n  report_to: 市总工会\n",
        encoding="utf-8",
    )
    issue = validate.validate(load.read(path))
    assert issue.distribution.report_to == ["市总工会"]


def test_the_sample_issue_is_valid():
    from conftest import SAMPLE_EN, SAMPLE_ZH

    import yaml

    zh = validate.validate(load.read(SAMPLE_ZH))
    raw = yaml.safe_load(SAMPLE_ZH.read_text(encoding="utf-8"))
    assert [r.district for r in zh.reports] == [r["district"] for r in raw["reports"]]  # nothing lost or reordered
    assert zh.briefs.items == [item.strip() for item in raw["briefs"]["items"]]
    en = validate.validate(load.read(SAMPLE_EN))
    assert en.language == "en"
