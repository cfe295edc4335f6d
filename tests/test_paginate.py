"""Pagination (compose/paginate.py) on measured pieces made here, and the cut of a jumped
article's text (markup.split_html, context.split_story): no WeasyPrint, so the rules are
checked over many cases."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from bulletinpress.compose import arrange, paginate
from bulletinpress.compose.context import Story, page_label, split_story, text_length
from bulletinpress.compose.markup import split_html

LINE = 8.5 * 1.4
GRID = arrange.Grid(
    width=774.0, height=1116.0, columns=5, gutter=12.75, gap=10.0, leading=(1.32, 1.4, 1.5), photo=(0.45, 1.3),
    max_span=3, lead_columns=4, lead_gutter=17.3, briefs_columns=3,
)


def flow(lines: int) -> arrange.Flow:
    return arrange.Flow(tuple((i * LINE, LINE) for i in range(lines)), LINE, tuple([17] * lines))


def report(index: int, lines: int) -> arrange.Piece:
    heads = {k: 40.0 + 10 * (k > 1) for k in (1, 2, 3, 5)}
    return arrange.Piece(f"reports[{index}]", "report", heads, {"col": flow(lines)}, [], chars=lines * 17)


def frames(count: int, top: float = 120.0, head: float = 30.0) -> list[paginate.Frame]:
    return [paginate.Frame(n, top if n == 0 else head, GRID.height - 0.5, n == count - 1) for n in range(count)]


def placed_locs(plan: paginate.Plan) -> list[list[str]]:
    return [[p.loc for p in sheet.pieces] for sheet in plan.sheets]


def check_plan(plan: paginate.Plan, units: list[arrange.Piece], count: int) -> None:
    """Every page planned; every article on exactly one page (a jumped one: its first part,
    then its rest on the next page, the lines adding up); the file's order kept page by page."""
    assert [s.frame.index for s in plan.sheets] == list(range(count))
    whole = {}
    seen = []
    for sheet in plan.sheets:
        for piece in sheet.pieces:
            if isinstance(piece, paginate.Part):
                whole.setdefault(piece.whole.loc, []).append((sheet.frame.index, piece))
                if piece.first:
                    seen.append(piece.whole.loc)
            else:
                seen.append(piece.loc)
    assert seen == [u.loc for u in units], "each article placed once, in the file's order"
    for loc, parts in whole.items():
        (page_a, first), (page_b, rest) = parts
        assert first.first and not rest.first and page_b == page_a + 1, "a jump goes forward, to the next page"
        total = first.whole.flows["col"].count
        assert first.flows["col"].count - 1 + rest.flows["col"].count == total, "nothing lost, nothing doubled (and a line for the jump)"
        assert first.lines >= max(paginate.JUMP_LINES, total / 3) and total - first.lines >= paginate.JUMP_LINES


def test_pages_are_filled_in_the_files_order():
    units = [report(i, 45 + 9 * (i % 3)) for i in range(17)]
    plan = paginate.Planner(units, None, GRID, frames(3), {}).plan()
    check_plan(plan, units, 3)
    assert plan.fits and all(sheet.fits for sheet in plan.sheets)
    assert not any(s.jumped for s in plan.sheets), "no jump when runs of whole articles fill the pages"


def test_a_pinned_article_opens_its_page():
    units = [report(i, 45 + 9 * (i % 3)) for i in range(17)]
    plan = paginate.Planner(units, None, GRID, frames(3), {4: 2}).plan()
    assert "reports[4]" in placed_locs(plan)[2]
    assert "reports[5]" not in placed_locs(plan)[2], "the articles after it keep their pages"


def test_a_page_no_run_fills_is_filled_by_a_jump():
    """One long article and short ones: page 1 cannot be filled by whole articles, so the
    long one is cut where the page is full and continues on page 2."""
    units = [report(0, 60), report(1, 700), report(2, 60), report(3, 60)]
    plan = paginate.Planner(units, None, GRID, frames(2), {}).plan()
    jumped = [s for s in plan.sheets if s.jumped]
    assert jumped and jumped[0].frame.index == 0
    assert isinstance(plan.sheets[1].pieces[0], paginate.Part) and plan.sheets[1].pieces[0].loc == "reports[1]+"
    check_plan(plan, units, 2)


def test_a_plan_that_cannot_fill_its_pages_says_which_and_by_how_much():
    units = [report(i, 30) for i in range(3)]
    plan = paginate.Planner(units, None, GRID, frames(2), {}).plan()
    assert not plan.fits
    assert any(s.excess < 0 for s in plan.sheets), "under-full: the nearest plan says by how much"
    check_plan(plan, units, 2)


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=4), st.lists(st.integers(min_value=10, max_value=400), min_size=2, max_size=16))
def test_random_papers_are_planned_or_say_what_misses(count, lengths):
    units = [report(i, lines) for i, lines in enumerate(lengths)]
    plan = paginate.Planner(units, None, GRID, frames(count), {}).plan()
    check_plan(plan, units, count)
    assert plan.misfits == sum(not s.fits for s in plan.sheets)
    for sheet in plan.sheets:
        assert sheet.fits or sheet.rows is not None, "a page that misses has the nearest arrangement, for the message"


def test_a_cut_keeps_every_line_and_character():
    piece = arrange.Piece("lead", "lead", {3: 60.0, 4: 55.0, 5: 50.0},
                          {"col": flow(90), "lead": arrange.Flow(tuple((i * 13.0, 13.0) for i in range(70)), 13.0, tuple([22] * 70))})
    first, rest = paginate.cut(piece, 30, GRID)
    assert sum(first.flows["col"].chars[:-1]) + sum(rest.flows["col"].chars) == 90 * 17
    assert first.flows["col"].count == 31, "and a line for （下转第N版）"
    assert sum(first.flows["lead"].chars) >= 30 * 17, "each measure cut at the same character (or just after)"
    assert rest.kind == "report" and rest.loc == "lead+" and not rest.photos
    assert rest.flows["col"].lines[0][0] == 0.0, "the rest starts at the top of its own block"


# --- the text cut -------------------------------------------------------------------------------

def plain(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]*>", "", str(html)))


@pytest.mark.parametrize("html,chars,head,tail", [
    ("近日，<strong>区总工会</strong>组织调研组", 5, "近日，<strong>区总</strong>", "<strong>工会</strong>组织调研组"),
    ('产业工人<span class="p">，</span>是主体', 4, '产业工人<span class="p">，</span>', "是主体"),  # 禁则: a comma never opens the rest
    ("The quick <em>brown fox</em> jumps", 12, "The quick", "<em>brown fox</em> jumps"),  # back to a word space
    ("a &amp; b c", 2, "a &amp;", "b c"),
])
def test_a_paragraph_is_cut_with_its_marks_closed_and_opened(html, chars, head, tail):
    assert split_html(html, chars) == (head, tail)


TOKENS = st.sampled_from(["近", "日", "，", "。", "工", "会", "“", "”", "A", "b", " ", "<strong>", "</strong>", "&amp;", "9"])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(TOKENS, min_size=1, max_size=60), st.integers(min_value=1, max_value=70))
def test_a_cut_loses_and_doubles_nothing(tokens, chars):
    html, open_ = "", False
    for token in tokens:  # well-formed: <strong> only when none is open
        if token == "<strong>" and open_ or token == "</strong>" and not open_:
            continue
        open_ = token == "<strong>" or (open_ and token != "</strong>")
        html += token
    html += "</strong>" if open_ else ""
    head, tail = split_html(html, chars)
    assert plain(head) + plain(tail) == plain(html)
    for part in (head, tail):
        assert part.count("<strong>") == part.count("</strong>")
    assert not (plain(tail) and plain(tail)[0] in "，。”"), "a mark that may not open a line never opens the rest"


def story(paragraphs: list[str], note: str | None = None) -> Story:
    return Story(None, [Markup("标题")], None, None, Markup(note) if note else None, "编者按：",
                 [Markup(p) for p in paragraphs], [], Markup("区"), "reports[2]", (), "zh")


def test_a_story_is_split_inside_a_paragraph_with_its_jump_lines():
    body = ["第一段落的文字共有十五个字符。", "第二段落的文字也有十五个字符。", "第三段落。"]
    first, rest = split_story(story(body), 20, 3, 1)
    assert first.jump == "（下转第三版）" and rest.continued == "（上接第一版）"
    assert "".join(plain(p) for p in first.paragraphs + rest.paragraphs) == "".join(body)
    assert len(first.paragraphs) == 2 and rest.paragraphs[0] != body[1], "it ends inside a paragraph"
    assert rest.loc == "reports[2]+" and rest.district is None and rest.figures == []


def test_a_cut_at_a_paragraphs_end_leaves_some_of_it_to_the_rest():
    body = ["第一段落的文字共有十五个字符。", "第二段落。"]
    first, rest = split_story(story(body), text_length(body[0]), 2, 1)
    assert plain(first.paragraphs[-1]) != body[0], "a jump never ends at a paragraph's end"
    assert plain(first.paragraphs[-1]) + plain(rest.paragraphs[0]) == body[0]


def test_page_labels():
    assert [page_label(n, "zh") for n in (1, 2, 10, 12, 20, 23)] == ["第一版", "第二版", "第十版", "第十二版", "第二十版", "第二十三版"]
    assert page_label(3, "en", "jump_to") == "Continued on page 3"


def test_a_measured_part_never_stands_for_an_estimated_one():
    """An estimated part prints the whole article's story; the search's memory must never
    hand it back for the measured part of the same length (the article would print twice)."""
    whole = report(0, 300)
    whole.story = object()
    estimated, _ = paginate.cut(whole, 100, GRID)
    measured = paginate.Part(**{**{f: getattr(estimated, f) for f in arrange.Piece.__dataclass_fields__ if f != "cache"},
                                "story": object()}, whole=whole, lines=100)
    planner = paginate.Planner([whole], None, GRID, frames(2), {})
    assert planner.sheet(planner.frames[0], (estimated,)).pieces[0] is estimated
    assert planner.sheet(planner.frames[0], (measured,)).pieces[0] is measured
