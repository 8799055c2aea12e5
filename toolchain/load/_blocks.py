"""Which lines of a Markdown body form one top-level block, as Pandoc's Markdown reader decides.

Pandoc gives no source positions for Pandoc Markdown, so the loader finds the blocks itself and
follows the reader's rules: a heading needs a blank line before it (``blank_before_header``), a
paragraph ends only at a blank line, a backtick fence or a closing div fence, a fence or a
comment that is never closed is text, a list runs on over blank lines while its items and their
indented continuations follow, a footnote keeps its indented paragraphs. Every look-ahead is
answered from tables built in one pass, so the split is linear in the number of lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*(?:\{[^\n]*\}|\S+)?[ \t]*$")
FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*$")
ATX = re.compile(r"#{1,6}(?:[ \t]|$)")
SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
BULLET = re.compile(r" {0,3}[-*+](?=[ \t]|$)")
ORDERED = re.compile(r" {0,3}(\(?)(\d{1,9}|#|@[\w-]*|[a-z]|[A-Z]|[ivxlcdm]+|[IVXLCDM]+)([.)])(?=[ \t]|$)")
FOOTNOTE = re.compile(r" {0,3}\[\^[^\]\s]+\]:")
REFERENCE = re.compile(r" {0,3}\[(?![\^@])[^\]\n]+\]:(?:[ \t]|$)")
DIV_OPEN = re.compile(r" {0,3}:{3,}[ \t]*(?:\{[^\n]*\}|[^\s{:]\S*)[ \t]*:*[ \t]*$")
DIV_CLOSE = re.compile(r" {0,3}:{3,}[ \t]*$")
HTML_DIV_OPEN = re.compile(r" {0,3}<div(?:[ \t][^<>\n]*)?>[ \t]*$", re.IGNORECASE)
HTML_DIV_CLOSE = re.compile(r" {0,3}</div>[ \t]*$", re.IGNORECASE)
COMMENT_OPEN = re.compile(r" {0,3}<!--")
TABLE_DASHES = re.compile(r"[ \t]*-{3,}(?:[ \t]+-{3,})*[ \t]*$")
PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
LAYOUT_RULE = re.compile(r"[ \t]*(?:-{3,}(?:[ \t]+-{3,})+|\+(?:[-=:]+\+)+)[ \t]*$")
CAPTION = re.compile(r" {0,3}(?:[Tt]able)?:[ \t]")
DEFINITION = re.compile(r" {0,3}[:~](?:[ \t]|$)")
INDENTED = re.compile(r" {0,3}\t| {4}")


@dataclass(slots=True)
class Piece:
    """Lines ``first`` to ``last`` (inclusive) of one block; ``kind`` '' leaves the kind to the text."""

    first: int
    last: int
    kind: str


def width(line: str) -> int:
    """The indentation of a line in columns (a tab to the next multiple of 4)."""
    column = 0
    for char in line:
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            break
    return column


def marker(line: str) -> tuple[str, int] | None:
    """(list style, content column) of a list item's first line, None for any other line."""
    if RULE.match(line):
        return None
    bullet = BULLET.match(line)
    if bullet:
        style, end = "bullet", bullet.end()
    else:
        ordered = ORDERED.match(line)
        if not ordered:
            return None
        paren, number, delimiter = ordered.groups()
        if paren and delimiter != ")":
            return None
        if number[0] == "@":
            kind = "example"
        elif number.isdigit() or number == "#":
            kind = "decimal"
        else:
            kind = "upper" if number.isupper() else "lower"
        if kind == "upper" and delimiter == "." and len(number) == 1 and not line.startswith("  ", ordered.end()):
            return None  # “B. Smith”: a capital letter and a period need two spaces to start a list
        style, end = f"{kind}{paren}{delimiter}", ordered.end()
    spaces = width(line[end:]) if line[end:].strip() else 0
    return style, width(line[:end]) + (spaces if 1 <= spaces <= 4 else 1)


class Scanner:
    """The top-level blocks of a body's lines (see the module's docstring)."""

    def __init__(self, lines: list[str]) -> None:
        """Index the lines once: blank lines, fence closers, div closers, table ends, comment ends."""
        self.lines = lines
        n = len(lines)
        self.blank = [not line.strip(" \t") for line in lines]
        self.closers: dict[str, tuple[list[int], list[int]]] = {"`": ([], []), "~": ([], [])}
        self.failed = {"`": 1 << 30, "~": 1 << 30}  # the shortest opener known to have no closer after the last search
        for i, line in enumerate(lines):
            close = FENCE_CLOSE.match(line)
            if close:
                run = close.group(1)
                self.closers[run[0]][0].append(i)
                self.closers[run[0]][1].append(len(run))
        # table_end[i]: first line >= i of dashes followed by a blank line (or the end); double[i]: first two blank lines from i
        self.table_end = [n] * (n + 1)
        self.double = [n] * (n + 1)
        self.arrow = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            ends_table = TABLE_DASHES.match(lines[i]) and (i + 1 == n or self.blank[i + 1])
            self.table_end[i] = i if ends_table else self.table_end[i + 1]
            self.double[i] = i if self.blank[i] and i + 1 < n and self.blank[i + 1] else self.double[i + 1]
            self.arrow[i] = i if "-->" in lines[i] else self.arrow[i + 1]
        self.div_depth = self.html_depth = 0

    def fence_end(self, i: int) -> int:
        """The closing line of a fenced code block opened at line ``i``, -1 when ``i`` opens none."""
        opening = FENCE_OPEN.match(self.lines[i])
        if not opening:
            return -1
        run = opening.group(1)
        char, size = run[0], len(run)
        if size >= self.failed[char]:
            return -1
        positions, sizes = self.closers[char]
        for k in range(bisect_right(positions, i), len(positions)):
            if sizes[k] >= size:
                return positions[k]
        self.failed[char] = size
        return -1

    def ends_paragraph(self, i: int) -> bool:
        """Whether line ``i`` ends the paragraph above it without a blank line."""
        line = self.lines[i]
        return (line.lstrip(" ").startswith("`") and self.fence_end(i) >= 0) \
            or bool(self.div_depth and DIV_CLOSE.match(line)) or bool(self.html_depth and HTML_DIV_CLOSE.match(line))

    def run(self) -> list[Piece]:
        """Split the lines into pieces, then join captions and definition lists to their blocks."""
        pieces: list[Piece] = []
        i, n = 0, len(self.lines)
        while i < n:
            if self.blank[i]:
                i += 1
                continue
            piece = self.block_at(i)
            pieces.append(piece)
            i = piece.last + 1
        return join(pieces, self.lines)

    def block_at(self, i: int) -> Piece:  # one test per kind of block, in Pandoc's order
        """The block that starts at line ``i``."""
        line, lines = self.lines[i], self.lines
        end = self.fence_end(i)
        if end >= 0:
            return Piece(i, end, "code")
        if DIV_OPEN.match(line):  # an unclosed div ends with the text
            self.div_depth += 1
            return Piece(i, i, "div")
        if self.div_depth and DIV_CLOSE.match(line):
            self.div_depth -= 1
            return Piece(i, i, "div")
        if HTML_DIV_OPEN.match(line):
            self.html_depth += 1
            return Piece(i, i, "div")
        if self.html_depth and HTML_DIV_CLOSE.match(line):
            self.html_depth -= 1
            return Piece(i, i, "div")
        item = marker(line)
        if item and BULLET.match(line):
            return Piece(i, self.list_end(i, *item), "list")
        if ATX.match(line):
            return Piece(i, i, "heading")
        if i + 1 < len(lines) and SETEXT.match(lines[i + 1]) and not (item or RULE.match(line) or FENCE_OPEN.match(line) or "|" in line[:4]):
            return Piece(i, i + 1, "setext")
        if COMMENT_OPEN.match(line):
            start = line.index("<!--") + 4
            end = i if "-->" in line[start:] else self.arrow[i + 1] if i + 1 < len(lines) else len(lines)
            if end < len(lines):
                return Piece(i, end, "")
        if TABLE_DASHES.match(line) and i + 1 < len(lines) and not self.blank[i + 1] and self.table_end[i + 1] < self.double[i]:
            return Piece(i, self.table_end[i + 1], "table")
        if INDENTED.match(line):
            return Piece(i, self.indented_end(i, 4), "code")
        if RULE.match(line):
            return Piece(i, i, "rule")
        if item:
            return Piece(i, self.list_end(i, *item), "list")
        if FOOTNOTE.match(line):
            return Piece(i, self.indented_end(i, 4, lazy=True), "")
        if REFERENCE.match(line):
            return Piece(i, i, "reference")
        return Piece(i, self.paragraph_end(i), "")

    def paragraph_end(self, i: int) -> int:
        """The last line of a paragraph that starts at line ``i``; a comment opened in it runs on over blank lines."""
        last, n = i, len(self.lines)
        while True:
            line = self.lines[last]
            opened = line.rfind("<!--")
            if opened >= 0 and line.find("-->", opened + 4) < 0 and last + 1 < n and self.arrow[last + 1] < n:
                last = self.arrow[last + 1]
                continue
            if last + 1 == n or self.blank[last + 1] or self.ends_paragraph(last + 1):
                return last
            last += 1

    def indented_end(self, i: int, column: int, lazy: bool = False) -> int:
        """The last line of a block that goes on over blank lines with lines indented to ``column`` (``lazy``: and any line right after)."""
        last, k, n = i, i + 1, len(self.lines)
        while k < n:
            if not self.blank[k]:
                if not (lazy or width(self.lines[k]) >= column) or FOOTNOTE.match(self.lines[k]):
                    break
                last, k = k, k + 1
                continue
            while k < n and self.blank[k]:
                k += 1
            if k == n or width(self.lines[k]) < column:
                break
            last, k = k, k + 1
        return last

    def list_end(self, i: int, style: str, column: int) -> int:
        """The last line of a list that starts at line ``i`` (its items, their continuations, lazy lines)."""
        last, k, n = i, i + 1, len(self.lines)
        while k < n:
            if self.blank[k]:
                while k < n and self.blank[k]:
                    k += 1
                if k == n:
                    break
                line = self.lines[k]
                if width(line) < column:
                    item = marker(line)
                    if not item or item[0] != style:
                        break
                    column = item[1]
                last, k = k, k + 1
                continue
            line = self.lines[k]
            if width(line) < column:
                item = marker(line)
                if item and item[0] != style:
                    break
                if item:
                    column = item[1]
                elif self.ends_paragraph(k):
                    break
            last, k = k, k + 1
        return last


def is_table(lines: list[str]) -> bool:
    """Whether a paragraph-like run of lines is a pipe, simple, multiline or grid table."""
    return (len(lines) > 1 and PIPE_RULE.match(lines[1]) is not None and "|" in lines[0]) or any(LAYOUT_RULE.match(line) for line in lines)


def is_term(piece: Piece) -> bool:
    """Whether a piece can take a definition (``:   …`` after a blank line): a definition list or a one-line paragraph."""
    return piece.kind == "definitions" or (piece.kind == "" and piece.first == piece.last)


def join(pieces: list[Piece], lines: list[str]) -> list[Piece]:
    """Mark a table's caption (a ``: …`` paragraph next to it) and join a definition list's terms and definitions."""
    for piece in pieces:
        if piece.kind == "" and is_table(lines[piece.first:piece.last + 1]):
            piece.kind = "table"
    joined: list[Piece] = []
    for n, piece in enumerate(pieces):
        first = lines[piece.first]
        previous = joined[-1] if joined else None
        following = pieces[n + 1] if n + 1 < len(pieces) else None
        if piece.kind == "" and CAPTION.match(first) and ((previous and previous.kind == "table") or (following and following.kind == "table")):
            piece.kind = "caption"
        elif piece.kind == "" and DEFINITION.match(first) and previous and is_term(previous):
            previous.last, previous.kind = piece.last, "definitions"
            if len(joined) > 1 and joined[-2].kind == "definitions":
                joined[-2].last = joined.pop().last
            continue
        elif piece.kind == "code" and previous and previous.kind == "definitions" and INDENTED.match(first):
            previous.last = piece.last
            continue
        elif piece.kind == "" and piece.last > piece.first and DEFINITION.match(lines[piece.first + 1]):
            piece.kind = "definitions"
        joined.append(piece)
    return joined


def split_lines(lines: list[str]) -> list[Piece]:
    """The top-level blocks of a body given as its lines."""
    return Scanner(lines).run()
