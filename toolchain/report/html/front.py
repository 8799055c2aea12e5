"""The report's front matter: what metadata.yaml says of the article, zh and en side by side.

Journal, identifiers (DOI, CLC code, document code), dates, each author (with the pinyin of a
Chinese name), affiliation, funding programme (with its award numbers) and the conflict-of-interest
statement get a row. A value is shown as a span of metadata.yaml wherever it can be found there,
so that a finding marks the very characters it names, as in the body; a finding on a line without
such a span gets its card in the row that holds the line.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from toolchain.load import parse_yaml
from toolchain.load.metadata import Bilingual, Metadata
from toolchain.load.source import Location, SourceFile, Span
from toolchain.names import romanise
from toolchain.report.html.rows import Cell, Place, Row

SIDES = ("zh", "en")
DATES = ("received", "revised", "accepted", "published")


@cache
def labels() -> dict:
    """The section's labels per language (``toolchain/data/report/front-matter.yaml``)."""
    text = files("toolchain").joinpath("data", "report", "front-matter.yaml").read_text(encoding="utf-8")
    return parse_yaml(text, "toolchain/data/report/front-matter.yaml")


@dataclass(frozen=True, slots=True)
class Field:
    """One labelled value on one side: a span of metadata.yaml, or a text without one (a pinyin, a page range)."""

    label: str  # a key of front-matter.yaml's ``fields``
    value: Span | str


@dataclass(frozen=True, slots=True)
class FrontRow:
    """A row of the section: its Row (for the locator and the marks), its fields per language, its lines."""

    row: Row
    fields: dict[str, tuple[Field, ...]]
    lines: frozenset[int]  # lines of metadata.yaml whose findings land here
    en_lines: frozenset[int]  # of those, the lines of English values (their cards go to the English side)


def block_lines(source: SourceFile, first: int) -> range:
    """The lines of the YAML block that starts at ``first`` (a key or a list item and what is indented under it)."""
    head = source.line_text(first)
    indent = len(head) - len(head.lstrip(" "))
    last = first
    for line in range(first + 1, len(source.line_starts) + 1):
        text = source.line_text(line)
        if text.strip() and len(text) - len(text.lstrip(" ")) <= indent:
            break
        if text.strip():
            last = line
    return range(first, last + 1)


class Builder:
    """Collects the rows of the section from metadata.yaml."""

    def __init__(self, metadata: Metadata) -> None:
        """Start with no rows."""
        self.metadata = metadata
        self.source = metadata.source
        self.rows: list[FrontRow] = []

    def value(self, lines: range | frozenset[int], text: str) -> Span | str:
        """``text`` as a span of the first of ``lines`` that holds it after a key's colon, else as it is."""
        for line in sorted(lines):
            written = self.source.line_text(line) if text and self.source else ""
            column = written.find(text, written.find(":") + 1) if written else -1
            if column >= 0:
                start = self.source.offset(line, column + 1)
                return Span.of(self.source, start, start + len(text))
        return text

    def same(self, label: str, lines: range | frozenset[int], text: str) -> tuple[str, Span | str, Span | str]:
        """A value that reads the same in both languages (a DOI, an e-mail address, an award number)."""
        value = self.value(lines, text)
        return label, value, value

    def lines_of(self, line: int) -> frozenset[int]:
        """The lines of the block starting at ``line`` (none without a source)."""
        return frozenset(block_lines(self.source, line)) if self.source and line else frozenset()

    def top_block(self, key: str) -> frozenset[int]:
        """The lines of a top-level mapping of metadata.yaml (``journal``, ``article``); none when it is absent."""
        present = isinstance(self.metadata.raw, dict) and key in self.metadata.raw
        return self.lines_of(self.metadata.lines.get(key, 0)) if present else frozenset()

    def add(self, kind: str, suffix: str, lines: frozenset[int], pairs: list[tuple[str, Span | str, Span | str]],
            bilingual: tuple[Bilingual | None, ...] = ()) -> None:
        """A row of ``kind`` from (label, zh value, en value) triples; an empty value is left out."""
        fields = {lang: tuple(Field(label, value) for label, *values in pairs if (value := values[SIDES.index(lang)])) for lang in SIDES}
        cells = [Cell(lang, "front", tuple(f.value for f in fields[lang] if isinstance(f.value, Span))) for lang in SIDES]
        given = [b for b in bilingual if b is not None]
        label = labels()["rows"][kind]["en"] + (f" {suffix}" if suffix else "")
        row = Row(f"f{len(self.rows) + 1}", "front", label, *cells)
        owned = lines | {line for b in given for line in (b.line, b.zh_line, b.en_line) if line}
        self.rows.append(FrontRow(row, fields, frozenset(owned), frozenset(b.en_line for b in given if b.en_line)))


def texts(field: Bilingual | None) -> tuple[Span | str, Span | str]:
    """The zh and en values of a bilingual field: its spans where known, else its texts."""
    if field is None:
        return "", ""
    return field.zh_span or field.zh, field.en_span or field.en


def front_rows(metadata: Metadata) -> tuple[FrontRow, ...]:
    """Every row of the section, in the order of a journal's first page."""
    build = Builder(metadata)
    journal, article, lines = metadata.journal, metadata.article, metadata.lines
    block = build.top_block("journal")
    pages = "–".join(p for p in (journal.fpage, journal.lpage) if p)
    scalars = [build.same(key, block, journal.get(key)) for key in ("issn", "eissn", "year", "volume", "issue")]
    build.add("journal", "", block, [("title", *texts(metadata.journal_title)), *scalars, ("pages", pages, pages)], (metadata.journal_title,))
    article_block = build.top_block("article")
    dates = frozenset(lines[f"article.{key}"] for key in DATES if f"article.{key}" in lines)
    values = [build.same(key, article_block, article.get(key)) for key in ("doi", "clc", "document-code", "type")]
    build.add("article", "", article_block - dates, [("heading", *texts(metadata.heading)), *values], (metadata.heading,))
    build.add("dates", "", dates, [build.same(key, dates, article.get(key)) for key in DATES])
    for number, author in enumerate(metadata.authors, 1):
        block = build.lines_of(author.line)
        reading = romanise(author.name.zh)
        zh_name, en_name = texts(author.name)
        ids = ", ".join(author.affiliations)
        corresponding = (labels()["values"]["affirmative"]["zh"], labels()["values"]["affirmative"]["en"]) if author.corresponding else ("", "")
        build.add("author", str(number), block, [("name", zh_name, en_name), ("pinyin", reading.suggestion if reading else "", ""),
                                                  build.same("affiliations", block, ids), ("corresponding", *corresponding),
                                                  build.same("email", block, author.email), build.same("orcid", block, author.orcid),
                                                  ("bio", *texts(author.bio))], (author.name, author.bio))
    for affiliation in metadata.affiliations:
        block = build.lines_of(affiliation.line)
        build.add("affiliation", affiliation.id, block, [("organisation", *texts(affiliation.name)), ("city", *texts(affiliation.city)),
                                                         build.same("postcode", block, affiliation.postcode), ("country", *texts(affiliation.country))],
                  (affiliation.name, affiliation.city, affiliation.country))
    for number, funding in enumerate(metadata.funding, 1):
        block = build.lines_of(funding.line)
        awards = [build.same("awards", block, award) for award in funding.awards]
        build.add("funding", str(number), block, [("programme", *texts(funding.name)), *awards], (funding.name,))
    if metadata.conflict_of_interest:
        build.add("conflict-of-interest", "", frozenset(), [("statement", *texts(metadata.conflict_of_interest))], (metadata.conflict_of_interest,))
    return tuple(build.rows)


def front_place(rows: tuple[FrontRow, ...], location: Location) -> Place | None:
    """The row of the section holding a line of metadata.yaml that no span of it covers (None: no row has it)."""
    for front in rows:
        if location.line in front.lines:
            return Place(front.row.id, "en" if location.line in front.en_lines else "zh", 0, None, None)
    return None


def front_matter_html(rows: tuple[FrontRow, ...], span_html: Callable[[Row, Cell, int], str], cards: dict[tuple[str, str], list[str]]) -> str:
    """The section: one row per entry of metadata.yaml, its values labelled in each language, findings in place."""
    items = []
    for front in rows:
        row, sides = front.row, []
        for lang in SIDES:
            cell, index, parts = row.cell(lang), 0, []
            for field in front.fields[lang]:
                if isinstance(field.value, Span):
                    content, index = span_html(row, cell, index), index + 1
                else:
                    content = html.escape(field.value)
                parts.append(f'<div class="field field-{field.label}"><span class="key">{html.escape(labels()["fields"][field.label][lang])}</span> '
                             f'<span class="value">{content}</span></div>')
            found = cards.get((row.id, lang), [])
            findings = f'<div class="findings">{"".join(found)}</div>' if found else ""
            sides.append(f'<div class="cell {lang}" lang="{"zh-CN" if lang == "zh" else "en"}"><div class="text kind-front">{"".join(parts)}</div>'
                         f"{findings}</div>")
        count = sum(len(cards.get((row.id, lang), [])) for lang in SIDES)
        items.append(f'<div class="row kind-front" id="{row.id}" data-findings="{count}"><div class="label"><a href="#{row.id}">'
                     f'{html.escape(row.label)}</a></div>{"".join(sides)}</div>')
    return f'<section id="front-matter"><h2>Front matter <span class="count">{len(rows)}</span></h2>{"".join(items)}</section>'
