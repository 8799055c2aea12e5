"""File hygiene: byte-order marks, CRLF line endings, stray control characters."""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import rule
from toolchain.load import Project
from toolchain.load.source import Location

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")


@rule("SRC001", "byte-order-mark", Severity.WARNING)
def byte_order_mark(project: Project) -> Iterator[Finding]:
    """A source file starts with a UTF-8 byte-order mark.

    Why: tolerated, but some tools print it as a stray character.
    """
    for source in project.sources:
        if source.had_bom:
            yield Finding(Location(source.path, 1, 1), "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")


@rule("SRC002", "crlf-line-endings", Severity.WARNING)
def crlf_line_endings(project: Project) -> Iterator[Finding]:
    """A source file uses CRLF (Windows) line endings.

    Why: tolerated, but diffs and some tools treat the carriage returns as text.
    """
    for source in project.sources:
        if source.had_crlf:
            yield Finding(Location(source.path, 1, 1), "file uses CRLF line endings; save it with LF endings")


@rule("SRC003", "control-character")
def control_character(project: Project) -> Iterator[Finding]:
    """A source file contains an invisible control or zero-width character.

    Why: invisible characters break searching, line breaking and identifiers.
    """
    for source in project.sources:
        for match in CONTROL.finditer(source.text):
            line, column = source.position(match.start())
            yield Finding(Location(source.path, line, column), f"invisible character U+{ord(match.group()):04X}")


# A number typed at the start of a heading: 1 / 1.2 / 1.2. / 一、 / （一） / I. (one or two digits per level:
# “2019年进展” or “5-氟尿嘧啶” are words, not numbers).
TYPED_NUMBER = re.compile(r"(?:#{1,6}[ \t]+)?((?:\d{1,2}(?:\.\d{1,2})*\.?(?![\d.])|[IVX]{1,4}\.)[ \t\u3000]+"
                          r"|(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)])[ \t\u3000]*)(?=\S)")


@rule("SRC004", "hand-numbered-heading")
def hand_numbered_heading(project: Project) -> Iterator[Finding]:
    """A heading starts with a hand-typed number, which the renderers add themselves.

    Why: the format contract writes headings without numbers; the outputs number them (1, 1.1 …), so a
    typed “1.1 ” prints twice and goes stale when a section moves. An ``{.unnumbered}`` heading is left alone.
    Example: ``## 1.1 索拉非尼联合强化疗`` → ``## 索拉非尼联合强化疗``.
    """
    for document in project.documents:
        for block in document.headings:
            text = block.span.text
            match = TYPED_NUMBER.match(text)
            if not match or re.search(r"\{[^{}]*(?:\.unnumbered|(?<![\w-])-(?![\w-]))[^{}]*\}", text):
                continue
            number = match.group(1).strip()
            yield Finding(block.span.location(match.start(1), match.end(1)),
                          f"heading “{block.title[:30]}” starts with the typed number “{number}”; the outputs number headings, "
                          f"write “{block.title[len(match.group(1)):][:30] if block.title.startswith(number) else block.title}”")
