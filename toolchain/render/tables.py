"""Column widths of a Pandoc table estimated from its text, for outputs that must fix them.

Pandoc's widths come from the source drawing (a pipe table gets relative widths as soon as
one line passes 72 characters, a grid table those of its ASCII art), not from the content:
set on a page they squeeze short cells into one character a line. These estimates size a
column to its longest line, and never below its longest word while the table can fit.
"""

from __future__ import annotations

import re

from toolchain.cjk import BREAKS_AFTER, EM_WIDE
from toolchain.render.ast import text_of

# Characters set one em wide (CJK ideographs, kana, hangul, full-width forms); the rest count half.
WIDE_CHAR = re.compile(f"[{EM_WIDE}]")
BREAK = re.compile(f"\\s+|(?<=[{BREAKS_AFTER}])")  # a line may break at a space or after any CJK character
# Widths in em of Latin characters in a Times-like serif, generously rounded up (Word and LibreOffice
# may substitute a wider font): capitals and wide symbols, narrow marks, everything else.
WIDE_LATIN = frozenset("ABCDEFGHKMNOQRUVWXYmw%@&")
NARROW_LATIN = frozenset(" .,:;!|'ijlIft()[]/")


def char_width(char: str) -> float:
    """Width of one character in em."""
    if WIDE_CHAR.match(char):
        return 1.0
    if char in WIDE_LATIN:
        return 0.75
    if char in NARROW_LATIN:
        return 0.32
    return 0.55


def text_width(text: str, size: float) -> float:
    """Rough width of ``text`` in points at ``size``."""
    return size * sum(char_width(char) for char in text)


def rows(table: dict) -> list[list]:
    """Every row of a Pandoc Table (head, bodies, foot) as its list of cells."""
    _, _, _, head, bodies, foot = table["c"]
    found = list(head[1]) + [row for body in bodies for row in body[2] + body[3]] + list(foot[1])
    return [row[1] for row in found]


def cell_lines(cell: list) -> list[str]:
    """The text lines of a cell: one per block (a grid-table cell may hold several paragraphs)."""
    return [text_of(block) for block in cell[4]] or [""]


def measure(table: dict, size: float, padding: float) -> tuple[list[float], list[float]]:
    """Per column: the width of its longest line and of its longest word, padding included."""
    count = len(table["c"][2])
    longest = [padding] * count
    narrowest = [padding] * count
    for row in rows(table):
        column = 0
        for cell in row:
            span = max(1, cell[3])
            if column >= count:
                break
            if span == 1:
                lines = cell_lines(cell)
                longest[column] = max([longest[column], *(text_width(line, size) + padding for line in lines)])
                words = [w for line in lines for w in BREAK.split(line)]
                narrowest[column] = max([narrowest[column], *(text_width(w, size) + padding for w in words)])
            column += span
    return longest, narrowest


def fitted_widths(table: dict, width: float, size: float, padding: float) -> list[float]:
    """Column widths in points for a measure of ``width``: natural when they fit, else shrunk fairly.

    Every column first gets its longest word; the room left is shared in proportion to what each
    column still wants. When even the longest words do not fit, the columns are scaled to ``width``.
    """
    longest, narrowest = measure(table, size, padding)
    if sum(longest) <= width:
        return longest
    floor = sum(narrowest)
    if floor >= width:
        return [w * width / floor for w in narrowest]
    wants = [max(0.0, full - least) for full, least in zip(longest, narrowest, strict=True)]
    room = width - floor
    total = sum(wants) or 1.0
    return [least + room * want / total for least, want in zip(narrowest, wants, strict=True)]
