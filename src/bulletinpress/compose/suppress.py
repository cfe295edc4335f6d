"""Which copy rules are off where: comments in the issue file, and the project's settings.

    # lint: disable=half-width-marks        (on a line of its own: off until enabled again)
    # lint: enable=half-width-marks
    # lint: disable-next=space-between-han  (off for the next field only)
    kicker: 人人讲安全 个个会应急  # lint: disable=space-between-han   (this field only)

`all` names every rule. The project's `bulletinpress.yaml` may switch rules off for every
issue (`lint: {off: [...]}`) or make their findings errors (`lint: {errors: [...]}`).
A directive naming no rule there is is itself a finding, so a typo never silences nothing.
"""

from __future__ import annotations

import re

DIRECTIVE = re.compile(r"#\s*lint:\s*(disable-next|disable|enable)\s*=\s*([\w\-, ]+)")


def rules_off(text: str, known: list[str]) -> tuple[dict[int, frozenset], list[tuple[int, int, str]]]:
    """For each line (1-based) the rules off there, and each directive's unknown names
    (line, column, name)."""
    block: set[str] = set()
    upcoming: set[str] = set()
    off: dict[int, frozenset] = {}
    unknown = []
    for number, line in enumerate(text.splitlines(), 1):
        match = DIRECTIVE.search(line)
        names: set[str] = set()
        if match:
            names = _names(match.group(2), known)
            unknown += [(number, match.start(2) + 1, name) for name in _unknown(match.group(2), known)]
        content = line[:match.start()].strip() if match else line.strip()
        if match and not content:  # a directive on a line of its own
            {"disable": block.update, "enable": block.difference_update, "disable-next": upcoming.update}[match.group(1)](names)
            continue
        if not content or content.startswith("#"):
            continue
        here = set(block) | upcoming | (names if match and match.group(1) != "enable" else set())
        upcoming = set()
        if here:
            off[number] = frozenset(here)
    return off, unknown


def _names(listed: str, known: list[str]) -> set[str]:
    names = {name.strip() for name in listed.split(",") if name.strip()}
    return set(known) if "all" in names else names & set(known)


def _unknown(listed: str, known: list[str]) -> list[str]:
    return [name.strip() for name in listed.split(",") if name.strip() and name.strip() not in known and name.strip() != "all"]
