"""Fuzzing (issue 22): random issue files, random photo bytes and random preview requests.
Whatever comes in, the answer is an issue checked, or a BulletinError (which the CLI prints
as `FILE:LINE:COL: error: …` with exit 1 or 2) — never another exception, which the CLI
would call an internal error. A few hundred cases here; `bench/` may run more."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletinpress import api
from bulletinpress.errors import BulletinError
from conftest import write_issue

FIELDS = ["masthead", "title", "date", "lead", "reports", "body", "district", "images", "src", "briefs", "items",
          "pages", "page", "span", "position", "layout", "style", "language", "distribution", "copies", "number"]
SCALARS = st.one_of(st.integers(-5, 10**12), st.text(max_size=30), st.sampled_from(["2024-12-06", "zh-CN", "en", "newspaper",
                                                                                    "briefing", "newsletter", "~", "[]", "{}", "null"]))


def yaml_value(depth: int = 0):
    if depth > 2:
        return SCALARS
    return st.one_of(SCALARS, st.lists(st.deferred(lambda: yaml_value(depth + 1)), max_size=3),
                     st.dictionaries(st.sampled_from(FIELDS), st.deferred(lambda: yaml_value(depth + 1)), max_size=4))


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(FIELDS), yaml_value(), max_size=6))
def test_random_issues_are_checked_or_refused_with_a_message(project, data):
    import yaml

    path = write_issue(project, yaml.safe_dump(data, allow_unicode=True), "fuzz.yaml")
    try:
        api.check(path)
    except BulletinError:
        pass


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=string.printable + "：，。“”《》\u3000\t", max_size=300))
def test_random_text_as_an_issue_is_checked_or_refused(project, text):
    path = write_issue(project, text, "fuzz-text.yaml")
    try:
        api.check(path)
    except BulletinError:
        pass


PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff\xe0"


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from([(".png", PNG), (".jpg", JPEG), (".gif", b"GIF89a"), (".svg", b"<svg")]), st.binary(max_size=400))
def test_random_photo_bytes_are_read_or_refused(project, kind, tail):
    suffix, head = kind
    (project / "photos").mkdir(exist_ok=True)
    (project / "photos" / f"f{suffix}").write_bytes(head + tail)
    path = write_issue(project, "masthead: {title: t, date: 2024-12-06}\n"
                       f"lead: {{title: t, body: b, images: [{{src: ../photos/f{suffix}}}]}}\n", "photo.yaml")
    try:
        api.check(path)
    except BulletinError:
        pass


@pytest.fixture(scope="module")
def preview_port(tmp_path_factory):
    from test_hardening import previewing

    project = tmp_path_factory.mktemp("fuzz-serve")
    (project / "issues").mkdir()
    yield from previewing(project)


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=string.ascii_letters + string.digits + "/.?&=%#-_~²", max_size=60),
       st.sampled_from(["127.0.0.1:{port}", "localhost:{port}", "evil.example", "", "[::1]:{port}"]))
def test_random_preview_requests_get_an_answer(preview_port, path, host):
    from test_hardening import get

    status, _ = get(preview_port, "/" + path.replace("state", "stat") , host.format(port=preview_port))
    assert status in (200, 403, 404)
