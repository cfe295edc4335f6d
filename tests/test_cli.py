"""The command line: exit codes, messages on stderr as FILE:LINE:COL, outputs where asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL, SAMPLE_ZH, no_assertion_error, run_cli, write_issue


def test_check_ok_and_writes_nothing(project):
    path = write_issue(project, MINIMAL)
    run = run_cli("check", path)
    assert run.code == 0, run.stderr
    assert not (project / "build").exists()


def test_content_errors_exit_1_with_positions(project):
    path = write_issue(project, "masthead:\n  title: 刊\n  date: 2024-12-06\n  numbr: 3\nlead:\n  body: x\n")
    run = run_cli("build", path)
    assert run.code == 1
    no_assertion_error(run)
    lines = run.stderr.splitlines()
    assert f"{path}:4:3: error: masthead: unknown field 'numbr' — did you mean 'number'?" in lines
    assert f"{path}:5:1: error: lead: missing required field 'title'" in lines
    assert not (project / "build").exists()


def test_usage_errors_exit_2(project):
    path = write_issue(project, MINIMAL)
    assert run_cli("build", path, "--format", "docx").code == 2
    assert run_cli("build", project / "issues" / "missing.yaml").code == 2
    run = run_cli("build", path, "--layout", "nosuch")
    assert run.code == 2 and "unknown layout 'nosuch'" in run.stderr and "newspaper" in run.stderr
    no_assertion_error(run)


def test_unknown_layout_in_the_issue_is_a_content_error(project):
    path = write_issue(project, "layout: magazine\n" + MINIMAL)
    run = run_cli("check", path)
    assert run.code == 1
    assert f"{path}:1:9: error: layout: unknown layout 'magazine'; available: briefing, newsletter, newspaper" in run.stderr


def test_unknown_style_names_the_styles(project):
    path = write_issue(project, "layout: briefing\nstyle: loud\n" + MINIMAL)
    run = run_cli("check", path)
    assert run.code == 1
    assert f"{path}:2:8: error: style: layout 'briefing' has no style 'loud'; its styles: plain" in run.stderr


def test_glyph_no_font_has_is_an_error_at_its_position(project):
    path = write_issue(project, MINIMAL.replace("第一段。", "第一段\U0001FAE0。"))
    run = run_cli("check", path)
    assert run.code == 1
    assert f"{path}:7:8: error: lead.body: '\U0001FAE0' (U+1FAE0" in run.stderr
    assert "blank box" in run.stderr


def test_missing_photo_and_photo_outside_the_project(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "p.png"
    outside.write_bytes(b"not really")
    (project / "bad.png").write_bytes(b"not an image")
    path = write_issue(project, f"""\
        masthead: {{title: 刊, date: 2024-12-06}}
        reports:
          - district: 区
            title: 题
            body: 文
            images:
              - src: nothere.jpg
              - src: {outside}
              - src: ../bad.png
        """)
    run = run_cli("check", path)
    assert run.code == 1
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"{path}:7:14: error: reports[0].images[0].src: photo 'nothere.jpg' not found")
    assert lines[1].startswith(f"{path}:8:14: error: reports[0].images[1].src: '{outside}' is outside the bulletin project")
    assert lines[2].startswith(f"{path}:9:14: error: reports[0].images[2].src: photo '../bad.png' cannot be read")


def test_output_file_and_folder(project):
    one = write_issue(project, MINIMAL, "a.yaml")
    two = write_issue(project, MINIMAL, "b.yaml")
    run = run_cli("build", one, "-o", project / "out" / "x.html", "--format", "html")
    assert run.code == 0, run.stderr
    assert (project / "out" / "x.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    run = run_cli("build", one, two, "-o", project / "many", "--format", "html")
    assert run.code == 0, run.stderr
    assert sorted(p.name for p in (project / "many").iterdir() if p.name != ".bulletinpress-cache.json") == ["a.html", "b.html"]


def test_default_output_is_the_project_build_folder(project):
    path = write_issue(project, MINIMAL, "2024-48.yaml")
    run = run_cli("build", path, "--format", "html")
    assert run.code == 0, run.stderr
    assert (project / "build" / "2024-48.html").is_file()


def test_one_bad_issue_does_not_stop_the_others(project):
    good = write_issue(project, MINIMAL, "good.yaml")
    bad = write_issue(project, "masthead: [\n", "bad.yaml")
    run = run_cli("build", bad, good, "--format", "html")
    assert run.code == 1
    assert f"{bad}:2:1: error: YAML syntax" in run.stderr
    assert (project / "build" / "good.html").is_file()


def test_version_and_help():
    run = run_cli("--version")
    assert run.code == 0 and run.stdout.startswith("bulletinpress ")
    run = run_cli("build", "--help")
    assert run.code == 0 and "Example:" in run.stdout


def test_sample_issue_checks_clean():
    run = run_cli("check", SAMPLE_ZH)
    assert run.code == 0, run.stderr
    assert Path(SAMPLE_ZH).is_file()


def test_shards_build_the_archive_between_them_without_overlap(tmp_path):
    from bulletinpress.desk import batch

    issues = [tmp_path / f"2024-{n:02d}.yaml" for n in range(1, 8)]
    shards = [batch.shard(list(reversed(issues)), f"{k}/3") for k in (1, 2, 3)]
    assert sorted(p for s in shards for p in s) == sorted(issues) and sum(map(len, shards)) == len(issues)
    assert shards[0] == [issues[0], issues[3], issues[6]], "every N-th in a stable order, whatever order the shell gives"
    assert batch.shard(issues, None) == issues


@pytest.mark.parametrize("spec", ["0/3", "4/3", "x", "1/0"])
def test_a_bad_shard_is_a_usage_error(project, spec):
    path = write_issue(project, MINIMAL)
    run = run_cli("build", path, "--shard", spec)
    assert run.code == 2 and "--shard must be K/N" in run.stderr
