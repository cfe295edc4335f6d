"""Building many issues: in parallel worker processes, skipping what has not changed.

Each worker is a long-lived process, so fonts, templates and stylesheets are loaded once
per worker, not once per issue. An issue is skipped when its fingerprint (the issue file,
the project settings, its photos, every layout and style file, the tool version and the
build options) matches the last build's and the output is still there.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable

from .. import __version__
from ..options import SCREEN

CACHE = ".bulletinpress-cache.json"


@dataclass
class Job:
    path: Path
    target: Path | None
    options: dict


@dataclass
class Outcome:
    path: Path
    output: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    preflight: str | None = None
    preflight_failed: bool = False
    skipped: bool = False
    usage_error: str | None = None
    fingerprint: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.usage_error or self.preflight_failed)


def fingerprint(path: Path, options: dict):
    """The issue's fingerprint, where it would be built to, and the checked issue."""
    from .. import api
    from ..source.check import image_locs

    checked = api.check(path, layout=options.get("layout"), style=options.get("style"))
    digest = hashlib.sha256(f"{tool_key()}|{sorted((k, str(v)) for k, v in options.items())}".encode())
    digest.update(repr(_font_files(tuple(sorted({f for fs in checked.layout.fonts.values() for f in fs})))).encode())
    digest.update(checked.source.text.encode())  # the text that was checked is the text built, whatever is saved since
    files = [checked.project.root / "bulletinpress.yaml"] + _profiles(checked, options)
    photos = [(path.resolve().parent / image.src) for _, image in image_locs(checked.issue)]
    root = checked.project.root
    files += photos + [found for photo in photos for found in _referenced(photo, _SVG_REF, root)]
    for folder in list(checked.project.layout_dirs) + list(checked.project.style_dirs):
        sheets = sorted(p for p in folder.rglob("*") if p.is_file())
        files += sheets + [found for sheet in sheets if sheet.suffix == ".css" for found in _referenced(sheet, _CSS_URL, root)]
    for file in files:
        digest.update(str(file).encode())
        digest.update(file.read_bytes() if file.is_file() else b"-")
    target = checked.project.build_dir / (path.stem + api.FORMATS.get(options.get("fmt", "pdf"), ".pdf"))
    return digest.hexdigest(), target, checked


def _profiles(checked, options: dict) -> list[Path]:
    """The print shop's CMYK profile, named on the command line or in the settings: another
    profile is another PDF."""
    given = getattr(options.get("options"), "print", None)
    named = checked.project.settings[0].print.output_intent
    return ([Path(given.profile)] if given is not None else []) + ([checked.project.root / named] if named else [])


#: what a page draws besides its photos: images an SVG photo draws, images a stylesheet uses
_SVG_REF = re.compile(rb"""(?:xlink:)?href\s*=\s*["']([^"'#][^"']*)["']""")
_CSS_URL = re.compile(rb"""url\(\s*["']?([^"')]+?)["']?\s*\)""")


def _referenced(file: Path, pattern: re.Pattern, root: Path) -> list[Path]:
    """The project's files an SVG or a stylesheet refers to (relative to it): a change to one
    is a change to the page, so it is part of the fingerprint (nothing outside the project is
    read: the build would refuse it anyway)."""
    if file.suffix.lower() not in (".svg", ".css") or not file.is_file():
        return []
    found = []
    for match in pattern.finditer(file.read_bytes()[:4 * 2**20]):
        ref = match.group(1).decode("utf-8", "replace").strip()
        if ref and not re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):  # not data:, http:, file:
            target = (file.parent / ref.split("#")[0]).resolve()
            if target.is_relative_to(root.resolve()):
                found.append(target)
    return found


@lru_cache(maxsize=1)
def tool_key() -> str:
    """What a build's output depends on beyond the project: our own code (every module's
    bytes, not just the version number), and the versions of the libraries that set or
    write the page. An upgrade of any of them rebuilds every issue."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]
    for module in sorted(package.rglob("*.py")):
        digest.update(str(module.relative_to(package)).encode() + module.read_bytes())
    for name in ("weasyprint", "pydyf", "tinycss2", "cssselect2", "pikepdf", "jinja2", "pydantic", "pyphen", "fonttools"):
        digest.update(f"{name}={_version(name)}".encode())
    return digest.hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=16)
def _font_files(families: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """The font files fontconfig picks for the layout's families, with size and mtime: a
    font package upgrade rebuilds the issues set in it."""
    found = []
    for family in families:
        try:
            path = subprocess.run(["fc-match", "--format=%{file}", family], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            path = ""
        stat = os.stat(path) if path and os.path.isfile(path) else None
        found.append((path, stat.st_size if stat else 0, stat.st_mtime_ns if stat else 0))
    return found


def _cache_file(target: Path) -> Path:
    return target.parent / CACHE


def _cached(target: Path) -> dict:
    """The last build's fingerprint and warnings for this output (a skipped issue still
    reports its warnings)."""
    try:
        entry = json.loads(_cache_file(target).read_text(encoding="utf-8")).get(target.name)
    except (OSError, ValueError):
        return {}
    return entry if isinstance(entry, dict) else {}


def remember(outcome: Outcome) -> None:
    if outcome.output is None or outcome.fingerprint is None:
        return
    cache = _cache_file(outcome.output)
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[outcome.output.name] = {"key": outcome.fingerprint, "warnings": outcome.warnings}
    from ..errors import BulletinError
    from ..press.output import write_atomic

    try:  # whole or not at all: a full disk leaves the last cache, never half of one
        write_atomic(cache, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
    except BulletinError:
        pass  # the cache only saves time: the next build builds the issue again


def release_memory() -> None:
    """Give the heap freed by a build back to the system (glibc's malloc_trim). A build's
    large, short-lived buffers (fonts, the PDF) leave glibc's heap fragmented: without this
    a warm worker grew by about 0.6 MB a rebuild (bench: RSS over 100 rebuilds)."""
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def run_one(job: Job, force: bool = False) -> Outcome:
    """Build one issue (in whichever process runs this), reporting instead of raising."""
    try:
        return _run_one(job, force)
    finally:
        release_memory()


def _run_one(job: Job, force: bool = False) -> Outcome:
    from .. import api
    from ..errors import BulletinError, ContentError, PreflightFailed

    outcome = Outcome(job.path)
    options = dict(job.options)
    try:
        run = options.pop("options", SCREEN)
        key, default_target, checked = fingerprint(
            job.path, {**options, "print": run.print, "allow_overflow": run.allow_overflow, "allow_underfill": run.allow_underfill}
        )
        target = job.target or default_target
        outcome.fingerprint = key
        cached = _cached(target)
        if not force and target.exists() and cached.get("key") == key:
            outcome.output, outcome.skipped = target, True
            outcome.warnings = list(cached.get("warnings", []))
            return outcome
        result = api.build(
            job.path, target, fmt=options.get("fmt", "pdf"), layout=options.get("layout"), style=options.get("style"),
            options=run, checked=checked,
        )
    except PreflightFailed as exc:
        outcome.preflight, outcome.preflight_failed = exc.report.to_text(), True
        outcome.errors = [str(d) for d in exc.diagnostics]
        return outcome
    except ContentError as exc:
        outcome.errors = [str(d) for d in exc.diagnostics]
        return outcome
    except BulletinError as exc:  # usage and set-up errors stop the batch: every issue would fail
        outcome.usage_error = str(exc)
        return outcome
    except Exception as exc:  # a bug of ours: this issue fails, the others still build
        outcome.errors = [f"{job.path}:1:1: error: internal error ({type(exc).__name__}: {exc}); please report it with this file"]
        return outcome
    outcome.output, outcome.pages, outcome.seconds = result.output, result.pages, result.seconds
    outcome.warnings = [str(w) for w in result.warnings]
    outcome.notes = list(result.notes)
    if result.preflight is not None:
        outcome.preflight = result.preflight.to_text()
        outcome.preflight_failed = bool(result.preflight.errors)
    return outcome


def run(jobs: list[Job], workers: int, force: bool, on_done: Callable[[Outcome], None]) -> list[Outcome]:
    """All jobs, `workers` at a time; `on_done` is called in this process as each finishes."""
    outcomes = []
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            outcome = run_one(job, force)
            remember_if_built(outcome)
            on_done(outcome)
            outcomes.append(outcome)
        return outcomes
    def done(outcome: Outcome) -> None:
        remember_if_built(outcome)
        on_done(outcome)
        outcomes.append(outcome)

    broken = _pool(jobs, min(workers, len(jobs)), force, done)
    for job in broken:  # a worker died and took the pool with it: each of its jobs again, alone
        _pool([job], 1, force, done, last=True)
    order = {job.path: i for i, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.path])


def _pool(jobs: list[Job], workers: int, force: bool, done: Callable[[Outcome], None], last: bool = False) -> list[Job]:
    """The jobs in a pool of worker processes; the ones a dying worker took down with it
    (BrokenProcessPool: killed, out of memory) are returned to be run again alone — or, on
    the `last` try, fail with that message. SIGTERM to the batch ends its workers too."""
    import signal
    from concurrent.futures.process import BrokenProcessPool

    broken = []
    pool = ProcessPoolExecutor(max_workers=workers)
    previous = signal.signal(signal.SIGTERM, _terminated) if _main_thread() else None
    try:
        futures = {pool.submit(run_one, job, force): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                done(future.result())
            except BrokenProcessPool as exc:
                if last:
                    done(Outcome(job.path, errors=[f"{job.path}:1:1: error: the build process died ({type(exc).__name__}: it was "
                                                   "killed, perhaps for want of memory)"]))
                else:
                    broken.append(job)
            except Exception as exc:  # noqa: BLE001 - a worker's unpicklable error and the like: its issue fails
                done(Outcome(job.path, errors=[f"{job.path}:1:1: error: the build process failed ({type(exc).__name__}: {exc})"]))
    except BaseException:  # interrupted or terminated: the workers go too, never left running
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    pool.shutdown()
    return broken


def _terminated(signum, frame):
    raise KeyboardInterrupt


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def remember_if_built(outcome: Outcome) -> None:
    if not outcome.failed and not outcome.skipped:
        remember(outcome)


def shard(issues: list, spec: str | None) -> list:
    """Every N-th issue from the K-th (`K/N`, 1-based), in the order given: N machines of a CI
    matrix, each with its own K, build the whole archive between them with no overlap.
    A build is a pure function of the issue, its photos, the layout and the tool's version,
    so the shards' outputs are the same files one machine would write."""
    if spec is None:
        return issues
    from ..errors import UsageError

    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", spec)
    if not found or not 1 <= int(found.group(1)) <= int(found.group(2)):
        raise UsageError(f"--shard must be K/N with 1 <= K <= N (like 2/4), not '{spec}'")
    k, n = int(found.group(1)), int(found.group(2))
    return sorted(issues, key=str)[k - 1::n]
