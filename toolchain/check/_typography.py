"""Shared helpers of the typography rules: prose units, unit symbols, numeric ranges, fixes.

A finding that has one safe correction carries ``fix`` = (start, end, replacement) in source
offsets; ``check --fix`` (fixes.py) applies them. A fix is only attached when the span maps
back onto the source verbatim, so that a fix never lands on the wrong characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from toolchain.check._text import CJK, CJK_CHAR, non_prose_ranges, typed_caption_match, typed_heading_number, written_in_other_language
from toolchain.check.diagnostic import Finding
from toolchain.cjk import WIDE_PUNCTUATION
from toolchain.load import Project, parse_yaml
from toolchain.load.markdown import Block, Document
from toolchain.load.source import Location, Span

HIDDEN = "\x00"  # stands for a masked character in prose_units' text
LETTER = "A-Za-z\u0370-\u03ff"  # Latin and Greek letters (α, β in gene and drug names)
CJK_OR_PUNCT = re.compile(f"[{CJK_CHAR}{WIDE_PUNCTUATION}\u2018\u2019\u201c\u201d\u2026\u2014]")

# Full-width punctuation with its ASCII counterpart (a Chinese input method leaves it in Latin text).
CJK_TO_ASCII = {"，": ",", "。": ".", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")",
                "【": "[", "】": "]", "～": "~", "\u3000": " "}
DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "typography.yaml"


@cache
def word_lists() -> dict[str, tuple[str, ...]]:
    """The typography word lists (toolchain/data/typography.yaml), loaded once."""
    data = parse_yaml(DATA_FILE.read_text(encoding="utf-8"), "toolchain/data/typography.yaml")
    return {str(key): tuple(str(v) for v in values) for key, values in data.items()}


# Unit symbols that follow a number with a space between (GB 3101-1993; SI Brochure, 9th ed., 5.4.3);
# one-letter g, d and h count only when they stand alone (see the data file).
UNITS = frozenset(word_lists()["units"])
SHORT_UNITS = frozenset(word_lists()["short-units"])
DEGREE_UNITS = word_lists()["degree-units"]
ORDINALS = frozenset({"st", "nd", "rd", "th"})
NUMBER_LETTERS = re.compile(f"(?<![{LETTER}0-9.,])(\\d{{1,3}}(?:,\\d{{3}})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)([{LETTER}µ]+)")
DEGREES = re.compile(f"(?<![{LETTER}0-9.,])(\\d+(?:\\.\\d+)?)({'|'.join(map(re.escape, DEGREE_UNITS))})")
TIMES_POWER = re.compile(r"(?<=\d)(?:[ \t]+×[ \t]*|×[ \t]+)(?=10\^)")
SPACE_BEFORE_SIGN = re.compile(r"(?<=\d)[ \t]+(?=[%‰]|°(?![CF]))")
RANGE = re.compile(
    f"(?<![{LETTER}0-9.\\-‐-―−~～])(\\d+(?:\\.\\d+)?)([%‰]?)([ \\t]*([-~～—–－〜―‒−])[ \\t]*)(\\d+(?:\\.\\d+)?)(?![0-9])"
)
TAB_IN_LINE = re.compile(r"(?<=\S)[ ]*\t[ \t]*")  # a tab after a line's first word, with the spaces around it
LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\(?(?:\d{1,3}|[A-Za-z]|[ivxlIVXL]{1,5}|#|@\w*)[.)])(?=[ \t])", re.MULTILINE)
YEAR = re.compile(r"1[5-9]\d\d|20\d\d")


@dataclass(frozen=True, slots=True)
class Range:
    """A numeric range written with some connector: ``200-400``, ``15%~30%``."""

    start: int  # offset of the connector with its spaces
    end: int
    left: str
    right: str
    connector: str


def is_table(block: Block) -> bool:
    """Whether a block is a table (pipe, simple, multiline or grid: the loader tells)."""
    return block.kind == "table"


def prose_units(document: Document, *, tables: bool = True) -> Iterator[tuple[Span, str]]:
    """Title, abstract, keywords, headings and paragraph-like blocks with their masked text."""
    spans = [*document.front_spans, *(b.span for b in document.body_units(tables=tables))]
    headings = {id(b.span) for b in document.headings}
    for span in spans:
        if span.text and written_in_other_language(span.text, document.lang):  # left untranslated: SRC017's, not typography
            continue
        masked = opaque(span.text)
        number = typed_heading_number(span.text) if id(span) in headings else None
        caption = typed_caption_match(span.text) if number is None else None
        if caption:  # “表1 患者基线特征”: the space after a typed caption's number is the caption's (SRC011's), no boundary
            lead = len(span.text) - len(span.text.lstrip())
            number = (lead + caption.start("mark"), lead + caption.end("mark"))
        if number:  # a typed heading number is SRC006's: its digits and spaces are no CJK–Latin boundary
            masked = masked[:number[0]] + HIDDEN * (number[1] - number[0]) + masked[number[1]:]
        yield span, masked


def language_units(project: Project, lang: str, *, tables: bool = True) -> Iterator[tuple[Span, str]]:
    """prose_units of the document in ``lang``, then the metadata.yaml prose in that language."""
    yield from prose_units(project.document(lang), tables=tables)
    for span in project.metadata.prose(lang):
        yield span, opaque(span.text)


@cache
def opaque(text: str) -> str:
    """The text with citations, comments, code, URLs … turned into NUL characters (newlines kept).

    Unlike blanking with spaces, no pattern can then take a hidden span for the spaces around a
    mark: ``0.01~https://…~[@k]400`` is no range, ``AML[@k] 患者`` no CJK–Latin space.
    """
    pieces, last = [], 0
    for start, end in non_prose_ranges(text):
        start = max(start, last)
        if end <= start:
            continue
        pieces += [text[last:start], re.sub(r"[^\n]", HIDDEN, text[start:end])]
        last = end
    pieces.append(text[last:])
    # list markers (1. 1) (a) - *) are syntax too: “1. 首先” has no half-width period to fix
    masked = LIST_MARKER.sub(lambda m: HIDDEN * len(m.group()), "".join(pieces))
    # a tab inside a line is SRC015's (a table pasted as text): no space between words for these rules
    return TAB_IN_LINE.sub(lambda m: HIDDEN * len(m.group()), masked) if "\t" in masked else masked


def finding(span: Span, start: int, end: int, message: str, replacement: str | None = None,
            related: tuple[Location, ...] = (), suggestion: str | None = None,
            fix_span: tuple[int, int] | None = None) -> Finding:
    """A finding at span.text[start:end], with a fix when the text maps verbatim onto the source.

    The fix replaces ``fix_span`` (default: the located text) by ``replacement``.
    """
    fix, located = None, (start, end)
    if replacement is not None:
        start, end = fix_span or (start, end)
        if any(s - 1 <= end and start <= e for s, e in fragile(span.text)):
            replacement = None  # the edit would move where a bare @key or URL ends
    if replacement is not None:
        src_start, src_end = span.source_offset(start), span.source_offset(end)
        lo, hi = max(start - 1, 0), min(end + 1, len(span.text))
        source = span.source.text
        # compare one character of context on each side too, so that an insertion is anchored
        if source[src_start - (start - lo):src_end + (hi - end)] == span.text[lo:hi]:
            fix = (src_start, src_end, replacement)
    return Finding(span.location(*located), message, related, suggestion, fix)


@cache
def fragile(text: str) -> tuple[tuple[int, int], ...]:
    """Hidden spans whose end depends on the next character: bare @key citations, URLs, DOIs.

    Pandoc lets a key hold inner punctuation (``@a.b``) and a URL runs to the next space, so an
    edit next to one can change what it cites or links; such findings are reported, not fixed.
    """
    return tuple((s, e) for s, e in non_prose_ranges(text) if re.match(r"@|https?:|10\.|doi:", text[s:e], re.IGNORECASE))


def runs(text: str, offsets: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Sorted offsets grouped into runs of one repeated character: (start, end) each.

    A defect typed a thousand times in a row (``,,,,``) is one defect: its rule reports the run once.
    """
    start = end = -1
    for i in offsets:
        if i == end and text[i] == text[start]:
            end += 1
            continue
        if start >= 0:
            yield start, end
        start, end = i, i + 1
    if start >= 0:
        yield start, end


def paired_runs(text: str, marks: list[int]) -> Iterator[tuple[int, tuple[int, int]]]:
    """Runs of straight quotes with the index of each run's first mark among ``marks`` (which pair up in turn)."""
    index = {i: count for count, i in enumerate(marks)}
    for start, end in runs(text, marks):
        yield index[start], (start, end)


def brief(text: str, limit: int = 8) -> str:
    """A replacement as a message shows it: a long run's is cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def times(count: int) -> str:
    """`` ×12`` after a mark repeated 12 times in a run, nothing after a single one."""
    return f" ×{count}" if count > 1 else ""


def excerpt(text: str, start: int, end: int, width: int = 6) -> str:
    """The offending text with a few characters of context, on one line."""
    left = text.rfind("\n", max(0, start - width), start) + 1  # windows: lines may be megabytes long
    right = text.find("\n", end, end + width)
    right = min(len(text), end + width) if right < 0 else right
    return text[max(left, start - width):min(right, end + width)].strip()


def unit_after(masked: str, match: re.Match[str]) -> str | None:
    """The unit symbol glued to a number (``400mg`` → ``mg``), or None when the letters are a name."""
    letters = match.group(2)
    if letters in UNITS:
        return letters
    after = masked[match.end():match.end() + 1]
    if letters in SHORT_UNITS and (not after or after.isspace() or after in "/,.;:)]，。；：、）" or CJK.match(after)):
        return letters
    return None


def missing_unit_spaces(masked: str) -> Iterator[tuple[int, str, str]]:
    """Offsets where a space is missing between a number and its unit: (offset, number, unit)."""
    found = [(m.end(1), m.group(1), unit) for m in NUMBER_LETTERS.finditer(masked) if (unit := unit_after(masked, m))]
    found += [(m.end(1), m.group(1), m.group(2)) for m in DEGREES.finditer(masked)]
    yield from sorted(found)


def spaced_times_signs(masked: str) -> Iterator[re.Match[str]]:
    """A × with spaces between a number and its power of ten (``5.0 ×10^9^/L``): Chinese writes ``5.0×10^9^/L``."""
    yield from TIMES_POWER.finditer(masked)


def spaces_before_signs(masked: str) -> Iterator[re.Match[str]]:
    """Spaces written between a number and %, ‰ or an angle's ° (which take none)."""
    yield from SPACE_BEFORE_SIGN.finditer(masked)


def numeric_ranges(masked: str, *, skip_years: bool) -> Iterator[Range]:
    """Ranges between two numbers, except dates (2024-03-20) and, if asked, year spans."""
    for match in RANGE.finditer(masked):
        left, right = match.group(1), match.group(5)
        tail = masked[match.end():match.end() + 8]
        letters = re.match(f"[{LETTER}]+", tail)
        if letters and letters.group(0) not in UNITS | SHORT_UNITS | ORDINALS:
            continue  # 2021-2021YFC…, 1-2b: part of an identifier
        if re.match(r"[-/.]\d", tail):
            continue  # a date (2024-03-20) or a dotted/slashed identifier
        if YEAR.fullmatch(left) and match.group(4) == "-" and re.fullmatch(r"0[1-9]|1[0-2]", right):
            continue  # a month (2024-03, GB/T 7408)
        if skip_years and YEAR.fullmatch(left) and YEAR.fullmatch(right):
            continue
        if float(left) > float(right):
            continue  # no range runs downwards: a suture gauge (3-0, 4-0), a score (2-1)
        if re.search(r"(?:ISSN|ISBN)[\s:：]*$", masked[max(0, match.start() - 12):match.start()]):
            continue  # ISSN 1004-2806
        yield Range(match.start(3), match.end(3), left, right, match.group(4))


def number_unit_findings(project: Project, lang: str) -> Iterator[Finding]:
    """ZH004/EN003 findings of one language (Chinese text also writes ``5.0×10^9^/L`` closed up)."""
    for span, masked in language_units(project, lang):
        for m in spaced_times_signs(masked) if lang == "zh" else ():
            yield finding(span, m.start(), m.end(), f"spaces around “×” in “{excerpt(span.text, m.start(), m.end())}”; "
                          "write the number and its power of ten together", "×", suggestion="×")
        for offset, number, unit in missing_unit_spaces(masked):
            yield finding(span, offset, offset, f"no space between the number and its unit in “{number}{unit}”; write “{number} {unit}”",
                          " ", suggestion=f"{number} {unit}")
        for m in spaces_before_signs(masked):
            sign = masked[m.end()]
            yield finding(span, m.start(), m.end(), f"space before “{sign}” in “{excerpt(span.text, m.start(), m.end())}”; "
                          f"write the number and “{sign}” together", "")


def range_connector_findings(project: Project, lang: str, connector: str, *, skip_years: bool) -> Iterator[Finding]:
    """Numeric ranges whose connector is not ``connector`` (～ in Chinese, – in English)."""
    for span, masked in language_units(project, lang):
        for found in numeric_ranges(masked, skip_years=skip_years):
            if found.connector == connector:
                continue
            text = span.text[found.start:found.end]
            yield finding(span, found.start, found.end,
                          f"range “{found.left}{text}{found.right}” uses “{found.connector}”; write “{found.left}{connector}{found.right}”",
                          connector, suggestion=connector)


@cache
def punctuated_words() -> re.Pattern[str]:
    """Abbreviations ending in a full stop (vs., et al.) and names holding punctuation (Yahoo!, Node.js)."""
    words = sorted(word_lists()["abbreviations"] + word_lists()["names-with-punctuation"], key=len, reverse=True)
    first = re.escape("".join(sorted({w[0] for w in words})))  # a lookahead the engine tests first: most positions fail at once
    return re.compile(f"(?=[{first}])(?<![{LETTER}0-9])(?:{'|'.join(map(re.escape, words))})(?![{LETTER}0-9])")


def word_marks(masked: str) -> set[int]:
    """Offsets of the marks inside abbreviations and punctuated names: they belong to the word."""
    return {m.start() + i for m in punctuated_words().finditer(masked) for i, c in enumerate(m.group()) if not c.isalnum()}


CHI_SQUARE = re.compile(f"(?<![{LETTER}])χ2(?![0-9.^~])")


def superscript_findings(document: Document) -> Iterator[Finding]:
    """``χ2`` written on the line: the statistic is χ squared, ``χ^2^``."""
    for span, masked in prose_units(document):
        for m in CHI_SQUARE.finditer(masked):
            yield finding(span, m.start(), m.end(), f"“χ2” in “{excerpt(span.text, m.start(), m.end())}” is χ squared; write “χ^2^”",
                          "χ^2^", suggestion="χ^2^")


OPENING = {"(": ")", "（": "）", "【": "】", "《": "》", "〔": "〕"}
CLOSING = {close: opening for opening, close in OPENING.items()}
PAIR_KIND = {"(": "(", "（": "(", ")": "(", "）": "(", "【": "【", "】": "【", "《": "《", "》": "《", "〔": "〔", "〕": "〔"}  # both widths pair
BRACKET = re.compile("[" + re.escape("".join(OPENING) + "".join(CLOSING)) + "]")
ENUMERATOR = re.compile(r"(?:^|(?<=[\s\x00，。；：、,;:]))[0-9A-Za-z①-⑳]{1,3}$")


def unpaired_brackets(masked: str) -> Iterator[tuple[int, str]]:
    """(offset, what) of each bracket of ``masked`` that is never closed or never opened, in one pass.

    Round brackets of both widths pair with each other (a half-width half is ZH001's); an
    enumerator's closing bracket (``1）``, ``a)`` after a clause mark or at the start) opens
    nothing. Square brackets are left alone: citations, links and type marks use them. Each
    bracket is pushed and popped once, and a closing one with no opener of its kind open is
    told by a count, so the pass is linear.
    """
    stack: list[int] = []
    open_kinds: dict[str, int] = {}
    for mark in BRACKET.finditer(masked):  # the other characters are skipped without a Python step each
        index, char = mark.start(), mark.group()
        if char in OPENING:
            stack.append(index)
            open_kinds[PAIR_KIND[char]] = open_kinds.get(PAIR_KIND[char], 0) + 1
        elif char in CLOSING:
            kind = PAIR_KIND[char]
            if not open_kinds.get(kind):
                if not ENUMERATOR.search(masked, max(0, index - 4), index):
                    yield index, f"“{char}” closes no bracket opened before it in this paragraph"
                continue
            while True:
                top = stack.pop()
                open_kinds[PAIR_KIND[masked[top]]] -= 1
                if PAIR_KIND[masked[top]] == kind:
                    break
                yield top, f"“{masked[top]}” is never closed: “{OPENING[masked[top]]}” is missing before “{char}”"
    for unclosed in stack:
        yield unclosed, f"“{masked[unclosed]}” is never closed in this paragraph"


def unpaired_bracket_findings(project: Project, lang: str) -> Iterator[Finding]:
    """Brackets of ``lang``'s prose that are never closed or never opened."""
    for span, masked in language_units(project, lang):
        for offset, what in sorted(unpaired_brackets(masked)):
            yield finding(span, offset, offset + 1, f"{what} (“{excerpt(span.text, offset, offset + 1)}”)")


def statistic_findings(project: Project, lang: str, symbols: list[str]) -> Iterator[Finding]:
    """Statistic symbols of ``lang``'s prose set upright before their value (``P = 0.02``, ``HR 0.24``, zh ``P值<0.05``)."""
    if not symbols:
        return
    # a one-letter symbol is the same symbol in either case (p = 0.02 is P = 0.02 unitalicised)
    names = "|".join(f"(?i:{re.escape(s)})" if len(s) == 1 else re.escape(s) for s in sorted(symbols, key=len, reverse=True))
    # a bare symbol (no letter, * or _ around it) followed by a comparison, "value" (值), or — for a
    # ratio of two letters or more (HR 0.24) — directly by its value
    bare = re.compile(f"(?<![A-Za-z*_])({names})(?![A-Za-z*_])")
    compared = re.compile(r"\s*(?:[=<>≤≥]|value\b|值\s*[=<>≤≥])")
    for span, masked in language_units(project, lang):
        for m in bare.finditer(masked):
            symbol, rest = m.group(1), masked[m.end():m.end() + 12]
            if not (compared.match(rest) or (len(symbol) > 1 and re.match(r"\s+\d", rest))):
                continue
            yield finding(span, m.start(), m.end(), f"statistic “{symbol}” in “{excerpt(span.text, m.start(), m.end())}” is not italic; "
                          f"write “*{symbol}*”", suggestion=f"*{symbol}*")
