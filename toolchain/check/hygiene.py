"""File hygiene: byte-order marks, CRLF line endings, stray control characters."""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import RuleContext, rule
from toolchain.load.source import Location

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")


@rule("SRC001", "byte-order-mark", Severity.WARNING)
def byte_order_mark(ctx: RuleContext) -> Iterator[Finding]:
    """A source file starts with a UTF-8 byte-order mark.

    Why: tolerated, but some tools print it as a stray character.
    """
    project = ctx.project
    for source in project.sources:
        if source.had_bom:
            yield Finding(Location(source.path, 1, 1), "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")


@rule("SRC002", "crlf-line-endings", Severity.WARNING)
def crlf_line_endings(ctx: RuleContext) -> Iterator[Finding]:
    """A source file uses CRLF (Windows) line endings.

    Why: tolerated, but diffs and some tools treat the carriage returns as text.
    """
    project = ctx.project
    for source in project.sources:
        if source.had_crlf:
            yield Finding(Location(source.path, 1, 1), "file uses CRLF line endings; save it with LF endings")


@rule("SRC003", "control-character")
def control_character(ctx: RuleContext) -> Iterator[Finding]:
    """A source file contains an invisible control or zero-width character.

    Why: invisible characters break searching, line breaking and identifiers.
    """
    project = ctx.project
    for source in project.sources:
        for match in CONTROL.finditer(source.text):
            line, column = source.position(match.start())
            yield Finding(Location(source.path, line, column), f"invisible character U+{ord(match.group()):04X}")
