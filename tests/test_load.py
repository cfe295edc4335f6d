"""Stage 1: YAML is read with positions; duplicates, tabs and encodings are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletinpress.source import load
from bulletinpress.errors import ContentError
from conftest import SAMPLE_EN, SAMPLE_ZH


def read_text(tmp_path: Path, text: str | bytes) -> load.Source:
    path = tmp_path / "issue.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return load.read(path)


def messages(exc: pytest.ExceptionInfo[ContentError]) -> list[str]:
    return [str(d) for d in exc.value.diagnostics]


def test_positions_of_keys_and_values(tmp_path):
    source = read_text(tmp_path, "masthead:\n  title: 周报\n  date: 2024-12-06\nreports:\n  - district: 黔江区\n")
    assert source.keys[("masthead", "title")] == load.Position(2, 3)
    assert source.values[("masthead", "title")] == load.Position(2, 10)
    assert source.values[("reports", 0, "district")] == load.Position(5, 15)
    assert source.data["masthead"]["date"].isoformat() == "2024-12-06"


def test_duplicate_key_is_reported_at_the_second_occurrence(tmp_path):
    source = read_text(tmp_path, "masthead:\n  title: 一\n  title: 二\n")
    [diagnostic] = source.errors.values()
    assert (diagnostic.line, diagnostic.column) == (3, 3)
    assert "duplicate field 'title'" in diagnostic.message and "line 2" in diagnostic.message


def test_tab_indentation_names_the_tab(tmp_path):
    with pytest.raises(ContentError) as exc:
        read_text(tmp_path, "masthead:\n\ttitle: x\n")
    [message] = messages(exc)
    assert message.startswith(f"{tmp_path / 'issue.yaml'}:2:1: error:")
    assert "tab" in message


def test_unclosed_quote_gives_the_parser_position(tmp_path):
    with pytest.raises(ContentError) as exc:
        read_text(tmp_path, 'masthead:\n  title: "周报\n  date: 2024-12-06\n')
    [message] = messages(exc)
    assert ":4:1: error: YAML syntax" in message


def test_gbk_file_is_named_as_such(tmp_path):
    with pytest.raises(ContentError) as exc:
        read_text(tmp_path, "masthead:\n  title: 深化产改进行时\n".encode("gbk"))
    [message] = messages(exc)
    assert ":2:10: error:" in message and "GB18030/GBK" in message and "UTF-8" in message


def test_utf8_bom_is_accepted(tmp_path):
    source = read_text(tmp_path, "\ufeffmasthead:\n  title: 周报\n")
    assert source.data == {"masthead": {"title": "周报"}}


def test_python_tags_are_refused(tmp_path):
    source = read_text(tmp_path, "masthead: !!python/object/apply:os.system ['true']\nx: !!python/name:os.system\n")
    first, second = source.errors.values()
    assert "tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in first.message
    assert "could not determine a constructor" in second.message


def test_billion_laughs_fails_fast(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 9)]
    with pytest.raises(ContentError) as exc:
        read_text(tmp_path, "\n".join(lines) + "\n")
    assert "expands to more than" in messages(exc)[0]


def test_invalid_date_is_reported_at_the_value(tmp_path):
    source = read_text(tmp_path, "masthead:\n  date: 2024-13-06\n")
    [diagnostic] = source.errors.values()
    assert (diagnostic.line, diagnostic.column) == (2, 9)
    assert "not a valid date" in diagnostic.message


def test_empty_file(tmp_path):
    with pytest.raises(ContentError) as exc:
        read_text(tmp_path, "# nothing\n")
    assert "empty" in messages(exc)[0]


def test_position_inside_a_block_body(tmp_path):
    source = read_text(tmp_path, "lead:\n  body: |\n    第一行\n    第二行X\n")
    offset = source.data["lead"]["body"].index("X")
    assert source.locate_in_text(("lead", "body"), offset) == load.Position(4, 8)


@pytest.mark.parametrize("sample", [SAMPLE_ZH, SAMPLE_EN, *sorted(str(p) for p in (Path(__file__).parent / "bad").glob("*.yaml"))])
def test_libyaml_and_pure_python_parsers_agree(sample, monkeypatch):
    """The fast parser is used when it can be: same data, same positions, same errors."""
    def outcome():
        try:
            source = load.read(Path(sample))
        except ContentError as exc:
            return [str(d) for d in exc.diagnostics]
        return source.data, source.values, dict(source.errors)

    fast = outcome()
    monkeypatch.delattr(load.yaml, "CSafeLoader")
    assert outcome() == fast
