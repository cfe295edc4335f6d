"""Benchmark: bulletinpress against plain WeasyPrint (and Typst) on the same bulletin, in one run.

    .venv/bin/python bench/run.py                        # sizes 1,4,16,64; 5 runs each; batch of 20
    .venv/bin/python bench/run.py --sizes 1,4 --repeat 3 --batch 10
    .venv/bin/pip install typst                          # optional: adds Typst to the table

The issue is the sample (issues/2024-12-06.yaml) at 1×, 4×, 16×, 64× its length (the
reports repeated), set in the two-column A4 layout of bench/project/. For each size, in
alternation so all see the same machine:

- bulletinpress: `bulletinpress build` as a whole cold process;
- WeasyPrint: a cold process rendering the HTML bulletinpress made for that PDF (the same
  page, without our checks, typesetting, justification or atomic write): the floor we
  build on;
- Typst (if the `typst` package is installed): the same text in two columns, same fonts.

Then a warm process rebuilding the 1× issue (what `serve` and batch workers pay) next to
a warm WeasyPrint rendering the same HTML; a batch of N 1× issues with --jobs 1 and
--jobs 2; and `--help` and `check`. Timings on a shared machine are noisy: compare the
ratios within one run, not seconds across runs. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "2024-12-06.yaml"
BENCH_PROJECT = Path(__file__).resolve().parent / "project"  # the two-column layout
PY = sys.executable


def make_issue(folder: Path, times: int, name: str, layout: str = "twocol") -> Path:
    """The sample with its reports repeated `times` times, in a project with the bench layout."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    reports = data["reports"]
    data["reports"] = [dict(r, district=f"{r['district']}{i + 1}" if i else r["district"]) for i in range(times) for r in reports]
    data["layout"] = layout
    if not (folder / "layouts").exists():
        shutil.copytree(BENCH_PROJECT, folder, dirs_exist_ok=True)
    path = folder / "issues" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def typst_source(issue: Path) -> str:
    """The issue as a Typst document: masthead, then two columns of the same text in the same fonts."""
    from bulletinpress.compose.markup import paragraphs

    data = yaml.safe_load(issue.read_text(encoding="utf-8"))

    def s(text: str) -> str:
        """A Typst string literal: its content is text, never markup."""
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    def story(article: dict, size: str, district: str | None = None) -> list[str]:
        out = []
        if district:
            out.append(f'#align(center, text(font: "LXGW WenKai", fill: red)[#{s(district)}])')
        title = "\n".join(line.strip() for line in article["title"].strip().splitlines())
        out.append(f'#align(center, text(font: "Noto Sans CJK SC", size: {size}, weight: "bold")[#{s(title)}])')
        out += [f"#{s(p)}\n" for p in paragraphs(article["body"], "zh")]
        return out

    body = story(data["lead"], "16pt")
    for report in data["reports"]:
        body += story(report, "13pt", report["district"])
    if data.get("briefs"):
        body.append('#align(center, text(size: 13pt, weight: "bold")[#' + s(data["briefs"].get("title", "一周要闻")) + "])")
        body += [f"#{s(item)}\n" for item in data["briefs"]["items"]]
    return "\n".join([
        '#set page(paper: "a4", margin: (x: 18mm, top: 20mm, bottom: 22mm), numbering: "1")',
        '#set text(font: ("Noto Serif CJK SC",), size: 10.5pt, lang: "zh", region: "cn")',
        "#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 1em, spacing: 1em)",
        '#align(center, text(font: "Noto Sans CJK SC", size: 32pt, weight: "bold", fill: red)[#'
        + s(data["masthead"]["title"]) + "])",
        f"#align(right)[#{s(str(data['masthead'].get('date', '')))}]",
        "#line(length: 100%, stroke: 2pt + red)",
        "#columns(2, gutter: 2em)[",
        *body,
        "]",
    ])


def timed(command: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB, by GNU time when it is there) of a whole process."""
    wrapper = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    result = subprocess.run([*wrapper, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
    peak = int(result.stderr.strip().splitlines()[-1]) if wrapper else 0
    return elapsed, peak


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s ({min(values):.2f}–{max(values):.2f})"


def pages_of(pdf: Path) -> str:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


WARM = """
import statistics, sys, time
from pathlib import Path
kind, path, repeat = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
if kind == "ours":
    from bulletinpress import api
    def once():
        return api.pdf_bytes(path)
else:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    fonts = FontConfiguration()
    html = path.read_text(encoding="utf-8")
    def once():  # fonts kept, HTML and CSS parsed each time (the CSS is inline)
        return weasyprint.HTML(string=html, base_url=str(path.parent) + "/").write_pdf(font_config=fonts)
once()
times = []
for _ in range(repeat):
    start = time.perf_counter(); once(); times.append(time.perf_counter() - start)
print(statistics.median(times), min(times), max(times))
"""


def warm(kind: str, path: Path, repeat: int) -> list[float]:
    out = subprocess.run([PY, "-c", WARM, kind, str(path), str(repeat)], check=True, capture_output=True, text=True)
    return [float(v) for v in out.stdout.split()]


RSS = """
import sys
from pathlib import Path
from bulletinpress.desk import batch
path, out, times, typed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
text = path.read_text(encoding="utf-8")
for n in range(times):
    path.write_text(text.replace("近日，", f"近{typed[n % 30]}{typed[n // 30 % 30]}，", 1), encoding="utf-8")  # new text each time
    batch.run_one(batch.Job(path, out, {"fmt": "pdf"}), force=True)  # as a batch worker builds it
    if n % 10 == 9 or n == 0:
        rss = int(open("/proc/self/statm").read().split()[1]) * 4096 // 2**20
        print(n + 1, rss, flush=True)
"""


def rss_curve(issue: Path, out: Path, times: int) -> list[tuple[int, int]]:
    """A warm worker's resident memory (MB) over `times` rebuilds of edited copies."""
    result = subprocess.run([PY, "-c", RSS, str(issue), str(out), str(times), TYPED], check=True, capture_output=True, text=True)
    return [tuple(int(v) for v in line.split()) for line in result.stdout.split("\n") if line.strip()]


#: a different character for each edit: every edit is new text, as typing is (an edit made
#: before would find its measurements cached)
TYPED = "一二三四五六七八九十百千万亿东南西北春夏秋冬山水风云江河湖海"


def typing(text: str, n: int) -> str:
    """The n-th edit of typing: one character of the first report's first sentence changed."""
    return text.replace("近日，", f"近{TYPED[n % len(TYPED)]}，", 1)


def adding(text: str, n: int) -> str:
    """The n-th edit that adds a sentence (about three lines) to an article: the blocks of
    a composed page have to be arranged again."""
    sentence = "".join(TYPED[(n * 7 + i) % len(TYPED)] for i in range(40))
    return text.replace("近日，", f"{sentence}。近日，", 1)


def served_issue(name: str) -> str:
    """The sample as the newspaper, the (multi-page) briefing, or cut to one A4 page."""
    text = SAMPLE.read_text(encoding="utf-8")
    if name == "newspaper":
        return text
    data = yaml.safe_load(text)
    data["layout"] = "briefing"
    if name == "one-page A4":  # the lead's first two sentences and the first report's first
        data["lead"]["body"] = "。".join(data["lead"]["body"].split("。")[:2]) + "。"
        data["reports"] = [dict(data["reports"][0], body=data["reports"][0]["body"].split("。")[0] + "。")]
        data.pop("briefs", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def serve_latency(issue: Path, repeat: int, edit=typing) -> tuple[list[float], int]:
    """Seconds from saving an edit to the new page images fetched from `bulletinpress serve`,
    the way the preview page gets them (`/state?after=N`, a long poll, then the images whose
    version changed); and how many edits were shown by redrawing one block only."""
    import json
    import re as _re
    import urllib.request

    proc = subprocess.Popen([PY, "-m", "bulletinpress", "serve", str(issue), "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        url = None
        while url is None:
            found = _re.search(r"Serving (http://127\.0\.0\.1:\d+/)", proc.stderr.readline())
            url = found and found.group(1)
        import threading  # the server logs every request: keep reading, or its pipe fills and it stops

        threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
        state = lambda after=-1: json.load(urllib.request.urlopen(f"{url}state?after={after}"))  # noqa: E731
        shown = state()
        while shown["generation"] < 1:
            shown = state(shown["generation"])
        text, results, redrawn = issue.read_text(encoding="utf-8"), [], 0
        for n in range(repeat):
            time.sleep(1.5)  # the editor types, pauses, saves (and serve settles the last patch)
            shown = state()
            started = time.perf_counter()
            issue.write_text(edit(text, n), encoding="utf-8")
            now = state(shown["generation"])
            if now["error"] or now["generation"] == shown["generation"]:
                raise RuntimeError(f"serve did not show the edit: {now['error']}")
            for i, version in enumerate(now["versions"]):
                if i >= len(shown["versions"]) or version != shown["versions"][i]:
                    urllib.request.urlopen(f"{url}page/{i}.png?v={version}").read()
            results.append(time.perf_counter() - started)
            redrawn += bool(now["redrawn"])
        issue.write_text(text, encoding="utf-8")
        return results, redrawn
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def four_pages(folder: Path) -> Path:
    """A union weekly of four A3 pages (四开四版), four pages' worth of copy: the sample's lead,
    its reports four times over (each set under its own district names) with the lead's text
    as a commentary on each inside page, twice the briefs, and the four pages named."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    lead = data["lead"]
    reports = []
    for i in range(4):
        if i:
            reports.append({"district": f"评论{i}", "title": lead["title"], "body": lead["body"]})
        reports += [dict(r, district=f"{r['district']}{i + 1}" if i else r["district"]) for r in data["reports"]]
    data["briefs"]["items"] = data["briefs"]["items"] * 2
    for report in reports:
        report.pop("span", None), report.pop("position", None)
    data.update(reports=reports, layout="newspaper", pages=["要闻", "基层动态", "维权服务", "职工文化"])
    path = folder / "paper" / "issues" / "four.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def paper_pages(folder: Path, repeat: int) -> None:
    """The four-page paper's cold build beside the one-page sample's, alternating: pagination
    should cost about the pages (at most 4×), not a search over their combinations."""
    paper, out = four_pages(folder), folder / "paper.pdf"
    commands = {"one page (the sample)": [PY, "-m", "bulletinpress", "build", str(SAMPLE), "-o", str(folder / "one.pdf"), "--force"],
                "four pages": [PY, "-m", "bulletinpress", "build", str(paper), "-o", str(out), "--force"]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks = {name: 0 for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            elapsed, peak = timed(command)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    for name in commands:
        print(f"cold build, newspaper, {name}: {summary(times[name])}, peak {peaks[name] / 1024:.0f} MB", flush=True)
    ratio = statistics.median(times["four pages"]) / statistics.median(times["one page (the sample)"])
    print(f"four pages ({pages_of(out)} printed) take {ratio:.2f}× the one page's time (target: at most 4×)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4,16,64", help="lengths of the issue, in samples (default 1,4,16,64)")
    parser.add_argument("--repeat", type=int, default=5, help="cold runs per size and engine (default 5)")
    parser.add_argument("--batch", type=int, default=20, help="issues in the batch (default 20)")
    parser.add_argument("--rebuilds", type=int, default=100, help="rebuilds for the RSS curve (default 100)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    try:
        import typst
    except ImportError:
        typst = None
    print(f"python {sys.version.split()[0]}; typst {'installed' if typst else 'not installed (pip install typst to compare)'}")
    print(f"{'size':>5} {'pages':>5}  {'bulletinpress':>24} {'MB':>5}  {'WeasyPrint':>24} {'MB':>5}  {'ratio':>5}"
          + (f"  {'Typst':>24} {'MB':>5}  {'ratio':>5}" if typst else ""), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in sizes:
            issue = make_issue(folder, size, f"x{size}")
            html, ours_pdf = folder / f"x{size}.html", folder / f"x{size}.pdf"
            subprocess.run([PY, "-m", "bulletinpress", "build", str(issue), "--format", "html", "-o", str(html), "--force"], check=True, capture_output=True)
            engines = {
                "ours": [PY, "-m", "bulletinpress", "build", str(issue), "-o", str(ours_pdf), "--force"],
                "raw": [PY, "-c", f"import weasyprint; weasyprint.HTML({str(html)!r}).write_pdf({str(folder / 'raw.pdf')!r})"],
            }
            if typst:
                source = folder / f"x{size}.typ"
                source.write_text(typst_source(issue), encoding="utf-8")
                engines["typst"] = [PY, "-c", f"import typst; typst.compile({str(source)!r}, output={str(folder / 'typst.pdf')!r})"]
            times: dict[str, list[float]] = {name: [] for name in engines}
            peaks: dict[str, int] = {name: 0 for name in engines}
            for _ in range(args.repeat):  # alternating, so all see the same machine
                for name, command in engines.items():
                    elapsed, peak = timed(command)
                    times[name].append(elapsed)
                    peaks[name] = max(peaks[name], peak)
            median = {name: statistics.median(values) for name, values in times.items()}
            kib = ours_pdf.stat().st_size / 1024
            pages_n = int(pages_of(ours_pdf)) if pages_of(ours_pdf).isdigit() else 1
            sizes_line = f"   PDF {kib:.0f} KiB, {kib / pages_n:.0f} KiB/page"
            if typst:
                typst_kib = (folder / "typst.pdf").stat().st_size / 1024 if (folder / "typst.pdf").exists() else 0
                sizes_line += f" (Typst {typst_kib:.0f} KiB)"
            line = (f"{size:>4}× {pages_of(ours_pdf):>5}  {summary(times['ours']):>24} {peaks['ours'] / 1024:5.0f}"
                    f"  {summary(times['raw']):>24} {peaks['raw'] / 1024:5.0f}  {median['ours'] / median['raw']:5.2f}")
            if typst:
                line += (f"  {summary(times['typst']):>24} {peaks['typst'] / 1024:5.0f}  {median['ours'] / median['typst']:5.2f}"
                         f"   (Typst: {pages_of(folder / 'typst.pdf')} pages)")
            print(line + sizes_line, flush=True)

        paper_pages(folder, args.repeat)

        issue = make_issue(folder, 1, "warm")
        html = folder / "warm.html"
        subprocess.run([PY, "-m", "bulletinpress", "build", str(issue), "--format", "html", "-o", str(html), "--force"], check=True, capture_output=True)
        ours, raw = warm("ours", issue, args.repeat), warm("raw", html, args.repeat)
        print(f"warm rebuild, 1×, in one process: bulletinpress {ours[0]:.2f} s ({ours[1]:.2f}–{ours[2]:.2f}), "
              f"WeasyPrint {raw[0]:.2f} s ({raw[1]:.2f}–{raw[2]:.2f}), ratio {ours[0] / raw[0]:.2f}", flush=True)

        for name, edit in (("newspaper", typing), ("newspaper", adding), ("briefing", typing), ("one-page A4", typing)):
            edited = folder / f"serve-{name.replace(' ', '-')}" / "issues" / "issue.yaml"
            edited.parent.mkdir(parents=True, exist_ok=True)
            edited.write_text(served_issue(name), encoding="utf-8")
            values, redrawn = serve_latency(edited, max(args.repeat, 5), edit)
            print(f"serve, {edit.__name__} in one article of the {name} to the new page image: {summary(values)}"
                  f" ({redrawn} of {len(values)} shown by redrawing one block)", flush=True)

        for name in ("newspaper", "briefing"):
            curve = rss_curve(folder / f"serve-{name}" / "issues" / "issue.yaml", folder / "rss.pdf", args.rebuilds)
            print(f"RSS of a warm worker over {args.rebuilds} rebuilds of the {name} (rebuilds: MB): "
                  + ", ".join(f"{n}: {mb}" for n, mb in curve), flush=True)

        batch = [make_issue(folder / "batch", 1, f"b{i}") for i in range(args.batch)]
        batch_times = {}
        for jobs in (1, 2):
            batch_times[jobs], peak = timed([PY, "-m", "bulletinpress", "build", *map(str, batch), "--jobs", str(jobs), "--force"])
            print(f"batch of {args.batch} (1×) --jobs {jobs}: {batch_times[jobs]:.2f} s, peak {peak / 1024:.0f} MB (the parent)", flush=True)
        print(f"--jobs 2 is {batch_times[1] / batch_times[2]:.2f}× as fast as --jobs 1")

        for label, command in (("--help", ["--help"]), ("check", ["check", str(issue)])):
            values = [timed([str(Path(PY).parent / "bulletinpress"), *command])[0] for _ in range(args.repeat)]
            print(f"bulletinpress {label}: {summary(values)}")
        values = [timed([PY, "-c", "import weasyprint"])[0] for _ in range(args.repeat)]
        print(f"python -c 'import weasyprint' (for scale): {summary(values)}")


if __name__ == "__main__":
    main()
