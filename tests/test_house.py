"""The house: WeasyPrint's internals are reached only from bulletinpress/weasy/, and a layout's
manifest is checked like an issue file (file:line:col, exit 1) in build, check and serve."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bulletinpress.desk.serve import Preview
from conftest import MINIMAL, ROOT, run_cli, write_issue

PACKAGE = ROOT / "src" / "bulletinpress"


def weasyprint_contacts(path: Path) -> list[str]:
    """Imports of WeasyPrint, reads of its private page box and of its package data in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        found += [f"line {node.lineno}: import {n}" for n in names if n.split(".")[0] == "weasyprint"]
        if isinstance(node, ast.Attribute) and node.attr == "_page_box":
            found.append(f"line {node.lineno}: ._page_box")
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "files" and any(isinstance(a, ast.Constant) and a.value == "weasyprint" for a in node.args):
            found.append(f"line {node.lineno}: 'weasyprint' package data")
    return found


def test_only_the_weasy_folder_touches_weasyprint():
    modules = [p for p in PACKAGE.rglob("*.py") if "weasy" not in p.relative_to(PACKAGE).parts[:1]]
    assert len(modules) > 20
    offenders = {str(p.relative_to(PACKAGE)): weasyprint_contacts(p) for p in modules}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_contact_check_sees_an_import_and_a_private_box(tmp_path):
    """The check above can fail: a module that reaches in is caught."""
    module = tmp_path / "reach.py"
    module.write_text("from weasyprint.layout import inline\nimport weasyprint.text\nx = page._page_box\nfiles('weasyprint')\n")
    assert [c.split(":")[0] for c in weasyprint_contacts(module)] == ["line 1", "line 2", "line 3", "line 4"]


def test_the_weasy_folder_is_where_weasyprint_is_used():
    assert weasyprint_contacts(PACKAGE / "weasy" / "render.py") or weasyprint_contacts(PACKAGE / "weasy" / "boxes.py")


BAD_MANIFESTS = {
    "unknown key": ("description: x\nstylesheet: [base.css]\n", 2, 1, "unknown field 'stylesheet' — did you mean 'stylesheets'?"),
    "wrong type": ("stylesheets: [base.css]\npages: two\n", 2, 8, "pages: expected a whole number, got 'two'"),
    "yaml syntax": ("stylesheets: [base.css\npages: 1\n", 2, 6, "YAML syntax"),
    "missing stylesheet": ("stylesheets:\n  - base.css\n  - nowhere.css\n", 3, 5, "stylesheets[1]: stylesheet 'nowhere.css' not found"),
    "bad page size": ("page_size: A33\nstylesheets: [base.css]\n", 1, 12, "page_size: 'A33' is not a page size"),
}


def bad_layout(project: Path, manifest: str) -> Path:
    folder = project / "layouts" / "mine"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "layout.yaml").write_text(manifest, encoding="utf-8")
    (folder / "issue.html").write_text("<p>{{ masthead.title }}</p>", encoding="utf-8")
    return folder / "layout.yaml"


@pytest.mark.parametrize("case", list(BAD_MANIFESTS))
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_bad_layout_manifest_is_an_error_at_its_place(project, case, command):
    manifest, line, column, message = BAD_MANIFESTS[case]
    path = bad_layout(project, manifest)
    run = run_cli(command, write_issue(project, "layout: mine\n" + MINIMAL))
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert f"{path}:{line}:{column}: error: " in run.stderr and message in run.stderr, run.stderr
    assert not (project / "build").exists()


def test_serve_shows_a_bad_manifest_and_recovers(project):
    path = bad_layout(project, BAD_MANIFESTS["unknown key"][0])
    preview = Preview(write_issue(project, "layout: mine\n" + MINIMAL))
    preview.rebuild()
    state = preview.state()
    assert state["pages"] == 0 and f"{path}:2:1: error: unknown field 'stylesheet'" in state["error"]
    path.write_text("description: x\nstylesheets: [base.css]\n", encoding="utf-8")
    preview.rebuild()
    state = preview.state()
    assert state["error"] is None and state["pages"] == 1 and "测试简报" in state["texts"][0]


def test_the_manifest_page_size_sets_the_page(project):
    bad_layout(project, "page_size: A5\nstylesheets: [base.css]\n")
    run = run_cli("build", write_issue(project, "layout: mine\n" + MINIMAL))
    assert run.code == 0, run.stderr
    import pymupdf

    with pymupdf.open(project / "build" / "issue.pdf") as pdf:
        assert (round(pdf[0].rect.width * 25.4 / 72), round(pdf[0].rect.height * 25.4 / 72)) == (148, 210)
