"""The editor's week: project settings, the next issue, batch builds."""

from __future__ import annotations

import textwrap

from bulletinpress import api
from conftest import MINIMAL, run_cli, write_issue


def settings_file(project, text: str) -> None:
    (project / "bulletinpress.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


def test_settings_fill_in_what_the_issue_leaves_out(project):
    settings_file(project, """\
        layout: briefing
        masthead: {title: 工会工作简报, publisher: 市总工会办公室}
        distribution: {report_to: [市委办公厅], copies: 120}
        output: out/pdf
        """)
    path = write_issue(project, "masthead: {number: 48, date: 2024-12-06}\nbriefs: {items: [一条]}\n")
    checked = api.check(path)
    assert checked.layout.name == "briefing"
    assert checked.issue.masthead.title == "工会工作简报" and checked.issue.masthead.number == 48
    assert checked.issue.distribution.copies == 120
    assert checked.project.build_dir == project / "out" / "pdf"


def test_the_issue_overrides_the_settings(project):
    settings_file(project, "layout: briefing\nmasthead: {title: 默认刊名}\n")
    checked = api.check(write_issue(project, "layout: newspaper\n" + MINIMAL))
    assert checked.layout.name == "newspaper" and checked.issue.masthead.title == "测试简报"


def test_settings_errors_are_reported_like_an_issues(project):
    settings_file(project, "layot: briefing\nmasthead: {title: 刊}\n")
    run = run_cli("check", write_issue(project, MINIMAL))
    assert run.code == 1
    assert f"{project / 'bulletinpress.yaml'}:1:1: error: unknown field 'layot' — did you mean 'layout'?" in run.stderr


def test_new_starts_the_next_issue(project):
    settings_file(project, "schedule: {every_days: 14}\n")
    write_issue(project, """\
        masthead: {title: 工会工作简报, number: 48, date: 2024-12-06, publisher: 办公室}
        briefs: {items: [一条]}
        distribution: {report_to: [市委办公厅], copies: 120}
        """, "2024-48.yaml")
    run = run_cli("new", project)
    assert run.code == 0, run.stderr
    created = project / "issues" / "2024-49.yaml"
    assert run.stdout.strip() == str(created)
    text = created.read_text(encoding="utf-8")
    assert "number: 49" in text and "date: 2024-12-20" in text and "publisher: 办公室" in text
    assert "report_to: [市委办公厅]" in text and "copies: 120" in text
    assert "# The lead editorial" in text and "reports: []" in text
    again = run_cli("new", project)  # 2024-50 on 2025-01-03: a second new issue, not an overwrite
    assert again.code == 0 and (project / "issues" / "2025-50.yaml").is_file()  # dated 2025-01-03


def test_new_never_overwrites(project):
    write_issue(project, MINIMAL, "2024-12-06.yaml")
    (project / "issues" / "2024-12-13.yaml").write_text("keep me", encoding="utf-8")
    run = run_cli("new", project)
    assert run.code == 2 and "never overwrites" in run.stderr
    assert (project / "issues" / "2024-12-13.yaml").read_text(encoding="utf-8") == "keep me"


def test_batch_build_skips_unchanged_and_reports_failures(project):
    good = [write_issue(project, MINIMAL.replace("第一段", f"第{n}段"), f"{n}.yaml") for n in range(3)]
    bad = write_issue(project, "masthead: [\n", "bad.yaml")
    run = run_cli("build", *good, bad, "--jobs", "2", "--format", "html")
    assert run.code == 1
    assert f"{bad}:2:1: error: YAML syntax" in run.stderr
    assert "4 issue(s): 3 built or up to date, 1 failed" in run.stderr
    assert all((project / "build" / f"{n}.html").is_file() for n in range(3))
    run = run_cli("build", *good, "--jobs", "2", "--format", "html")
    assert run.code == 0 and run.stderr.count("unchanged, skipped") == 3
    good[1].write_text(MINIMAL.replace("第一段", "改过的段落"), encoding="utf-8")
    run = run_cli("build", *good, "--format", "html")
    assert run.stderr.count("unchanged, skipped") == 2 and "改过的" in (project / "build" / "1.html").read_text(encoding="utf-8")
    run = run_cli("build", *good, "--format", "html", "--force")
    assert "skipped" not in run.stderr


def test_layouts_are_listed():
    run = run_cli("layouts")
    assert run.code == 0
    assert run.stdout.startswith("briefing: A4 work bulletin") and "newspaper: A3 newspaper special page" in run.stdout
    assert "--style blue" in run.stdout


def test_an_edit_saved_during_the_first_build_is_not_missed(project):
    """The watcher starts after the first build: a save made before it runs is caught by the
    issue's time, so the preview never stays on the old page."""
    import os
    import threading
    import time

    from bulletinpress.desk import serve

    path = write_issue(project, MINIMAL)
    preview = serve.Preview(path)
    preview.rebuild()
    path.write_text(MINIMAL.replace("标题", "改过的标题"), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))  # a time the first build did not see
    stop, ready = threading.Event(), threading.Event()
    threading.Thread(target=serve.watch, args=(preview, project, stop, project / "build", ready), daemon=True).start()
    try:
        deadline = time.monotonic() + 20
        while preview.state()["generation"] < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.is_set() and preview.state()["generation"] == 2
        assert "改过的标题" in preview.state()["texts"][0]
    finally:
        stop.set()
