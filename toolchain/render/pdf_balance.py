"""Last-page column balancing: the two columns of the PDF's last page end level.

Typst 0.15 fills the last page's left column first and leaves the right one short. After a first
compilation the last page's text is read back (pypdf); when its columns differ by more than a few
lines, an empty float is placed at the foot of the left column, as high as the left column must
give up, and the document is compiled again: the text after it flows on into the right column
line by line (paragraphs, headings and reference entries alike). The float is anchored at the
highest heading or reference entry of that left column (a heading found through the PDF outline,
an entry through its printed label); a last page without either is left as it is, and so is a
one-page PDF (its columns start below the front matter).
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

TOP_MARGIN = 62.36  # pt: 2.2 cm, article.typ's page margin (the running head stands above it)
BOTTOM_MARGIN = 53.86  # pt: 1.9 cm (the page number of the first page stands below it)
LABEL_EDGE = 2.0  # pt: a reference label starts at its column's left edge
UNEVEN = 24.0  # pt: columns ending further apart than about two lines are balanced
LIST = re.compile(r'#refenum\(("(?:[^"\\]|\\.)*"),')  # the reference list (pdf.py), its numbering pattern
ITEM = re.compile(r"enum\.item\((\d+)\)\[")
HEADING = re.compile(r"^(?:=+ |#heading\()", re.MULTILINE)  # Pandoc's typst writer: one heading per line


@dataclass(frozen=True, slots=True)
class Column:
    """The text baselines of one column of a page (PDF coordinates, y upwards) and its reference labels."""

    left: float
    baselines: tuple[float, ...]
    labels: tuple[tuple[str, float], ...]  # (label text, baseline)

    @property
    def height(self) -> float:
        """From the first baseline to the last (0 for an empty column)."""
        return self.baselines[0] - self.baselines[-1] if self.baselines else 0.0


@dataclass(frozen=True, slots=True)
class LastPage:
    """The last page's two columns, its text area and the headings that start on it."""

    columns: tuple[Column, Column]
    top: float  # y of the text area's top edge
    bottom: float  # y of its bottom edge
    middle: float  # x between the columns
    headings: tuple[tuple[int, float, float], ...]  # (heading's index in document order, x, y of its top)
    pages: int  # the PDF's page count


def last_page(pdf: bytes) -> LastPage | None:
    """The last page of ``pdf`` as text positions (None for a one-page PDF)."""
    from pypdf import PdfReader  # a PDF build only

    reader = PdfReader(io.BytesIO(pdf))
    if len(reader.pages) < 2:
        return None
    page = reader.pages[-1]
    width, top, bottom = float(page.mediabox.width), float(page.mediabox.top) - TOP_MARGIN, float(page.mediabox.bottom) + BOTTOM_MARGIN
    chunks: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if bottom < y < top:
                chunks.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    columns = []
    for side in (0, 1):
        inside = [c for c in chunks if (c[0] >= width / 2) == bool(side)]
        left = min((x for x, _, _ in inside), default=0.0)
        baselines = tuple(sorted({round(y, 1) for _, y, _ in inside}, reverse=True))
        labels = tuple((text, y) for x, y, text in inside if abs(x - left) < LABEL_EDGE)
        columns.append(Column(left, baselines, labels))
    return LastPage((columns[0], columns[1]), top, bottom, width / 2, tuple(outline_on_page(reader, len(reader.pages) - 1)),
                    len(reader.pages))


def outline_on_page(reader: object, index: int) -> list[tuple[int, float, float]]:
    """(document-order index, x, y) of each outline entry (heading) that points at page ``index``."""
    found, stack, number = [], [iter(reader.outline)], 0
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, list):
            stack.append(iter(item))
        else:
            if reader.get_destination_page_number(item) == index and item.get("/Left") is not None and item.get("/Top") is not None:
                found.append((number, float(item["/Left"]), float(item["/Top"])))
            number += 1
    return found


def unevenness(columns: tuple[Column, Column]) -> float:
    """How much longer the left column is than the right one."""
    return columns[0].height - columns[1].height


def line_pitch(column: Column) -> float:
    """The usual distance between two baselines of a column (its median; superscripts make shorter ones)."""
    steps = [a - b for a, b in zip(column.baselines, column.baselines[1:], strict=False) if a - b > 1.0]
    return statistics.median(steps) if steps else 12.0


def float_height(page: LastPage, entries: Collection[str]) -> float | None:
    """Height of the float at the left column's foot that evens the page (None: the page is even, or cannot be evened)."""
    left, right = page.columns
    if not left.baselines or unevenness(page.columns) < UNEVEN:
        return None
    line = line_pitch(left)
    used_left = page.top - left.baselines[-1] + line / 3  # from the top of the text area, with the last line's descent
    used_right = page.top - right.baselines[-1] + line / 3 if right.baselines else 0.0
    keep = (used_left + used_right) / 2 + line / 2  # the left column may end a line lower, never higher
    starts = [y for label, y in left.labels if label in entries and y < left.baselines[0]]
    if starts and page.top - keep < max(starts):  # the cut falls in the reference list, whose entries typst keeps whole
        right_lines = right.height + line if right.baselines else 0.0

        def evenness(start: float) -> tuple[int, bool]:
            """How far apart the columns end, in half lines, when the entry at ``start`` opens the right column."""
            kept = left.baselines[0] - min(b for b in left.baselines if b > start + 1.0)
            moved = start - left.baselines[-1] + right_lines
            return round(abs(kept - moved) / (line / 2)), kept < moved  # even ties: the left column the longer

        keep = page.top - min(starts, key=evenness) - line / 2  # the entry's first line no longer fits
    return (page.top - page.bottom) - keep if keep < used_left else None


def anchors(source: str, page: LastPage) -> list[tuple[float, int]]:
    """(y, source offset) of each heading and reference entry that starts in the last page's left column."""
    found: list[tuple[float, int]] = []
    headings = [match.start() for match in HEADING.finditer(source)]
    in_outline = max((number for number, _, _ in page.headings), default=-1)
    if in_outline < len(headings):  # the outline lists the source's headings in order (else they cannot be matched)
        found += [(y, headings[number]) for number, x, y in page.headings if x < page.middle]
    _, entries = entry_labels(source)
    found += [(y, entries[label]) for label, y in page.columns[0].labels if label in entries]
    return sorted(found, reverse=True)


def entry_labels(source: str) -> tuple[str, dict[str, int]]:
    """The reference list's numbering pattern and, per printed label (``[12]``), the offset of its item in the typst source."""
    found = LIST.search(source)
    if found is None:
        return "", {}
    pattern = found.group(1)
    printed = pattern[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return pattern, {printed.replace("1", match.group(1), 1): match.start() for match in ITEM.finditer(source, found.end())}


def balanced_source(source: str, page: LastPage | None) -> str | None:
    """The typst source with the float that balances its PDF's last ``page`` (None: nothing to do).

    Before a heading the float stands on its own line; before a reference entry the list is closed
    and opened again around it (its items keep their numbers).
    """
    pattern, entries = entry_labels(source)
    height = float_height(page, entries) if page else None
    places = anchors(source, page) if height else []
    places = [(y, at) for y, at in places if y - page.bottom > height]  # the float fits below the anchor
    if not places:
        return None
    at = places[0][1]
    space = f"#place(bottom, float: true, clearance: 0pt, block(height: {height:.1f}pt))\n"
    if at in entries.values():
        return f"{source[:at]})\n{space}#refenum({pattern},\n{source[at:]}"
    return f"{source[:at]}{space}{source[at:]}"


def balance(main: Path, pdf: bytes, compile_again: Callable[[], bytes]) -> bytes:
    """``pdf``, or the PDF of ``main`` compiled again with the float that balances its last page when that evens it.

    The second compilation is kept only when it has as many pages and its last page is more even.
    """
    source, before = main.read_text(encoding="utf-8"), last_page(pdf)
    balanced = balanced_source(source, before)
    if balanced is None:
        return pdf
    main.write_text(balanced, encoding="utf-8")
    second = compile_again()
    after = last_page(second)
    if after is None or after.pages != before.pages or abs(unevenness(after.columns)) >= abs(unevenness(before.columns)):
        main.write_text(source, encoding="utf-8")
        return pdf
    return second

