"""Print-ready output and preflight, read back with pikepdf, qpdf and Ghostscript."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pymupdf
import pytest
from PIL import Image

from bulletinpress.press import impose, preflight
from bulletinpress.press import inks
from bulletinpress.press.pdfx import CMYK_PROFILE, PrintOptions
from conftest import MINIMAL, SAMPLE_ZH, run_cli, write_issue

MM = 72 / 25.4
A3 = (841.89, 1190.55)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("print") / "sample.pdf"
    run = run_cli("build", SAMPLE_ZH, "--print", "-o", target)
    assert run.code == 0, run.stderr
    assert "0 error(s)" in run.stderr
    return target


@pytest.fixture(scope="module")
def screen(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("screen") / "sample.pdf"
    assert run_cli("build", SAMPLE_ZH, "-o", target).code == 0
    return target


def content_operators(pdf: pikepdf.Pdf) -> set[str]:
    """Every operator in the pages' content streams and the forms they draw."""
    found: set[str] = set()

    def walk(holder, resources, seen):
        for _, operator in pikepdf.parse_content_stream(holder):
            found.add(str(operator))
        for xobject in (resources or {}).get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                walk(xobject, xobject.get("/Resources"), seen | {xobject.objgen})

    for page in pdf.pages:
        walk(page.obj, page.obj.get("/Resources"), set())
    return found


def test_boxes_trim_and_bleed(printed):
    with pikepdf.open(printed) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0].obj
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        assert trim[2] - trim[0] == pytest.approx(A3[0], abs=0.1)
        assert trim[3] - trim[1] == pytest.approx(A3[1], abs=0.1)
        for side in (0, 1):
            assert trim[side] - bleed[side] == pytest.approx(3 * MM, abs=0.05)
        for side in (2, 3):
            assert bleed[side] - trim[side] == pytest.approx(3 * MM, abs=0.05)
        for side in (0, 1):  # a zone for the printer's marks around the bleed
            assert bleed[side] - media[side] >= 6 * MM
        for side in (2, 3):
            assert media[side] - bleed[side] >= 6 * MM


def test_pdfx4_with_a_cmyk_output_intent(printed):
    with pikepdf.open(printed) as pdf:
        with pdf.open_metadata() as meta:
            assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        profile = intent.DestOutputProfile
        assert profile.read_bytes()[16:20] == b"CMYK" and int(profile.N) == 4
        assert pdf.docinfo.Trapped == "/False"


def test_colours_are_cmyk_and_text_is_black_only(printed):
    with pikepdf.open(printed) as pdf:
        operators = content_operators(pdf)
        assert not operators & {"rg", "RG"}, "no DeviceRGB colour in a PDF/X"
        page = pdf.pages[0].obj
        stream = b"".join(part.read_bytes() for part in page.Contents).decode("latin-1")
        # body text is drawn in 0 0 0 1 (100 % K, DeviceCMYK, overprinting); the masthead red is 0 1 1 0
        assert "0 0 0 1 k" in stream and "0 1 1 0 scn" in stream
        colours = set(re.findall(r"([\d. ]+) scn", stream))
        assert all(len(c.split()) == 4 for c in colours)
    report = preflight.check(printed)
    assert report.small_text == {}


def crop_mark_lines(pdf: pikepdf.Pdf) -> list[tuple[float, float, float, float]]:
    """The lines stroked in the registration colour on the first page: (x0, y0, x1, y1)."""
    lines, colour, start = [], None, None
    for operands, operator in pikepdf.parse_content_stream(pdf.pages[0].obj):
        op = str(operator)
        if op == "CS":
            colour = str(operands[0])
        elif op == "m":
            start = [float(v) for v in operands]
        elif op == "l" and colour == "/BPRegistration":
            lines.append((*start, *(float(v) for v in operands)))
    return lines


def test_crop_marks_lie_outside_the_bleed_in_registration_colour(printed):
    """Print-shop practice: eight hairlines in line with the trim edges, starting at least
    3 mm from the trim and wholly outside the bleed, 5-10 mm long, in every separation."""
    with pikepdf.open(printed) as pdf:
        page = pdf.pages[0].obj
        trim, bleed, media = ([float(v) for v in page[box]] for box in ("/TrimBox", "/BleedBox", "/MediaBox"))
        space = page.Resources.ColorSpace.BPRegistration
        assert str(space[0]) == "/Separation" and str(space[1]) == "/All"
        lines = crop_mark_lines(pdf)
    assert len(lines) == 8
    for x0, y0, x1, y1 in lines:
        length = abs(x1 - x0) + abs(y1 - y0)
        assert 5 * MM <= length <= 10 * MM
        assert x0 == x1 or y0 == y1  # horizontal or vertical
        on_edge = lambda value, edges: any(abs(value - edge) < 0.01 for edge in edges)  # noqa: E731
        assert (x0 == x1 and on_edge(x0, trim[0::2])) or (y0 == y1 and on_edge(y0, trim[1::2]))
        for x, y in ((x0, y0), (x1, y1)):
            outside = x <= bleed[0] or x >= bleed[2] or y <= bleed[1] or y >= bleed[3]
            assert outside, "a crop mark inside the bleed prints on the paper the image runs into"
            assert media[0] <= x <= media[2] and media[1] <= y <= media[3]
            distance = max(trim[0] - x, x - trim[2], trim[1] - y, y - trim[3])
            assert distance >= 3 * MM


def test_pdfx_version_is_in_the_info_dictionary_too(printed):
    with pikepdf.open(printed) as pdf:
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"


def test_fonts_embedded_subset_and_the_file_is_sound(printed):
    report = preflight.check(printed)
    assert report.errors == [] and report.warnings == []
    assert report.fonts and all(f["embedded"] and f["subset"] for f in report.fonts)
    assert subprocess.run(["qpdf", "--check", str(printed)], capture_output=True).returncode == 0
    assert shutil.which("gs"), "Ghostscript is part of the set-up"
    gs = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage", str(printed)],
                        capture_output=True, text=True)
    assert gs.returncode == 0 and "Error" not in gs.stdout + gs.stderr


def test_same_input_same_bytes(printed, tmp_path):
    again = tmp_path / "again.pdf"
    assert run_cli("build", SAMPLE_ZH, "--print", "-o", again).code == 0
    assert again.read_bytes() == printed.read_bytes()


def test_screen_pdf_stays_rgb_without_marks(screen):
    with pikepdf.open(screen) as pdf:
        page = pdf.pages[0].obj
        assert "/OutputIntents" not in pdf.Root
        assert [float(v) for v in page.MediaBox][2:] == pytest.approx(list(A3), abs=0.1)
        assert "/TrimBox" not in page or [float(v) for v in page.TrimBox] == [float(v) for v in page.MediaBox]
        assert "rg" in content_operators(pdf)
    report = preflight.check(screen)
    assert {f.code for f in report.errors} >= {"pdfx-missing", "output-intent-missing", "bleed"}


def test_preflight_cli_json_and_exit_codes(printed, screen):
    run = run_cli("preflight", printed, "--json")
    assert run.code == 0
    data = json.loads(run.stdout)
    assert data["pdfx"] == "PDF/X-4" and data["errors"] == 0
    assert data["pages"][0]["trim_mm"] == [297.0, 420.0] and data["pages"][0]["bleed_mm"]["left"] == 3.0
    assert run_cli("preflight", screen).code == 1
    assert run_cli("preflight", printed, "--booklet").code == 1  # one page is no booklet


def test_rgb_colours_go_through_the_profile_and_neutrals_are_k_only():
    convert = inks.converter(CMYK_PROFILE)
    assert convert(0, 0, 0) == (0.0, 0.0, 0.0, 1.0)
    assert convert(1, 1, 1) == (0.0, 0.0, 0.0, 0.0)
    assert convert(0.5, 0.5, 0.5) == (0.0, 0.0, 0.0, 0.5)
    c, m, y, k = convert(0.8, 0, 0)
    assert m > 0.8 and y > 0.8 and c < 0.2, "a red is mostly magenta and yellow"


# --- photos: resolution, colour spaces --------------------------------------------------

def photo_project(project: Path, photos: dict[str, Image.Image]) -> Path:
    (project / "photos").mkdir()
    for name, image in photos.items():
        image.save(project / "photos" / name)
    images = "\n".join(f"      - src: ../photos/{name}\n        caption: {name}" for name in photos)
    return write_issue(project, f"""\
layout: briefing
masthead: {{title: 图片测试, date: 2024-12-06}}
reports:
  - district: 测试区
    title: 四张照片
    body: 正文。
    images:
{images}
""")


WIDE = 158 / 25.4  # the briefing column is 28 em of 16 pt: 158 mm


def test_photo_resolution_figures_and_colour_spaces(project):
    photos = {
        "good.jpg": Image.new("RGB", (int(WIDE * 320), 800), (200, 30, 30)),  # under the 70 mm the briefing allows
        "soft.png": Image.new("RGB", (int(WIDE * 200), 500), (30, 30, 200)),
        "cmyk.jpg": Image.new("CMYK", (int(WIDE * 320), 800), (0, 100, 200, 20)),
        "alpha.png": Image.new("RGBA", (int(WIDE * 320), 800), (30, 200, 30, 128)),
    }
    path = photo_project(project, photos)
    target = project / "print.pdf"
    run = run_cli("build", path, "--print", "-o", target)
    assert run.code == 0, run.stderr
    assert f"{path}:10:14: warning: reports[0].images[1].src: photo '../photos/soft.png'" in run.stderr
    assert "prints at 200 ppi" in run.stderr
    report = preflight.check(target)
    ppis = sorted(round(i.ppi) for i in report.images)
    assert ppis == [200, 320, 320, 320]
    spaces = sorted(i.colour_space for i in report.images)
    assert spaces == ["DeviceCMYK"] * 4, "RGB photos go into the output intent's CMYK"
    assert [f.code for f in report.warnings] == ["image-resolution"]
    with pikepdf.open(target) as pdf:
        masks = [x for x in pdf.pages[0].obj.Resources.XObject.values() if "/SMask" in x]
        assert masks, "the transparent PNG keeps its soft mask"


def test_low_resolution_photo_is_an_error(project):
    path = photo_project(project, {"tiny.jpg": Image.new("RGB", (400, 100), "gray")})
    run = run_cli("build", path, "--print", "-o", project / "x.pdf")
    assert run.code == 1
    assert f"{path}:8:14: error: reports[0].images[0].src: photo '../photos/tiny.jpg'" in run.stderr
    assert "prints at 64 ppi; at least 150 needed" in run.stderr
    assert not (project / "x.pdf").exists()
    assert run_cli("build", path, "-o", project / "screen.pdf").code == 0  # a screen PDF may use it


# --- content that does not fit ----------------------------------------------------------

def one_page_layout(project) -> None:
    """A flowing layout of a fixed page count (no composition): overflow is read off the page."""
    folder = project / "layouts" / "onepage"
    folder.mkdir(parents=True)
    (folder / "layout.yaml").write_text("page_size: A4\npages: 1\nstylesheets: [base.css, briefing.css]\n"
                                        "fonts: {zh: [Noto Serif CJK SC, Noto Sans CJK SC, LXGW WenKai]}\n")
    (folder / "issue.html").write_text('{% extends "common/base.html" %}{% import "common/macros.html" as m with context %}'
                                       "{% block content %}{{ m.contents() }}{% endblock %}")


def test_overflow_of_a_fixed_page_layout_is_reported_per_article(project):
    one_page_layout(project)
    body = "近日，市总工会组织调研组先后赴国网綦江供电公司调研产业工人队伍建设改革工作。" * 10
    reports = "\n".join(f"  - district: 第{n}区\n    title: 第{n}篇\n    body: {body}" for n in range(8))
    path = write_issue(project, f"layout: onepage\nmasthead: {{title: 太长了, date: 2024-12-06}}\nreports:\n{reports}\n")
    run = run_cli("build", path, "-o", project / "long.pdf")
    assert run.code == 1
    assert not (project / "long.pdf").exists()
    lines = [line for line in run.stderr.splitlines() if "does not fit" in line]
    assert lines and lines[-1].startswith(f"{path}:")
    assert re.search(r"reports\[7\] \(第7区: 第7篇\): does not fit the layout's 1 page\(s\): about \d+ line\(s\), \d+ characters", run.stderr)
    run = run_cli("build", path, "-o", project / "long.pdf", "--allow-overflow")
    assert run.code == 0
    assert "warning:" in run.stderr and "does not fit" in run.stderr
    with pikepdf.open(project / "long.pdf") as pdf:
        assert len(pdf.pages) >= 2


def test_text_that_fits_a_fixed_page_layout_is_no_overflow(project):
    one_page_layout(project)
    assert run_cli("build", write_issue(project, "layout: onepage\n" + MINIMAL), "-o", project / "a.pdf").code == 0


# --- booklets ---------------------------------------------------------------------------

def test_booklet_order():
    assert impose.order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert impose.order(6) == [(None, 0), (1, None), (5, 2), (3, 4)]


def test_impose_a_six_page_a4_document(tmp_path):
    import weasyprint

    pages = "".join(f'<p style="break-after: page; font-size: 40pt">P{n}</p>' for n in range(1, 7))
    source = tmp_path / "six.pdf"
    weasyprint.HTML(string=f"<style>@page {{ size: A4; margin: 20mm }}</style>{pages}").write_pdf(source)
    target = tmp_path / "booklet.pdf"
    run = run_cli("impose", source, "-o", target, "--creep", "2")
    assert run.code == 0, run.stderr
    assert subprocess.run(["qpdf", "--check", str(target)], capture_output=True).returncode == 0
    expected = [("", "P1"), ("P2", ""), ("P6", "P3"), ("P4", "P5")]
    with pymupdf.open(target) as doc:
        assert len(doc) == 4
        positions = []
        for page, (left, right) in zip(doc, expected):
            assert page.rect.width == pytest.approx(2 * 595.28, abs=0.1)
            half = page.rect.width / 2
            assert page.get_text(clip=pymupdf.Rect(0, 0, half, page.rect.height)).strip() == left
            assert page.get_text(clip=pymupdf.Rect(half, 0, page.rect.width, page.rect.height)).strip() == right
            words = page.get_text("words")
            positions.append({w[4]: w[0] for w in words})
    # creep: the innermost sheet's pages sit 2 mm closer to the spine than the outermost's
    outer_right = positions[0]["P1"] - 595.28
    inner_right = positions[3]["P5"] - 595.28
    assert outer_right - inner_right == pytest.approx(2 * MM, abs=0.05)


def test_print_options_are_validated(project):
    path = write_issue(project, MINIMAL)
    run = run_cli("build", path, "--print", "--pdf-variant", "pdf/x-9")
    assert run.code == 2 and "unknown PDF variant" in run.stderr
    assert PrintOptions().variant == "pdf/x-4"


# --- every preflight detector is shown to fire -------------------------------------------------

def mutated(printed: Path, tmp_path: Path, change) -> Path:
    """The good print PDF with one defect made by `change(pdf, page)`."""
    target = tmp_path / "defect.pdf"
    with pikepdf.open(printed) as pdf:
        change(pdf, pdf.pages[0].obj)
        pdf.save(target)
    return target


def draw(pdf, page, content: bytes, fonts: dict | None = None) -> None:
    if fonts:
        for name, font in fonts.items():
            page.Resources.Font[name] = font
    page.Contents.append(pdf.make_stream(content))


def a_cjk_font(page) -> str:
    return next(str(name) for name, font in page.Resources.Font.items() if str(font.get("/Encoding")) == "/Identity-H")


def rich_black_small_text(pdf, page):
    draw(pdf, page, f"BT {a_cjk_font(page)} 8 Tf 0.6 0.5 0.4 1 k 100 100 Td <0010> Tj ET".encode())


def notdef_glyph(pdf, page):
    draw(pdf, page, f"BT {a_cjk_font(page)} 20 Tf 0 0 0 1 k 100 100 Td <0000> Tj ET".encode())


def unembedded_font(pdf, page):
    helvetica = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))
    draw(pdf, page, b"BT /BPHelv 20 Tf 0 0 0 1 k 100 100 Td (x) Tj ET", {"/BPHelv": helvetica})


def rgb_image(pdf, page):
    image = pikepdf.Stream(pdf, b"\xff\x00\x00" * 100)
    image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 10, 10
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    if "/XObject" not in page.Resources:
        page.Resources.XObject = pikepdf.Dictionary()
    page.Resources.XObject["/BPImage"] = pdf.make_indirect(image)
    draw(pdf, page, b"q 2 0 0 2 100 100 cm /BPImage Do Q")


def four_colour_black(pdf, page):
    draw(pdf, page, b"q 1 1 1 1 k 100 100 50 50 re f Q")


def no_trimbox(pdf, page):
    del page["/TrimBox"]


def mixed_sizes(pdf, page):
    pdf.add_blank_page(page_size=(595.28, 841.89))


def pdfx_marker_only_in_xmp(pdf, page):
    del pdf.docinfo["/GTS_PDFXVersion"]


DEFECTS = {
    "rich-black small text": (rich_black_small_text, "small-text-rich-black"),
    ".notdef glyph": (notdef_glyph, "notdef"),
    "unembedded font": (unembedded_font, "font-not-embedded"),
    "RGB image in a PDF/X": (rgb_image, "image-rgb"),
    "missing TrimBox": (no_trimbox, "trimbox-missing"),
    "mixed page sizes": (mixed_sizes, "mixed-sizes"),
    "PDF/X marker only in XMP": (pdfx_marker_only_in_xmp, "pdfx-info"),
    "400 % of ink on newsprint": (four_colour_black, "ink-coverage"),
}


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_each_preflight_detector_fires(printed, tmp_path, defect):
    change, code = DEFECTS[defect]
    assert preflight.check(printed, max_ink=240).findings == []  # the same file without the defect is clean
    report = preflight.check(mutated(printed, tmp_path, change), max_ink=240)
    assert code in {f.code for f in report.findings}, report.to_text()


# --- an independent validator: pdf-oxide ---------------------------------------------------------

#: bulletinpress's variants and how pdf-oxide names the level it checks them against
OXIDE_LEVELS = {
    "pdf/x-4": ("x", "4"), "pdf/x-3": ("x", "3_2002"), "pdf/x-1a": ("x", "1a_2001"),
    "pdf/a-2b": ("a", "2b"), "pdf/a-3b": ("a", "3b"), "pdf/ua-1": ("ua", None),
}


@pytest.mark.parametrize("variant", list(OXIDE_LEVELS))
def test_pdf_oxide_finds_no_error_in_each_print_variant(tmp_path, variant):
    from pdf_oxide import PdfDocument

    target = tmp_path / "print.pdf"
    run = run_cli("build", SAMPLE_ZH, "--print", "--pdf-variant", variant, "-o", target)
    assert run.code == 0, run.stderr
    family, level = OXIDE_LEVELS[variant]
    document = PdfDocument(str(target))
    result = document.validate_pdf_ua() if family == "ua" else getattr(document, f"validate_pdf_{family}")(level)
    assert result["valid"] and result["errors"] == [], result


def test_pdf_oxide_does_fail_a_pdf_that_is_not_pdfx(screen):
    """The validator is not a rubber stamp: the screen PDF is no PDF/X."""
    from pdf_oxide import PdfDocument

    result = PdfDocument(str(screen)).validate_pdf_x("4")
    assert not result["valid"] and result["errors"]


# --- the print shop's own conditions (issue 25) --------------------------------------------------

GS_ICC = Path("/usr/share/color/icc/ghostscript")
#: two CMYK output profiles every Debian machine with Ghostscript has
PROFILES = {"swop": GS_ICC / "default_cmyk.icc", "ps": GS_ICC / "ps_cmyk.icc"}


def _intent(pdf: Path) -> tuple[bytes, str, str]:
    with pikepdf.open(pdf) as doc:
        intent = doc.Root.OutputIntents[0]
        return intent.DestOutputProfile.read_bytes(), str(intent.OutputConditionIdentifier), str(intent.get("/Info", ""))


@pytest.mark.parametrize("variant", ["pdf/x-4", "pdf/x-1a"])
@pytest.mark.parametrize("name", list(PROFILES))
def test_the_shops_profile_is_the_output_intent_byte_for_byte(project, name, variant):
    """With either profile, PDF/X-4 and X-1a (where every colour must be CMYK) are valid."""
    from pdf_oxide import PdfDocument

    (project / "icc").mkdir()
    shutil.copy(PROFILES[name], project / "icc" / "shop.icc")
    path = write_issue(project, MINIMAL)
    target = project / "shop.pdf"
    run = run_cli("build", path, "--print", "--pdf-variant", variant, "--output-intent", project / "icc" / "shop.icc", "-o", target)
    assert run.code == 0, run.stderr
    profile, condition, info = _intent(target)
    assert profile == PROFILES[name].read_bytes()
    assert condition == info and condition.startswith("Artifex"), "the profile's description names the condition"
    result = PdfDocument(str(target)).validate_pdf_x(OXIDE_LEVELS[variant][1])
    assert result["valid"] and result["errors"] == [], result


def test_the_shops_conditions_from_the_project_settings(project):
    (project / "icc").mkdir()
    shutil.copy(PROFILES["ps"], project / "icc" / "press.icc")
    (project / "bulletinpress.yaml").write_text(
        "layout: briefing\nprint: {output_intent: icc/press.icc, condition: CGATS TR002, paper: newsprint}\n", encoding="utf-8")
    path = write_issue(project, MINIMAL)
    target = project / "settings.pdf"
    run = run_cli("build", path, "--print", "-o", target)
    assert run.code == 0, run.stderr
    profile, condition, _ = _intent(target)
    assert profile == PROFILES["ps"].read_bytes() and condition == "CGATS TR002"
    run = run_cli("build", path, "--print", "--condition", "FOGRA39", "-o", target, "--force")
    assert run.code == 0 and _intent(target)[1] == "FOGRA39", "the command line wins over the settings"


@pytest.mark.parametrize("case", ["rgb", "not icc", "outside"])
def test_a_profile_that_cannot_be_an_output_intent_is_an_error_naming_it(project, case):
    (project / "icc").mkdir()
    given = project / "icc" / "shop.icc"
    if case == "rgb":
        shutil.copy(GS_ICC / "srgb.icc", given)
    elif case == "not icc":
        given.write_bytes(b"this is no profile" * 20)
    else:
        given = PROFILES["ps"]
    path = write_issue(project, MINIMAL)
    target = project / "bad.pdf"
    run = run_cli("build", path, "--print", "--output-intent", given, "-o", target)
    assert run.code == 1 and str(given) in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert {"rgb": "not a CMYK output profile", "not icc": "not an ICC profile", "outside": "outside the project"}[case] in run.stderr
    assert not target.exists()


def test_shop_options_need_print_and_a_known_paper(project):
    path = write_issue(project, MINIMAL)
    assert run_cli("build", path, "--paper", "newsprint").code == 2
    assert run_cli("build", path, "--print", "--paper", "vellum").code == 2
    assert run_cli("preflight", SAMPLE_ZH, "--paper", "vellum").code in (1, 2)


def test_preflight_holds_colours_to_the_papers_ink_limit(printed, tmp_path):
    defect = mutated(printed, tmp_path, four_colour_black)
    for paper, fires in (("newsprint", True), ("coated", True)):
        run = run_cli("preflight", defect, "--paper", paper, "--json")
        codes = {f["code"] for f in json.loads(run.stdout)["findings"]}
        assert ("ink-coverage" in codes) == fires and run.code == 1, (paper, run.stdout)
    run = run_cli("preflight", printed, "--paper", "newsprint")
    assert run.code == 0 and "ink-coverage" not in run.stdout, "the sample's own colours are within newsprint's 240 %"


def _red_title_layout(project: Path) -> None:
    """A project layout whose titles are a CSS red (#cc2020): an RGB colour the print PDF
    must turn into the shop's CMYK."""
    layout = project / "layouts" / "red"
    shutil.copytree(Path(__file__).parents[1] / "layouts" / "briefing", layout)
    text = (layout / "layout.yaml").read_text(encoding="utf-8").replace("[base.css, briefing.css]", "[base.css, briefing.css, red.css]")
    (layout / "layout.yaml").write_text(text, encoding="utf-8")
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles" / "red.css").write_text(".title { color: #cc2020; }\n", encoding="utf-8")


def _fills(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as doc:
        stream = b"".join(part.read_bytes() for part in doc.pages[0].obj.Contents).decode("latin-1")
    return re.findall(r"(?m)^(?:/\w+ gs\n)?[\d. ]+ k$", stream)


def test_the_same_css_red_is_each_profiles_own_cmyk_and_black_overprints(project):
    _red_title_layout(project)
    (project / "icc").mkdir()
    for name, profile in PROFILES.items():
        shutil.copy(profile, project / "icc" / f"{name}.icc")
    path = write_issue(project, "layout: red\n" + MINIMAL)
    reds = {}
    for name in PROFILES:
        target = project / f"{name}.pdf"
        run = run_cli("build", path, "--print", "--output-intent", project / "icc" / f"{name}.icc", "-o", target)
        assert run.code == 0, run.stderr
        fills = _fills(target)
        reds[name] = {f.split("\n")[-1] for f in fills if not f.endswith("0 0 0 1 k") and not f.endswith("0 0 0 0 k")}
        assert any(f == "/BPFillOver gs\n0 0 0 1 k" for f in fills), "black text is K only and overprints"
        with pikepdf.open(target) as doc:
            state = doc.pages[0].obj.Resources.ExtGState["/BPFillOver"]
            assert bool(state.op) and int(state.OPM) == 1
    assert reds["swop"] and reds["ps"] and reds["swop"] != reds["ps"], reds


def thin_line(pdf, page):
    draw(pdf, page, b"q 0 0 0 1 K 0.1 w 100 100 m 200 100 l S Q")


def a_regular_cjk_font(page) -> str:
    return next(str(name) for name, font in page.Resources.Font.items()
                if str(font.get("/Encoding")) == "/Identity-H" and "Bold" not in str(font.get("/BaseFont")))


def four_colour_small_text(pdf, page):
    draw(pdf, page, f"BT {a_regular_cjk_font(page)} 8 Tf 0.5 0.4 0.3 0.2 k 100 100 Td <0010> Tj ET".encode())


def reversed_small_text(pdf, page):
    draw(pdf, page, f"BT {a_regular_cjk_font(page)} 7 Tf 0 0 0 0 k 100 100 Td <0010> Tj ET".encode())


def _image(pdf, page, mode: str, colour: tuple, pixels: int, inches: float) -> None:
    data = bytes(colour) * (pixels * pixels)
    image = pikepdf.Stream(pdf, data)
    image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, pixels, pixels
    image.ColorSpace = pikepdf.Name.DeviceCMYK if mode == "cmyk" else pikepdf.Name.DeviceRGB
    image.BitsPerComponent = 8
    if "/XObject" not in page.Resources:
        page.Resources.XObject = pikepdf.Dictionary()
    page.Resources.XObject["/BPPhoto"] = pdf.make_indirect(image)
    size = inches * 72
    draw(pdf, page, f"q {size:.2f} 0 0 {size:.2f} 100 100 cm /BPPhoto Do Q".encode())


def photo_at_180_ppi(pdf, page):
    _image(pdf, page, "cmyk", (0, 0, 0, 100), 180, 1.0)


def photo_of_four_solid_inks(pdf, page):
    _image(pdf, page, "cmyk", (255, 255, 255, 255), 300, 1.0)


def rgb_photo_of_deep_shadow(pdf, page):
    _image(pdf, page, "rgb", (20, 10, 30), 300, 1.0)


PAPER_DEFECTS = {
    "a 0.1 pt line": (thin_line, "thin-line", "newsprint"),
    "8 pt text in four inks on newsprint": (four_colour_small_text, "small-text-newsprint", "newsprint"),
    "7 pt white text on newsprint": (reversed_small_text, "small-text-newsprint", "newsprint"),
    "a 180 ppi photo on coated paper": (photo_at_180_ppi, "image-resolution", "coated"),
    "a photo of 400 % ink on newsprint": (photo_of_four_solid_inks, "ink-coverage", "newsprint"),
    "an RGB shadow through the profile on newsprint": (rgb_photo_of_deep_shadow, "ink-coverage", "newsprint"),
}


@pytest.mark.parametrize("defect", list(PAPER_DEFECTS))
def test_each_paper_detector_fires(printed, tmp_path, defect):
    from bulletinpress.press import shop

    change, code, paper = PAPER_DEFECTS[defect]
    limit = shop.ink_limit(paper, None)
    found = {(f.code, f.severity) for f in preflight.check(printed, max_ink=limit, paper=paper).findings}
    report = preflight.check(mutated(printed, tmp_path, change), max_ink=limit, paper=paper)
    new = {(f.code, f.severity) for f in report.findings} - found
    assert any(c == code for c, _ in new), report.to_text()


def test_a_180_ppi_photo_is_enough_for_newsprint(printed, tmp_path):
    report = preflight.check(mutated(printed, tmp_path, photo_at_180_ppi), max_ink=240, paper="newsprint")
    assert "image-resolution" not in {f.code for f in report.findings}, report.to_text()


def test_the_print_package_holds_what_the_shop_takes(project):
    """build --print --package: the PDF/X, the preflight report as HTML and JSON, proofs of
    every page and its separations with an ink map, and a JDF job ticket that parses and
    carries the trim size and the copies; all of it again in a .zip."""
    import zipfile
    from xml.etree import ElementTree

    path = write_issue(project, MINIMAL.replace("masthead:", "distribution: {copies: 1200}\nmasthead:", 1))
    target = project / "out" / "issue.pdf"
    run = run_cli("build", path, "--print", "--package", "--paper", "coated", "-o", target)
    assert run.code == 0, run.stderr
    folder = project / "out" / "issue-package"
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for wanted in ("issue.pdf", "preflight.json", "preflight.html", "job.jdf", "job.txt", "proofs/page-1.png",
                   "proofs/page-1-cyan.png", "proofs/page-1-magenta.png", "proofs/page-1-yellow.png",
                   "proofs/page-1-black.png", "proofs/page-1-ink.png"):
        assert wanted in names, (wanted, sorted(names))
    assert (folder / "issue.pdf").read_bytes() == target.read_bytes()
    ns = {"jdf": "http://www.CIP4.org/JDFSchema_1_1"}
    ticket = ElementTree.parse(folder / "job.jdf").getroot()
    assert ticket.find("jdf:ResourceLinkPool/jdf:ComponentLink", ns).get("Amount") == "1200"
    width, height, _ = (float(v) for v in ticket.find("jdf:ResourcePool/jdf:Component", ns).get("Dimensions").split())
    assert (round(width / MM), round(height / MM)) == (210, 297), "A4 trim, in points"
    assert json.loads((folder / "preflight.json").read_text(encoding="utf-8"))["errors"] == 0
    with zipfile.ZipFile(project / "out" / "issue-package.zip") as archive:
        assert {n.split("/", 1)[1] for n in archive.namelist()} == names


def test_a_failed_preflight_leaves_no_package(project):
    """A 200 ppi photo passes the build's own check (150) and fails preflight on coated paper
    (300): the print shop gets no PDF and no package, not half of one."""
    path = photo_project(project, {"mid.jpg": Image.new("RGB", (1250, 312), "gray")})
    target = project / "out" / "issue.pdf"
    run = run_cli("build", path, "--print", "--package", "--paper", "coated", "-o", target)
    assert run.code == 1 and "image-resolution" in run.stderr + run.stdout, run.stderr
    assert not target.exists()
    leftovers = list((project / "out").glob("*package*")) + list((project / "out").glob(".*package*")) if (project / "out").exists() else []
    assert leftovers == []


@pytest.mark.parametrize("paper", ["newsprint", "uncoated", "coated"])
def test_a_paper_gets_its_own_profile_when_the_shop_sent_none(project, paper):
    """`make setup` made a CMYK profile for each paper from icc-profiles-free's measurement
    data (CGATS TR002, FOGRA29L, FOGRA39L) with ArgyllCMS: `--paper` alone makes it the
    output intent, and the same CSS red comes out as that paper's CMYK."""
    from pdf_oxide import PdfDocument

    from bulletinpress.press import shop

    made = shop.paper_profile(paper)
    assert made is not None, "make setup makes the paper profiles (Makefile: PAPER_PROFILES)"
    _red_title_layout(project)
    path = write_issue(project, "layout: red\n" + MINIMAL)
    target = project / f"{paper}.pdf"
    run = run_cli("build", path, "--print", "--paper", paper, "-o", target)
    assert run.code == 0, run.stderr
    profile, condition, _ = _intent(target)
    assert profile == made.read_bytes() and str(shop.PAPER_INK[paper]) in condition
    swop = inks.converter(CMYK_PROFILE)(0.8, 0.125, 0.125)
    assert inks.converter(made)(0.8, 0.125, 0.125) != swop, "the paper's own CMYK, not SWOP's"
    result = PdfDocument(str(target)).validate_pdf_x("4")
    assert result["valid"] and result["errors"] == [], result


def _separations(pdf: Path, folder: Path) -> dict[str, Image.Image]:
    """Ghostscript's tiffsep at 25.4 ppi: one pixel a millimetre; each plate 0–255 of ink,
    inside the TrimBox (the crop marks outside it print on every plate, as they should)."""
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep", "-r25.4",
                    f"-sOutputFile={folder / 'p-%d.tif'}", str(pdf)], check=True, capture_output=True, timeout=300)
    with pikepdf.open(pdf) as doc:
        media = [float(v) for v in doc.pages[0].obj.MediaBox]
        trim = [float(v) for v in doc.pages[0].obj.TrimBox]
    with Image.open(folder / "p-1.tif") as composite:
        page = composite.convert("CMYK")
    mm = lambda points: round(points / MM)  # noqa: E731 — points to pixels at 1 mm a pixel
    box = (mm(trim[0] - media[0]), mm(media[3] - trim[3]), mm(trim[2] - media[0]), mm(media[3] - trim[1]))
    return dict(zip("CMYK", page.crop(box).split()))


def _values(plate: Image.Image) -> list:
    return list((getattr(plate, "get_flattened_data", None) or plate.getdata)())


def test_the_samples_ink_over_1_mm_is_within_newsprints_limit(printed, tmp_path):
    plates = _separations(printed, tmp_path)
    totals = [sum(pixel) for pixel in zip(*(_values(plate) for plate in plates.values()))]
    assert max(totals) * 100 / 255 <= 240 + 1, max(totals) * 100 / 255
    assert max(_values(plates["K"])) > 200, "there is black on the page"


def test_black_text_is_on_the_black_plate_only(project, tmp_path):
    path = write_issue(project, MINIMAL.replace("masthead:", "style: plain\nmasthead:", 1))
    target = project / "black.pdf"
    assert run_cli("build", path, "--print", "-o", target).code == 0
    plates = _separations(target, tmp_path)
    assert max(_values(plates["K"])) > 100
    assert all(max(_values(plates[c])) == 0 for c in "CMY"), {c: max(_values(plates[c])) for c in "CMY"}


def _photo_bytes(pdf: Path) -> dict[str, tuple[str, bytes]]:
    with pikepdf.open(pdf) as doc:
        return {str(name): (str(x.get("/ColorSpace") if not isinstance(x.get("/ColorSpace"), pikepdf.Array) else x.ColorSpace[0]),
                            x.read_raw_bytes()) for name, x in doc.pages[0].obj.Resources.XObject.items() if x.get("/Subtype") == "/Image"}


def test_photos_go_into_each_shops_cmyk_or_stay_rgb_when_the_settings_say(project, tmp_path):
    path = photo_project(project, {"red.jpg": Image.new("RGB", (int(WIDE * 320), 800), (200, 60, 40))})
    (project / "icc").mkdir()
    converted = {}
    for name, profile in PROFILES.items():
        shutil.copy(profile, project / "icc" / f"{name}.icc")
        target = project / f"{name}.pdf"
        assert run_cli("build", path, "--print", "--output-intent", project / "icc" / f"{name}.icc", "-o", target).code == 0
        [(space, data)] = _photo_bytes(target).values()
        assert space == "/DeviceCMYK"
        converted[name] = data
    assert converted["swop"] != converted["ps"], "each profile's own CMYK"
    plates = _separations(project / "swop.pdf", tmp_path)
    totals = [sum(pixel) for pixel in zip(*(_values(plate) for plate in plates.values()))]
    assert max(totals) * 100 / 255 <= 300 + 1, "the photo's ink, read off the separations, within coated's limit"
    (project / "bulletinpress.yaml").write_text("layout: briefing\nprint: {photos: rgb}\n", encoding="utf-8")
    target = project / "rgb.pdf"
    assert run_cli("build", path, "--print", "-o", target).code == 0
    [(space, _)] = _photo_bytes(target).values()
    assert space == "/ICCBased", "kept as ICC-tagged sRGB (PDF/X-4) when the settings say so"
