"""Shared helpers: sample projects built inline in tmp_path, the CLI run as a process,
and PDFs read back with PyMuPDF and poppler."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from pdfcheck import STRAIGHT  # one table for every test that compares text with its quotes straight

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ZH = ROOT / "issues" / "2024-12-06.yaml"
SAMPLE_EN = ROOT / "examples" / "english" / "issues" / "2025-03-07.yaml"

MINIMAL = """\
masthead:
  title: 测试简报
  date: 2024-12-06
lead:
  title: 标题
  body: |
    第一段。
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str | Path, cwd: Path | None = None) -> Run:
    proc = subprocess.run(
        [sys.executable, "-m", "bulletinpress", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def write_issue(project: Path, text: str, name: str = "issue.yaml") -> Path:
    path = project / "issues" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def photo_issue(project: Path, src: str, extra: str = "") -> Path:
    """An issue with one report and one photo (`src` relative to the issue file)."""
    return write_issue(project, f"""\
        masthead: {{title: 刊, date: 2024-12-06}}
        reports:
          - district: 区
            title: 题
            body: 文。
            images: [{{src: {src}{extra}}}]
        """)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A bulletin project whose issues default to the A4 briefing, which flows: the minimal
    issues of these tests are far too short to fill a composed A3 page (an error there, see
    tests/test_compose.py)."""
    (tmp_path / "issues").mkdir()
    (tmp_path / "bulletinpress.yaml").write_text("layout: briefing\n", encoding="utf-8")
    return tmp_path


def squash(text: str) -> str:
    """Text with all whitespace removed (extraction inserts line breaks where the page wraps)
    and quotes straight (English is printed with typographic ones: tests/test_text.py)."""
    return re.sub(r"\s+", "", text).translate(STRAIGHT)



def no_assertion_error(run: Run) -> None:
    assert "Traceback" not in run.stderr, run.stderr
