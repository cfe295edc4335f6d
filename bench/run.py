"""Benchmark: bulletinpress against plain WeasyPrint on the same HTML, in one run.

    .venv/bin/python bench/run.py                 # sizes 1,4,16,64; 5 runs each
    .venv/bin/python bench/run.py --sizes 1,4 --repeat 3

Builds the sample issue at 1×, 4×, 16×, 64× its length (the reports repeated) in the
briefing layout, as whole cold processes, alternating with plain WeasyPrint rendering the
HTML that bulletinpress produced (no justification, no checks: the floor we build on); then
a warm in-process rebuild, and a batch of 20 sample-size issues with --jobs 1 and --jobs 2.
Prints medians, min–max, peak RSS and the ratios. Timings are noisy on a shared machine:
compare the ratios within one run, not absolute seconds across runs.
"""

from __future__ import annotations

import argparse
import resource
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


def timed(command: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of a whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) if peak > before else peak


def peak_rss(command: list[str]) -> int:
    """Peak RSS in KiB, measured by GNU time when it is there."""
    if shutil.which("/usr/bin/time"):
        out = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True)
        return int(out.stderr.strip().splitlines()[-1])
    return 0


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} s ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4,16,64")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in sizes:
            issue = make_issue(folder, size, f"x{size}")
            html = folder / f"x{size}.html"
            subprocess.run([PY, "-m", "bulletinpress", "build", str(issue), "--format", "html", "-o", str(html), "--force"], check=True, capture_output=True)
            ours, raw = [], []
            for _ in range(args.repeat):  # alternating, so both see the same machine
                ours.append(timed([PY, "-m", "bulletinpress", "build", str(issue), "-o", str(folder / "o.pdf"), "--force"])[0])
                raw.append(timed([PY, "-c", f"import weasyprint; weasyprint.HTML({str(html)!r}).write_pdf({str(folder / 'r.pdf')!r})"])[0])
            rss_ours = peak_rss([PY, "-m", "bulletinpress", "build", str(issue), "-o", str(folder / "o.pdf"), "--force"])
            rss_raw = peak_rss([PY, "-c", f"import weasyprint; weasyprint.HTML({str(html)!r}).write_pdf({str(folder / 'r.pdf')!r})"])
            pages = subprocess.run(["pdfinfo", str(folder / "o.pdf")], capture_output=True, text=True).stdout
            count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
            rows.append((size, count, ours, raw, rss_ours, rss_raw))
            print(f"{size:>3}×  {count:>4} pages  bulletinpress {summary(ours)}  {rss_ours / 1024:5.0f} MB   "
                  f"WeasyPrint {summary(raw)}  {rss_raw / 1024:5.0f} MB   ratio {statistics.median(ours) / statistics.median(raw):.2f}",
                  flush=True)

        # warm: the same issue rebuilt in one process (what serve and batch workers do)
        issue = make_issue(folder, 1, "warm")
        warm = subprocess.run([PY, "-c", f"""
import time, statistics
from pathlib import Path
from bulletinpress import api
p = Path({str(issue)!r})
api.pdf_bytes(p)
times = []
for _ in range({args.repeat}):
    t = time.perf_counter(); api.pdf_bytes(p); times.append(time.perf_counter() - t)
print(statistics.median(times), min(times), max(times))
"""], check=True, capture_output=True, text=True).stdout.split()
        print(f"warm rebuild (1×, in process): {float(warm[0]):.2f} s ({float(warm[1]):.2f}–{float(warm[2]):.2f})", flush=True)

        batch = [make_issue(folder / "batch", 1, f"b{i}") for i in range(args.batch)]
        for jobs in (1, 2):
            elapsed, _ = timed([PY, "-m", "bulletinpress", "build", *map(str, batch), "--jobs", str(jobs), "--force"])
            print(f"batch of {args.batch} (1×) --jobs {jobs}: {elapsed:.2f} s", flush=True)
            rows.append(("batch", jobs, elapsed))
        one, two = rows[-2][2], rows[-1][2]
        print(f"--jobs 2 is {one / two:.2f}× as fast as --jobs 1")

        for label, command in (("--help", ["--help"]), ("check", ["check", str(issue)])):
            times = [timed([PY, "-m", "bulletinpress", *command])[0] for _ in range(args.repeat)]
            print(f"bulletinpress {label}: {summary(times)}")
        try:
            import typst  # noqa: F401
        except ImportError:
            print("typst: not installed (pip install typst to compare)")


if __name__ == "__main__":
    main()
