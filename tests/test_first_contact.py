"""First contact and silent failures (issue 12): each test here fails on the behaviour it
guards against — a PDF written to a file named `build`, captions that break the HTML, a
print PDF that replaces the good one before preflight refuses it, crop marks in the
bleed, batch builds that overwrite or skip in silence, settings that leak."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pikepdf
import pymupdf
import pytest

from bulletinpress import api
from bulletinpress.desk import batch, serve
from bulletinpress.errors import ContentError, SetupError, UsageError
from bulletinpress.press import output, preflight
from bulletinpress.source import check as checks
from conftest import MINIMAL, ROOT, SAMPLE_ZH, photo_issue, run_cli, squash, write_issue

PREVIOUS = b"%PDF-1.7 the previous good build"


# --- 1. make pdf on a machine that has never built anything -----------------------------

@pytest.mark.parametrize("out", ["build/", "build"])
def test_output_folder_that_does_not_exist_yet(project, out):
    """`-o build/` (the README's make pdf) and `-o build` are folders: never a file named build."""
    path = write_issue(project, MINIMAL, "2024-12-06.yaml")
    run = run_cli("build", "issues/2024-12-06.yaml", "-o", out, cwd=project)
    assert run.code == 0, run.stderr
    assert (project / "build").is_dir()
    assert (project / "build" / "2024-12-06.pdf").read_bytes().startswith(b"%PDF-")
    assert not (project / ".bulletinpress-cache.json").exists()
    assert path.is_file()


def test_one_file_with_a_suffix_is_still_a_file(project):
    write_issue(project, MINIMAL)
    assert run_cli("build", "issues/issue.yaml", "-o", "out/x.pdf", cwd=project).code == 0
    assert (project / "out" / "x.pdf").is_file()


def test_ci_runs_both_readme_commands():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("make pdf") < script.index("make test")
    assert "build/" in script and "%PDF-" in script


# --- 2. captions, credits -------------------------------------------------------------------

def caption_issue(project: Path, caption: str, credit: str) -> Path:
    from PIL import Image

    (project / "photos").mkdir(exist_ok=True)
    Image.new("RGB", (1200, 800), (120, 140, 160)).save(project / "photos" / "p.jpg", dpi=(300, 300))
    return photo_issue(project, "../photos/p.jpg", f', caption: "{caption}", credit: "{credit}"')


@pytest.mark.parametrize("fmt", ["pdf", "web"])
def test_a_caption_with_digits_and_latin_prints_once(project, fmt):
    path = caption_issue(project, "图为2024年“5G+工业互联网”现场，共100余名职工参加", "张三 摄")
    run = run_cli("build", path, "--format", fmt)
    assert run.code == 0, run.stderr
    caption = "图为2024年“5G+工业互联网”现场，共100余名职工参加"
    if fmt == "pdf":
        with pymupdf.open(project / "build" / "issue.pdf") as pdf:
            text = squash("".join(page.get_text() for page in pdf))
    else:
        html = (project / "build" / "issue.web.html").read_text(encoding="utf-8")
        assert f'alt="{caption}"' in html  # plain text in the attribute, no markup
        text = squash(re.sub(r"<[^>]+>", "", html.split("<body")[1]))
    assert text.count(squash(caption)) == 1, text
    assert "摄摄" not in text and text.count("张三摄") == 1


@pytest.mark.parametrize("credit,language,printed", [
    ("张三", "zh", "张三 摄"), ("张三 摄", "zh", "张三 摄"), ("摄影：张三", "zh", "摄影：张三"),
    ("市总工会供图", "zh", "市总工会供图"), ("Li Ming", "en", "Photo: Li Ming"), ("Photo: Li Ming", "en", "Photo: Li Ming"),
])
def test_the_credit_label_is_added_once(credit, language, printed):
    from bulletinpress.compose.context import credit_line

    assert credit_line(credit, language) == printed


# --- 3. preflight before the write, and for what each variant requires ------------------------

def zero_bleed_layout(project: Path) -> None:
    folder = project / "layouts" / "nobleed"
    folder.mkdir(parents=True)
    (folder / "layout.yaml").write_text("page_size: A5\nbleed: 0mm\nstylesheets: [base.css]\nfonts: {zh: [Noto Serif CJK SC]}\n")
    (folder / "issue.html").write_text('{% extends "common/base.html" %}{% block content %}<p>{{ masthead.title }}</p>{% endblock %}')


def test_a_print_pdf_that_fails_preflight_does_not_replace_the_good_one(project):
    zero_bleed_layout(project)
    path = write_issue(project, "layout: nobleed\n" + MINIMAL)
    target = project / "build" / "issue.pdf"
    target.parent.mkdir()
    target.write_bytes(PREVIOUS)
    run = run_cli("build", path, "--print")
    assert run.code == 1
    assert "at least 3 mm needed [bleed]" in run.stderr and "not written" in run.stderr
    assert target.read_bytes() == PREVIOUS
    assert sorted(p.name for p in target.parent.iterdir()) == ["issue.pdf"]


@pytest.mark.parametrize("variant", ["pdf/a-2b", "pdf/a-3b", "pdf/ua-1", "pdf/x-3", "pdf/x-1a"])
def test_each_variant_passes_its_own_preflight(project, variant):
    path = write_issue(project, MINIMAL)
    run = run_cli("build", path, "--print", "--pdf-variant", variant, "-o", project / "out.pdf")
    assert run.code == 0, run.stderr
    report = preflight.check(project / "out.pdf", standard=variant)
    assert report.errors == []
    assert report.pdfx.upper().startswith(variant.upper()[:8])


def test_a_pdfa_is_not_taken_for_a_pdfx(project):
    path = write_issue(project, MINIMAL)
    assert run_cli("build", path, "--print", "--pdf-variant", "pdf/a-2b", "-o", project / "a.pdf").code == 0
    assert preflight.check(project / "a.pdf", standard="pdf/x-4").errors  # it is no PDF/X
    assert preflight.check(project / "a.pdf").errors == []  # as what it declares


# --- 5. batch builds -------------------------------------------------------------------------

def test_two_issues_of_one_name_into_one_folder_is_an_error(tmp_path):
    a = write_issue(tmp_path / "a", MINIMAL, "x.yaml")
    b = write_issue(tmp_path / "b", MINIMAL.replace("标题", "另一个"), "x.yaml")
    run = run_cli("build", a, b, "-o", tmp_path / "out/", "--format", "html")
    assert run.code == 2
    assert f"{a} and {b} would both be written to {tmp_path / 'out' / 'x.html'}" in run.stderr
    assert not (tmp_path / "out").exists()


def test_an_unexpected_error_in_one_issue_does_not_stop_the_others(project, monkeypatch):
    good = write_issue(project, MINIMAL, "good.yaml")
    odd = write_issue(project, MINIMAL.replace("标题", "怪"), "odd.yaml")
    real_build = api.build

    def build(path, *args, **kwargs):
        if path == odd:
            raise KeyError("a bug")
        return real_build(path, *args, **kwargs)

    monkeypatch.setattr(api, "build", build)
    jobs = [batch.Job(p, None, {"fmt": "html"}) for p in (odd, good)]
    outcomes = batch.run(jobs, 1, True, lambda o: None)
    assert outcomes[0].failed and "internal error (KeyError" in outcomes[0].errors[0]
    assert not outcomes[1].failed and (project / "build" / "good.html").is_file()


def test_the_skip_key_follows_the_tools_not_a_fixed_version(monkeypatch):
    batch.tool_key.cache_clear()
    before = batch.tool_key()
    monkeypatch.setattr(batch, "_version", lambda name: "71.0" if name == "weasyprint" else "1")
    batch.tool_key.cache_clear()
    try:
        assert batch.tool_key() != before
    finally:
        batch.tool_key.cache_clear()


def test_the_skip_key_follows_our_own_code(monkeypatch, tmp_path):
    """Two trees of the same version number but different code give different keys."""
    package = Path(batch.__file__).resolve().parents[1]
    monkeypatch.setattr(Path, "rglob", lambda self, pattern: iter([package / "api.py"]))
    batch.tool_key.cache_clear()
    one = batch.tool_key()
    monkeypatch.setattr(Path, "rglob", lambda self, pattern: iter([package / "cli.py"]))
    batch.tool_key.cache_clear()
    try:
        assert batch.tool_key() != one
    finally:
        batch.tool_key.cache_clear()


def test_the_sweep_leaves_a_temp_file_another_writer_is_writing(tmp_path):
    target = tmp_path / "x.pdf"
    writing = tmp_path / f".x.pdf.{os.getppid()}.abcd.tmp"  # our parent process: alive
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".x.pdf.{dead.stdout.strip()}.abcd.tmp"
    old_style = tmp_path / ".x.pdf.k3j2h1.tmp"
    for file in (writing, stale, old_style):
        file.write_bytes(b"half")
    output.write_atomic(target, b"%PDF-new")
    assert writing.exists() and not stale.exists() and not old_style.exists()


# --- the previous PDF survives a write that fails or is killed half-way ---------------------------

LIMITED = """\
import resource, signal, sys
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
signal.signal(signal.SIGXFSZ, signal.{action})
sys.argv = ["bulletinpress", "build", {issue!r}]
from bulletinpress.cli import main
main()
"""


def limited_build(issue: Path, action: str, limit: int = 100_000) -> subprocess.CompletedProcess:
    """A build whose files may not grow past `limit` bytes: a write of the (larger) PDF fails
    half-way (SIG_IGN: the write raises) or the process is killed there (SIG_DFL)."""
    code = LIMITED.format(limit=limit, action=action, issue=str(issue))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def sample_project(tmp_path: Path) -> tuple[Path, Path]:
    issue = write_issue(tmp_path, SAMPLE_ZH.read_text(encoding="utf-8"), "sample.yaml")
    target = tmp_path / "build" / "sample.pdf"
    target.parent.mkdir()
    target.write_bytes(PREVIOUS)
    return issue, target


def test_a_write_that_fails_half_way_keeps_the_previous_pdf(tmp_path):
    issue, target = sample_project(tmp_path)
    run = limited_build(issue, "SIG_IGN")
    assert run.returncode == 1, run.stderr
    assert f"{target}:1:1: error: cannot write it: File too large" in run.stderr and "Traceback" not in run.stderr
    assert target.read_bytes() == PREVIOUS
    assert sorted(p.name for p in target.parent.iterdir()) == ["sample.pdf"]


def test_a_build_killed_while_writing_keeps_the_previous_pdf(tmp_path):
    issue, target = sample_project(tmp_path)
    run = limited_build(issue, "SIG_DFL")
    assert run.returncode < 0  # killed by SIGXFSZ
    assert target.read_bytes() == PREVIOUS
    [half] = [p for p in target.parent.iterdir() if p.name.startswith(".sample.pdf.")]
    assert half.stat().st_size > 0, "killed in the middle of writing the new PDF"
    assert run_cli("build", issue).code == 0  # the next build sweeps the dead writer's file
    assert sorted(p.name for p in target.parent.iterdir()) == [".bulletinpress-cache.json", "sample.pdf"]


# --- 6. project settings ---------------------------------------------------------------------

def settings(project: Path, text: str) -> Path:
    path = project / "bulletinpress.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_new_leaves_the_title_to_the_settings(project):
    settings(project, "masthead: {title: 工会工作简报}\n")
    write_issue(project, "masthead: {number: 48, date: 2024-12-06}\nbriefs: {items: [一条]}\n", "2024-48.yaml")
    run = run_cli("new", project)
    assert run.code == 0, run.stderr
    created = Path(run.stdout.strip())
    assert "title: ''" not in created.read_text(encoding="utf-8").split("lead:")[0]
    created.write_text(created.read_text(encoding="utf-8").replace("briefs:\n  items: []", "briefs:\n  items: [一条]")
                       .split("# The lead editorial")[0] + "briefs: {items: [二条]}\n", encoding="utf-8")
    assert api.check(created).issue.masthead.title == "工会工作简报"


def test_an_error_from_the_settings_is_reported_in_the_settings(project):
    path = settings(project, "language: fr\nmasthead: {title: 刊}\n")
    run = run_cli("check", write_issue(project, "masthead: {date: 2024-12-06}\nbriefs: {items: [一条]}\n"))
    assert run.code == 1
    assert f"{path}:1:11: error: language: language 'fr' is not supported yet" in run.stderr, run.stderr


def test_text_from_the_settings_is_glyph_checked(project):
    path = settings(project, "masthead: {title: 刊, publisher: \"市总工会\U000F0001\"}\n")
    run = run_cli("check", write_issue(project, "masthead: {date: 2024-12-06}\nbriefs: {items: [一条]}\n"))
    assert run.code == 1
    assert f"{path}:1:" in run.stderr and "U+F0001" in run.stderr


def test_serve_ignores_only_the_projects_own_build_folder(tmp_path):
    root = tmp_path / "build" / "bulletin"  # a project that lives under a folder named build
    ignored = root / "build"
    assert serve.wanted(root / "issues" / "x.yaml", ignored)
    assert serve.wanted(root / "photos" / "p.jpg", ignored)
    assert not serve.wanted(ignored / "x.pdf", ignored)
    assert not serve.wanted(root / "issues" / ".x.yaml.swp", ignored)


def test_new_reads_old_issues_with_the_readers_limits(project):
    write_issue(project, MINIMAL, "2024-12-06.yaml")
    bomb = "masthead: " + "[" * 3000 + "]" * 3000 + "\n"  # the plain YAML reader recursed to a crash
    (project / "issues" / "2024-01-01.yaml").write_text(bomb, encoding="utf-8")
    run = run_cli("new", project)
    assert run.code == 0, run.stderr
    assert Path(run.stdout.strip()).name == "2024-12-13.yaml"


# --- 7. other silent paths -------------------------------------------------------------------

def test_no_fontconfig_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    checks.font_coverage.cache_clear()
    try:
        with pytest.raises(SetupError, match="apt-get install fontconfig"):
            checks.font_coverage(("Noto Serif CJK SC",), "zh-CN")
    finally:
        checks.font_coverage.cache_clear()


@pytest.mark.parametrize("content,message", [(b"", "cannot read the PDF: the file is empty"), (b"not a pdf at all", "cannot read the PDF")])
@pytest.mark.parametrize("command", ["impose", "preflight"])
def test_a_file_that_is_no_pdf_is_an_error_not_a_traceback(tmp_path, content, message, command):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    args = ["-o", tmp_path / "booklet.pdf"] if command == "impose" else []
    run = run_cli(command, bad, *args)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert f"{bad}:1:1: error: {message}" in run.stderr
    assert not (tmp_path / "booklet.pdf").exists()


def test_impose_never_leaves_half_a_booklet(tmp_path, monkeypatch):
    from bulletinpress.press import impose

    source = tmp_path / "pages.pdf"
    with pikepdf.new() as pdf:
        for _ in range(4):
            pdf.add_blank_page(page_size=(595, 842))
        pdf.save(source)
    target = tmp_path / "booklet.pdf"
    target.write_bytes(PREVIOUS)
    monkeypatch.setattr(output, "_write_all", lambda handle, data: (handle.write(data[:100]), (_ for _ in ()).throw(OSError(28, "No space left on device"))))
    with pytest.raises(ContentError, match="No space left on device"):
        impose.impose(source, target)
    assert target.read_bytes() == PREVIOUS


def test_links_left_out_of_a_pdfx_are_said(project):
    path = write_issue(project, MINIMAL.replace("第一段。", "见[市总工会](https://www.cqgh.org/)。"))
    run = run_cli("build", path, "--print")
    assert run.code == 0, run.stderr
    assert "note: 1 link(s) left out: PDF/X-4 allows no links" in run.stderr
    screen = run_cli("build", path, "-o", project / "screen.pdf")
    assert "link(s) left out" not in screen.stderr


def test_a_usage_error_from_targets_is_exit_2(project):
    with pytest.raises(UsageError):
        api.targets([Path("a/x.yaml"), Path("b/x.yaml")], "out/", "pdf")
