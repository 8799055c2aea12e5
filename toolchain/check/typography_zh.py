"""Chinese typography (GB/T 15834-2011, GB/T 15835-2011, GB 3101-1993) in zh.md's prose."""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolchain.check._text import CJK, CJK_CHAR
from toolchain.check._typography import (
    CJK_OR_PUNCT,
    LETTER,
    SHORT_UNITS,
    UNITS,
    excerpt,
    finding,
    is_table,
    number_unit_findings,
    prose_units,
    range_connector_findings,
)
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import Option, RuleContext, rule
from toolchain.load import Project
from toolchain.load.source import Span

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
LATIN_LETTER = re.compile(f"[{LETTER}]")
SPACING_MODES = ("none", "space", "infer")
FULL_WIDTH_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ]+")
GLOSS = re.compile(r"[（(][A-Za-z][^（）()\n]*?(,)[ \t]*[A-Za-z][\w/+\-]*[ \t]*[）)]")


def side(masked: str, index: int, step: int, memo: dict[tuple[int, int], str] | None = None) -> str:
    """What the nearest word on one side of ``index`` is: "zh", "latin" or "" (line edge).

    Digits, spaces, signs and a unit symbol after a number (``400mg``) are looked through,
    so that ``400mg,2次/d`` is seen as a Chinese clause. The walk is deterministic from each
    position it passes, so ``memo`` (one per text) records the answer for all of them: a run of
    100 000 commas is walked once, not once per comma.
    """
    memo = {} if memo is None else memo
    visited: list[int] = []
    result = ""
    j = index + step
    while 0 <= j < len(masked) and masked[j] != "\n":
        if (j, step) in memo:
            result = memo[j, step]
            break
        visited.append(j)
        ch = masked[j]
        if CJK_OR_PUNCT.match(ch):
            result = "zh"
            break
        if LATIN_LETTER.match(ch):
            start, end = j, j
            while start > 0 and LATIN_LETTER.match(masked[start - 1]):
                start -= 1
            while end < len(masked) and LATIN_LETTER.match(masked[end]):
                end += 1
            before = masked[max(0, start - 2):start].rstrip(" ")
            if masked[start:end] in UNITS | SHORT_UNITS and before[-1:].isdigit():
                j = start - 1 if step < 0 else end
                continue
            result = "latin"
            break
        j += step
    for position in visited:
        memo[position, step] = result
    return result


def nearest(masked: str, index: int, step: int) -> str:
    """The nearest character on one side that is neither a space nor hidden, within the line."""
    j = index + step
    while 0 <= j < len(masked) and masked[j] in " \t\x00":
        j += step
    return masked[j] if 0 <= j < len(masked) and masked[j] != "\n" else ""


def paren_pairs(masked: str) -> Iterator[tuple[int, int | None]]:
    """Half-width parentheses: (open, close) pairs and lone ones as (offset, None)."""
    stack: list[int] = []
    for i, ch in enumerate(masked):
        if ch == "\n":
            yield from ((s, None) for s in stack)
            stack = []
        elif ch == "(":
            stack.append(i)
        elif ch == ")":
            yield (stack.pop(), i) if stack else (i, None)
    yield from ((s, None) for s in stack)


def chinese_parens(masked: str, open_: int, close: int) -> bool:
    """Whether a (…) pair belongs to Chinese text: it holds Chinese or stands next to it."""
    before = masked[open_ - 1] if open_ else ""
    if before == "/":
        return False  # a compound unit's denominator, mL/(min·1.73 m^2^), mg/(kg·d): GB 3101-1993, 3.2
    if CJK.search(masked, open_ + 1, close):
        return True
    if before and (before.isalnum() and not CJK.match(before)):
        return False  # t(8;21), Biology(Basel): part of a name
    return any(CJK_OR_PUNCT.match(c) for c in (nearest(masked, open_, -1), nearest(masked, close, 1)) if c)


def joins_digits(masked: str, i: int, in_parens: bool) -> bool:
    """Whether the mark at ``i``, between two digits, belongs to a number or a name, not to the clause.

    A decimal point or ratio (2.5, 1:2), a thousands separator (1,000), chemical locants
    (1,2-二氯乙烷) and marks inside half-width parentheses (t(8;21)) do; a comma or semicolon
    that merely separates two numbers of a Chinese clause (*HR*=0.86,95%CI) does not.
    """
    ch, after = masked[i], masked[i + 1:i + 16]
    if ch in ".:" or in_parens:  # in_parens: more ( than ) before it on its line
        return True
    return ch == "," and bool(re.match(r"\d{3}(?!\d)|\d+(?:,\d+)*-", after))


def half_width_marks(masked: str) -> Iterator[int]:
    """Offsets of half-width punctuation marks that stand in Chinese clauses."""
    memo: dict[tuple[int, int], str] = {}
    depth = 0  # ( minus ) so far on the line
    for i, ch in enumerate(masked):
        if ch in "\n()":
            depth = 0 if ch == "\n" else depth + (1 if ch == "(" else -1)
            continue
        if ch not in ",;:?!.":
            continue
        prev, nxt = masked[i - 1:i], masked[i + 1:i + 2]
        if prev.isdigit() and nxt.isdigit() and ch in ",.;:":
            if not joins_digits(masked, i, depth > 0):
                yield i  # *HR*=0.86,95%CI: a Chinese clause's comma between two numbers
            continue  # 1,000  2.5  1:2  t(8;21)
        if ch == ".":
            if "." in (prev, nxt):
                continue  # an ellipsis, handled by no rule here
            after = nearest(masked, i, 1)
            if prev and (CJK_OR_PUNCT.match(prev) or ((prev.isdigit() or prev in "%‰") and after and CJK.match(after))):
                yield i
            continue
        if "zh" in (side(masked, i, -1, memo), side(masked, i, 1, memo)):
            yield i
    for open_, close in paren_pairs(masked):
        if close is None:
            if any(c and CJK_OR_PUNCT.match(c) for c in (nearest(masked, open_, -1), nearest(masked, open_, 1))):
                yield open_
        elif chinese_parens(masked, open_, close):
            yield open_
            yield close


def gloss_commas(masked: str) -> Iterator[int]:
    """The comma before the abbreviation in a Chinese gloss: 急性髓系白血病（acute myeloid leukemia, AML）.

    The parentheses belong to the Chinese sentence, so the comma does too (the article's own style).
    """
    for m in GLOSS.finditer(masked):
        open_ = m.start()
        if masked[open_] == "（" or chinese_parens(masked, open_, m.end() - 1):
            yield m.start(1)


def widened(text: str, index: int) -> tuple[int, int]:
    """The mark at ``index`` with the spaces around it (full-width marks carry their own space)."""
    start, end = index, index + 1
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    while end < len(text) and text[end] in " \t":
        end += 1
    return start, end


@rule("ZH001", "half-width-punctuation", **{"gloss-comma": Option("any", ("any", "full-width"))})
def half_width_punctuation(ctx: RuleContext) -> Iterator[Finding]:
    """A half-width , ; : ? ! ( ) or . stands in a Chinese clause.

    Why: Chinese text takes the full-width forms of the marks (GB/T 15834-2011, 4.1–4.9).
    The comma before the abbreviation in a gloss, ``（acute myeloid leukemia, AML）``, is
    written either way by journals: option ``gloss-comma`` = ``any`` (default) accepts both,
    ``full-width`` requires ``，``.
    Example: zh ``索拉非尼400 mg,2次/d`` → ``索拉非尼400 mg，2次/d``.
    """
    project = ctx.project
    options = ctx.options
    policy = options["gloss-comma"]
    for span, masked in prose_units(project.zh):
        marks = set(half_width_marks(masked))
        if policy == "full-width":
            marks.update(gloss_commas(masked))
        for i in sorted(marks):
            ch, full = masked[i], FULL_WIDTH[masked[i]]
            start, end = widened(span.text, i)
            spaces = " without the spaces around it" if (start, end) != (i, i + 1) else ""
            yield finding(span, i, i + 1, f"half-width “{ch}” in Chinese text “{excerpt(span.text, i, i + 1)}”; write “{full}”{spaces}",
                          full, suggestion=full, fix_span=(start, end))


def shape(masked: str) -> str:
    """The masked text with superscripts, subscripts and emphasis marks next to Latin text as letters.

    ``ITD^+^患者`` and ``*P*值`` then show their Latin–Chinese boundary like ``ITD患者``.
    """
    chars = list(masked)
    for pattern in (r"\^[^\^\s]{1,12}\^", f"(?<=[{LETTER}0-9])~[^~\\s]{{1,12}}~"):
        for m in re.finditer(pattern, masked):
            chars[m.start():m.end()] = "a" * (m.end() - m.start())
    for m in re.finditer(r"[*_]+", masked):
        around = masked[m.start() - 1:m.start()] + masked[m.end():m.end() + 1]
        if re.search(f"[{LETTER}0-9]", around):
            chars[m.start():m.end()] = "a" * (m.end() - m.start())
    return "".join(chars)


LATIN_SIDE = f"{LETTER}0-9"
BOUNDARY = re.compile(f"(?<=[{CJK_CHAR}])[ \\t]*(?=[{LATIN_SIDE}])|(?<=[{LATIN_SIDE}%‰])[ \\t]*(?=[{CJK_CHAR}])")


def boundaries(project: Project) -> Iterator[tuple[Span, int, int]]:
    """Every boundary between Chinese and Latin letters or digits: (span, start, end of the spaces).

    In a table, a run of two or more spaces separates columns, not words.
    """
    tables = {id(b.span) for b in project.zh.blocks if is_table(b)}
    for span, masked in prose_units(project.zh):
        for m in BOUNDARY.finditer(shape(masked)):
            if id(span) in tables and m.end() - m.start() >= 2:
                continue
            if span.text[m.start():m.end()] == masked[m.start():m.end()]:  # not a masked citation or comment
                yield span, m.start(), m.end()


@rule("ZH002", "cjk-latin-spacing", Severity.WARNING, **{"cjk-latin-spacing": Option("infer", SPACING_MODES)})
def cjk_latin_spacing(ctx: RuleContext) -> Iterator[Finding]:
    """Chinese and Latin text (or a number) are spaced against the house convention.

    Why: a document keeps one convention (house style ``none``, ``space``, or ``infer`` = its majority).
    Example (none): zh ``AML 患者中`` → ``AML患者中``; (space): ``45岁`` → ``45 岁``.
    """
    project = ctx.project
    options = ctx.options
    mode = options["cjk-latin-spacing"]
    found = list(boundaries(project))
    spaced = sum(1 for _, start, end in found if end > start)
    unspaced = len(found) - spaced
    why = f"house style cjk-latin-spacing = {mode}"
    if mode == "infer":
        if not spaced or not unspaced:
            return
        first_spaced = found[0][2] > found[0][1]
        mode = "space" if spaced > unspaced or (spaced == unspaced and first_spaced) else "none"
        why = f"this document mostly writes {'a space' if mode == 'space' else 'no space'} (inferred: {unspaced} without, {spaced} with)"
        fixable = False
    else:
        fixable = True
    for span, start, end in found:
        left, right = span.text[start - 1], span.text[end]
        context = excerpt(span.text, start, end)
        if mode == "none" and end > start:
            yield finding(span, start, end, f"space between “{left}” and “{right}” in “{context}”; {why}",
                          "" if fixable else None)
        elif mode == "space" and end == start:
            yield finding(span, start, end, f"no space between “{left}” and “{right}” in “{context}”; {why}",
                          " " if fixable else None)


@rule("ZH003", "zh-range-connector")
def zh_range_connector(ctx: RuleContext) -> Iterator[Finding]:
    """A numeric range in Chinese text is not written with the wave dash ～.

    Why: Chinese text joins the ends of a numeric range with ～ (GB/T 15834-2011, 4.13).
    Example: zh ``200-400 mg`` or ``200~400 mg`` → ``200～400 mg``; identifiers (FLT3-ITD) are left alone.
    """
    project = ctx.project
    yield from range_connector_findings(project.zh, "～", skip_years=True)


@rule("ZH004", "zh-number-unit-spacing")
def zh_number_unit_spacing(ctx: RuleContext) -> Iterator[Finding]:
    """A number and its unit symbol are not separated by a space (or % is).

    Why: a space separates a value from its unit symbol, none goes before % (GB 3101-1993).
    Example: zh ``400mg`` → ``400 mg``; ``76.9 %`` → ``76.9%``.
    """
    project = ctx.project
    yield from number_unit_findings(project.zh)


@rule("ZH005", "full-width-alphanumeric")
def full_width_alphanumeric(ctx: RuleContext) -> Iterator[Finding]:
    """Chinese text uses full-width Latin letters or digits.

    Why: letters and digits are always half-width (GB/T 15835-2011).
    Example: zh ``ＡＭＬ患者１２例`` → ``AML患者12例``.
    """
    project = ctx.project
    for span, masked in prose_units(project.zh):
        for m in FULL_WIDTH_ALNUM.finditer(masked):
            half = "".join(chr(ord(c) - 0xFEE0) for c in m.group())
            yield finding(span, m.start(), m.end(), f"full-width “{m.group()}”; write “{half}”", half, suggestion=half)


@rule("ZH006", "zh-straight-quotes")
def zh_straight_quotes(ctx: RuleContext) -> Iterator[Finding]:
    """Chinese text uses straight quotes " or ' instead of “ ” and ‘ ’.

    Why: Chinese text takes the curly quotation marks (GB/T 15834-2011, 4.8).
    Example: zh ``经典"7+3"方案`` → ``经典“7+3”方案``.
    """
    project = ctx.project
    for span, masked in prose_units(project.zh):
        doubles = 0
        for i, ch in enumerate(masked):
            if ch == '"':
                curly = "“" if doubles % 2 == 0 else "”"
                doubles += 1
            elif ch == "'" and any(c and CJK_OR_PUNCT.match(c) for c in (masked[i - 1:i], masked[i + 1:i + 2])):
                curly = "‘ or ’"
            else:
                continue
            yield finding(span, i, i + 1, f"straight quote “{ch}” in Chinese text “{excerpt(span.text, i, i + 1)}”; write “{curly}”",
                          suggestion=curly)
