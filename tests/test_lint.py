"""Copy rules (compose/copyedit.py) and `bulletinpress lint [--fix]`."""

from __future__ import annotations

import re

import pytest

from bulletinpress.compose import copyedit
from conftest import run_cli, write_issue


@pytest.mark.parametrize("text,wanted", [
    ("六省(区、市)联合开展", "六省（区、市）联合开展"),
    ("共有100家企业参加,下一步将继续推进.", "共有100家企业参加，下一步将继续推进。"),
    ('他说:"这是信任."', "他说：“这是信任。”"),
    ("成果，，显著。。", "成果，显著。"),
    ("重庆 科学会堂", "重庆科学会堂"),
    ("ＧＤＰ增长１０％", "GDP增长10％"),
    ("等等...还有—另外", "等等……还有——另外"),
    ("版本2.5和3.5万元", "版本2.5和3.5万元"),  # decimals are not full stops
    ("《中共中央 国务院关于深化改革的意见》", "《中共中央 国务院关于深化改革的意见》"),  # joint issuers keep their space
])
def test_chinese_rules_fix_what_gb_t_15834_asks(text, wanted):
    assert copyedit.fixed(text, "zh") == wanted
    assert copyedit.fixed(wanted, "zh") == wanted, "a fixed text has nothing left to fix"


def test_unbalanced_marks_are_found_but_left_to_the_editor():
    [finding] = copyedit.findings("“未闭合的引号", "zh")
    assert finding.fix is None and "never closed" in finding.message


def test_a_titles_space_is_the_editors_break():
    assert copyedit.fixed("以赛促学 以学促干", "zh", title=True) == "以赛促学 以学促干"


def test_english_rules():
    assert copyedit.fixed('The branch\'s  plan - a "new deal" at https://x.org/it\'s', "en") == \
        "The branch’s plan – a “new deal” at https://x.org/it's"


ISSUE = """\
# the editor's comment stays
masthead: {title: 周报, date: 2024-12-06}
reports:
  - district: 黔江区
    title: 技能竞赛
    body: |
      共有100家企业参加,成果显著。
  - district: 涪陵
    title: 六省(区、市)联合
    body: 他说:"好."
"""


def test_lint_reports_each_finding_at_its_character_and_changes_nothing(project):
    (project / "bulletinpress.yaml").write_text("layout: briefing\ndistricts: [黔江区, 涪陵区]\n", encoding="utf-8")
    path = write_issue(project, ISSUE, "lint.yaml")
    before = path.read_bytes()
    run = run_cli("lint", path)
    assert run.code == 0 and path.read_bytes() == before
    assert f"{path}:7:17: warning: reports[0].body: half-width ',' in Chinese text (fix: '，')" in run.stderr
    assert f"{path}:9:14: warning: reports[1].title: half-width brackets '(区、市)' in Chinese text (fix: '（区、市）')" in run.stderr
    assert re.search(rf"{re.escape(str(path))}:8:15: warning: reports\[1\]\.district: '涪陵' is not one of the project's districts \(did you mean '涪陵区'\?\)", run.stderr)
    assert run_cli("lint", path, "--strict").code == 1
    built = run_cli("build", path, "-o", project / "out.pdf")
    assert built.code == 0 and "half-width ','" in built.stderr, "build prints the same findings as warnings"


def test_lint_fix_rewrites_in_place_keeping_comments_and_layout(project):
    path = write_issue(project, ISSUE, "fix.yaml")
    run = run_cli("lint", path, "--fix")
    assert run.code == 0, run.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# the editor's comment stays\nmasthead: {title: 周报, date: 2024-12-06}\n")
    assert "      共有100家企业参加，成果显著。\n" in text and "title: 六省（区、市）联合" in text
    assert 'body: 他说：“好。”' in text
    assert "-      共有100家企业参加,成果显著。" in run.stdout and "+      共有100家企业参加，成果显著。" in run.stdout
    assert run_cli("lint", path, "--strict").code == 0, "nothing left"
