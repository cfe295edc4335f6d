"""`bulletinpress import` over a folder of real .docx files, file by file: its exit, whether
it ended in a traceback, how much of the body text reached the YAML (the text read apart from
the importer, straight from word/document.xml), what the importer named, and what was lost
without a word. Keep the files out of the repository; point this at a folder of them:

    .venv/bin/python bench/import_corpus.py /tmp/corpus [--json report.json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: what the Word file itself holds as text, outside the importer: every w:t in the main
#: document (a text box's DrawingML copy only: its VML fallback repeats it), w:delText and
#: the text a tracked move took away (w:moveFrom) left out
_FALLBACK = re.compile(rb"<mc:Fallback>.*?</mc:Fallback>", re.S)
_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")


def document_text(path: Path, tables: bool = True) -> str:
    """The w:t text of word/document.xml (without tables' when `tables` is False)."""
    try:
        with zipfile.ZipFile(path) as package:
            name = next((n for n in package.namelist() if n.lower() == "word/document.xml"), None)
            xml = package.read(name) if name else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        return ""
    xml = re.sub(rb"<w:moveFrom\b[^>]*>.*?</w:moveFrom>", b"", _FALLBACK.sub(b"", xml), flags=re.S)
    if not tables:
        xml = _without_tables(xml)
    import html

    return html.unescape("".join(m.decode("utf-8", "replace") for m in _TEXT.findall(xml)))


def _without_tables(xml: bytes) -> bytes:
    """The XML with every w:tbl cut out, nested ones with their table."""
    out, depth, last = [], 0, 0
    for match in re.finditer(rb"<w:tbl\b[^>]*>|</w:tbl>", xml):
        if match.group().startswith(b"</"):
            depth -= 1
            if depth == 0:
                last = match.end()
        else:
            if depth == 0:
                out.append(xml[last:match.start()])
            depth += 1
    return b"".join(out) + (xml[last:] if depth == 0 else b"")


def squash(text: str) -> str:
    return re.sub(r"\s+|\*\*", "", text)


def imported_text(data) -> str:
    """Every text the YAML carries (title, kicker, subtitle, district, body, captions)."""
    if isinstance(data, dict):
        return "".join(imported_text(v) for k, v in data.items() if k not in ("src",))
    if isinstance(data, list):
        return "".join(imported_text(v) for v in data)
    return str(data) if isinstance(data, str) else ""


def one(path: Path, timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            run = subprocess.run([sys.executable, "-m", "bulletinpress", "import", str(path), "--district", "测试区"],
                                 capture_output=True, text=True, timeout=timeout, cwd=tmp)
        except subprocess.TimeoutExpired:
            return {"file": path.name, "exit": "timeout"}
    source = squash(document_text(path))
    in_tables = len(source) - len(squash(document_text(path, tables=False)))
    try:
        data = yaml.safe_load(run.stdout) if run.returncode == 0 else None
    except yaml.YAMLError:
        data = None
    kept = squash(imported_text(data)) if data else ""
    counted = sum(min(kept.count(c), source.count(c)) for c in set(source))  # characters that reached it
    traceback = "Traceback" in run.stderr or "internal error" in run.stderr
    named = in_tables if "a table" in run.stderr else 0  # said, with its paragraph number
    return {"file": path.name, "exit": run.returncode, "traceback": traceback, "source_chars": len(source),
            "kept_chars": counted, "named_chars": min(named, len(source) - counted),
            "lost_chars": max(0, len(source) - counted - named), "doubled": max(0, len(kept) - len(source)) if source else 0,
            "named": [line for line in run.stderr.splitlines() if "paragraph" in line or "note" in line][:6],
            "message": run.stderr.strip().splitlines()[-1][:160] if run.returncode and run.stderr.strip() else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    rows = [one(path, args.timeout) for path in sorted(args.folder.glob("*.docx"))]
    for row in rows:
        share = f"{row['kept_chars'] / row['source_chars']:.0%}" if row.get("source_chars") else "-"
        print(f"{row['exit']!s:>7} {'TRACEBACK' if row.get('traceback') else '':9} {share:>5} {row['file'][:60]:60} {row.get('message', '')}")
    total = sum(r.get("source_chars", 0) for r in rows)
    kept = sum(r.get("kept_chars", 0) for r in rows)
    named = sum(r.get("named_chars", 0) for r in rows)
    print(f"{len(rows)} files: {sum(r['exit'] == 0 for r in rows)} imported, {sum(bool(r.get('traceback')) for r in rows)} tracebacks; "
          f"of {total} characters of body text {kept} reached the YAML ({kept / max(total, 1):.1%}), {named} were in tables "
          f"the importer named ({named / max(total, 1):.1%}), {sum(r.get('lost_chars', 0) for r in rows)} were lost without a word "
          f"(in {sum(bool(r.get('lost_chars')) for r in rows)} files)")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
