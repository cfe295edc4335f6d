"""Fuzzing (issue 22): random issue files, random photo bytes and random preview requests.
Whatever comes in, the answer is an issue checked, or a BulletinError (which the CLI prints
as `FILE:LINE:COL: error: …` with exit 1 or 2) — never another exception, which the CLI
would call an internal error. A few hundred cases here, the same each run; `bench/fuzz.py`
runs many times more, new ones each run (BULLETINPRESS_FUZZ_SCALE), and weighs time and memory."""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletinpress import api
from bulletinpress.errors import BulletinError
from conftest import write_issue

#: how many times the CI's cases to run; above 1, cases differ from run to run (bench/fuzz.py)
SCALE = max(1, int(os.environ.get("BULLETINPRESS_FUZZ_SCALE", "1")))


def fuzzed(examples: int):
    """Hypothesis settings: `examples` cases in CI (the same each run), SCALE times as many in the bench."""
    return settings(max_examples=examples * SCALE, deadline=None, derandomize=SCALE == 1,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

FIELDS = ["masthead", "title", "date", "lead", "reports", "body", "district", "images", "src", "briefs", "items",
          "pages", "page", "span", "position", "layout", "style", "language", "distribution", "copies", "number"]
SCALARS = st.one_of(st.integers(-5, 10**12), st.text(max_size=30), st.sampled_from(["2024-12-06", "zh-CN", "en", "newspaper",
                                                                                    "briefing", "newsletter", "~", "[]", "{}", "null"]))


def yaml_value(depth: int = 0):
    if depth > 2:
        return SCALARS
    return st.one_of(SCALARS, st.lists(st.deferred(lambda: yaml_value(depth + 1)), max_size=3),
                     st.dictionaries(st.sampled_from(FIELDS), st.deferred(lambda: yaml_value(depth + 1)), max_size=4))


@fuzzed(150)
@given(st.dictionaries(st.sampled_from(FIELDS), yaml_value(), max_size=6))
def test_random_issues_are_checked_or_refused_with_a_message(project, data):
    import yaml

    path = write_issue(project, yaml.safe_dump(data, allow_unicode=True), "fuzz.yaml")
    try:
        api.check(path)
    except BulletinError:
        pass


@fuzzed(100)
@given(st.text(alphabet=string.printable + "：，。“”《》\u3000\t", max_size=300))
def test_random_text_as_an_issue_is_checked_or_refused(project, text):
    path = write_issue(project, text, "fuzz-text.yaml")
    try:
        api.check(path)
    except BulletinError:
        pass


PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff\xe0"


@fuzzed(60)
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


@fuzzed(80)
@given(st.text(alphabet=string.ascii_letters + string.digits + "/.?&=%#-_~²", max_size=60),
       st.sampled_from(["127.0.0.1:{port}", "localhost:{port}", "evil.example", "", "[::1]:{port}"]))
def test_random_preview_requests_get_an_answer(preview_port, path, host):
    from test_hardening import get

    status, _ = get(preview_port, "/" + path.replace("state", "stat") , host.format(port=preview_port))
    assert status in (200, 403, 404)
