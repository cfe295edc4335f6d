"""Lint's findings in the formats machines read: JSON, SARIF 2.1.0 (GitHub code scanning
and most CI annotations) and reviewdog's rdjson. The text format is the CLI's own
`FILE:LINE:COL: severity: message` lines."""

from __future__ import annotations

import json

from ..errors import Diagnostic

FORMATS = ("text", "json", "sarif", "rdjson")


def render(found: list[Diagnostic], kind: str) -> str:
    return {"json": _json, "sarif": _sarif, "rdjson": _rdjson}[kind](found)


def _record(d: Diagnostic) -> dict:
    return {"file": str(d.path), "line": d.line, "column": d.column, "severity": d.severity,
            "rule": d.rule or None, "message": d.message, "fix": d.fix}


def _json(found: list[Diagnostic]) -> str:
    return json.dumps({"findings": [_record(d) for d in found]}, ensure_ascii=False, indent=2) + "\n"


def _sarif(found: list[Diagnostic]) -> str:
    rules = sorted({d.rule for d in found if d.rule})
    results = [{
        "ruleId": d.rule or "district",
        "level": "error" if d.severity == "error" else "warning",
        "message": {"text": d.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": str(d.path)},
                                            "region": {"startLine": d.line, "startColumn": d.column}}}],
    } for d in found]
    run = {"tool": {"driver": {"name": "bulletinpress", "rules": [{"id": rule} for rule in rules]}},
           "results": results}
    document = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _rdjson(found: list[Diagnostic]) -> str:
    diagnostics = [{
        "message": d.message,
        "location": {"path": str(d.path), "range": {"start": {"line": d.line, "column": d.column}}},
        "severity": "ERROR" if d.severity == "error" else "WARNING",
        **({"code": {"value": d.rule}} if d.rule else {}),
    } for d in found]
    return json.dumps({"source": {"name": "bulletinpress"}, "diagnostics": diagnostics}, ensure_ascii=False, indent=2) + "\n"
