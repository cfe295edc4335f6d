"""Damaged and hostile inputs past the file rule (issue 22): PDFs with one malformed detail
given to preflight and impose, SVG photos that would print as an empty frame, photos the
WeChat edition cannot take, and a preview tab closed while its long poll waits. Each used
to be a traceback or a silently wrong page; each is now one clear message at its place."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from bulletinpress.desk import serve
from conftest import SAMPLE_ZH, photo_issue, run_cli, write_issue

pikepdf = pytest.importorskip("pikepdf")


def _pdf(path, mutate) -> None:
    """A one-page PDF with a TrimBox, a font and text, then one detail made malformed."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 300))
    page = pdf.pages[0]
    page.obj.TrimBox = pikepdf.Array([10, 10, 190, 290])
    page.obj.Contents = pdf.make_stream(b"q 1 0 0 1 0 0 cm 0 0 0 1 k BT /F1 12 Tf (Hi) Tj ET Q")
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    mutate(pdf, page.obj)
    pdf.save(path)


def _xobject(pdf, page, name: str, stream, drawn: bytes) -> None:
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary({f"/{name}": stream}))
    page.Contents = pdf.make_stream(drawn)


MALFORMED = {
    "a TrimBox of names": lambda pdf, page: setattr(page, "TrimBox", pikepdf.Array([pikepdf.Name.a] * 4)),
    "a cm with two numbers": lambda pdf, page: setattr(page, "Contents", pdf.make_stream(b"1 0 cm BT /F1 x Tf (a) Tj ET")),
    "fonts that are a number": lambda pdf, page: setattr(page, "Resources", pikepdf.Dictionary(Font=5)),
    "an image whose width is a name": lambda pdf, page: _xobject(pdf, page, "Im", pdf.make_stream(
        b"x", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=pikepdf.Name.w, Height=1), b"q 10 0 0 10 0 0 cm /Im Do Q"),
    "a form whose matrix is strings": lambda pdf, page: _xobject(pdf, page, "Fm", pdf.make_stream(
        b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, Matrix=pikepdf.Array([pikepdf.String("a")] * 6),
        BBox=[0, 0, 1, 1]), b"/Fm Do"),
    "a content stream that does not inflate": lambda pdf, page: setattr(page, "Contents", pdf.make_stream(
        b"garbage", Filter=pikepdf.Name.FlateDecode)),
    "an output intent whose profile is a number": lambda pdf, page: setattr(pdf.Root, "OutputIntents", pikepdf.Array(
        [pikepdf.Dictionary(S=pikepdf.Name.GTS_PDFX, DestOutputProfile=7)])),
    "output intents that are a dictionary": lambda pdf, page: setattr(pdf.Root, "OutputIntents", pikepdf.Dictionary(a=1)),
}


@pytest.mark.parametrize("detail", list(MALFORMED))
def test_preflight_reads_a_pdf_with_one_malformed_detail_to_its_end(tmp_path, detail):
    """The malformed detail is a finding (or a clear damaged-file error); the rest of the
    file is still checked (the unembedded font is found), never a traceback."""
    path = tmp_path / "x.pdf"
    _pdf(path, MALFORMED[detail])
    run = run_cli("preflight", path)
    assert run.code == 1 and "Traceback" not in run.stderr + run.stdout, (detail, run.stderr)
    said = run.stdout + run.stderr
    assert "[damaged]" in said or "[boxes]" in said or "is damaged" in said, (detail, said)


@pytest.mark.parametrize("detail", list(MALFORMED))
def test_impose_imposes_or_says_why_not(tmp_path, detail):
    path, booklet = tmp_path / "x.pdf", tmp_path / "booklet.pdf"
    _pdf(path, MALFORMED[detail])
    run = run_cli("impose", path, "-o", booklet)
    assert run.code in (0, 1) and "Traceback" not in run.stderr, (detail, run.stderr)
    assert (run.code == 0) == booklet.exists(), "a refused booklet leaves no file"
    if detail == "a TrimBox of names":
        assert run.code == 1 and "TrimBox" in run.stderr and "not four numbers" in run.stderr, run.stderr


def _svg(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


DRAWINGS = {
    "20,000 nested groups": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                             + "<g>" * 20000 + "</g>" * 20000 + "</svg>", "nest more than"),
    "an HTML page named .svg": ("<!DOCTYPE html><html><body><p>hello</p></body></html>", "not an SVG drawing"),
    "a drawing cut off": ('<svg xmlns="http://www.w3.org/2000/svg"><g><rect', "not a well-formed SVG"),
}


@pytest.mark.parametrize("drawing", list(DRAWINGS))
def test_an_svg_photo_that_would_not_draw_is_an_error_at_its_line(project, drawing):
    text, message = DRAWINGS[drawing]
    _svg(project / "photos" / "chart.svg", text)
    path = photo_issue(project, "../photos/chart.svg")
    run = run_cli("check", path)
    assert run.code == 1 and f"{path}:6:" in run.stderr and message in run.stderr, run.stderr


def test_a_good_svg_photo_still_passes(project):
    _svg(project / "photos" / "chart.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">'
         + "<g>" * 50 + '<rect width="20" height="20"/>' + "</g>" * 50 + "</svg>")
    assert run_cli("check", photo_issue(project, "../photos/chart.svg")).code == 0


def _truncated_jpeg(path) -> None:
    """A JPEG of over 2 MB cut in half: its header reads, its pixels do not."""
    import io
    import random

    from PIL import Image

    rng = random.Random(7)
    image = Image.frombytes("RGB", (1600, 1200), bytes(rng.getrandbits(8) for _ in range(1600 * 1200 * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    assert out.tell() > 2_000_000
    path.write_bytes(out.getvalue()[: out.tell() // 2])


def _undecodable_png(path) -> None:
    """A PNG whose header is fine and whose image data is not deflate."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"not deflate at all" * 10) + chunk(b"IEND", b""))


@pytest.mark.parametrize("photo", ["drawing.svg", "cut.jpg", "bad.png"])
def test_the_wechat_edition_says_which_photo_it_cannot_take(project, photo):
    folder = project / "photos"
    folder.mkdir()
    if photo == "drawing.svg":
        _svg(folder / photo, '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="9" height="9"/>'
             + "<!--" + " " * (2_100_000) + "--></svg>")
    elif photo == "cut.jpg":
        _truncated_jpeg(folder / photo)
    else:
        _undecodable_png(folder / photo)
    path = photo_issue(project, f"../photos/{photo}")
    target = project / "x.wechat.html"
    run = run_cli("build", path, "--format", "wechat", "-o", target)
    assert run.code == 1 and f"{path}:6:" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert ("SVG" in run.stderr) if photo.endswith(".svg") else ("cannot be decoded" in run.stderr), run.stderr
    assert not target.exists()


def test_a_long_poll_whose_tab_closed_ends_its_wait(project, monkeypatch):
    """A tab closed while /state waits: its thread ends within a slice of POLL_SLICE, not
    LONG_POLL later, and writes no traceback (nothing to answer)."""
    monkeypatch.setattr(serve, "LONG_POLL", 30.0)
    monkeypatch.setattr(serve, "POLL_SLICE", 0.2, raising=False)
    path = write_issue(project, SAMPLE_ZH.read_text(encoding="utf-8").replace("layout: newspaper", "layout: briefing"), "s.yaml")
    server = serve.serve(path, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        before = threading.active_count()
        connection = socket.create_connection(("127.0.0.1", server.server_address[1]))
        connection.sendall(b"GET /state?after=999 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        time.sleep(0.5)
        assert threading.active_count() == before + 1, "the poll waits in a thread of its own"
        connection.close()
        deadline = time.monotonic() + 5
        while threading.active_count() > before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert threading.active_count() == before, "the poll's thread ended when its tab closed"
    finally:
        server.stop_event.set()
        server.shutdown()
