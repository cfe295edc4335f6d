"""The command line: parse arguments, call the API, map errors to exit codes.

0 ok · 1 the content has errors · 2 usage errors. Messages go to stderr as
``FILE:LINE:COL: error: …``.
"""

from __future__ import annotations

import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__, api
from .errors import BulletinError, ContentError, UsageError
from .printing import VARIANTS, PrintOptions

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Bulletins written as YAML, set as print-ready PDFs.",
)


class Format(str, Enum):
    pdf = "pdf"
    html = "html"


Issues = Annotated[
    list[Path], typer.Argument(help="Issue files (YAML).", show_default=False, exists=True, dir_okay=False)
]
LayoutOpt = Annotated[Optional[str], typer.Option("--layout", help="Use this layout instead of the issue's.")]
StyleOpt = Annotated[Optional[str], typer.Option("--style", help="Use this style variant of the layout.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Say what is being done.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bulletinpress {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Bulletins written as YAML, set as print-ready PDFs."""


@app.command()
def build(
    issues: Issues,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Output file (one issue) or folder (several).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="pdf, or the HTML the PDF is made from.")] = Format.pdf,
    layout: LayoutOpt = None,
    style: StyleOpt = None,
    for_print: Annotated[
        bool, typer.Option("--print", help="Make the PDF for the print shop: PDF/X-4, CMYK, bleed, crop marks; then preflight it.")
    ] = False,
    pdf_variant: Annotated[
        str, typer.Option("--pdf-variant", help=f"With --print: one of {', '.join(VARIANTS)}.")
    ] = "pdf/x-4",
    allow_overflow: Annotated[
        bool, typer.Option("--allow-overflow", help="Let text that does not fit a fixed-page layout run onto more pages.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    verbose: Verbose = False,
) -> None:
    """Build issues into PDFs (default: the project's build/ folder).

    Example: bulletinpress build issues/2024-48.yaml --print -o build/
    """
    _logging(verbose)
    if pdf_variant not in VARIANTS:
        _usage(UsageError(f"unknown PDF variant '{pdf_variant}'; use one of: {', '.join(VARIANTS)}"))
    print_options = PrintOptions(variant=pdf_variant) if for_print else None
    failed = 0
    for path, target in zip(issues, api.targets(issues, output, fmt.value)):
        try:
            result = api.build(
                path, target, fmt=fmt.value, layout=layout, style=style,
                print_options=print_options, allow_overflow=allow_overflow,
            )
        except ContentError as exc:
            _report(exc)
            failed += 1
            continue
        except UsageError as exc:
            _usage(exc)
        for warning in result.warnings:
            typer.echo(str(warning), err=True)
        if result.preflight is not None:
            typer.echo(result.preflight.to_text(), err=True)
        if (result.preflight is not None and result.preflight.errors) or (strict and result.warnings):
            failed += 1
        typer.echo(f"{result.output} ({result.pages} pages, {result.seconds:.2f} s)" if result.pages else str(result.output), err=True)
    raise typer.Exit(1 if failed else 0)


@app.command()
def preflight(
    pdf: Annotated[Path, typer.Argument(help="A finished PDF.", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    booklet: Annotated[bool, typer.Option("--booklet", help="Check it as a booklet (pages a multiple of 4).")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    """Check a PDF the way a print shop does: boxes, PDF/X, fonts, images, colours.

    Example: bulletinpress preflight build/2024-48.pdf --json
    """
    from . import preflight as checks

    try:
        report = checks.check(pdf, booklet=booklet)
    except Exception as exc:  # pikepdf's errors for a file that is no PDF
        typer.echo(f"{pdf}: error: cannot read the PDF: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(report.to_json() if as_json else report.to_text())
    raise typer.Exit(1 if report.errors or (strict and report.warnings) else 0)


@app.command()
def impose(
    pdf: Annotated[Path, typer.Argument(help="A PDF of single pages (A4).", exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The booklet PDF to write.")],
    creep: Annotated[float, typer.Option("--creep", help="Move inner sheets' pages toward the spine by up to this many mm.")] = 0.0,
) -> None:
    """Make a saddle-stitch booklet: pages two-up on sheets twice as wide, in booklet order.

    Example: bulletinpress impose build/2024-48.pdf -o build/2024-48-booklet.pdf --creep 0.5
    """
    from . import impose as imposition

    sides = imposition.impose(pdf, output, creep_mm=creep)
    typer.echo(f"{output} ({sides // 2} sheets, {sides} sides)", err=True)


@app.command()
def check(issues: Issues, layout: LayoutOpt = None, style: StyleOpt = None, verbose: Verbose = False) -> None:
    """Validate issues without rendering: schema, photos, fonts.

    Example: bulletinpress check issues/2024-48.yaml
    """
    _logging(verbose)
    failed = 0
    for path in issues:
        try:
            api.check(path, layout=layout, style=style)
        except ContentError as exc:
            _report(exc)
            failed += 1
        except UsageError as exc:
            _usage(exc)
        else:
            typer.echo(f"{path}: ok", err=True)
    raise typer.Exit(1 if failed else 0)


def _report(exc: ContentError) -> None:
    for diagnostic in exc.diagnostics:
        typer.echo(str(diagnostic), err=True)


def _usage(exc: BulletinError) -> None:
    typer.echo(f"bulletinpress: error: {exc}", err=True)
    raise typer.Exit(2)


class _Plain(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


def _logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Plain())
    root = logging.getLogger("bulletinpress")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    root.propagate = False
    logging.getLogger("weasyprint").propagate = False


def main() -> None:
    try:
        app()
    except BulletinError as exc:  # raised outside a command's own handling
        typer.echo(f"bulletinpress: error: {exc}", err=True)
        sys.exit(exc.exit_code)
