"""One rule for every file the tool reads (source/files.py): a regular file, inside the
folders it belongs to, under its kind's ceiling — and every reader goes through it. Each
reader is handed a FIFO (which would hang a plain read) and must answer at once with the
rule's message; the ceilings and the link rule are tested on the rule itself."""

from __future__ import annotations

import os
import zipfile

import pytest

from bulletinpress.errors import ContentError
from bulletinpress.source import files
from conftest import run_cli, write_issue

MINIMAL = "masthead: {title: 测试简报, date: 2024-12-06}\nlead: {title: 标题, body: 正文。}\n"
PIPE = "not a regular file"


def test_a_file_under_its_ceiling_is_read_and_one_byte_over_is_not(tmp_path):
    kind = files.Kind("a test file", 10)
    path = tmp_path / "x.txt"
    path.write_bytes(b"0123456789")
    assert files.read(path, kind) == b"0123456789"
    path.write_bytes(b"0123456789A")
    with pytest.raises(ContentError, match="may be at most 1 KiB"):
        files.read(path, kind)
    assert "at most" in files.refusal(path, kind)


def test_a_link_out_of_the_roots_is_refused_and_one_inside_is_read(tmp_path):
    inside, outside = tmp_path / "project", tmp_path / "elsewhere"
    inside.mkdir(), outside.mkdir()
    (outside / "secret.css").write_text("/* secret */", encoding="utf-8")
    (inside / "own.css").write_text("p {}", encoding="utf-8")
    (inside / "out.css").symlink_to(outside / "secret.css")
    (inside / "in.css").symlink_to(inside / "own.css")
    assert "outside the project" in files.refusal(inside / "out.css", files.STYLESHEET, [inside])
    assert files.read(inside / "in.css", files.STYLESHEET, [inside]) == b"p {}"
    assert files.read(inside / "out.css", files.STYLESHEET) == b"/* secret */", "without roots, only kind and ceiling count"


def test_a_loop_a_nul_and_a_missing_file_are_reasons_not_exceptions(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    assert "loop" in files.refusal(tmp_path / "a", files.PHOTO, [tmp_path]) or "cannot be read" in files.refusal(tmp_path / "a", files.PHOTO)
    assert "NUL" in files.refusal(tmp_path / "x\0y", files.PHOTO)
    assert files.refusal(tmp_path / "none", files.PHOTO) == files.NOT_FOUND


def test_a_file_that_grows_past_its_ceiling_after_the_check_is_refused(tmp_path, monkeypatch):
    """The size is checked on the open descriptor and the read is bounded: a file that is
    small when looked at and large when read is still refused."""
    kind = files.Kind("a test file", 10)
    path = tmp_path / "x.txt"
    path.write_bytes(b"x" * 100)
    monkeypatch.setattr(files, "_checked", lambda *args: None)  # the look said "small"
    with pytest.raises(files.Refused, match="at most"):
        files.read_or_refuse(path, kind)


def _project_with_fifo(project, where: str):
    """The project set up so that `where` is a FIFO, and the command that reads it."""
    issue = write_issue(project, MINIMAL)
    if where == "issue":
        issue.unlink()
        os.mkfifo(issue)
        return ["check", issue]
    if where == "settings":
        (project / "bulletinpress.yaml").unlink()
        os.mkfifo(project / "bulletinpress.yaml")
        return ["check", issue]
    layout = project / "layouts" / "piped"
    layout.mkdir(parents=True)
    (project / "styles").mkdir()
    (layout / "layout.yaml").write_text("page_size: A4\nstylesheets: [piped.css]\n", encoding="utf-8")
    (layout / "issue.html").write_text("<p>{{ masthead.title }}</p>", encoding="utf-8")
    (project / "styles" / "piped.css").write_text("p {}", encoding="utf-8")
    write_issue(project, "layout: piped\n" + MINIMAL)
    html = ["build", issue, "--format", "html", "-o", project / "out.html"]
    if where == "layout.yaml":
        (layout / "layout.yaml").unlink()
        os.mkfifo(layout / "layout.yaml")
    elif where == "stylesheet":
        (project / "styles" / "piped.css").unlink()
        os.mkfifo(project / "styles" / "piped.css")
    elif where == "template":
        (layout / "issue.html").unlink()
        os.mkfifo(layout / "issue.html")
    return html


def _fifo_for_import(project, where: str):
    if where == "photo":
        issue = write_issue(project, "masthead: {title: 刊, date: 2024-12-06}\nreports:\n"
                                     "  - {district: 区, title: 题, body: 文。, images: [{src: ../photos/p.jpg}]}\n")
        (project / "photos").mkdir()
        os.mkfifo(project / "photos" / "p.jpg")
        return ["check", issue]
    if where in ("draft", "word"):
        path = project / ("draft.txt" if where == "draft" else "draft.docx")
        os.mkfifo(path)
        return ["import", path]
    path = project / "issue.pdf"
    os.mkfifo(path)
    return ["preflight", path] if where == "pdf (preflight)" else ["impose", path, "-o", project / "booklet.pdf"]


READERS = ["issue", "settings", "layout.yaml", "stylesheet", "template", "photo", "draft", "word",
           "pdf (preflight)", "pdf (impose)"]


@pytest.mark.parametrize("where", READERS)
def test_every_reader_refuses_a_pipe_at_once(project, where):
    """A FIFO blocks a plain open() until someone writes: a reader that does not go through
    the file rule hangs here (run_cli's timeout) instead of answering."""
    command = _project_with_fifo(project, where) if where in READERS[:5] else _fifo_for_import(project, where)
    run = run_cli(*command, cwd=project)
    assert run.code in (1, 2) and PIPE in run.stderr and "Traceback" not in run.stderr, (where, run.stderr)


def test_a_word_file_past_its_ceiling_is_refused_before_it_is_opened(project, monkeypatch):
    from bulletinpress.desk import importer
    from bulletinpress.errors import UsageError

    path = project / "big.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    monkeypatch.setattr(files, "WORD", files.Kind("a Word file", 16))
    with pytest.raises(UsageError, match="too large to import"):
        importer.read(path)
