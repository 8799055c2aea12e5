"""Shared text helpers for the language rules: CJK classes and masking of non-prose spans.

Masking replaces citations, comments, code, math, URLs, DOIs, link targets and attributes
by spaces of the same length, so that offsets (and so line:column) stay valid while no
text rule fires inside them.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from toolchain.cjk import CJK as CJK  # re-exported: the family modules import it from here
from toolchain.cjk import HAN, WIDE
from toolchain.load.markdown import Block, Document

CJK_CHAR = HAN
# Ids ({#sec-x}, {#tbl-x}) and their uses (@tbl-x, also right after a Chinese character: 见@tbl-x).
IDENTIFIER = re.compile(r"\{#([^\s{}]+)")
CROSS_REFERENCE_USE = re.compile(r"(?<![A-Za-z0-9_])-?@((?:tbl|fig|sec|eq)[-:][A-Za-z0-9_:.\-]*[A-Za-z0-9_])")

NON_PROSE = [
    re.compile(r"!(?=\[[^\]]*\]\()"),                     # the ! of an image ![caption](path)
    re.compile(r"<!--.*?-->", re.S),                     # HTML comments (suppressions live here)
    re.compile(r"```.*?```", re.S),                      # fenced code inside a block
    re.compile(r"`[^`\n]+`"),                            # inline code
    re.compile(r"\$\$.*?\$\$", re.S),                    # display math
    re.compile(r"\$(?<![\\\w]\$)[^$\n]+\$(?!\w)"),       # inline math (no \ or word before the $)
    re.compile(r"\[[^\[\]]*@[\w][^\[\]]*\]"),            # citation groups [@a; @b, p. 3]
    re.compile(r"@(?<![\w@]@)[\w][\w:.#$%&+?<>~/-]*"),    # in-text citations @key
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),      # link targets ](url "title")
    re.compile(r"<https?://[^>]+>"),                     # autolinks
    # bare URLs and DOIs; in Chinese text nothing but CJK separates them from the next word,
    # and Python's \b sees no boundary between 与 and https, hence the explicit classes. (Each
    # pattern begins with a character, the test of what stands before it after: the regular
    # expression engine then jumps from one such character to the next instead of trying
    # every position of a long paragraph.)
    re.compile(f"h(?<![A-Za-z0-9]h)ttps?://[^\\s<>（）\\]{WIDE}{HAN}]+"),
    re.compile(f"(?:d(?<![A-Za-z0-9]d)oi:\\s*1|1(?<![A-Za-z0-9]1))0\\.\\d{{4,9}}/[^\\s<>\\]{WIDE}{HAN}]+", re.I),
    re.compile(r"\{[#.][^{}]*\}|\{=[a-z]+\}"),            # attributes {#id .class}, raw format tags
    re.compile(r"<[a-zA-Z/][^<>\n]*>"),                  # raw HTML tags
    re.compile(r"\[\^[^\]\s]+\](?::)?"),                  # footnote marks [^1] and definitions [^1]:
    re.compile(r"^[ \t]*(?:Table)?:(?=[ \t])", re.M),     # a table caption line (: 主要结果 / Table: …), maybe indented
    re.compile(r"\{[^{}]*\bwidth=[^{}]*\}"),               # image attributes {width=60%}
]


# A number typed at the start of a heading: 1 / 1.2 / 1.2. / I. / 一、 / （一） (one or two digits a level:
# “2019年进展” and “5-氟尿嘧啶” are words, not numbers).
HEADING_NUMBER = re.compile(r"(?:#{1,6}[ \t]+)?((?:\d{1,2}(?:\.\d{1,2})*\.?(?![\d.])|[IVX]{1,4}\.)[ \t\u3000]+"
                            r"|(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)])[ \t\u3000]*)(?=\S)")
UNNUMBERED = re.compile(r"\{[^{}]*(?:\.unnumbered|(?<![\w-])-(?![\w-]))[^{}]*\}")


TYPED_CAPTION = re.compile(r"(?:表|图|Table|Fig(?:ure)?\.?)\s*\d+(?P<mark>\s*[.:：．、]\s*|\s+)(?P<text>\S[^\n]{0,120})")
CAPTION_SENTENCE_END = re.compile(r"[。！？.!?]$")


def typed_caption_match(text: str) -> re.Match[str] | None:
    """A paragraph that is a typed caption (“表1 患者基线特征”, “Figure 2. Survival”), matched on its stripped text; else None.

    A sentence that merely starts with a number (“图1 显示……。”) is no caption.
    """
    if len(text) > 200:
        return None
    caption = TYPED_CAPTION.fullmatch(text.strip())
    if caption is None or (not caption["mark"].strip() and CAPTION_SENTENCE_END.search(caption["text"])):
        return None
    return caption


LATIN_LETTER = re.compile(r"[A-Za-z]+")
LANGUAGE_SAMPLE = 20_000  # characters read to tell a unit's language (a pasted text is one language throughout)


@lru_cache(maxsize=4096)
def written_in_other_language(text: str, lang: str) -> bool:
    """Whether a unit of en.md is Chinese prose, or one of zh.md English prose: a paragraph left untranslated.

    Chinese: 20 or more Chinese characters, at least half as many as Latin letters (a term or
    a name in parentheses does not make English prose Chinese). English: no Chinese character
    and 20 or more words.
    """
    sample = mask_non_prose(text[:LANGUAGE_SAMPLE])
    han = len(CJK.findall(sample))
    if lang == "en":
        return han >= 20 and 2 * han >= sum(len(w) for w in LATIN_LETTER.findall(sample))
    return han == 0 and len(LATIN_LETTER.findall(sample)) >= 20


def typed_heading_number(text: str) -> tuple[int, int] | None:
    """The (start, end) of a number typed at the start of a heading's text, with its spaces; None if none or unnumbered."""
    match = HEADING_NUMBER.match(text)
    return match.span(1) if match and not UNNUMBERED.search(text) else None


def mask_non_prose(text: str) -> str:
    """Blank out every non-prose span, keeping length and newlines."""
    return _mask(text)


NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(match: re.Match[str]) -> str:
    """A match's text as spaces, its newlines kept."""
    found = match.group()
    return NOT_NEWLINE.sub(" ", found) if "\n" in found else " " * len(found)


@cache
def _mask(text: str) -> str:
    return _masked(text)[0]


@lru_cache(maxsize=256)
def _masked(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The masked text and the (start, end) offsets of the spans blanked out, in order (one pass of the patterns)."""
    ranges: list[tuple[int, int]] = []
    for pattern in NON_PROSE:
        pieces, last = [], 0
        for match in pattern.finditer(text):
            start, end = match.span()
            ranges.append((start, end))
            pieces += [text[last:start], _blank(match)]
            last = end
        if pieces:  # the next pattern reads the text this one blanked
            text = "".join(pieces) + text[last:]
    return text, tuple(sorted(ranges))


def non_prose_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) offsets of the spans mask_non_prose blanks out, in order."""
    return _masked(text)[1]


def footnote_label(block: Block) -> str:
    """The label of a footnote definition block (``[^1]: …`` → ``1``), '' for any other block."""
    return block.footnote_label


def footnotes(document: Document) -> dict[str, Block]:
    """Footnote definitions by label (the first, if a label is defined twice)."""
    found: dict[str, Block] = {}
    for block in document.blocks:
        label = footnote_label(block)
        if label:
            found.setdefault(label, block)
    return found
