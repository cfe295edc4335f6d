"""Copy rules (GB/T 15834-2011 标点符号用法, and English house style), as findings with fixes.

The text stages print what the editor wrote; these rules say where it breaks the
standard, each as a `Finding` at a character offset with the text that would replace it.
`lint` prints them, `lint --fix` applies them (api.py), `build` prints them as warnings.
Pure string functions: nothing here knows files or YAML.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from .chars import is_han

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: fields whose parts print spaces stand between (a title's space is the editor's line break)
SPACED = {"title", "kicker", "subtitle", "byline", "credit", "district"}
FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}


@dataclass(frozen=True)
class Finding:
    offset: int
    length: int
    message: str
    fix: str | None  # what replaces text[offset:offset + length]; None: a person must decide
    rule: str = ""  # its rule's name, as suppression comments and settings name it (half-width-marks)


def findings(text: str, language: str, *, title: bool = False, field: str | None = None,
             off: frozenset = frozenset()) -> list[Finding]:
    """Every finding in one field's text, in order; `field` is the field's name (a byline
    or a credit may space its parts), `off` the rules switched off there."""
    field = field or ("title" if title else "body")
    rules = _ENGLISH if language == "en" else _CHINESE
    found = [replace(f, rule=rule_name(rule)) for rule in rules if rule_name(rule) not in off for f in rule(text, field)]
    return sorted(found, key=lambda f: (f.offset, -f.length))


def rule_name(rule) -> str:
    """A rule's name: its function's (`_half_width_marks` → half-width-marks)."""
    return rule.__name__.strip("_").replace("_", "-")


def rule_names() -> list[str]:
    return sorted({rule_name(rule) for rule in _CHINESE + _ENGLISH})


def fixed(text: str, language: str, *, title: bool = False, field: str | None = None, off: frozenset = frozenset()) -> str:
    """The text with every fixable finding applied (overlapping ones: the first wins);
    applied again until nothing changes, as one fix can make another possible."""
    for _ in range(4):
        result, position = [], 0
        for finding in one_round(text, language, title=title, field=field, off=off):
            result += [text[position:finding.offset], finding.fix]
            position = finding.offset + finding.length
        new = "".join(result) + text[position:]
        if new == text:
            return text
        text = new
    return text


def one_round(text: str, language: str, *, title: bool = False, field: str | None = None,
              off: frozenset = frozenset()) -> list[Finding]:
    """The fixable findings applied in one pass: in order, none overlapping another."""
    chosen, position = [], 0
    for finding in findings(text, language, title=title, field=field, off=off):
        if finding.fix is not None and finding.offset >= position:
            chosen.append(finding)
            position = finding.offset + finding.length
    return chosen


# --- Chinese -------------------------------------------------------------------------------------

def _half_width_marks(text: str, field: str):
    """, ; : ? ! and . in Chinese text: full width. After a Han character or a closing mark,
    before a Han character, a number, a Latin word, a quotation or a bracket, or at the end
    of a line or paragraph; a space typed after it goes with it (近日, 江津区 → 近日，江津区).
    Not between two digits (1,000 and 93.7), and a . only at a sentence's end or before
    Han text."""
    pattern = rf"(?:(?<=[{HAN}\U00020000-\U0003134f”’）》」』】%])|(?<=[{HAN}][0-9])|(?<=[{HAN}][0-9][0-9]))([,;:?!.])( ?)(?=[{HAN}\U00020000-\U0003134f“‘（《「『【0-9A-Za-z\"']|[ \t]*(?:\n|$))"
    for match in re.finditer(pattern, text):
        mark, space = match.group(1), match.group(2)
        if mark == "." and text[match.end():match.end() + 1].isascii() and text[match.end():match.end() + 1].isalnum():
            continue  # 5.G, a.m.: not a full stop before a Latin letter or a digit
        if mark == "." and _name_dot(text, match.start()):
            continue  # 诺尔曼.白求恩: a name's 间隔号 (_interpunct)
        if mark in ",." and text[match.start() - 1:match.start()].isdigit() and text[match.end():match.end() + 1].isdigit():
            continue
        if space and not re.match(rf"[{HAN}“‘（《]", text[match.end():match.end() + 1]):
            space = ""
        yield Finding(match.start(), 1 + len(space), f"half-width '{mark}' in Chinese text", FULL[mark])


def _spaces_at_marks(text: str, field: str):
    """A space next to a full-width mark (近日， 区 · 近日 ，区 · 开展 “春送岗位” 专项 · 《意见》 要求 ·
    “ 安康杯 ”): the mark carries its own space; not in a title, where a space is a break."""
    if field == "title":
        return
    for match in re.finditer(r"(?<=[，。、；：？！”’）》」』】])[ \u3000]+(?=\S)|(?<=\S)[ \u3000]+(?=[，。、；：？！“‘（《「『【])"
                             r"|(?<=[“‘（《「『【])[ \u3000]+|[ \u3000]+(?=[”’）》」』】])", text):
        before, after = text[match.start() - 1:match.start()], text[match.end():match.end() + 1]
        if before.isascii() and after.isascii():
            continue
        yield Finding(match.start(), len(match.group()), "a space next to a full-width mark", "")


def _half_width_brackets(text: str, field: str):
    """( … ) holding or touching Chinese text, spaces typed around them too: （ … ）, as in
    六省(区、市) → 六省（区、市） and 世界贸易组织 (WTO) 发布 → 世界贸易组织（WTO）发布."""
    for match in re.finditer(r"( ?)\(([^()\n]*)\)( ?)", text):
        lead, inner, trail = match.groups()
        before = text[match.start() - 1:match.start()]
        after = text[match.end():match.end() + 1]
        if any(is_han(c) for c in inner) or (before and is_han(before)) or (after and is_han(after)):
            lead = lead if not (before and is_han(before)) else ""
            trail = trail if not (after and is_han(after)) else ""
            yield Finding(match.start(), len(match.group()), f"half-width brackets '({inner})' in Chinese text",
                          f"{lead}（{inner}）{trail}")


def _straight_quotes(text: str, field: str):
    """" and ' in Chinese text: “” and ‘’, paired in order with the curly ones already there
    (“春送岗位" closes with ”); one left without a partner is said, not guessed."""
    for quote, (opening, closing) in (('"', "“”"), ("'", "‘’")):
        places = [m.start() for m in re.finditer(re.escape(quote), text) if not _apostrophe(text, m.start())]
        if not any(_near_han(text, p) for p in places):
            continue
        marks, open_at = {}, None
        for index, char in enumerate(text):
            if char == quote and index not in places:
                continue  # Let's: an apostrophe, not a quotation mark
            if char == opening or (char == quote and open_at is None):
                open_at = index
                if char == quote:
                    marks[index] = opening
            elif char == closing or char == quote:
                if char == quote:
                    marks[index] = closing
                open_at = None
        for place in places:
            unpaired = place == open_at
            yield Finding(place, 1, f"straight quote {quote} in Chinese text" + (" without a partner" if unpaired else ""),
                          None if unpaired else marks[place])


def _apostrophe(text: str, place: int) -> bool:
    """' between two Latin letters: an English apostrophe (Let's), left as it is."""
    return text[place] == "'" and text[place - 1:place].isascii() and text[place - 1:place].isalpha() \
        and text[place + 1:place + 2].isascii() and text[place + 1:place + 2].isalpha()


def _near_han(text: str, place: int) -> bool:
    return any(is_han(c) for c in text[max(0, place - 1):place] + text[place + 1:place + 2])


def _unbalanced(text: str, field: str):
    """Quotes and brackets that open and never close, or close what never opened. A
    quotation of several paragraphs opens each with “ and closes only at its end (GB/T
    15834 4.1.3.4): a paragraph that opens with “ inside an open quotation is that."""
    for opening, closing in ("“”", "‘’", "（）", "《》", "「」", "【】"):
        depth, first = 0, None
        for index, char in enumerate(text):
            if char == opening and depth and opening == "“" and (index == 0 or text[index - 1] == "\n"):
                continue
            if char == opening:
                depth += 1
                first = index if depth == 1 else first
            elif char == closing:
                depth -= 1
                if depth < 0:
                    yield Finding(index, 1, f"'{closing}' closes what no '{opening}' opened", None)
                    depth = 0
        if depth > 0 and first is not None:
            yield Finding(first, 1, f"'{opening}' is never closed by '{closing}'", None)


def _doubled(text: str, field: str):
    """A pause or stop mark doubled (，， 。。) or two different ones together (实效，。);
    ？？ ！！ ？！ stay (GB/T 15834 allows them for stress), and 。。。 is an ellipsis (below)."""
    for match in re.finditer(r"([，、；：])\1+|。{2}(?!。)(?<!。。。)|([，。、；：])(?!\2)[，。、；：]+", text):
        group = match.group()
        if re.fullmatch(r"。{3,}", group):
            continue
        keep = group[-1] if group[-1] in "。；" and group[0] in "，、" else group[0]
        yield Finding(match.start(), len(group), f"doubled '{group}'", keep)


def _space_between_han(text: str, field: str):
    """A space between two Han characters (not in a title, where the editor's space is a break,
    nor in a kicker, subtitle, byline or credit, where print spaces their parts — 本报记者 张三,
    通讯员 摄 — nor inside 《》, where it parts joint issuers: 《中共中央 国务院关于…》)."""
    if field in SPACED:
        return
    for match in re.finditer(rf"(?<=[{HAN}])[ \u3000]+(?=[{HAN}])", text):
        before = text[:match.start()]
        if before.rfind("《") > before.rfind("》"):
            continue
        yield Finding(match.start(), len(match.group()), "a space between Chinese characters", "")


def _full_width_alnum(text: str, field: str):
    """Full-width letters and digits (and a number's ．％ with them): half width."""
    for match in re.finditer(r"[０-９Ａ-Ｚａ-ｚ]+(?:[．][０-９]+)*[％]?", text):
        yield Finding(match.start(), len(match.group()), f"full-width '{match.group()}'", unicodedata.normalize("NFKC", match.group()))


def _ellipsis_and_dash(text: str, field: str):
    """An ellipsis is …… (two; the twelve-dot ………… for omitted paragraphs stays), a dash
    —— (two), in Chinese text; …… is never followed by 等 (it already says "and so on"). A
    single — between two short names (北京—上海) is GB/T 15834's 一字线 and stays."""
    for match in re.finditer(r"\.{3,}|。{3,}|[·•・]{3,}|(?<!…)…(?!…)|(?<!…)…{3}(?!…)|…{5,}", text):
        yield Finding(match.start(), len(match.group()), f"'{match.group()}' for an ellipsis", "……")
    for match in re.finditer(r"……(?=等)", text):
        yield Finding(match.start(), 3, "'……等': the ellipsis already says 'and so on'; keep one", "……")
    for match in re.finditer(rf"(?<=[{HAN}])(?:--+|(?<!—)—(?!—)|—{{3,}}|－－| - | -- )(?=[{HAN}“‘（《])", text):
        if match.group() == "—" and _between_names(text, match.start()):
            continue
        yield Finding(match.start(), len(match.group()), f"'{match.group()}' for a dash", "——")
    if field == "subtitle" and re.match(r"—(?!—)", text):
        yield Finding(0, 1, "a subtitle opens with a dash of two (——记…)", "——")


#: the last characters of place names, between which a single — is GB/T 15834's 一字线
PLACE_ENDS = set("京海津庆都州市省区县镇乡村港站湾岛山江河口城")


def _between_names(text: str, place: int) -> bool:
    """A — between two place names: the character before it ends one, and the second or
    third after it ends another (北京—上海, 成都—重庆, 北京—上海航线)."""
    before = re.search(rf"[{HAN}]+$", text[:place])
    after = re.match(rf"[{HAN}]+", text[place + 1:])
    return bool(before and after and before.group()[-1] in PLACE_ENDS
                and any(char in PLACE_ENDS for char in after.group()[1:3]))


def _interpunct(text: str, field: str):
    """The 间隔号 in a foreign name is · (U+00B7): 诺尔曼·白求恩, not • ・ ‧ ● or a full stop."""
    for match in re.finditer(rf"(?<=[{HAN}])[•・‧∙●.](?=[{HAN}])", text):
        if match.group() != ".":
            yield Finding(match.start(), 1, f"'{match.group()}' in a name: the 间隔号 is ·", "·")
        elif _name_dot(text, match.start()):  # 诺尔曼.白求恩 or 他说.好了: said, not guessed
            yield Finding(match.start(), 1, "'.' between Chinese words: a name's 间隔号 · or a full stop 。?", None)


def _name_dot(text: str, place: int) -> bool:
    """A . between two short runs of Han characters that end the clause: a name's
    间隔号 typed as a full stop (诺尔曼.白求恩), not a sentence's end."""
    before = re.search(rf"(?:^|[^{HAN}])([{HAN}]{{2,5}})$", text[:place])
    after = re.match(rf"([{HAN}]{{2,4}})(?:[，。、；：？！）”]|$)", text[place + 1:])
    return bool(before and after)


def _book_titles(text: str, field: str):
    """《》 for book and document titles: not <<…>> or ≪…≫, nor 〈…〉 outside a 《》 (where
    〈〉 is the inner title mark)."""
    for match in re.finditer(r"(?:<<|≪)([^<>≪≫\n]{1,60})(?:>>|≫)", text):
        yield Finding(match.start(), len(match.group()), f"'{match.group()}' for a title: 《》", f"《{match.group(1)}》")
    for match in re.finditer(r"〈([^〈〉《》\n]{1,60})〉", text):
        before = text[:match.start()]
        if before.rfind("《") > before.rfind("》"):
            continue
        yield Finding(match.start(), len(match.group()), f"'{match.group()}' outside 《》: 《》", f"《{match.group(1)}》")


def _corner_quotes(text: str, field: str):
    """「」『』 are for vertical or traditional text: horizontal simplified Chinese uses “”‘’."""
    table = {"「": "“", "」": "”", "『": "‘", "』": "’"}
    for match in re.finditer(r"[「」『』]", text):
        yield Finding(match.start(), 1, f"corner quote '{match.group()}' in horizontal simplified text", table[match.group()])


def _list_numbers(text: str, field: str):
    """Numbering after GB/T 15834 (序次语): 一、 （一） 1. （1）; not 1、 （一）、 二．"""
    for match in re.finditer(r"(?m)(?:^|(?<=[。；：\n]))([0-9]{1,2})、", text):
        yield Finding(match.start(1), len(match.group(1)) + 1, f"'{match.group(1)}、': an Arabic number takes '.'", f"{match.group(1)}.")
    for match in re.finditer(r"([（(][一二三四五六七八九十0-9]{1,3}[）)])[、．.]", text):
        yield Finding(match.start(), len(match.group()), f"'{match.group()}': no mark after a bracketed number", match.group(1))
    for match in re.finditer(r"(?m)(?:^|(?<=[。；：\n]))([一二三四五六七八九十]{1,3})[．.]", text):
        yield Finding(match.start(1), len(match.group(1)) + 1, f"'{match.group()}': a Chinese numeral takes '、'", f"{match.group(1)}、")


_CHINESE = [_half_width_marks, _spaces_at_marks, _half_width_brackets, _straight_quotes, _unbalanced, _doubled,
            _space_between_han, _full_width_alnum, _ellipsis_and_dash, _interpunct, _book_titles, _corner_quotes,
            _list_numbers]


# --- English -------------------------------------------------------------------------------------



def _english_quotes(text: str, field: str):
    from .markup import smart_quotes

    smart = smart_quotes(text)
    for index, (a, b) in enumerate(zip(text, smart)):
        if a != b:
            yield Finding(index, 1, f"straight {'apostrophe' if a == chr(39) else 'quote'} {a}", b)


def _double_spaces(text: str, field: str):
    for match in re.finditer(r"(?<=\S)  +(?=\S)", text):
        yield Finding(match.start(), len(match.group()), "a double space", " ")


def _spaced_hyphens(text: str, field: str):
    for match in re.finditer(r"(?<=\w) -{1,2} (?=\w)", text):
        yield Finding(match.start(), len(match.group()), f"a spaced hyphen '{match.group()}' for a dash", " – ")


def _full_width_in_english(text: str, field: str):
    """Full-width marks, letters and digits in English text: half width (a Chinese name in
    it keeps its characters)."""
    for match in re.finditer(r"[，。：；！？（）％０-９Ａ-Ｚａ-ｚ]", text):
        char = match.group()
        if is_han(text[match.start() - 1:match.start()] or " ") or is_han(text[match.end():match.end() + 1] or " "):
            continue
        half = {"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")", "％": "%"}.get(char)
        if char == "（" and text[match.start() - 1:match.start()].isalnum():
            half = " ("  # the space a full-width bracket carried
        yield Finding(match.start(), 1, f"full-width '{char}' in English text", half or unicodedata.normalize("NFKC", char))


_ENGLISH = [_english_quotes, _double_spaces, _spaced_hyphens, _full_width_in_english]


# --- over an issue file ----------------------------------------------------------------------------

#: fields that are not copy: file names, settings, names of things
NOT_COPY = {"src", "language", "layout", "style", "output", "date", "number", "span", "position", "size", "crop"}


def copy_fields(scalars: dict) -> list[tuple[tuple, str]]:
    """The issue's text fields (loc, text), in file order."""
    return [(loc, node.value) for loc, node in scalars.items() if isinstance(node.value, str) and _is_copy(loc)]


def _is_copy(loc: tuple) -> bool:
    name = next((part for part in reversed(loc) if isinstance(part, str)), None)
    return name is not None and name not in NOT_COPY


def lint(source, language: str, districts: list[str] = (), settings=None) -> list:
    """Every finding in an issue file as a warning at its character (FILE:LINE:COL), or an
    error where the project's `lint: errors` says so; rules switched off by the project or
    by a comment (compose/suppress.py) are not applied."""
    from ..errors import Diagnostic
    from ..source.load import dotted

    names = rule_names()
    errors = set(getattr(settings, "errors", ()) or ())
    off, unknown = fields_off(source, settings)
    found = [Diagnostic(source.path, line, column, f"lint: no rule '{name}' (rules: {', '.join(names)})", "warning")
             for line, column, name in unknown]
    listed = [*getattr(settings, "off", ()), *getattr(settings, "errors", ())]
    found += [Diagnostic(source.path, 1, 1, f"bulletinpress.yaml lint: no rule '{name}' (rules: {', '.join(names)})", "warning")
              for name in listed if name not in names]
    for loc, text in copy_fields(source.scalars):
        for finding in findings(text, language, field=field_name(loc), off=off[loc]):
            pos = source.locate_in_text(loc, finding.offset)
            said = _said(finding, text, language)
            severity = "error" if finding.rule in errors else "warning"
            found.append(Diagnostic(source.path, pos.line, pos.column, f"{dotted(loc)}: {said} [{finding.rule}]", severity,
                                    rule=finding.rule, fix=finding.fix))
    found += _districts(source, districts)
    return sorted(found, key=lambda d: (d.line, d.column))


#: each Chinese rule in the editor's language: findings in a Chinese issue are said so
SAID_ZH = {
    "half-width-marks": "中文里用了半角标点", "spaces-at-marks": "全角标点旁多了空格",
    "half-width-brackets": "中文里用了半角括号", "straight-quotes": "中文里用了直引号",
    "unbalanced": "引号或括号不成对", "doubled": "标点重复", "space-between-han": "汉字之间多了空格",
    "full-width-alnum": "用了全角字母或数字", "ellipsis-and-dash": "省略号或破折号写法不规范",
    "interpunct": "外国人名的间隔号应为“·”", "book-titles": "书名号应为《》",
    "corner-quotes": "横排简体中文应使用“”‘’", "list-numbers": "序次语写法不规范",
}


def _said(finding: Finding, text: str, language: str) -> str:
    """The finding's message, with its fix: in Chinese for a Chinese issue."""
    if language != "en" and finding.rule in SAID_ZH:
        snippet = text[finding.offset:finding.offset + max(finding.length, 1)].replace("\n", "⏎")
        fix = f"（改为「{finding.fix}」）" if finding.fix is not None else "（请人工处理）"
        return f"{SAID_ZH[finding.rule]}「{snippet}」{fix}"
    return finding.message + (f" (fix: '{finding.fix}')" if finding.fix is not None else "")


def fields_off(source, settings=None) -> tuple[dict[tuple, frozenset], list]:
    """Per text field, the rules off there (the project's `lint: off`, and the comments of
    compose/suppress.py at the field's key or first line); and the unknown rule names."""
    from .suppress import rules_off

    project_off = frozenset(getattr(settings, "off", ()) or ())
    by_line, unknown = rules_off(source.text, rule_names())
    off = {}
    for loc, _ in copy_fields(source.scalars):
        lines = {source.scalars[loc].start_mark.line + 1, _key_line(source, loc)}
        off[loc] = project_off.union(*(by_line.get(line, frozenset()) for line in lines))
    return off, unknown


def field_name(loc: tuple) -> str:
    """The field's name (body, title, byline, …): some rules know where spaces belong."""
    return next((part for part in reversed(loc) if isinstance(part, str)), "body")


def _key_line(source, loc: tuple) -> int:
    """The line of the field's key (a block's text starts on the lines after it)."""
    return source.locate(loc, key=True).line if loc else 0


def _districts(source, districts) -> list:
    """A district not in the project's list (bulletinpress.yaml `districts:`), with the
    nearest name in it."""
    import difflib

    from ..errors import Diagnostic
    from ..source.load import dotted

    if not districts:
        return []
    found = []
    for loc, node in source.scalars.items():
        if loc and loc[-1] == "district" and isinstance(node.value, str) and node.value.strip() not in districts:
            near = difflib.get_close_matches(node.value.strip(), list(districts), n=1, cutoff=0.3)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            pos = source.locate(loc)
            found.append(Diagnostic(source.path, pos.line, pos.column,
                                    f"{dotted(loc)}: '{node.value.strip()}' is not one of the project's districts{hint}", "warning"))
    return found
