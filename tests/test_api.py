"""The library API: project layouts override built-ins, builds are reproducible and atomic,
and what the renderer refuses or lacks is reported."""

from __future__ import annotations

import logging
import subprocess
import sys
import zipfile

import pytest

from bulletinpress import api
from bulletinpress.weasy import render as render_pdf
from bulletinpress.errors import ContentError
from conftest import MINIMAL, ROOT, write_issue


def test_project_layouts_and_styles_override_the_builtin_ones(project):
    (project / "layouts" / "newspaper").mkdir(parents=True)
    (project / "layouts" / "newspaper" / "layout.yaml").write_text(
        "description: ours\npage_size: A4\nstylesheets: [base.css, newspaper.css]\nfonts: {zh: [Noto Serif CJK SC]}\n"
    )
    (project / "layouts" / "newspaper" / "issue.html").write_text(
        '{% extends "common/base.html" %}{% block content %}<p class="ours">{{ masthead.title }}</p>{% endblock %}'
    )
    (project / "styles").mkdir()
    (project / "styles" / "newspaper.css").write_text("/* project style */ @page { size: A4 }")
    checked = api.check(write_issue(project, "layout: newspaper\n" + MINIMAL))
    assert checked.layout.description == "ours"
    assert checked.layout.stylesheets[1] == project / "styles" / "newspaper.css"
    assert checked.layout.stylesheets[0].parent.name == "styles" and checked.layout.stylesheets[0].parent != project / "styles"
    assert '<p class="ours">测试简报</p>' in api.html(checked)


def test_a_project_can_add_a_layout(project):
    (project / "layouts" / "poster").mkdir(parents=True)
    (project / "layouts" / "poster" / "layout.yaml").write_text("stylesheets: [base.css]\n")
    (project / "layouts" / "poster" / "issue.html").write_text("{{ masthead.title }}")
    assert api.html(api.check(write_issue(project, "layout: poster\n" + MINIMAL))) == "测试简报"


def test_template_errors_name_the_template_line(project):
    (project / "layouts" / "poster").mkdir(parents=True)
    (project / "layouts" / "poster" / "layout.yaml").write_text("stylesheets: [base.css]\n")
    (project / "layouts" / "poster" / "issue.html").write_text("line one\n{{ no_such_value }}\n")
    with pytest.raises(ContentError) as exc:
        api.html(api.check(write_issue(project, "layout: poster\n" + MINIMAL)))
    [diagnostic] = exc.value.diagnostics
    assert diagnostic.line == 2 and str(diagnostic.path).endswith("poster/issue.html")
    assert "no_such_value" in diagnostic.message


def test_same_input_same_bytes(project):
    path = write_issue(project, MINIMAL)
    first = api.build(path, project / "a.pdf")
    api.build(path, project / "b.pdf")
    assert first.pages == 1
    assert (project / "a.pdf").read_bytes() == (project / "b.pdf").read_bytes()


def test_missing_fast_subsetter_is_warned_about(project, monkeypatch, caplog):
    monkeypatch.setattr(render_pdf, "fast_subsetting", lambda: False)
    with caplog.at_level(logging.WARNING, logger="bulletinpress"):
        api.build(write_issue(project, MINIMAL), project / "x.pdf")
    assert any("libharfbuzz-subset0" in r.getMessage() for r in caplog.records)


def test_the_installed_machine_has_the_fast_subsetter():
    assert render_pdf.fast_subsetting(), "the set-up must install libharfbuzz-subset0"


def test_resources_outside_the_project_are_refused(project, tmp_path_factory):
    secret = tmp_path_factory.mktemp("outside") / "secret.css"
    secret.write_text("p { color: red }")
    (project / "layouts" / "leaky").mkdir(parents=True)
    (project / "layouts" / "leaky" / "layout.yaml").write_text("stylesheets: [base.css]\n")
    (project / "layouts" / "leaky" / "issue.html").write_text(
        f'<link rel="stylesheet" href="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png"><p>{{{{ masthead.title }}}}</p>'
    )
    with pytest.raises(ContentError) as exc:
        api.build(write_issue(project, "layout: leaky\n" + MINIMAL))
    text = str(exc.value)
    assert "refused to load 'http://127.0.0.1:9/x.png'" in text
    assert f"refused to load '{secret.as_uri()}'" in text
    assert not (project / "build").exists()


def test_the_wheel_carries_the_builtin_layouts_and_styles(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    [wheel] = tmp_path.glob("bulletinpress-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("bulletinpress/layouts/newspaper/issue.html", "bulletinpress/layouts/briefing/layout.yaml",
                     "bulletinpress/layouts/common/macros.html", "bulletinpress/styles/base.css",
                     "bulletinpress/styles/newspaper.css", "bulletinpress/styles/briefing.css"):
        assert expected in names


def test_a_cached_stylesheet_still_reports_what_it_refused(project):
    """In a warm process (serve, batch workers) the stylesheet is parsed once; every build
    must still refuse its outside references."""
    (project / "layouts" / "reach").mkdir(parents=True)
    (project / "layouts" / "reach" / "layout.yaml").write_text("stylesheets: [base.css, reach.css]\n")
    (project / "layouts" / "reach" / "issue.html").write_text("<p>{{ masthead.title }}</p>")
    (project / "styles").mkdir()
    (project / "styles" / "reach.css").write_text("@import url(http://127.0.0.1:9/x.css);\n")
    path = write_issue(project, "layout: reach\n" + MINIMAL)
    for _ in range(2):
        with pytest.raises(ContentError) as exc:
            api.build(path, project / "out.pdf")
        assert "refused to load 'http://127.0.0.1:9/x.css'" in str(exc.value)
