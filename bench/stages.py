"""Where a cold build's time goes, stage by stage, in one process.

    .venv/bin/python bench/stages.py ISSUE.yaml [--print] [--repeat N]

The first build pays the imports and font loading; the following ones (`--repeat`) are
what a warm process (serve, batch workers) pays. Justification is WeasyPrint's line
layout calling our code, so its time is measured inside WeasyPrint's layout and shown
separately ("of which ours"); so are Pango's line breaking (which sees the marks at half
width: push in), our give-back of their width on each line (`text_align`), and the plans
of whole paragraphs' breaks (weasy/paragraphs.py: measuring each paragraph with Pango, then
totalfit's choice), with how many planned lines WeasyPrint ended where planned.
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager
from pathlib import Path

TIMES: dict[str, float] = {}


@contextmanager
def stage(name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        TIMES[name] = TIMES.get(name, 0.0) + time.perf_counter() - start


def timed_function(module, name: str, label: str) -> None:
    """Wrap module.name so its (inclusive) time adds to TIMES[label]."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            TIMES[label] = TIMES.get(label, 0.0) + time.perf_counter() - start

    setattr(module, name, wrapper)


def build_once(path: Path, print_build: bool) -> None:
    from bulletinpress import api
    from bulletinpress.press import output
    from bulletinpress.weasy import render as render_pdf
    from bulletinpress.options import Options
    from bulletinpress.press.pdfx import PrintOptions

    with stage("check (load, validate, images, glyphs)"):
        checked = api.check(path)
    options = PrintOptions() if print_build else None
    with stage("pdf (WeasyPrint + ours, below)"):
        pdf, _, _, _ = api._pdf(checked, Options(options, allow_overflow=True, allow_underfill=True))
    with stage("atomic write"):
        output.write_atomic(Path("/tmp/bulletinpress-stages.pdf"), pdf)
    if print_build:
        from bulletinpress.press import preflight

        with stage("preflight"):
            preflight.check(Path("/tmp/bulletinpress-stages.pdf"))
    del render_pdf


def instrument() -> None:
    """Time WeasyPrint's phases and our code inside them."""
    import weasyprint
    from weasyprint import document

    from bulletinpress import api
    from bulletinpress.press import pdfx as printing
    from bulletinpress.compose import arrange, page
    from bulletinpress.weasy import boxes, justify, paragraphs, totalfit
    from bulletinpress.weasy import measure as weasy_measure
    from bulletinpress.weasy import render as render_pdf

    justify.install()
    paragraphs.install()
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    timed_function(inline, "justify_line", "  of which ours: justify_line")
    timed_function(inline, "text_align", "  of which ours: text_align (edge gaps, push-in give-back)")
    timed_function(inline, "split_first_line", "  of which Pango's line breaking (split_first_line)")
    timed_function(paragraphs, "_planned", "  of which ours: paragraph plans (measure with Pango, total fit)")
    timed_function(totalfit, "breaks", "    of which the total fit (totalfit.breaks)")
    timed_function(line_break.Layout, "set_text", "  of which WeasyPrint+ours: Layout.set_text")
    timed_function(weasyprint.HTML, "render", "  WeasyPrint render (parse, style, layout)")
    timed_function(document.Document, "write_pdf", "  WeasyPrint write_pdf")
    timed_function(api, "composed_html", "  ours: html (context, typeset, composition, Jinja2)")
    timed_function(page, "compose", "    of which composition (measure, arrange, place)")
    timed_function(weasy_measure, "measure", "      of which WeasyPrint's measuring pass")
    timed_function(arrange, "arrangement", "      of which the search (arrange)")
    timed_function(boxes, "count_content", "  ours: overflow count")
    timed_function(boxes, "collect_images", "  ours: image ppi")
    timed_function(render_pdf, "_stylesheet", "  stylesheets (parsed once per process)")
    timed_function(printing, "finish", "  ours: print finish (pikepdf)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("issue", type=Path)
    parser.add_argument("--print", action="store_true", dest="print_build")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    with stage("import bulletinpress (api)"):
        from bulletinpress import api  # noqa: F401
    with stage("import WeasyPrint (engine.load_weasyprint)"):
        from bulletinpress.weasy import engine

        engine.load_weasyprint()
    instrument()
    build_once(args.issue, args.print_build)
    total = time.perf_counter() - start
    from bulletinpress.weasy import paragraphs

    print(f"cold build in one process: {total:.2f} s; plans: {dict(paragraphs.COUNTS)}")
    for name, seconds in TIMES.items():
        print(f"  {seconds:6.3f} s  {seconds / total:5.1%}  {name}")
    for run in range(args.repeat):
        TIMES.clear()
        start = time.perf_counter()
        build_once(args.issue, args.print_build)
        total = time.perf_counter() - start
        print(f"warm rebuild {run + 1}: {total:.2f} s")
        for name, seconds in TIMES.items():
            print(f"  {seconds:6.3f} s  {seconds / total:5.1%}  {name}")


if __name__ == "__main__":
    main()
