"""The command line: parse arguments, call the API, map errors to exit codes.

0 ok · 1 the content has errors · 2 usage errors. Messages go to stderr as
``FILE:LINE:COL: error: …``.
"""

from __future__ import annotations

import logging
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from . import __version__
from .errors import BulletinError, ContentError, UsageError, exit_code
from .options import Options
from .press.pdfx import VARIANTS, PrintOptions

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's import alone costs --help 0.15 s
    help="Bulletins written as YAML, set as print-ready PDFs.",
)


class Format(str, Enum):
    pdf = "pdf"
    html = "html"
    web = "web"
    wechat = "wechat"


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


def _print_options(for_print: bool, variant: str, output_intent: Path | None, condition: str | None,
                   paper: str | None, package: bool = False) -> PrintOptions | None:
    """The print shop's options as given on the command line (the project's `print:`
    settings fill in the rest, api._shop); they mean nothing without --print."""
    from .press import pdfx, shop

    if not for_print:
        if output_intent or condition or paper or package:
            _fail(UsageError("--output-intent, --condition, --paper and --package go with --print"))
        return None
    if paper is not None and paper not in shop.PAPERS:
        _fail(UsageError(f"--paper must be one of {', '.join(shop.PAPERS)}, not '{paper}'"))
    profile = output_intent.resolve() if output_intent else pdfx.CMYK_PROFILE
    return PrintOptions(variant=variant, profile=profile, condition=condition, paper=paper, package=package)


@app.command()
def build(
    issues: Issues,
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", help="Output file (one issue, e.g. x.pdf) or folder (several issues, a trailing /, or a name without a suffix).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="pdf; html (what the PDF is made from); web (a page for a website); wechat (every style inlined, for WeChat's editor).")] = Format.pdf,
    layout: LayoutOpt = None,
    style: StyleOpt = None,
    for_print: Annotated[
        bool, typer.Option("--print", help="Make the PDF for the print shop: PDF/X-4, CMYK, bleed, crop marks; then preflight it.")
    ] = False,
    pdf_variant: Annotated[
        str, typer.Option("--pdf-variant", help=f"With --print: one of {', '.join(VARIANTS)}.")
    ] = "pdf/x-4",
    output_intent: Annotated[
        Optional[Path], typer.Option("--output-intent", help="With --print: the print shop's CMYK profile (.icc, in the project).")
    ] = None,
    condition: Annotated[
        Optional[str], typer.Option("--condition", help="With --print: the printing condition the shop names (e.g. FOGRA39).")
    ] = None,
    paper: Annotated[
        Optional[str], typer.Option("--paper", help="With --print: newsprint, uncoated or coated (the ink limit preflight holds to).")
    ] = None,
    package: Annotated[
        bool, typer.Option("--package", help="With --print: also the print package (report, proofs, separations, JDF job ticket, .zip).")
    ] = False,
    allow_overflow: Annotated[
        bool, typer.Option("--allow-overflow", help="Let text that does not fit a fixed-page layout run onto more pages.")
    ] = False,
    allow_underfill: Annotated[
        bool, typer.Option("--allow-underfill", help="Build a composed page that has too little copy to fill it, with the white at the foot.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    jobs: Annotated[
        Optional[int], typer.Option("--jobs", "-j", min=1, help="Build this many issues at once (default: one per core).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild issues that have not changed.")] = False,
    shard: Annotated[Optional[str], typer.Option("--shard", help="K/N: build only every N-th issue, starting with the K-th (CI matrices).")] = None,
    verbose: Verbose = False,
) -> None:
    """Build issues into PDFs (default: the project's build/ folder).

    Example: bulletinpress build issues/2024-48.yaml --print -o build/
    """
    from . import api
    from .desk import batch, report

    _logging(verbose)
    if pdf_variant not in VARIANTS:
        _fail(UsageError(f"unknown PDF variant '{pdf_variant}'; use one of: {', '.join(VARIANTS)}"))
    issues = _handled(batch.shard, issues, shard)
    run = Options(_print_options(for_print, pdf_variant, output_intent, condition, paper, package), allow_overflow, allow_underfill)
    options = {"fmt": fmt.value, "layout": layout, "style": style, "options": run}
    jobs_list = [batch.Job(path, target, options) for path, target in zip(issues, _handled(api.targets, issues, output, fmt.value))]
    workers = jobs or ((os.cpu_count() or 1) if len(issues) > 1 else 1)
    progress = report.Progress(len(jobs_list), _err)
    outcomes = batch.run(jobs_list, workers, force, progress.done)
    progress.close()
    usage = next((o.usage_error for o in outcomes if o.usage_error), None)
    if usage:
        _fail(UsageError(usage))
    if len(outcomes) > 1:
        report.summary(outcomes, _err)
    raise typer.Exit(report.exit_status(outcomes, strict))


@app.command()
def serve(
    issue: Annotated[Path, typer.Argument(help="The issue file to preview.", exists=True, dir_okay=False)],
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on (0: any free one).")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; only this machine by default.")] = "127.0.0.1",
    layout: LayoutOpt = None,
    style: StyleOpt = None,
    verbose: Verbose = False,
) -> None:
    """Preview an issue in the browser; the page updates when you save the issue, a photo,
    a layout or a style.

    Example: bulletinpress serve issues/2024-48.yaml
    """
    from .desk import serve as preview

    _logging(verbose)
    server = _handled(preview.serve,issue, host=host, port=port, layout=layout, style=style)
    typer.echo(f"Serving http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop_event.set()
        server.server_close()


@app.command("new")
def new_issue(
    project: Annotated[Path, typer.Argument(help="The bulletin project folder.", file_okay=False)] = Path("."),
) -> None:
    """Start the next issue from the latest one in issues/: number + 1, next publication date.

    Example: bulletinpress new
    """
    from .desk import new

    typer.echo(str(_handled(new.create, project)))


@app.command("layouts")
def list_layouts(
    project: Annotated[Path, typer.Argument(help="The bulletin project folder.", file_okay=False)] = Path("."),
) -> None:
    """List the layouts and their styles, with a line on each.

    Example: bulletinpress layouts
    """
    from . import api

    for layout in _handled(api.layouts, project):
        typer.echo(f"{layout.name}: {layout.description}")
        for style, description in layout.styles.items():
            typer.echo(f"  --style {style}: {description}")


@app.command()
def preflight(
    pdf: Annotated[Path, typer.Argument(help="A finished PDF.", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    booklet: Annotated[bool, typer.Option("--booklet", help="Check it as a booklet (pages a multiple of 4).")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    paper: Annotated[Optional[str], typer.Option("--paper", help="newsprint, uncoated or coated: the ink limit.")] = None,
    max_ink: Annotated[Optional[int], typer.Option("--max-ink", min=100, max=400, help="The shop's ink limit (total %), over the paper's.")] = None,
) -> None:
    """Check a PDF the way a print shop does: boxes, PDF/X, fonts, images, colours, ink.

    Example: bulletinpress preflight build/2024-48.pdf --json --paper newsprint
    """
    from .press import preflight as checks
    from .press import shop

    if paper is not None and paper not in shop.PAPERS:
        _fail(UsageError(f"--paper must be one of {', '.join(shop.PAPERS)}, not '{paper}'"))
    report = _handled(checks.check, pdf, booklet=booklet, max_ink=shop.ink_limit(paper, max_ink), paper=paper)
    typer.echo(report.to_json() if as_json else report.to_text())
    raise typer.Exit(report.exit_status(strict))


@app.command()
def impose(
    pdf: Annotated[Path, typer.Argument(help="A PDF of single pages (A4).", exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The booklet PDF to write.")],
    creep: Annotated[float, typer.Option("--creep", help="Move inner sheets' pages toward the spine by up to this many mm.")] = 0.0,
) -> None:
    """Make a saddle-stitch booklet: pages two-up on sheets twice as wide, in booklet order.

    Example: bulletinpress impose build/2024-48.pdf -o build/2024-48-booklet.pdf --creep 0.5
    """
    from .press import impose as imposition

    sides = _handled(imposition.impose, pdf, output, creep_mm=creep)
    typer.echo(f"{output} ({sides // 2} sheets, {sides} sides)", err=True)


@app.command("import")
def import_file(
    source: Annotated[Path, typer.Argument(help="A .docx (Word, WPS), .txt or .md file.", exists=True, dir_okay=False)],
    into: Annotated[Optional[Path], typer.Option("--into", help="Append to this issue file (its comments and layout kept).", dir_okay=False)] = None,
    kind: Annotated[str, typer.Option("--as", help="report, lead or briefs.")] = "report",
    district: Annotated[Optional[str], typer.Option("--district", help="The district, when the file does not say.")] = None,
) -> None:
    """Import a district's report from Word (or a plain draft) into an issue.

    Example: bulletinpress import 黔江区.docx --into issues/2024-48.yaml
    """
    from . import api

    text, notes = _handled(api.import_file, source, into=into, kind=kind, district=district)
    for note in notes:
        _err(f"{source}: note: {note}")
    if into is None:
        typer.echo(text, nl=False)
    else:
        _err(f"{into}: {kind} imported from {source}")


@app.command()
def lint(
    issues: Annotated[Optional[list[Path]], typer.Argument(help="Issue files (YAML).", show_default=False, exists=True,
                                                         dir_okay=False)] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Rewrite the issue files with the fixes (comments and layout kept); show the diff.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when there are findings.")] = False,
    output_format: Annotated[str, typer.Option("--format", help="text, json, sarif or rdjson (reviewdog), on stdout.")] = "text",
    stdin: Annotated[bool, typer.Option("--stdin", help="Lint the issue YAML given on standard input (named by --name).")] = False,
    name: Annotated[str, typer.Option("--name", help="The file name --stdin's findings are given under.")] = "<stdin>",
) -> None:
    """Check the copy: Chinese punctuation (GB/T 15834), English quotes and dashes, district names.

    Example: bulletinpress lint issues/2024-48.yaml --fix
    """
    from . import api
    from .desk import findings as formats

    if output_format not in formats.FORMATS:
        _fail(UsageError(f"--format must be one of {', '.join(formats.FORMATS)}, not '{output_format}'"))
    if stdin == bool(issues) or (stdin and fix):
        _fail(UsageError("give issue files, or --stdin (without --fix), not both"))
    found = _handled(api.lint_text, sys.stdin.read(), Path(name), Path.cwd()) if stdin else []
    for path in issues or []:
        if fix:
            diff, left = _handled(api.lint_fix, path)
            if diff and output_format == "text":
                typer.echo(diff, nl=False)
            found += left
        else:
            found += _handled(api.lint, path)
    if output_format != "text":
        typer.echo(formats.render(found, output_format), nl=False)
    else:
        for diagnostic in found:
            _err(str(diagnostic))
        if not found:
            _err("no findings")
    errors = any(d.severity == "error" for d in found)  # the project's `lint: errors`
    raise typer.Exit(1 if errors or (strict and found) else 0)


@app.command()
def check(issues: Issues, layout: LayoutOpt = None, style: StyleOpt = None, verbose: Verbose = False) -> None:
    """Validate issues without rendering: schema, photos, fonts.

    Example: bulletinpress check issues/2024-48.yaml
    """
    from . import api

    _logging(verbose)
    codes = [_checked(api.check, path, layout=layout, style=style) for path in issues]
    raise typer.Exit(max(codes))


def _err(line: str) -> None:
    typer.echo(line, err=True)


def _checked(function, path: Path, **kwargs) -> int:
    """Check one issue of several: its problems are reported and the next one is checked."""
    try:
        function(path, **kwargs)
    except UsageError as exc:
        _fail(exc)
    except BulletinError as exc:
        _report(exc)
        return exit_code(exc)
    _err(f"{path}: ok")
    return 0


def _handled(function, *args, **kwargs):
    """Call the library; an error it raises is reported and ends the command."""
    try:
        return function(*args, **kwargs)
    except BulletinError as exc:
        _fail(exc)


def _report(exc: BulletinError) -> None:
    """Content errors as their diagnostics (FILE:LINE:COL: error: …), anything else as one line."""
    if isinstance(exc, ContentError):
        for diagnostic in exc.diagnostics:
            _err(str(diagnostic))
    else:
        _err(f"bulletinpress: error: {exc}")


def _fail(exc: BulletinError) -> NoReturn:
    """The one place an error becomes messages on stderr and the exit code (errors.exit_code)."""
    _report(exc)
    raise typer.Exit(exit_code(exc))


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
    # bulletinpress uses no pydantic plugins; looking for them scans every installed
    # package's entry points, 0.05 s of every command
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    except BulletinError as exc:  # raised outside a command's own handling
        _report(exc)
        sys.exit(exit_code(exc))
