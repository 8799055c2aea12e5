"""Chinese typography (GB/T 15834-2011, GB/T 15835-2011, GB 3101-1993) in zh.md's prose."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from toolchain.check._text import CJK, CJK_CHAR
from toolchain.check._typography import (
    CJK_OR_PUNCT,
    CJK_TO_ASCII,
    HIDDEN,
    LETTER,
    SHORT_UNITS,
    UNITS,
    brief,
    excerpt,
    finding,
    is_table,
    language_units,
    number_unit_findings,
    paired_runs,
    prose_units,
    punctuated_words,
    range_connector_findings,
    runs,
    statistic_findings,
    superscript_findings,
    times,
    unpaired_bracket_findings,
    word_lists,
    word_marks,
)
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import Option, RuleContext, rule
from toolchain.cjk import FULL_WIDTH_ALNUM, FULL_WIDTH_DIGIT, WIDE, half_width
from toolchain.load import Project
from toolchain.load.source import Span

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
LATIN_LETTER = re.compile(f"[{LETTER}]")
SPACING_MODES = ("none", "space", "infer")
# a decimal number is one run (２１.８), and so is its percent sign (２１.８％, 9.8％)
FULL_WIDTH_ALNUM_RUN = re.compile(f"[{FULL_WIDTH_ALNUM}]+(?:[.．][{FULL_WIDTH_ALNUM}0-9]+)*％?|(?<=[0-9])％")
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


PAREN_OR_NEWLINE = re.compile(r"[\n()]")


def paren_pairs(masked: str) -> Iterator[tuple[int, int | None]]:
    """Half-width parentheses: (open, close) pairs and lone ones as (offset, None)."""
    stack: list[int] = []
    for m in PAREN_OR_NEWLINE.finditer(masked):
        i, ch = m.start(), m.group()
        if ch == "\n":
            yield from ((s, None) for s in stack)
            stack = []
        elif ch == "(":
            stack.append(i)
        elif ch == ")":
            yield (stack.pop(), i) if stack else (i, None)
    yield from ((s, None) for s in stack)


CJK_RUN = re.compile(f"[{CJK_CHAR}]+")


@lru_cache(maxsize=4)
def cjk_runs(masked: str) -> tuple[list[int], list[int]]:
    """The starts and the ends of the runs of CJK characters of a text, in order (looked up by bisection)."""
    starts, ends = [], []
    for m in CJK_RUN.finditer(masked):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def chinese_parens(masked: str, open_: int, close: int) -> bool:
    """Whether a (…) pair belongs to Chinese text: it holds Chinese or stands next to it."""
    before = masked[open_ - 1] if open_ else ""
    if before == "/":
        return False  # a compound unit's denominator, mL/(min·1.73 m^2^), mg/(kg·d): GB 3101-1993, 3.2
    if chinese_since(cjk_runs(masked), open_, close):  # Chinese inside: an index, not a rescan of nested pairs
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
    """Offsets of half-width punctuation marks that stand in Chinese clauses.

    A ``.``, ``!`` or ``?`` after a Latin word ends a Chinese sentence when the sentence holds
    Chinese (since its last full stop or opening quote) and Chinese or the line's end follows;
    a mark inside an abbreviation or a name (``vs.``, ``Yahoo!``, ``Amazon.com``) is the word's.
    """
    in_words = word_marks(masked)
    memo: dict[tuple[int, int], str] = {}
    han = cjk_runs(masked)
    depth = 0  # ( minus ) so far on the line
    reset = -1  # the last sentence end or opening quote
    for m in MARK_OR_RESET.finditer(masked):  # the other characters need no step of their own
        i, ch = m.start(), m.group()
        if ch in SENTENCE_RESETS:
            reset = i
        if ch in "\n()":
            depth = 0 if ch == "\n" else depth + (1 if ch == "(" else -1)
            continue
        if ch not in ",;:?!." or i in in_words:
            continue
        prev, nxt = masked[i - 1:i], masked[i + 1:i + 2]
        if ch in ".!?" and chinese_since(han, reset, i) and (prev.isalnum() or prev in ")%") and ends_sentence(masked, i):
            yield i  # 接受了allo-HSCT.  疗效如何?CR!
            continue
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


SENTENCE_RESETS = frozenset("。！？“‘「『\n")
MARK_OR_RESET = re.compile("[" + re.escape("".join(sorted(SENTENCE_RESETS)) + "(),;:?!.") + "]")


def chinese_since(han: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """Whether a Chinese character stands between offsets ``start`` and ``end`` (both excluded); ``han`` its runs (``cjk_runs``)."""
    starts, ends = han
    run = bisect.bisect_right(ends, start + 1)  # the first run reaching past start
    return run < len(ends) and max(starts[run], start + 1) < end


def ends_sentence(masked: str, i: int) -> bool:
    """Whether only the line's end or Chinese text follows the mark at ``i`` (spaces and hidden marks looked through)."""
    after = nearest(masked, i, 1)
    return not after or bool(CJK.match(after))


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
    for span, masked in language_units(project, "zh"):
        marks = set(half_width_marks(masked))
        if policy == "full-width":
            marks.update(gloss_commas(masked))
        for first, last in runs(masked, sorted(marks)):
            ch, full = masked[first], FULL_WIDTH[masked[first]]
            start, end = widened(span.text, first)[0], widened(span.text, last - 1)[1]
            spaces = " without the spaces around it" if (start, end) != (first, last) else ""
            yield finding(span, first, last, f"half-width “{ch}”{times(last - first)} in Chinese text “{excerpt(span.text, first, last)}”; "
                          f"write “{full}”{spaces}", full * (last - first), suggestion=brief(full * (last - first)), fix_span=(start, end))


def shape(masked: str) -> str:
    """The masked text with everything that reads as part of a Latin word turned into letters.

    Superscripts, subscripts and emphasis marks next to Latin text (``ITD^+^患者``, ``*P*值``),
    signs (``CD34+细胞``, ``或+20``; a hyphen only before a space, as ``α-干扰素`` is one word), a degree sign (``37°``, ``℃``), a name's parentheses
    (``t(8;21)``), abbreviations and punctuated names (``vs.``, ``Yahoo!``) then show their
    Latin–Chinese boundary like ``ITD患者``; a Roman numeral that grades (``III期``, ZH013) is
    neither Latin nor Chinese.
    """
    latin = [m.span() for pattern in SHAPES for m in pattern.finditer(masked)]
    for m in EMPHASIS_MARKS.finditer(masked):
        around = masked[m.start() - 1:m.start()] + masked[m.end():m.end() + 1]
        if LATIN_CHAR.search(around):
            latin.append(m.span())
    return painted(painted(masked, latin, "a"), [m.span(2) for m in roman_grades(masked)], "Ⅰ")


def painted(text: str, spans: list[tuple[int, int]], char: str) -> str:
    """The text with every character inside one of the (start, end) spans (which may overlap) replaced by ``char``."""
    pieces, done = [], 0
    for start, end in sorted(spans):
        if end > done:
            start = max(start, done)
            pieces += [text[done:start], char * (end - start)]
            done = end
    pieces.append(text[done:])
    return "".join(pieces)


# Each pattern begins with its own character and tests what stands before it after that, so the
# engine jumps from one such character to the next instead of trying every position.
SHAPES = (
    re.compile(r"\^[^\^\s]{1,12}\^"),
    re.compile(f"~(?<=[{LETTER}0-9]~)[^~\\s]{{1,12}}~"),
    re.compile(f"[+\\-−±](?<![{LETTER}0-9][+\\-−±])(?=\\d)"),
    re.compile(f"(?:\\+(?<=[{LETTER}0-9]\\+)(?=[ \\t]*[{CJK_CHAR}])|-(?<=[{LETTER}0-9]-)(?=[ \\t]+[{CJK_CHAR}])"
               f"|−(?<=[{LETTER}0-9]−)(?=[ \\t]+[{CJK_CHAR}]))"),  # CD34+细胞; CD7- 细胞, not α-干扰素
    re.compile(r"(?:°(?<=\d°)|'(?<=\d')|′(?<=\d′)|℃)"),
    re.compile(f"\\((?<=[{LETTER}0-9]\\()[^()\\s{CJK_CHAR}{WIDE}]{{1,20}}\\)"),
    punctuated_words(),
)
EMPHASIS_MARKS = re.compile(r"[*_]+")
LATIN_CHAR = re.compile(f"[{LETTER}0-9]")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
NUMERAL = "(?:[IVX]{1,4}|[\u2160-\u216b])"
ROMAN_GRADE = re.compile(f"(?=[ \\tIVX\u2160-\u216b])((?<=[{CJK_CHAR}])[ \\t]+)?(?<![{LETTER}\u2160-\u217f/])({NUMERAL}(?:[/／、～~-]{NUMERAL})?)([ \\t]*)"
                         f"(?=(?:{'|'.join(word_lists()['roman-numeral-words'])}))")


def roman_grades(masked: str) -> Iterator[re.Match[str]]:
    """Roman numerals before a grade, phase, class or type word (``III期``, ``I/II期``, ``Ⅱ 度``): group 2 the numerals."""
    for m in ROMAN_GRADE.finditer(masked):
        if m.group(2) not in ("V", "X") and all(part in ROMAN or "\u2160" <= part <= "\u216b" for part in re.split("[/／、～~-]", m.group(2))):
            yield m


def unicode_numerals(numerals: str) -> str:
    """``III`` → ``Ⅲ``, ``I/II`` → ``Ⅰ/Ⅱ`` (U+2160 …)."""
    return re.sub("[IVX]+", lambda m: chr(0x2160 + ROMAN.index(m.group())), numerals)


LATIN_SIDE = f"{LETTER}0-9"
BOUNDARY = re.compile(f"(?<=[{CJK_CHAR}])[ \\t]*(?=[{LATIN_SIDE}])|(?<=[{LATIN_SIDE}%‰])[ \\t]*(?=[{CJK_CHAR}])")


def boundaries(project: Project) -> Iterator[tuple[Span, int, int]]:
    """Every boundary between Chinese and Latin letters or digits: (span, start, end of the spaces).

    In a table, a run of two or more spaces separates columns, not words. A boundary inside a
    glossary term written as the glossary writes it (``2型糖尿病``, ``FLT3野生型``) is the term's
    spelling, not a choice of house style: it is neither counted nor reported.
    """
    tables = {id(b.span) for b in project.zh.blocks if is_table(b)}
    fused = fused_terms(tuple(f for t in project.glossary.terms for f in (t.zh, *t.variants.get("zh", ())) if f))
    for span, masked in language_units(project, "zh"):
        inside = [m.span() for m in fused.finditer(masked)] if fused else []
        starts, ends = [a for a, _ in inside], [b for _, b in inside]
        in_table, text = id(span) in tables, span.text
        for m in BOUNDARY.finditer(shape(masked)):
            start, end = m.span()
            if start == end:  # no space: inside a fused term, or a boundary
                at = bisect.bisect_left(starts, start) - 1
                if at < 0 or start >= ends[at]:
                    yield span, start, end
            elif not (in_table and end - start >= 2) and text[start:end] == masked[start:end]:  # not a masked citation or comment
                yield span, start, end


@lru_cache(maxsize=8)
def fused_terms(forms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for the Chinese glossary forms that join Chinese to a Latin letter or digit without a space."""
    fused = sorted({f for f in forms if BOUNDARY.search(f) and not re.search(r"\s", f)}, key=lambda f: (-len(f), f))  # one pattern text per glossary
    return re.compile("|".join(map(re.escape, fused))) if fused else None


NO_MAJORITY = 0.4  # the less common spacing this share of all boundaries or more: no convention to infer


def mixed_spacing(found: list[tuple[Span, int, int]], spaced: int, unspaced: int) -> Finding:
    """One finding for a document that spaces as often as not: at the first boundary unlike the first one."""
    first = found[0][2] > found[0][1]
    span, start, end = next((b for b in found if (b[2] > b[1]) != first), found[0])
    other, at, _ = found[0]
    return finding(span, start, end,
                   f"Chinese and Latin text are spaced in {spaced} places and unspaced in {unspaced}, with no clear "
                   f"majority to follow; choose the house style ([tool.toolchain.check.rules.ZH002] "
                   f"cjk-latin-spacing = \"none\" or \"space\") and each place against it is reported",
                   related=(other.location(at),))


@rule("ZH002", "cjk-latin-spacing", Severity.WARNING, **{"cjk-latin-spacing": Option("infer", SPACING_MODES)})
def cjk_latin_spacing(ctx: RuleContext) -> Iterator[Finding]:
    """Chinese and Latin text (or a number) are spaced against the house convention.

    Why: a document keeps one convention (house style ``none``, ``space``, or ``infer`` = its majority;
    without a clear majority, one finding asks for the house style).
    Example (none): zh ``AML 患者中`` → ``AML患者中``; (space): ``45岁`` → ``45 岁``.
    """
    project = ctx.project
    mode = ctx.options["cjk-latin-spacing"]
    found = list(boundaries(project))
    spaced = sum(1 for _, start, end in found if end > start)
    unspaced = len(found) - spaced
    why = f"house style cjk-latin-spacing = {mode}"
    if mode == "infer":
        if not spaced or not unspaced:
            return
        if min(spaced, unspaced) >= NO_MAJORITY * len(found):
            yield mixed_spacing(found, spaced, unspaced)
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
    yield from range_connector_findings(project, "zh", "～", skip_years=True)


@rule("ZH004", "zh-number-unit-spacing")
def zh_number_unit_spacing(ctx: RuleContext) -> Iterator[Finding]:
    """A number and its unit symbol are not separated by a space (or % is).

    Why: a space separates a value from its unit symbol, none goes before % (GB 3101-1993).
    Example: zh ``400mg`` → ``400 mg``; ``76.9 %`` → ``76.9%``.
    """
    yield from number_unit_findings(ctx.project, "zh")


@rule("ZH005", "full-width-alphanumeric")
def full_width_alphanumeric(ctx: RuleContext) -> Iterator[Finding]:
    """Chinese text uses full-width Latin letters or digits (or ％ after a number).

    Why: letters and digits are always half-width (GB/T 15835-2011), and so is the percent sign of a number.
    Example: zh ``ＡＭＬ患者１２例`` → ``AML患者12例``; ``２１.８%`` (one finding) → ``21.8%``.
    """
    project = ctx.project
    for span, masked in language_units(project, "zh"):
        for m in FULL_WIDTH_ALNUM_RUN.finditer(masked):
            half = half_width(m.group())
            yield finding(span, m.start(), m.end(), f"full-width “{m.group()}”; write “{half}”", half, suggestion=half)


@rule("ZH006", "zh-straight-quotes")
def zh_straight_quotes(ctx: RuleContext) -> Iterator[Finding]:
    """Chinese text uses straight quotes " or ' instead of “ ” and ‘ ’.

    Why: Chinese text takes the curly quotation marks (GB/T 15834-2011, 4.8).
    Example: zh ``经典"7+3"方案`` → ``经典“7+3”方案``; ``所谓'维持'`` → ``所谓‘维持’``. Marks pair
    up in their unit, double and single apart (so nested quotes pair too); an apostrophe
    (``Bruton's``) and a prime (``5'端``) are no quotes. An odd number of marks is reported unfixed.
    """
    project = ctx.project
    for span, masked in language_units(project, "zh"):
        doubles = [m.start() for m in re.finditer('"', masked)]
        singles = [m.start() for m in re.finditer("'", masked) if single_quote(masked, m.start())]
        for marks, pair in ((doubles, "“”"), (singles, "‘’")):
            balanced = len(marks) % 2 == 0
            for count, (start, end) in paired_runs(masked, marks):
                curly = "".join(pair[(count + k) % 2] for k in range(end - start))
                yield finding(span, start, end, f"straight quote “{masked[start]}”{times(end - start)} in Chinese text "
                              f"“{excerpt(span.text, start, end)}”; write “{brief(curly)}”", curly if balanced else None, suggestion=brief(curly))


def single_quote(masked: str, i: int) -> bool:
    """Whether a ``'`` is a quotation mark: next to Chinese, and neither an apostrophe nor a prime."""
    prev, nxt = masked[i - 1:i], masked[i + 1:i + 2]
    if (prev.isalpha() and nxt.isalpha() and not CJK.match(prev + nxt)) or prev.isdigit():
        return False
    return any(c and CJK_OR_PUNCT.match(c) for c in (prev, nxt))


FULL_WIDTH_MARKS = "，。、；：？！…（）【】《》〈〉“”‘’「」『』〔〕—～"
# A run of marks with a space before or after it (a run without one has nothing to report).
# spaces, marks and spaces; or marks and spaces from a run's first mark, so a long run of marks with no space after it
# is read once, not again from each of its marks
MARK_RUN = re.compile(f"(?<![ \\t])[ \\t]+[{FULL_WIDTH_MARKS}]+[ \\t]*|(?<![{FULL_WIDTH_MARKS}])[{FULL_WIDTH_MARKS}]+[ \\t]+")


def joinable(masked: str, text: str, i: int) -> bool:
    """Whether the character at ``i`` is text a mark may close up to (not a line edge, table rule, heading or quote marker)."""
    if not 0 <= i < len(masked) or masked[i] in "\n|#>":
        return False
    return masked[i] != HIDDEN or text[i] in "[]"  # a citation group [@k] is text; other hidden spans are not


@rule("ZH007", "space-beside-full-width-punctuation")
def space_beside_full_width_punctuation(ctx: RuleContext) -> Iterator[Finding]:
    """A space stands beside a full-width punctuation mark, quote or bracket.

    Why: a full-width mark carries its own space and takes none on either side, in both
    conventions (GB/T 15834-2011, 5.1; the Chinese copywriting guidelines).
    Example: zh ``MRD ，提示`` → ``MRD，提示``; ``所谓“完全缓解” 是指`` → ``所谓“完全缓解”是指``.
    """
    project = ctx.project
    tables = {id(b.span) for b in project.zh.blocks if is_table(b)}
    for span, masked in language_units(project, "zh"):
        for m in MARK_RUN.finditer(masked):
            marks = m.group().strip(" \t")
            core = m.start() + m.group().index(marks[0])
            start, end = m.start(), m.end()
            if start < core and (not joinable(masked, span.text, start - 1) or (id(span) in tables and core - start > 1)):
                start = core
            if end > core + len(marks) and (not joinable(masked, span.text, end) or (id(span) in tables and end - core - len(marks) > 1)):
                end = core + len(marks)
            if (start, end) != (core, core + len(marks)):
                yield finding(span, start, end, f"space beside “{marks}” in “{excerpt(span.text, start, end)}”; "
                              "full-width punctuation takes no space", span.text[core:core + len(marks)], suggestion=marks)


CORNER_QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’"}


@rule("ZH008", "corner-quotes")
def corner_quotes(ctx: RuleContext) -> Iterator[Finding]:
    """Chinese text uses the corner quotes 「」『』 instead of the mainland “” and ‘’.

    Why: mainland text takes “ ” and, inside them, ‘ ’ (GB/T 15834-2011, 4.8).
    Example: zh ``又称「急粒」`` → ``又称“急粒”``.
    """
    project = ctx.project
    for span, masked in language_units(project, "zh"):
        for m in re.finditer(r"([「」『』])\1*", masked):
            curly = CORNER_QUOTES[m.group(1)] * len(m.group())
            yield finding(span, m.start(), m.end(), f"corner quote “{m.group(1)}”{times(len(m.group()))} in “{excerpt(span.text, m.start(), m.end())}”; "
                          f"write “{brief(curly)}”", curly, suggestion=brief(curly))


ELLIPSIS = re.compile(r"\.{3,}|。{3,}|[…⋯]+")


@rule("ZH009", "zh-ellipsis")
def zh_ellipsis(ctx: RuleContext) -> Iterator[Finding]:
    """An ellipsis in Chinese text is written ..., 。。。 or … instead of …….

    Why: Chinese text writes the ellipsis as two three-dot marks, …… (GB/T 15834-2011, 4.11).
    Example: zh ``发热、乏力...`` or ``乏力。。。`` or ``乏力…`` → ``乏力……``; ``1, 2, ..., n`` is left alone.
    """
    project = ctx.project
    for span, masked in language_units(project, "zh"):
        for m in ELLIPSIS.finditer(masked):
            if m.group() == "……":
                continue
            near = (nearest(masked, m.start(), -1), nearest(masked, m.end() - 1, 1))
            if m.group()[0] != "。" and not any(c and CJK_OR_PUNCT.match(c) for c in near):
                continue  # an ellipsis of Latin text or a formula
            yield finding(span, m.start(), m.end(), f"ellipsis “{m.group()}” in “{excerpt(span.text, m.start(), m.end())}”; write “……”",
                          "……", suggestion="……")


NAME_DOT = re.compile(f"(?<=[{CJK_CHAR}])[•●・･∙⋅‧](?=[{CJK_CHAR}])")


@rule("ZH010", "zh-name-dot")
def zh_name_dot(ctx: RuleContext) -> Iterator[Finding]:
    """A bullet (•, ●, ・) joins the parts of a name in Chinese text instead of ·.

    Why: the parts of a transcribed name are joined by the middle dot · (GB/T 15834-2011, 4.15).
    Example: zh ``让•多塞`` → ``让·多塞``.
    """
    project = ctx.project
    for span, masked in prose_units(project.zh):
        for m in NAME_DOT.finditer(masked):
            yield finding(span, m.start(), m.end(), f"“{m.group()}” between names in “{excerpt(span.text, m.start(), m.end())}”; write “·”",
                          "·", suggestion="·")


CJK_SPACE = re.compile(f"(?<=[{CJK_CHAR}])[ \\t]+(?=[{CJK_CHAR}])")


@rule("ZH011", "space-between-chinese")
def space_between_chinese(ctx: RuleContext) -> Iterator[Finding]:
    """A space stands between two Chinese characters.

    Why: Chinese words are not separated by spaces; a stray space splits a word (白血 病). Headings
    (``第1章 绪论``) and table columns are left alone.
    Example: zh ``急性髓系白血 病`` → ``急性髓系白血病``.
    """
    project = ctx.project
    tables = {id(b.span) for b in project.zh.blocks if is_table(b)}
    headings = {id(b.span) for b in project.zh.headings}
    for span, masked in prose_units(project.zh):
        if id(span) in headings:
            continue
        found = [m.span() for m in CJK_SPACE.finditer(masked) if id(span) not in tables or m.end() - m.start() == 1]
        for run in letter_spaced(found):
            start, end = run[0][0], run[-1][1]
            if len(run) == 1:
                yield finding(span, start, end, f"space between Chinese characters in “{excerpt(span.text, start, end)}”", "")
            else:  # 肠 道 菌 群, as a PDF's letter-spaced line pastes: one finding for the run
                joined = re.sub(r"[ \t]+", "", span.text[start:end])
                yield finding(span, start, end, f"spaces between Chinese characters{times(len(run))} in “{excerpt(span.text, start, end)}”",
                              joined)


def letter_spaced(spaces: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """The spaces grouped into runs that each separate single characters (肠 道 菌 群: one run of three)."""
    run: list[tuple[int, int]] = []
    for space in spaces:
        if run and space[0] != run[-1][1] + 1:
            yield run
            run = []
        run.append(space)
    if run:
        yield run


LATIN_QUOTE = re.compile("“([^“”\n]*)”")
QUOTE_MARKS = re.compile("[，。；：？！（）]")


@rule("ZH012", "chinese-punctuation-in-english-quote")
def chinese_punctuation_in_english_quote(ctx: RuleContext) -> Iterator[Finding]:
    """An English quotation in Chinese text holds full-width punctuation.

    Why: a quotation in another language keeps that language's punctuation (GB/T 15834-2011, 5.1.6).
    Example: zh ``写道“Yes，it works。”`` → ``写道“Yes, it works.”``.
    """
    project = ctx.project
    for span, masked in prose_units(project.zh):
        for quote in LATIN_QUOTE.finditer(masked):
            inner = quote.group(1)
            if CJK.search(inner) or not re.search(f"[{LETTER}]+ [{LETTER}]+", inner):
                continue  # Chinese, or no English words (“FLT3，NPM1” lists symbols)
            for m in QUOTE_MARKS.finditer(masked, quote.start(1), quote.end(1)):
                ascii_ = CJK_TO_ASCII[m.group()]
                nxt = masked[m.end():m.end() + 1]
                if m.group() not in "（" and nxt.isalnum():
                    ascii_ += " "
                yield finding(span, m.start(), m.end(), f"full-width “{m.group()}” in the English quotation “{excerpt(span.text, m.start(), m.end())}”; "
                              f"write “{ascii_.strip()}”", ascii_, suggestion=ascii_.strip())


@rule("ZH013", "roman-numeral-grade")
def roman_numeral_grade(ctx: RuleContext) -> Iterator[Finding]:
    """A grade or phase is numbered in Latin letters (III期) or spaced from it (Ⅲ 期).

    Why: Chinese medical text numbers grades, phases, classes and types with the Roman numerals
    Ⅰ–Ⅻ, closed up to the word (GB/T 15835-2011, 4.3; the words are in toolchain/data/typography.yaml).
    Example: zh ``III期临床试验`` → ``Ⅲ期临床试验``; ``II 度`` → ``Ⅱ度``.
    """
    project = ctx.project
    for span, masked in prose_units(project.zh):
        for m in roman_grades(masked):
            unicode = unicode_numerals(m.group(2))
            if unicode == m.group():
                continue
            yield finding(span, m.start(), m.end(), f"“{m.group().strip()}” in “{excerpt(span.text, m.start(), m.end())}”; write “{unicode}”",
                          unicode, suggestion=unicode)


DIGIT_COLON = re.compile(f"(?<=[0-9{FULL_WIDTH_DIGIT}])：(?=[0-9{FULL_WIDTH_DIGIT}])")


@rule("ZH014", "full-width-colon-in-number")
def full_width_colon_in_number(ctx: RuleContext) -> Iterator[Finding]:
    """A time or ratio between digits is written with the full-width colon ：.

    Why: a colon inside a number (10:30, 1:1) is the half-width one (GB/T 15835-2011, 4.1.4).
    Example: zh ``10：30`` → ``10:30``; ``按1：1随机`` → ``按1:1随机``.
    """
    project = ctx.project
    for span, masked in prose_units(project.zh):
        for m in DIGIT_COLON.finditer(masked):
            yield finding(span, m.start(), m.end(), f"full-width colon between digits in “{excerpt(span.text, m.start(), m.end())}”; write “:”",
                          ":", suggestion=":")


PLUS_MINUS = re.compile(r"(?<=[0-9)）%])([ \t]*)±([ \t]*)(?=[0-9(（.])")


@rule("ZH015", "plus-minus-spacing", Severity.WARNING, **{"cjk-latin-spacing": Option("infer", SPACING_MODES)})
def plus_minus_spacing(ctx: RuleContext) -> Iterator[Finding]:
    """The spaces around ± break the house convention or differ on its two sides.

    Why: ± is written closed up (``5.02±0.86``, house style ``none``) or with a space on each side
    (``5.02 ± 0.86``, ``space``); ``infer`` takes the document's majority. The option follows
    ZH002's ``cjk-latin-spacing`` unless set here.
    Example (none): zh ``5.02 ±0.86`` → ``5.02±0.86``; (space): ``5.02±0.86`` → ``5.02 ± 0.86``.
    """
    project, options = ctx.project, ctx.options
    mode = options["cjk-latin-spacing"]
    found = [(span, m) for span, masked in prose_units(project.zh) for m in PLUS_MINUS.finditer(masked)]
    fixable = mode != "infer"
    if mode == "infer":
        spaced = sum(1 for _, m in found if m.group(1) and m.group(2))
        closed = sum(1 for _, m in found if not m.group(1) and not m.group(2))
        mode = "space" if spaced > closed else "none"
    want = " ± " if mode == "space" else "±"
    for span, m in found:
        before, after = m.group(1), m.group(2)
        if (mode == "space" and before == after == " ") or (mode == "none" and not before and not after):
            continue
        yield finding(span, m.start(), m.end(), f"“{m.group()}” in “{excerpt(span.text, m.start(), m.end())}”; write “{want}” "
                      f"(house style cjk-latin-spacing = {mode})", want if fixable else None, suggestion=want)


@rule("ZH016", "zh-chi-square-superscript")
def zh_chi_square_superscript(ctx: RuleContext) -> Iterator[Finding]:
    """Chinese text writes χ2 on the line instead of χ^2^.

    Why: the statistic is χ squared, set with a superscript (GB 3102.11-1993).
    Example: zh ``采用χ2检验`` → ``采用χ^2^检验``.
    """
    project = ctx.project
    yield from superscript_findings(project.zh)


@rule("ZH017", "zh-unpaired-bracket", Severity.WARNING)
def zh_unpaired_bracket(ctx: RuleContext) -> Iterator[Finding]:
    """A bracket or book-title mark in Chinese text is never closed, or closes nothing.

    Why: an unclosed “（” runs the aside on into the sentence (GB/T 15834-2011, 4.9); round
    brackets of both widths pair with each other, an enumerator's “1）” opens nothing.
    Example: zh ``主要复合终点（肾衰竭或肾性死亡的风险降低18%`` → close the bracket where the aside ends.
    """
    yield from unpaired_bracket_findings(ctx.project, "zh")


@rule("ZH018", "zh-statistic-not-italic", symbols=["P", "HR", "OR", "RR", "n"])
def zh_statistic_not_italic(ctx: RuleContext) -> Iterator[Finding]:
    """A statistic symbol (P, HR, OR, n …) in Chinese text is not italic.

    Why: statistic symbols are set in italics in Chinese text too (GB 3102.11-1993; ``*P*<0.05``).
    Example: zh ``（P<0.05）``, ``P值<0.05`` → ``（*P*<0.05）``, ``*P*值<0.05``.
    """
    yield from statistic_findings(ctx.project, "zh", list(ctx.options["symbols"]))
