"""Faults and attacks that used to get through (issue 22), each with the behaviour it must
have now: the issue file never overwritten by its own PDF, project templates sandboxed,
the preview answering only to this machine, page and poll numbers that are not numbers,
control characters written as YAML escapes, and titles that used to hang the composer."""

from __future__ import annotations

import http.client
import re
import threading
import time

import pytest

from bulletinpress.compose import headline
from bulletinpress.desk import serve
from conftest import SAMPLE_ZH, run_cli, write_issue

MINIMAL = "masthead: {title: 测试简报, date: 2024-12-06}\nlead: {title: 标题, body: 正文。}\n"


def test_a_build_never_writes_over_its_own_issue(project):
    path = write_issue(project, "layout: briefing\n" + MINIMAL)
    before = path.read_bytes()
    run = run_cli("build", path, "-o", path)
    assert run.code == 2 and "would be written over" in run.stderr, run.stderr
    assert path.read_bytes() == before, "the issue is still there"


def test_a_template_cannot_reach_python(project):
    layout = project / "layouts" / "evil"
    layout.mkdir(parents=True)
    (layout / "layout.yaml").write_text("page_size: A4\nstylesheets: []\n", encoding="utf-8")
    (layout / "issue.html").write_text("{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}", encoding="utf-8")
    path = write_issue(project, "layout: evil\n" + MINIMAL)
    run = run_cli("build", path, "--format", "html", "-o", project / "out.html")
    assert run.code == 1 and "not allowed in a template" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert not (project / "out.html").exists() or "pwned" not in (project / "out.html").read_text(encoding="utf-8")


def previewing(project):
    """The preview of the sample (as a briefing) served on a free port: yields the port."""
    path = write_issue(project, SAMPLE_ZH.read_text(encoding="utf-8").replace("layout: newspaper", "layout: briefing"), "sample.yaml")
    server = serve.serve(path, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.stop_event.set()
    server.shutdown()


@pytest.fixture
def preview_server(project):
    yield from previewing(project)


def get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A GET written byte by byte (a browser's or an attacker's: any path, any Host)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        host = f"127.0.0.1:{port}" if host is None else host
        connection.sendall(b"GET " + path.encode("utf-8") + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n\r\n")
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, response.read()


@pytest.mark.parametrize("host", ["evil.example:8000", "192.168.1.5", "localhost.evil.example", ""])
def test_the_preview_answers_only_to_this_machine(preview_server, host):
    status, body = get(preview_server, "/state", host)
    assert status == 403 and b"only to this machine" in body
    for local in (f"localhost:{preview_server}", f"127.0.0.1:{preview_server}", f"[::1]:{preview_server}"):
        assert get(preview_server, "/", local)[0] == 200


@pytest.mark.parametrize("path", ["/page/\u00b2.png", "/page/" + "9" * 5000 + ".png", "/state?after=" + "9" * 5000])
def test_numbers_that_are_not_page_numbers_get_an_answer(preview_server, path):
    started = time.monotonic()
    status, _ = get(preview_server, path)
    assert status in (200, 404) and time.monotonic() - started < 25


@pytest.mark.parametrize("escape", ["\\e", "\\x7f", "\\x85", "\\x9b", "\\u2028", "\\0"])
def test_control_characters_written_as_escapes_are_errors(project, escape):
    path = write_issue(project, f'masthead: {{title: 测试简报, date: 2024-12-06}}\nlead: {{title: "标{escape}题", body: 正文。}}\n')
    run = run_cli("check", path)
    assert run.code == 1 and "lead.title" in run.stderr and "control character" in run.stderr, run.stderr


def test_a_long_title_without_breaks_is_balanced_by_a_bounded_search(monkeypatch):
    """A 118-character title the editor did not break (it used to run for minutes: every
    combination of breaks): balanced by dynamic programming, the work counted, not timed."""
    from bulletinpress.compose.context import _story
    from bulletinpress.source.model import Article

    title = ("持续深化产业工人队伍建设改革加快建设一支知识型技能型创新型产业工人大军推动高质量发展" * 3)[:118]
    story = _story(Article(title=title, body="正文。"), "zh", SAMPLE_ZH.parent, SAMPLE_ZH.parent)
    calls = {"n": 0}
    width = headline._width

    def counted(line):
        calls["n"] += 1
        return width(line)

    monkeypatch.setattr(headline, "_width", counted)
    lines = headline.set_title(story, 300.0, 26.0)
    plain = "".join(re.sub(r"<[^>]+>", "", str(line)) for line in lines)
    assert plain == title, "every character once, in order"
    assert calls["n"] < 2_000_000, calls
    assert all(len(re.sub(r"<[^>]+>", "", str(line))) <= 300 / 26 for line in lines), "each line fits the measure"


def huge_png(path, width: int, height: int) -> None:
    """A PNG that says it is width × height: a few hundred bytes, its pixels never there."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("size", [(50000, 50000), (13000, 13000)])
def test_a_photo_past_the_pixel_ceiling_is_an_error_at_its_line(project, size):
    (project / "photos").mkdir()
    huge_png(project / "photos" / "huge.png", *size)
    path = write_issue(project, MINIMAL.replace("body: 正文。}", "body: 正文。, images: [{src: ../photos/huge.png}]}"))
    for command in ("check", "build"):
        run = run_cli(command, path)
        assert run.code == 1 and "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
        assert re.search(r"issue\.yaml:\d+:\d+: error: lead\.images\[0\]\.src: photo '\.\./photos/huge\.png' cannot be read: it is "
                         f"({size[0]}×{size[1]} pixels|{size[0] * size[1] // 10**6} million pixels).*at most 60 million", run.stderr), run.stderr


@pytest.mark.parametrize("content,kind,message", [
    (None, "report", "no such issue file"),
    ("a: [1\n", "report", "YAML syntax"),
    ("a: 1\na: 2\n", "report", "duplicate field 'a'"),
    ("[1, 2]\n", "report", "an issue file must be a group of fields"),
    ("reports: 5\n", "report", "reports: should be a list of reports"),
    ("briefs: hello\n", "briefs", "briefs: should be a group with items:"),
])
def test_import_into_a_file_that_cannot_take_it_is_a_clear_error(project, tmp_path, content, kind, message):
    import docx

    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    source = tmp_path / "a.docx"
    document.save(source)
    issue = project / "issues" / "into.yaml"
    if content is not None:
        issue.write_text(content, encoding="utf-8")
    run = run_cli("import", source, "--into", issue, "--as", kind, "--district", "黔江区", cwd=project)
    assert run.code in (1, 2) and message in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert content is None or issue.read_text(encoding="utf-8") == content, "nothing written into it"


def test_two_imports_into_one_issue_keep_both_reports(project, tmp_path, monkeypatch):
    """Two imports at once (the work between reading the issue and writing it made slow, so
    they overlap): the second waits for the first, and both reports are kept."""
    import docx
    import yaml

    from bulletinpress import api
    from bulletinpress.desk import importer

    issue = write_issue(project, "masthead: {title: 刊, date: 2024-12-06}\n", "both.yaml")
    sources = []
    for n in range(2):
        document = docx.Document()
        document.add_paragraph(f"第{n}区报告", style="Title")
        document.add_paragraph("正文。" * 50)
        sources.append(tmp_path / f"{n}.docx")
        document.save(sources[-1])
    append = importer.append_into

    def slow(*args, **kwargs):
        text = append(*args, **kwargs)
        time.sleep(0.5)  # the other import reads the issue meanwhile, unless it waits
        return text

    monkeypatch.setattr(importer, "append_into", slow)
    failures = []

    def one(n):
        try:
            api.import_file(sources[n], into=issue, district=f"第{n}区")
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    titles = sorted(r["title"] for r in yaml.safe_load(issue.read_text(encoding="utf-8"))["reports"])
    assert titles == ["第0区报告", "第1区报告"], "both reports kept"


def test_a_rewrite_never_lands_on_an_edit_saved_meanwhile(tmp_path):
    from bulletinpress.errors import UsageError
    from bulletinpress.press import output

    target = tmp_path / "issue.yaml"
    target.write_bytes(b"old")
    read = target.read_bytes()
    target.write_bytes(b"the editor's save")
    with pytest.raises(UsageError, match="changed while it was being rewritten"):
        output.write_atomic(target, b"our rewrite", expected=read)
    assert target.read_bytes() == b"the editor's save" and not list(tmp_path.glob(".issue.yaml.*.tmp"))


@pytest.mark.parametrize("name", ["x" * 300 + ".jpg", "loop1"])
def test_a_photo_path_that_cannot_be_followed_is_an_error_at_its_line(project, name):
    (project / "photos").mkdir()
    (project / "photos" / "loop1").symlink_to("loop2")
    (project / "photos" / "loop2").symlink_to("loop1")
    path = write_issue(project, MINIMAL.replace("body: 正文。}", f"body: 正文。, images: [{{src: ../photos/{name}}}]}}"))
    run = run_cli("check", path)
    assert run.code == 1 and "cannot be followed" in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_odd_places_and_names_for_the_output_are_clear(project, tmp_path):
    path = write_issue(project, "layout: briefing\n" + MINIMAL, "深化产业工人队伍建设改革" * 6 + "深化产业.yaml")  # 240 bytes
    run = run_cli("build", path)
    assert run.code == 0, run.stderr
    run = run_cli("build", path, "-o", "/dev/null", "--force")
    assert run.code == 2 and "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    (tmp_path / "afile").write_text("x")
    run = run_cli("build", path, "-o", tmp_path / "afile" / "x.pdf")
    assert run.code == 2 and "is a file, not a folder" in run.stderr, run.stderr


def test_the_next_issue_after_the_year_9999_is_a_clear_error(project):
    write_issue(project, "layout: briefing\n" + MINIMAL.replace("2024-12-06", "9999-12-30"), "last.yaml")
    run = run_cli("new", cwd=project)
    assert run.code == 1 and "past the year 9999" in run.stderr and "Traceback" not in run.stderr, run.stderr


@pytest.mark.parametrize("sheet", ["/etc/hostname", "../../../../etc/hostname", "out.css"])
def test_a_layouts_stylesheet_never_leaves_the_style_folders(project, tmp_path, sheet):
    outside = tmp_path / "secret.css"
    outside.write_text("/* secret */", encoding="utf-8")
    (project / "styles").mkdir()
    (project / "styles" / "out.css").symlink_to(outside)
    layout = project / "layouts" / "odd"
    layout.mkdir(parents=True)
    (layout / "layout.yaml").write_text(f"page_size: A4\nstylesheets: ['{sheet}']\n", encoding="utf-8")
    (layout / "issue.html").write_text("<p>{{ masthead.title }}</p>", encoding="utf-8")
    path = write_issue(project, "layout: odd\n" + MINIMAL)
    run = run_cli("build", path, "--format", "html", "-o", project / "x.html")
    assert run.code == 1 and ("not found" in run.stderr or "outside the project" in run.stderr), run.stderr
    assert not (project / "x.html").exists()


def _dying(job, force=False):
    """A worker that is killed while building one issue (as the out-of-memory killer would)."""
    import os

    if job.path.name == "dies.yaml":
        os._exit(9)
    return _REAL_RUN_ONE(job, force)


_REAL_RUN_ONE = None  # the real batch.run_one, set by the test (workers are forked with it)


def test_a_killed_worker_fails_only_its_own_issue(project, monkeypatch):
    global _REAL_RUN_ONE
    from bulletinpress.desk import batch

    _REAL_RUN_ONE = batch.run_one
    monkeypatch.setattr(batch, "run_one", _dying)
    paths = [write_issue(project, "layout: briefing\n" + MINIMAL, f"{name}.yaml") for name in ("a", "dies", "b", "c")]
    jobs = [batch.Job(path, None, {"fmt": "html"}) for path in paths]
    outcomes = batch.run(jobs, 2, True, lambda outcome: None)
    failed = {o.path.name for o in outcomes if o.failed}
    assert failed == {"dies.yaml"}, [(o.path.name, o.errors) for o in outcomes]
    assert "the build process died" in next(o for o in outcomes if o.failed).errors[0]


def test_terminating_a_batch_ends_its_workers(project):
    import os
    import signal
    import subprocess
    import sys

    paths = [write_issue(project, SAMPLE_ZH.read_text(encoding="utf-8"), f"s{n}.yaml") for n in range(4)]
    batch = subprocess.Popen([sys.executable, "-m", "bulletinpress", "build", *map(str, paths), "--jobs", "2", "--force"],
                             cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        if int(stat.read().rsplit(")", 1)[1].split()[1]) == batch.pid:
                            found.append(int(entry))
                except (OSError, ValueError, IndexError):
                    pass
        return found

    for _ in range(600):  # until its workers are there
        workers = children()
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert len(workers) >= 2, "the batch started its workers"
    batch.send_signal(signal.SIGTERM)
    batch.wait(timeout=60)
    for _ in range(200):
        if not any(os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split()[2] != "Z" for pid in workers):
            break
        time.sleep(0.05)
    alive = [pid for pid in workers if os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split()[2] != "Z"]
    assert not alive, f"workers left running: {alive}"


def test_the_skip_cache_sees_what_the_page_draws(project):
    """An image drawn inside an SVG photo and one a project stylesheet uses are part of the
    page: changing either rebuilds the issue."""
    from PIL import Image

    (project / "photos").mkdir()
    Image.new("RGB", (40, 30), (200, 0, 0)).save(project / "photos" / "inner.png")
    (project / "photos" / "outer.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="300">'
        '<image xlink:href="inner.png" width="400" height="300"/></svg>', encoding="utf-8")
    (project / "styles").mkdir()
    Image.new("RGB", (10, 10), (0, 0, 200)).save(project / "styles" / "paper.png")
    (project / "styles" / "briefing.css").write_text(
        (SAMPLE_ZH.parents[1] / "styles" / "briefing.css").read_text(encoding="utf-8") + "\nbody { background: url(paper.png); }\n",
        encoding="utf-8")
    path = write_issue(project, "layout: briefing\n" + MINIMAL.replace("body: 正文。}", "body: 正文。, images: [{src: ../photos/outer.svg}]}"))
    assert run_cli("build", path).code == 0
    assert "unchanged, skipped" in run_cli("build", path).stderr
    Image.new("RGB", (40, 30), (0, 200, 0)).save(project / "photos" / "inner.png")
    assert "unchanged" not in run_cli("build", path).stderr, "the SVG's image changed"
    Image.new("RGB", (10, 10), (0, 200, 200)).save(project / "styles" / "paper.png")
    assert "unchanged" not in run_cli("build", path).stderr, "the stylesheet's image changed"


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_an_issue_that_is_not_a_file_is_refused_at_once(project, kind):
    import os

    path = project / "issues" / "odd.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    for command in ("check", "new"):
        run = run_cli(command, *( [path] if command == "check" else []), cwd=project)
        assert run.code in (1, 2) and "not a regular file" in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_settings_and_templates_linked_from_outside_are_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "bulletinpress.yaml").write_text("layout: briefing\n", encoding="utf-8")
    (project / "bulletinpress.yaml").unlink()
    (project / "bulletinpress.yaml").symlink_to(outside / "bulletinpress.yaml")
    path = write_issue(project, MINIMAL)
    run = run_cli("check", path)
    assert run.code == 1 and "outside the project" in run.stderr, run.stderr
    (project / "bulletinpress.yaml").unlink()
    (project / "bulletinpress.yaml").write_text("layout: briefing\n", encoding="utf-8")
    (outside / "secret.html").write_text("SECRET", encoding="utf-8")
    layout = project / "layouts" / "linked"
    layout.mkdir(parents=True)
    (layout / "layout.yaml").write_text("page_size: A4\nstylesheets: []\n", encoding="utf-8")
    (layout / "issue.html").symlink_to(outside / "secret.html")
    path = write_issue(project, "layout: linked\n" + MINIMAL, "linked.yaml")
    run = run_cli("build", path, "--format", "html", "-o", project / "linked.html")
    assert run.code == 1 and not (project / "linked.html").exists(), run.stderr


def test_serve_on_a_port_that_is_taken_says_so(project):
    import socket

    path = write_issue(project, "layout: briefing\n" + MINIMAL)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        from bulletinpress.errors import UsageError

        with pytest.raises(UsageError, match="choose another port"):
            serve.serve(path, port=taken.getsockname()[1])


@pytest.mark.parametrize("name", ["a#1.jpg", "50%.jpg", "问题?.jpg", "a%2eb.jpg", "two words.jpg"])
def test_photo_names_that_look_like_addresses_print(project, name, tmp_path):
    import pymupdf
    from PIL import Image

    (project / "photos").mkdir()
    Image.new("RGB", (1200, 900), (90, 120, 150)).save(project / "photos" / name, "JPEG")
    path = write_issue(project, "layout: briefing\n" + MINIMAL.replace("body: 正文。}", f"body: 正文。, images: [{{src: '../photos/{name}'}}]}}"))
    target = tmp_path / "out.pdf"
    run = run_cli("build", path, "-o", target)
    assert run.code == 0, run.stderr
    with pymupdf.open(target) as pdf:
        assert pdf[0].get_images(), "the photo is printed"


def test_a_16_bit_grey_photo_prints_grey_not_black(project, tmp_path):
    import pymupdf
    from PIL import Image

    (project / "photos").mkdir()
    Image.new("I;16", (800, 600), 50000).save(project / "photos" / "grey16.png")
    path = write_issue(project, "layout: briefing\n" + MINIMAL.replace("body: 正文。}", "body: 正文。, images: [{src: ../photos/grey16.png}]}"))
    target = tmp_path / "grey.pdf"
    assert run_cli("build", path, "-o", target).code == 0
    with pymupdf.open(target) as pdf:
        page = pdf[0]
        [info] = page.get_image_info()
        box = pymupdf.Rect(info["bbox"])
        centre = pymupdf.Rect(box.x0 + box.width / 3, box.y0 + box.height / 3, box.x1 - box.width / 3, box.y1 - box.height / 3)
        pixels = page.get_pixmap(clip=centre, colorspace=pymupdf.csGRAY)
        shade = sum(pixels.samples) / len(pixels.samples)
    assert shade > 150, f"the photo (50000 of 65535: a light grey) printed at {shade:.0f} of 255"


def test_an_svg_photo_prints_in_the_composed_newspaper(project, tmp_path):
    """check passed every SVG photo and the newspaper refused them all (a crop of pixels an
    SVG does not have); its own proportions from its width and height."""
    import pymupdf
    import yaml

    from bulletinpress.compose.context import _pixels

    (project / "photos").mkdir()
    svg = project / "photos" / "chart.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#3a6"/></svg>',
                   encoding="utf-8")
    assert _pixels(svg) == (400, 300)
    data = yaml.safe_load(SAMPLE_ZH.read_text(encoding="utf-8"))
    data["reports"][1]["images"] = [{"src": "../photos/chart.svg", "caption": "图为示意图"}]
    path = write_issue(project, yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "svg.yaml")
    run = run_cli("build", path, "-o", tmp_path / "svg.pdf")
    assert run.code == 0, run.stderr
    with pymupdf.open(tmp_path / "svg.pdf") as pdf:
        fills = [d for d in pdf[0].get_drawings() if d.get("fill") and abs(d["fill"][0] - 0.2) < 0.02 and abs(d["fill"][1] - 0.667) < 0.02]
        assert fills, "the SVG's green rectangle is drawn"
