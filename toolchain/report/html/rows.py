"""The report's rows: zh and en side by side, unit by unit, and where each finding lands.

Units pair up as the checker aligns them (``check._align``: title, abstract paragraphs,
keywords, then the headings and paragraph-like blocks as the aligner matched them), in reading
order; a unit without a counterpart gets a row with one empty side instead of being dropped:
that is what ALIGN001/ALIGN002 point at, and what an editor needs to see.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolchain.check import Group, Unit, align_project, body_units
from toolchain.load import Project
from toolchain.load.markdown import Block
from toolchain.load.source import Location, Span


@dataclass(frozen=True, slots=True)
class Cell:
    """One language's side of a row: one span, or several for the keywords."""

    lang: str
    kind: str  # title | abstract | keywords | heading | paragraph | list | table | figure
    spans: tuple[Span, ...]
    level: int = 0


@dataclass(frozen=True, slots=True)
class Row:
    """A pair of aligned units (either side may be missing)."""

    id: str
    kind: str
    label: str
    zh: Cell | None
    en: Cell | None

    def cell(self, lang: str) -> Cell | None:
        """The side in ``lang``."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class Place:
    """Where a location falls: a row's side, the span in it and the offsets in that span's text."""

    row: str
    lang: str
    span: int
    start: int | None
    end: int | None
    point: bool = False  # the finding has no extent: only its first character is marked


def units_cell(lang: str, units: tuple[Unit, ...]) -> Cell | None:
    """A cell for the units of one side of an aligned group (None when that side has none)."""
    if not units:
        return None
    return Cell(lang, units[0].kind, tuple(u.span for u in units), units[0].level)


def section_numbers(headings: tuple[Block, ...]) -> list[str]:
    """Hierarchical numbers (1, 1.1, 2 …) from heading levels, as the rendered outputs number them."""
    counters: list[int] = []
    numbers = []
    top = min((h.level for h in headings), default=1)
    for heading in headings:
        depth = heading.level - top + 1
        counters = (counters + [0] * depth)[:depth]
        counters[-1] += 1
        numbers.append(".".join(map(str, counters)))
    return numbers


def build_rows(project: Project) -> tuple[Row, ...]:
    """Every row of the report in reading order."""
    zh, en = project.zh, project.en
    rows: list[tuple[str, str, Cell | None, Cell | None]] = []
    if zh.title or en.title:
        rows.append(("title", "Title", Cell("zh", "title", (zh.title,)) if zh.title else None,
                     Cell("en", "title", (en.title,)) if en.title else None))
    found = align_project(project)
    for i, group in enumerate(found.abstract, 1):
        rows.append(("abstract", f"Abstract ¶{i}", units_cell("zh", group.zh), units_cell("en", group.en)))
    if zh.keywords or en.keywords:
        rows.append(("keywords", "Keywords", Cell("zh", "keywords", zh.keywords) if zh.keywords else None,
                     Cell("en", "keywords", en.keywords) if en.keywords else None))
    groups = found.body or [Group((u,), ()) for u in body_units(zh, None)]
    heading_groups = [g for g in groups if g.kind == "heading"]
    numbers = dict(zip(map(id, heading_groups), section_numbers(tuple((g.zh or g.en)[0].block for g in heading_groups))))
    prefix, paragraph = "", 0
    for group in groups:
        if group.kind == "heading":
            prefix, paragraph = numbers[id(group)], 0
            rows.append(("heading", f"§{prefix}", units_cell("zh", group.zh), units_cell("en", group.en)))
            continue
        paragraph += 1
        rows.append((group.kind, f"{'§' + prefix + ' ' if prefix else ''}¶{paragraph}", units_cell("zh", group.zh), units_cell("en", group.en)))
    return tuple(Row(f"r{n}", kind, label, a, b) for n, (kind, label, a, b) in enumerate(rows, 1))


def text_offset(span: Span, source_offset: int) -> int | None:
    """Map a source offset back into the span's text (None when it falls outside)."""
    anchors = span.anchors
    for i, (text_start, source_start) in enumerate(anchors):
        text_end = anchors[i + 1][0] if i + 1 < len(anchors) else len(span.text)
        if source_start <= source_offset <= source_start + (text_end - text_start):
            return text_start + source_offset - source_start
    return None


def span_lines(span: Span) -> tuple[int, int]:
    """First and last source line of a span."""
    return span.location(0).line, span.source.position(span.source_offset(len(span.text)))[0]


class Locator:
    """Finds the row, side and text offsets of a location in zh.md or en.md."""

    def __init__(self, project: Project, rows: tuple[Row, ...]) -> None:
        """Index every span of every row by its file and lines."""
        self.entries: dict[str, list[tuple[int, int, str, str, int, Span]]] = {}
        for row in rows:
            for lang in ("zh", "en"):
                cell = row.cell(lang)
                for index, span in enumerate(cell.spans if cell else ()):
                    first, last = span_lines(span)
                    self.entries.setdefault(span.source.path, []).append((first, last, row.id, lang, index, span))

    def place(self, location: Location) -> Place | None:
        """The place of a location, or None when it is outside every row (front-matter keys, other files)."""
        candidates = [e for e in self.entries.get(location.file, []) if e[0] <= location.line <= e[1]]
        fallback = None
        for _, _, row, lang, index, span in candidates:
            source = span.source
            start = text_offset(span, source.offset(location.line, location.column))
            if start is None or start >= len(span.text):
                fallback = fallback or Place(row, lang, index, None, None)
                continue
            end = None
            if location.end_line is not None and location.end_column is not None:
                end = text_offset(span, source.offset(location.end_line, location.end_column))
            if end is None or end <= start:
                return Place(row, lang, index, start, start + 1, point=True)
            return Place(row, lang, index, start, min(end, len(span.text)))
        return fallback
