"""Editors' safety net: every bad input is a clear message, never a traceback; the build is
a sandbox; nothing is lost."""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bulletinpress.cli import app
from conftest import MINIMAL, SAMPLE_ZH, no_assertion_error, photo_issue, run_cli, write_issue

#: in CI the examples are fixed (repeatable runs); elsewhere each run searches afresh
CI = bool(os.environ.get("CI"))
BAD = sorted((Path(__file__).parent / "bad").glob("*.yaml"))


def expectation(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_each_bad_input_gets_its_message(path):
    run = run_cli("check", path)
    assert run.code == 1
    no_assertion_error(run)
    assert f"{path}:{expectation(path)}" in run.stderr, run.stderr
    for line in run.stderr.splitlines():
        assert line.startswith(f"{path}:") and ": error: " in line


def test_the_corpus_covers_the_classes_of_mistake():
    assert {p.stem for p in BAD} >= {
        "duplicate-key", "tab", "unclosed-quote", "bad-indent", "gbk", "billion-laughs", "python-tag",
        "unknown-key", "missing-title", "wrong-type", "bad-date", "photo-outside", "photo-missing", "emoji",
    }


@pytest.mark.parametrize("name", ["duplicate-key", "gbk", "photo-outside"])
def test_build_fails_the_same_way_and_writes_nothing(name, tmp_path):
    path = Path(__file__).parent / "bad" / f"{name}.yaml"
    run = run_cli("build", path, "-o", tmp_path / "out.pdf")
    assert run.code == 1 and f"{path}:{expectation(path)}" in run.stderr
    assert list(tmp_path.iterdir()) == []


# --- random and mutated issue files: exit 0 or 1, never a traceback ------------------------

runner = CliRunner()


def check_file(tmp_path: Path, data: bytes) -> None:
    issue = tmp_path / "issues" / "fuzz.yaml"
    issue.parent.mkdir(parents=True, exist_ok=True)
    issue.write_bytes(data)
    result = runner.invoke(app, ["check", str(issue)])
    assert result.exit_code in (0, 1), (result.exit_code, result.output, data[:200])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


SEED = SAMPLE_ZH.read_bytes()[:3000] + b"\n"
PIECES = [b":", b"-", b"\t", b"'", b'"', b"[", b"]", b"{", b"}", b"&a", b"*a", b"!!", b"|", b">", b"\n", b"  ", b"#", b"\xff", b"\xe4\xb8", b"2024-13-01", b"~", b"null"]


@settings(max_examples=60, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda s: s.encode("utf-8")))
def test_random_files_never_crash(tmp_path, data):
    check_file(tmp_path, data)


@settings(max_examples=80, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(SEED)), st.integers(0, 8), st.sampled_from(PIECES)), min_size=1, max_size=6))
def test_mutated_sample_never_crashes(tmp_path, edits):
    data = SEED
    for at, cut, piece in edits:
        data = data[:at] + piece + data[at + cut :]
    check_file(tmp_path, data)


# --- the sandbox ---------------------------------------------------------------------

@pytest.fixture
def server():
    """A local HTTP server that counts the requests it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"p { color: red }")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


def test_markup_in_the_issue_fetches_nothing(project, server):
    url, hits = server
    body = (
        f'<img src="{url}/img.png"> <link rel="stylesheet" href="{url}/a.css"> '
        f'<style>@import url({url}/b.css); p {{ background: url(file:///etc/hostname) }}</style> '
        f"![photo]({url}/c.png) [link]({url}/d) [file](file:///etc/hostname) <a href=\"{url}/e\">e</a>"
    )
    path = write_issue(project, f"masthead: {{title: 刊, date: 2024-12-06}}\nlead:\n  title: 题\n  body: '{body}'\n")
    run = run_cli("build", path, "-o", project / "out.pdf")
    assert run.code == 0, run.stderr
    assert hits == []
    with pikepdf.open(project / "out.pdf") as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        annots = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert all(a.get("/Subtype") == "/Link" for a in annots)
        uris = [str(a.A.URI) for a in annots if "/A" in a]
        assert uris == [f"{url}/d"]  # an http link, kept as a link, never fetched
    text = subprocess.run(["pdftotext", str(project / "out.pdf"), "-"], capture_output=True, text=True).stdout
    assert "<img" in text and "file:///etc/hostname" in text


def test_a_layout_that_reaches_out_is_refused(project, server, tmp_path_factory):
    url, hits = server
    outside = tmp_path_factory.mktemp("outside") / "secret.png"
    outside.write_bytes(b"\x89PNG not really")
    (project / "layouts" / "leaky").mkdir(parents=True)
    (project / "layouts" / "leaky" / "layout.yaml").write_text("stylesheets: [base.css, leaky.css]\n")
    (project / "layouts" / "leaky" / "issue.html").write_text(
        f'<link rel="stylesheet" href="{url}/x.css"><img src="{url}/y.png"><img src="{outside.as_uri()}">'
        f'<link rel="attachment" href="file:///etc/hostname"><object data="{url}/z"></object>'
        "<p>{{ masthead.title }}</p>"
    )
    (project / "styles").mkdir()
    (project / "styles" / "leaky.css").write_text(
        f"@import url({url}/w.css);\np {{ background: url(file:///etc/hostname) }}\n"
        f'@font-face {{ font-family: X; src: url({url}/f.woff) }}\n'
    )
    (project / "photos").mkdir()
    (project / "photos" / "link.png").symlink_to(outside)
    path = write_issue(project, "layout: leaky\n" + MINIMAL)
    run = run_cli("build", path, "-o", project / "out.pdf")
    assert run.code == 1
    no_assertion_error(run)
    assert hits == []
    assert f"refused to load '{url}/y.png'" in run.stderr and f"refused to load '{outside.as_uri()}'" in run.stderr
    assert not (project / "out.pdf").exists()


def test_a_symlinked_photo_that_leaves_the_project_is_an_error(project, tmp_path_factory):
    from PIL import Image

    outside = tmp_path_factory.mktemp("elsewhere") / "p.png"
    Image.new("RGB", (10, 10)).save(outside)
    (project / "photos").mkdir()
    (project / "photos" / "p.png").symlink_to(outside)
    path = photo_issue(project, "../photos/p.png")
    run = run_cli("check", path)
    assert run.code == 1 and "is outside the bulletin project" in run.stderr


# --- nothing is lost ------------------------------------------------------------------------

def test_stale_temporary_files_are_cleared(project):
    path = write_issue(project, MINIMAL)
    (project / "build").mkdir()
    stale = project / "build" / ".issue.html.abc123.tmp"
    stale.write_text("half")
    assert run_cli("build", path, "--format", "html").code == 0
    assert sorted(p.name for p in (project / "build").iterdir()) == [".bulletinpress-cache.json", "issue.html"]


def test_strict_turns_warnings_into_errors(project):
    body = "近日，市总工会组织调研组先后赴国网綦江供电公司调研产业工人队伍建设改革工作。" * 40
    reports = "\n".join(f"  - district: 第{n}区\n    title: 第{n}篇\n    body: {body}" for n in range(8))
    path = write_issue(project, f"layout: newspaper\nmasthead: {{title: 刊, date: 2024-12-06}}\nreports:\n{reports}\n")
    assert run_cli("build", path, "--allow-overflow").code == 0
    assert run_cli("build", path, "--allow-overflow", "--strict").code == 1
