"""English typography in en.md's prose: punctuation, ranges, units, statistics, spaces, quotes."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator

from toolchain.check._text import non_prose_ranges
from toolchain.check._typography import (
    CJK_TO_ASCII,
    HIDDEN,
    brief,
    excerpt,
    finding,
    language_units,
    number_unit_findings,
    paired_runs,
    prose_units,
    range_connector_findings,
    runs,
    statistic_findings,
    superscript_findings,
    times,
    unpaired_bracket_findings,
    word_lists,
)
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import RuleContext, rule
from toolchain.cite.terms import ET_AL
from toolchain.cjk import FULL_WIDTH_ALNUM, half_width

# Full-width punctuation a Chinese input method leaves behind, with its English counterpart;
# a space is added after it only where a word follows. Book-title and corner brackets have no
# single English counterpart (italics or quotes), so they are reported without a fix.
CJK_TO_ASCII_QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’"}
SPACE_AFTER = frozenset("，。、；：？！）】")
BOOK_TITLE = re.compile("《([^《》\n]+)》")
CJK_PUNCTUATION = re.compile("[" + "".join(CJK_TO_ASCII) + f"《》「」『』{FULL_WIDTH_ALNUM}]")


@rule("EN001", "cjk-punctuation-in-english")
def cjk_punctuation_in_english(ctx: RuleContext) -> Iterator[Finding]:
    """English text holds full-width (Chinese) punctuation, letters or digits.

    Why: a Chinese input method leaves ，（）： behind; in English they print too wide.
    Example: en ``(AML），a malignancy`` → ``(AML), a malignancy``; ``the 《Guideline》`` → ``the *Guideline*``;
    「」『』 → “”‘’.
    """
    project = ctx.project
    for span, masked in language_units(project, "en"):
        titled = set()
        for m in BOOK_TITLE.finditer(masked):  # 《Title》: one finding for the pair, the title set in italics
            titled.update((m.start(), m.end() - 1))
            italic = f"*{span.text[m.start(1):m.end(1)]}*"
            yield finding(span, m.start(), m.end(), f"Chinese title marks in English text “{excerpt(span.text, m.start(), m.end())}”; write “{italic}”",
                          italic, suggestion=italic)
        found = (m.start() for m in CJK_PUNCTUATION.finditer(masked) if m.start() not in titled and not in_range(masked, m.start()))
        for start, end in runs(masked, found):
            ch, count = masked[start], end - start
            ascii_ = CJK_TO_ASCII.get(ch) or CJK_TO_ASCII_QUOTES.get(ch) or (half_width(ch) if ch.isalnum() else None)
            context = excerpt(span.text, start, end)
            if ascii_ is None:
                yield finding(span, start, end, f"Chinese punctuation “{ch}”{times(count)} in English text “{context}”")
                continue
            shown = ascii_.strip() or "a space"
            nxt = masked[end:end + 1]
            ascii_ *= count
            if ch in SPACE_AFTER and nxt and not nxt.isspace() and nxt not in ".,;:)]”’":
                ascii_ += " "
            if ch in "（【" and start and masked[start - 1].isalnum():
                ascii_ = " " + ascii_
            yield finding(span, start, end, f"full-width “{ch}”{times(count)} in English text “{context}”; write “{shown}”", ascii_, suggestion=shown)


def in_range(masked: str, i: int) -> bool:
    """Whether the mark at ``i`` is a ～ between two numbers (a range: EN002 reports it)."""
    return masked[i] == "～" and bool(re.search(r"[\d%]\s*$", masked[max(0, i - 4):i])) and bool(re.match(r"\s*\d", masked[i + 1:i + 5]))


@rule("EN002", "en-range-connector")
def en_range_connector(ctx: RuleContext) -> Iterator[Finding]:
    """A numeric range in English text is joined by a hyphen or ~, not an en dash.

    Why: ranges take an en dash (Chicago 6.78; AMA 8.3.2); a hyphen reads as a minus or a compound.
    Example: en ``200-400 mg`` → ``200–400 mg``; identifiers (FLT3-ITD, IL-15, 7+3) are left alone.
    """
    project = ctx.project
    yield from range_connector_findings(project, "en", "–", skip_years=False)


@rule("EN003", "en-number-unit-spacing")
def en_number_unit_spacing(ctx: RuleContext) -> Iterator[Finding]:
    """A number and its unit symbol are not separated by a space (or % is).

    Why: SI and AMA style put a space between a value and its unit, none before %.
    Example: en ``400mg`` → ``400 mg``; ``76.9 %`` → ``76.9%``.
    """
    project = ctx.project
    yield from number_unit_findings(project, "en")


@rule("EN004", "statistic-not-italic", symbols=["P", "HR", "OR", "RR", "n"])
def statistic_not_italic(ctx: RuleContext) -> Iterator[Finding]:
    """A statistic symbol (P, HR, OR, n …) stands before its value without italics.

    Why: statistic symbols are set in italics (ISO 80000-2; house style ``*P*``, ``*HR*``).
    Example: en ``(HR 0.24, P = 0.023)`` → ``(*HR* 0.24, *P* = 0.023)``. CI is an abbreviation, not a symbol.
    """
    yield from statistic_findings(ctx.project, "en", list(ctx.options["symbols"]))


@rule("EN005", "double-space")
def double_space(ctx: RuleContext) -> Iterator[Finding]:
    """Two or more spaces stand between words of English text.

    Why: typed double spaces survive into DOCX and JATS; one space separates words and sentences.
    Example: en ``relapse.  The`` → ``relapse. The``.
    """
    project = ctx.project
    for span, masked in language_units(project, "en", tables=False):
        hidden = non_prose_ranges(span.text)
        starts = [s for s, _ in hidden]
        reach = list(itertools.accumulate((e for _, e in hidden), max))  # furthest end so far
        for m in re.finditer(r"(?<=\S) {2,}(?=\S)", span.text):
            index = bisect.bisect_right(starts, m.start()) - 1
            if index >= 0 and m.end() <= reach[index]:
                continue  # inside a comment, code span or citation
            yield finding(span, m.start(), m.end(), f"{len(m.group())} spaces in “{excerpt(span.text, m.start(), m.end())}”; write one", " ")


@rule("EN006", "straight-quotes", Severity.WARNING)
def straight_quotes(ctx: RuleContext) -> Iterator[Finding]:
    """English prose uses straight double quotes " instead of curly “ ”.

    Why: the article uses curly quotes; mixing both looks careless in print.
    Example: en ``the "gatekeeper" mutation`` → ``the “gatekeeper” mutation`` (fixed when the marks of the unit pair up).
    """
    project = ctx.project
    for span, masked in language_units(project, "en"):
        marks = [m.start() for m in re.finditer('"', masked)]
        for count, (start, end) in paired_runs(masked, marks):
            curly = "".join("“”"[(count + k) % 2] for k in range(end - start))
            yield finding(span, start, end, f"straight quote{times(end - start)} in “{excerpt(span.text, start, end)}”; write “{brief(curly)}”",
                          curly if len(marks) % 2 == 0 else None, suggestion=brief(curly))


# Letters glued to "(" that are notation, not prose: ISCN karyotype operators (del(5q), inv(16),
# t(8;21)) and plural or gender endings written in parentheses (patient(s), stud(ies)).
NOTATION = frozenset({"t", "del", "inv", "ins", "der", "dup", "add", "idic", "ider", "fra", "hsr", "mar", "rob", "trc", "dic", "i", "r"})
GLUED_PAREN = re.compile(r"(?<![A-Za-z0-9_\-\x00])([A-Za-z][A-Za-z\-]*[a-z])\((?!(?:e?s|ies|ren|en)\))(?=[^\s)])")


@rule("EN010", "no-space-before-parenthesis")
def no_space_before_parenthesis(ctx: RuleContext) -> Iterator[Finding]:
    """An English word is glued to the opening parenthesis that follows it.

    Why: English sets a space before “(” (“leukemia (AML)”); ``leukemia(AML)`` reads as one token and
    breaks line wrapping. Karyotype notation (``t(8;21)``, ``del(5q)``) and ``patient(s)`` are not prose.
    Example: en ``acute myeloid leukemia(AML)`` → ``acute myeloid leukemia (AML)``.
    """
    for span, masked in language_units(ctx.project, "en"):
        for m in GLUED_PAREN.finditer(masked):
            if m.group(1) in NOTATION:
                continue
            at = m.end(1)
            yield finding(span, at, at + 1, f"no space before “(” in “{excerpt(span.text, m.start(1), at + 1)}”; "
                          f"write “{m.group(1)} (”", " (", suggestion=f"{m.group(1)} (")


BRACKET_SPACE = re.compile(r"(?<=[(\[])[ \t]+(?=[^\s)\]])|(?<=[^\s(\[])[ \t]+(?=[)\]])")


@rule("EN007", "space-inside-brackets")
def space_inside_brackets(ctx: RuleContext) -> Iterator[Finding]:
    """A space stands just inside a parenthesis or bracket in English text.

    Why: English sets parentheses and brackets close to what they enclose (Chicago 6.95).
    Example: en ``( P < 0.05)`` → ``(P < 0.05)``.
    """
    project = ctx.project
    for span, masked in prose_units(project.en, tables=False):
        for m in BRACKET_SPACE.finditer(masked):
            if HIDDEN in masked[m.start() - 1:m.end() + 1]:
                continue
            yield finding(span, m.start(), m.end(), f"space inside the brackets in “{excerpt(span.text, m.start(), m.end())}”", "")


PUNCTUATION_SPACE = re.compile(r"(?<=[^\s\x00.])[ \t]+(?=[,;:.?!](?![.\w]))")


@rule("EN008", "space-before-punctuation")
def space_before_punctuation(ctx: RuleContext) -> Iterator[Finding]:
    """A space stands before a comma, semicolon, colon, full stop, ? or !.

    Why: English punctuation follows the word without a space (Chicago 6.7).
    Example: en ``(P < 0.05) .`` → ``(P < 0.05).``; ``P < .05`` and `` ...`` are left alone.
    """
    project = ctx.project
    for span, masked in prose_units(project.en, tables=False):
        for m in PUNCTUATION_SPACE.finditer(masked):
            mark = masked[m.end()]
            if mark == ":" and masked[m.start() - 1:m.start()].isdigit():
                continue  # a ratio written 1 : 2
            yield finding(span, m.start(), m.end(), f"space before “{mark}” in “{excerpt(span.text, m.start(), m.end())}”", "")


@rule("EN009", "en-chi-square-superscript")
def en_chi_square_superscript(ctx: RuleContext) -> Iterator[Finding]:
    """English text writes χ2 on the line instead of χ^2^.

    Why: the statistic is χ squared, set with a superscript (ISO 80000-2).
    Example: en ``the χ2 test`` → ``the χ^2^ test``.
    """
    project = ctx.project
    yield from superscript_findings(project.en)


LINE_END_HYPHEN = re.compile(r"(?<=[A-Za-z])-\n[ \t]*(?=[a-z])")
WORD_PART = 40  # characters looked at on each side of the break: a word, never the paragraph


@rule("EN011", "hyphen-at-line-end")
def hyphen_at_line_end(ctx: RuleContext) -> Iterator[Finding]:
    """A word is broken by a hyphen at a line end, as in text pasted from a PDF.

    Why: Markdown reads the line break as a space, so every output prints “preva- lence”.
    Example: en ``the preva-`` / ``lence of AML`` → ``the prevalence of AML`` (or ``FMS-like`` where the hyphen belongs).
    """
    for lang in ("en", "zh"):
        for span, masked in prose_units(ctx.project.document(lang)):
            for m in LINE_END_HYPHEN.finditer(masked):
                left = re.search(r"[A-Za-z]+$", masked[max(0, m.start() - WORD_PART):m.start()])
                right = re.match(r"[a-z]+", masked[m.end():m.end() + WORD_PART])
                head, tail = left.group(), right.group()
                start = m.start() - len(head)
                yield finding(span, start, m.end() + len(tail),
                              f"“{head}-” / “{tail}” is one word broken at a line end: the outputs print “{head}- {tail}”; "
                              f"join it as “{head}{tail}” (or “{head}-{tail}” where the hyphen belongs to the word)",
                              suggestion=f"{head}{tail}")


ENGLISH_WORD = re.compile(r"[A-Za-z]+")
REPEATABLE = frozenset(word_lists()["repeatable-words"])


@rule("EN012", "repeated-word", Severity.WARNING)
def repeated_word(ctx: RuleContext) -> Iterator[Finding]:
    """A word is typed twice in a row (“the the”), also across a line break.

    Why: a doubled word is a slip that spell checkers miss and every output prints. Words that may
    stand twice in a correct sentence (“that that”, “had had”) are data (toolchain/data/typography.yaml).
    Example: en ``stopped the the drug`` → ``stopped the drug``.
    """
    for span, masked in language_units(ctx.project, "en"):
        previous = None
        for m in ENGLISH_WORD.finditer(masked):
            if (previous is not None and m.group().casefold() == previous.group().casefold()
                    and m.group().casefold() not in REPEATABLE and masked[previous.end():m.start()].isspace()):
                yield finding(span, previous.start(), m.end(), f"“{m.group()}” is typed twice in “{excerpt(span.text, previous.start(), m.end())}”",
                              "", suggestion=m.group(), fix_span=(previous.end(), m.end()))
            previous = m


@rule("EN013", "en-unpaired-bracket", Severity.WARNING)
def en_unpaired_bracket(ctx: RuleContext) -> Iterator[Finding]:
    """A parenthesis in English text is never closed, or closes nothing.

    Why: an unclosed “(” runs the aside on into the sentence; an enumerator's “a)” opens nothing.
    Example: en ``the primary endpoint (kidney failure or death was reduced`` → close it where the aside ends.
    """
    yield from unpaired_bracket_findings(ctx.project, "en")


ET_AL_FORM = re.compile(r"(?<![A-Za-z])et\.?[ \t]+al(?![A-Za-z])(\.?)")


@rule("EN014", "et-al-form")
def et_al_form(ctx: RuleContext) -> Iterator[Finding]:
    """“et al.” is written without its full stop (“et al”) or as “et. al.”.

    Why: “al.” abbreviates *alii*; “et” is a whole word (AMA Manual of Style, 14.11).
    Example: en ``Xuan et al [@xuan2020] showed`` → ``Xuan et al. [@xuan2020] showed``.
    """
    for span, masked in language_units(ctx.project, "en"):
        for m in ET_AL_FORM.finditer(masked):
            if m.group().startswith("et ") and m.group(1):
                continue
            yield finding(span, m.start(), m.end(), f"“{m.group()}” in “{excerpt(span.text, m.start(), m.end())}”; write “{ET_AL['en']}”",
                          ET_AL["en"], suggestion=ET_AL["en"])
