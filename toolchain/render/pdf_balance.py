"""Last-page column balancing: the two columns of the PDF's last page end level.

Typst 0.15 fills the last page's left column first and leaves the right one short. After a first
compilation the last page's text is read back (pypdf); when its columns differ by more than a few
lines, a column break is put before the reference entry that splits the page's text most evenly,
and the document is compiled again. A break goes only between reference entries (the list is
closed before it and opened again after it) (the usual content
of a last page); a page without entries in its left column is left as it is.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

TOP_MARGIN = 62.36  # pt: 2.2 cm, article.typ's page margin (the running head stands above it)
BOTTOM_MARGIN = 53.86  # pt: 1.9 cm (the page number of the first page stands below it)
LABEL_EDGE = 2.0  # pt: a reference label starts at its column's left edge
UNEVEN = 24.0  # pt: columns ending further apart than about two lines are balanced
LIST = re.compile(r'#refenum\(("(?:[^"\\]|\\.)*"),')  # the reference list (pdf.py), its numbering pattern
ITEM = re.compile(r"enum\.item\((\d+)\)\[")


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


def last_page_columns(pdf: bytes) -> tuple[Column, Column] | None:
    """The two columns of the last page (None for a one-page PDF)."""
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
    return columns[0], columns[1]


def unevenness(columns: tuple[Column, Column]) -> float:
    """How much longer the left column is than the right one."""
    return columns[0].height - columns[1].height


def break_before(columns: tuple[Column, Column], labels: set[str]) -> str | None:
    """The label of the left column's reference entry before which a column break evens the page, or None."""
    left, right = columns
    if not left.baselines or unevenness(columns) < UNEVEN:
        return None
    line = min((a - b for a, b in zip(left.baselines, left.baselines[1:], strict=False)), default=0.0)
    right_height = right.height + line if right.baselines else 0.0
    best, best_gap = None, unevenness(columns)
    for label, y in left.labels:
        if label not in labels or y >= left.baselines[0]:
            continue  # an entry heading the column: breaking there changes nothing
        before = left.baselines[0] - y  # what stays in the left column
        moved = y - left.baselines[-1] + line + right_height  # what the right column then holds
        if abs(before - moved) < best_gap:
            best, best_gap = label, abs(before - moved)
    return best if best_gap < unevenness(columns) - line else None


def entry_labels(source: str) -> tuple[str, dict[str, int]]:
    """The reference list's numbering pattern and, per printed label (``[12]``), the offset of its item in the typst source."""
    found = LIST.search(source)
    if found is None:
        return "", {}
    pattern = found.group(1)
    printed = pattern[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return pattern, {printed.replace("1", match.group(1), 1): match.start() for match in ITEM.finditer(source, found.end())}


def balanced_source(source: str, pdf: bytes) -> str | None:
    """The typst source with a column break that balances the last page of ``pdf`` (None: nothing to do).

    The list is closed before the chosen entry and opened again after the break (its items keep their numbers).
    """
    pattern, entries = entry_labels(source)
    columns = last_page_columns(pdf) if entries else None
    label = break_before(columns, set(entries)) if columns else None
    if label is None:
        return None
    at = entries[label]
    return f"{source[:at]})\n#colbreak()\n#refenum({pattern},\n{source[at:]}"
