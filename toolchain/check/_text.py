"""Shared text helpers for the language rules: CJK classes and masking of non-prose spans.

Masking replaces citations, comments, code, math, URLs, DOIs, link targets and attributes
by spaces of the same length, so that offsets (and so line:column) stay valid while no
text rule fires inside them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from toolchain.load.markdown import Block, Document
from toolchain.load.source import Span

CJK_CHAR = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_CHAR}]")

NON_PROSE = [
    re.compile(r"!(?=\[[^\]]*\]\()"),                     # the ! of an image ![caption](path)
    re.compile(r"<!--.*?-->", re.S),                     # HTML comments (suppressions live here)
    re.compile(r"```.*?```", re.S),                      # fenced code inside a block
    re.compile(r"`[^`\n]+`"),                            # inline code
    re.compile(r"\$\$.*?\$\$", re.S),                    # display math
    re.compile(r"(?<![\\\w])\$[^$\n]+\$(?!\w)"),         # inline math
    re.compile(r"\[[^\[\]]*@[\w][^\[\]]*\]"),            # citation groups [@a; @b, p. 3]
    re.compile(r"(?<![\w@])@[\w][\w:.#$%&+?<>~/-]*"),    # in-text citations @key
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),      # link targets ](url "title")
    re.compile(r"<https?://[^>]+>"),                     # autolinks
    # bare URLs and DOIs; in Chinese text nothing but CJK separates them from the next word,
    # and Python's \b sees no boundary between 与 and https, hence the explicit classes
    re.compile(r"(?<![A-Za-z0-9])https?://[^\s<>（）\]\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+"),
    re.compile(r"(?<![A-Za-z0-9])(?:doi:\s*)?10\.\d{4,9}/[^\s<>\]\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+", re.I),
    re.compile(r"\{[#.][^{}]*\}|\{=[a-z]+\}"),            # attributes {#id .class}, raw format tags
    re.compile(r"<[a-zA-Z/][^<>\n]*>"),                  # raw HTML tags
    re.compile(r"\[\^[^\]\s]+\](?::)?"),                  # footnote marks [^1] and definitions [^1]:
    re.compile(r"^[ \t]*(?:Table)?:(?=[ \t])", re.M),     # a table caption line (: 主要结果 / Table: …), maybe indented
    re.compile(r"\{[^{}]*\bwidth=[^{}]*\}"),               # image attributes {width=60%}
]


def mask_non_prose(text: str) -> str:
    """Blank out every non-prose span, keeping length and newlines."""
    return _mask(text)


@cache
def _mask(text: str) -> str:
    for pattern in NON_PROSE:
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return text


@lru_cache(maxsize=256)
def non_prose_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) offsets of the spans mask_non_prose blanks out, in order."""
    ranges: list[tuple[int, int]] = []
    for pattern in NON_PROSE:
        ranges.extend(m.span() for m in pattern.finditer(text))
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return tuple(sorted(ranges))


def footnote_label(block: Block) -> str:
    """The label of a footnote definition block (``[^1]: …`` → ``1``), '' for any other block."""
    return block.footnote_label


def section_units(document: Document, section: int) -> tuple[Block, ...]:
    """A section's paragraph-like blocks, footnote definitions left out (see Document.units)."""
    return document.units(section)


def footnotes(document: Document) -> dict[str, Block]:
    """Footnote definitions by label (the first, if a label is defined twice)."""
    found: dict[str, Block] = {}
    for block in document.blocks:
        label = footnote_label(block)
        if label:
            found.setdefault(label, block)
    return found


def aligned_units(zh: Document, en: Document) -> Iterator[tuple[str, Span, Span]]:
    """Pairs of aligned units: title, abstract paragraphs, keywords, headings, body paragraphs.

    Yields (kind, zh span, en span); the kind is title | abstract | keyword | heading | paragraph |
    footnote (definitions pair by label, wherever they stand).
    """
    if zh.title and en.title:
        yield "title", zh.title, en.title
    for a, b in zip(zh.abstract, en.abstract):
        yield "abstract", a, b
    if len(zh.keywords) == len(en.keywords):
        for a, b in zip(zh.keywords, en.keywords):
            yield "keyword", a, b
    if en.body_is_empty:
        return
    for a, b in zip(zh.headings, en.headings):
        yield "heading", a.span, b.span
    for section in range(min(len(zh.headings), len(en.headings)) + 1):
        for a, b in zip(section_units(zh, section), section_units(en, section)):
            yield "paragraph", a.span, b.span
    en_notes = footnotes(en)
    for label, note in footnotes(zh).items():
        if label in en_notes:
            yield "footnote", note.span, en_notes[label].span
