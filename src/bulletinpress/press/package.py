"""The print package (`build --print --package`): what a print shop takes without a phone call.

One folder per issue beside the PDF, and a .zip of it:

    x-package/x.pdf              the PDF/X
    x-package/preflight.html     the preflight report to read: each finding with its page, page thumbnails
    x-package/preflight.json     the same for the shop's software
    x-package/proofs/page-N.png  each page as printed (Ghostscript, in the output intent's CMYK)
    x-package/proofs/page-N-{cyan,magenta,yellow,black}.png   its separations (dark: ink)
    x-package/proofs/page-N-ink.png   total ink, light to dark; red where over the paper's limit
    x-package/job.jdf            the job ticket (CIP4 JDF 1.4): trim, bleed, pages, colours, paper, copies
    x-package/job.txt            the same, for a person

Ghostscript's `tiffsep` renders the separations. The package is made in a hidden folder and
renamed into place when whole; a build whose preflight fails writes none.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from ..errors import SetupError

PROOF_PPI = 50
SEPARATIONS = ("Cyan", "Magenta", "Yellow", "Black")
JDF_NS = "http://www.CIP4.org/JDFSchema_1_1"


@dataclass(frozen=True)
class Job:
    """What the job ticket says: from the issue, the layout and the print options."""

    name: str
    title: str
    trim_mm: tuple[float, float]
    bleed_mm: float
    pages: int
    copies: int | None
    paper: str | None
    condition: str
    max_ink: int


def write(pdf: Path, report, job: Job) -> Path:
    """The package folder and its .zip beside `pdf` (both replaced whole); the zip's path."""
    folder, archive = pdf.parent / f"{pdf.stem}-package", pdf.parent / f"{pdf.stem}-package.zip"
    work = Path(tempfile.mkdtemp(prefix=f".{pdf.stem}-package.", dir=pdf.parent))
    try:
        _fill(work, pdf, report, job)
        zipped = work.with_suffix(".zip")
        _zip(work, zipped, folder.name)
        zipped.replace(archive)
        _replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        work.with_suffix(".zip").unlink(missing_ok=True)
    return archive


def _fill(work: Path, pdf: Path, report, job: Job) -> None:
    shutil.copy2(pdf, work / pdf.name)
    (work / "proofs").mkdir()
    pages = _proofs(work / pdf.name, work / "proofs", job.max_ink)
    (work / "preflight.json").write_text(report.to_json(), encoding="utf-8")
    (work / "preflight.html").write_text(_report_html(report, job, pages), encoding="utf-8")
    (work / "job.jdf").write_bytes(jdf(job, pdf.name))
    (work / "job.txt").write_text(_ticket_text(job), encoding="utf-8")


def _proofs(pdf: Path, out: Path, max_ink: int) -> list[dict]:
    """Each page's composite, separations and ink map, from Ghostscript's tiffsep."""
    from PIL import Image

    gs = shutil.which("gs")
    if gs is None:
        raise SetupError("the print package needs Ghostscript to render its proofs: apt-get install ghostscript")
    with tempfile.TemporaryDirectory() as scratch:
        pattern = Path(scratch) / "page-%d.tif"
        subprocess.run([gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep", f"-r{PROOF_PPI}",
                        f"-sOutputFile={pattern}", str(pdf)], check=True, capture_output=True, timeout=600)
        pages = []
        for number in range(1, 10_000):
            composite = Path(scratch) / f"page-{number}.tif"
            if not composite.exists():
                break
            with Image.open(composite) as image:
                cmyk = image.convert("CMYK")
            pages.append(_page_proofs(cmyk, Path(scratch), number, out, max_ink))
    return pages


def _page_proofs(cmyk, scratch: Path, number: int, out: Path, max_ink: int) -> dict:
    from PIL import Image

    cmyk.convert("RGB").save(out / f"page-{number}.png")
    for name in SEPARATIONS:
        plate = scratch / f"page-{number}({name}).tif"
        if plate.exists():
            with Image.open(plate) as image:
                image.convert("L").save(out / f"page-{number}-{name.lower()}.png")
    worst, over = _ink_map(cmyk, max_ink, out / f"page-{number}-ink.png")
    return {"number": number, "worst_ink": worst, "over_limit": over}


def _ink_map(cmyk, max_ink: int, target: Path) -> tuple[int, bool]:
    """Total ink per pixel as grey (white none, black 400 %), red where over the limit."""
    from PIL import Image

    totals = [sum(pixel) for pixel in (getattr(cmyk, "get_flattened_data", None) or cmyk.getdata)()]
    limit = max_ink * 255 / 100
    worst = max(totals, default=0)
    picture = Image.new("RGB", cmyk.size)
    picture.putdata([(220, 0, 0) if total > limit else (255 - total * 255 // 1020,) * 3 for total in totals])
    picture.save(target)
    return round(worst * 100 / 255), worst > limit


def jdf(job: Job, pdf_name: str) -> bytes:
    """The job ticket as CIP4 JDF 1.4: a Product of `copies`, its trim (in points, as JDF
    measures), the PDF as its RunList, CMYK process colours, the paper and the condition."""
    ElementTree.register_namespace("", JDF_NS)
    points = " ".join(f"{mm * 72 / 25.4:.2f}" for mm in job.trim_mm)
    root = ElementTree.Element(f"{{{JDF_NS}}}JDF", {"Type": "Product", "ID": "job", "JobID": job.name, "Status": "Waiting",
                                                    "Version": "1.4", "DescriptiveName": job.title})
    _comment(root, "Bleed", f"{job.bleed_mm:g} mm on every side")
    _comment(root, "OutputCondition", job.condition)
    pool = ElementTree.SubElement(root, f"{{{JDF_NS}}}ResourcePool")
    ElementTree.SubElement(pool, f"{{{JDF_NS}}}Component", {"ID": "product", "Class": "Quantity", "Status": "Unavailable",
                                                           "ComponentType": "FinalProduct", "Dimensions": f"{points} 0"})
    runs = ElementTree.SubElement(pool, f"{{{JDF_NS}}}RunList", {"ID": "pages", "Class": "Parameter", "Status": "Available",
                                                                "NPage": str(job.pages)})
    element = ElementTree.SubElement(runs, f"{{{JDF_NS}}}LayoutElement")
    ElementTree.SubElement(element, f"{{{JDF_NS}}}FileSpec", {"URL": pdf_name, "MimeType": "application/pdf"})
    colours = ElementTree.SubElement(pool, f"{{{JDF_NS}}}ColorantControl", {"ID": "colours", "Class": "Parameter",
                                                                           "Status": "Available", "ProcessColorModel": "DeviceCMYK"})
    ElementTree.SubElement(colours, f"{{{JDF_NS}}}ColorantParams").extend(
        ElementTree.Element(f"{{{JDF_NS}}}SeparationSpec", {"Name": name}) for name in SEPARATIONS)
    media = {"ID": "paper", "Class": "Consumable", "Status": "Available", "MediaType": "Paper", "Dimension": points}
    if job.paper:
        media["DescriptiveName"] = job.paper
    ElementTree.SubElement(pool, f"{{{JDF_NS}}}Media", media)
    links = ElementTree.SubElement(root, f"{{{JDF_NS}}}ResourceLinkPool")
    output = {"rRef": "product", "Usage": "Output"} | ({"Amount": str(job.copies)} if job.copies else {})
    ElementTree.SubElement(links, f"{{{JDF_NS}}}ComponentLink", output)
    for kind, ref in (("RunListLink", "pages"), ("ColorantControlLink", "colours"), ("MediaLink", "paper")):
        ElementTree.SubElement(links, f"{{{JDF_NS}}}{kind}", {"rRef": ref, "Usage": "Input"})
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _comment(parent, name: str, text: str) -> None:
    ElementTree.SubElement(parent, f"{{{JDF_NS}}}Comment", {"Name": name}).text = text


def _ticket_text(job: Job) -> str:
    width, height = job.trim_mm
    return "\n".join([
        f"Job: {job.title} ({job.name})",
        f"Trim: {width:g} × {height:g} mm, bleed {job.bleed_mm:g} mm",
        f"Pages: {job.pages}",
        f"Copies: {job.copies if job.copies else 'not given (distribution.copies)'}",
        "Colours: CMYK (4/4 process)",
        f"Paper: {job.paper or 'not given'}; ink limit {job.max_ink} %",
        f"Output condition: {job.condition}",
        "",
    ])


def _report_html(report, job: Job, pages: list[dict]) -> str:
    rows = "".join(f"<tr><td>{html.escape(f.severity)}</td><td>{f.page or ''}</td><td>{html.escape(f.code)}</td>"
                   f"<td>{html.escape(f.message)}</td></tr>" for f in report.findings) or "<tr><td colspan=4>no findings</td></tr>"
    thumbs = "".join(f'<figure><img src="proofs/page-{p["number"]}.png" alt="page {p["number"]}"><figcaption>page {p["number"]}: '
                     f'most ink {p["worst_ink"]} %{" — over the limit" if p["over_limit"] else ""} · '
                     f'<a href="proofs/page-{p["number"]}-ink.png">ink map</a></figcaption></figure>' for p in pages)
    summary = json.loads(report.to_json())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Preflight: {html.escape(job.title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:4px 8px}}
figure{{display:inline-block;margin:0 1em 1em 0}}img{{border:1px solid #999;max-width:320px}}</style></head><body>
<h1>Preflight: {html.escape(job.title)}</h1>
<p>{html.escape(str(summary.get("pdfx") or "no standard"))}, output intent {html.escape(str(summary.get("output_intent")))};
{len(report.pages)} page(s); {summary["errors"]} error(s), {summary["warnings"]} warning(s).</p>
<table><tr><th>severity</th><th>page</th><th>finding</th><th>what it says</th></tr>{rows}</table>
<h2>Pages</h2>{thumbs}
</body></html>
"""


def _zip(folder: Path, target: Path, name: str) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{name}/{path.relative_to(folder).as_posix()}")


def _replace(work: Path, folder: Path) -> None:
    """The new package in place of the old: the old one is moved aside, the new one renamed
    in (one step on one file system), the old one removed."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    work.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
