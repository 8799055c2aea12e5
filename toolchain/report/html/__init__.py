"""The HTML report: zh and en side by side, terms coloured, findings in place, references cited.

One self-contained file (inline CSS and JavaScript from ``toolchain/data/report/``, no fonts or
scripts from the network), so it can be mailed to an editor or kept as a CI artifact.
"""

from __future__ import annotations

import re
from importlib.resources import files

from toolchain import __version__
from toolchain.check import CheckResult, glossary_matcher
from toolchain.cite import Citations
from toolchain.config import Settings
from toolchain.load import Project
from toolchain.load.source import Location
from toolchain.render.intext import citation_marks as citation_joins
from toolchain.render.intext import named
from toolchain.report.html.citations import citation_context
from toolchain.report.html.front import front_matter_html, front_place, front_rows
from toolchain.report.html.inline import Mark, Printed, citation_marks, format_marks, render_marks, sorts_by_number, term_marks
from toolchain.report.html.page import LANG_NAMES, Placed, card, escape, legend, reference_list, short, term_colour, toolbar
from toolchain.report.html.references import Reference, build_references
from toolchain.report.html.rows import Cell, Locator, Place, Row, build_rows
from toolchain.report.text import summary


def template(name: str) -> str:
    """A file of the report template (package data)."""
    return files("toolchain").joinpath("data", "report", name).read_text(encoding="utf-8")


def diagnostic_marks(placed: list[Placed]) -> dict[tuple[str, str, int], list[Mark]]:
    """Marks for findings and their related places, keyed by (row, lang, span index)."""
    marks: dict[tuple[str, str, int], list[Mark]] = {}
    for item in placed:
        d = item.diagnostic
        sev, fam = d.severity.value, item.family
        attrs = (("data-d", str(item.number)), ("data-sev", sev), ("data-fam", fam), ("title", f"{d.rule} {sev}: {d.message}"))
        if item.place and item.place.start is not None:
            point = " point" if item.place.point else ""
            marks.setdefault((item.place.row, item.place.lang, item.place.span), []).append(
                Mark(item.place.start, item.place.end, "diag", f"dm sev-{sev}{point}", attrs, anchor=f"m{item.number}"))
        for i, place in enumerate(item.related):
            if place and place.start is not None:
                marks.setdefault((place.row, place.lang, place.span), []).append(
                    Mark(place.start, place.end, "rel", f"rm sev-{sev}", attrs, anchor=f"m{item.number}r{i}"))
    return marks


class Page:
    """Renders rows while collecting what the legend and the reference list need."""

    def __init__(self, cite: Citations, references: tuple[Reference, ...], marks: dict[tuple[str, str, int], list[Mark]]) -> None:
        """Prepare term matchers and, per language, how citations print."""
        self.project = project = cite.project
        self.marks = marks
        self.matcher = glossary_matcher(project.glossary)
        joins, sort = citation_joins(cite.style()), sorts_by_number(cite.style())
        self.printed = {lang: Printed({r.key: r.number[lang] for r in references if r.number[lang]},
                                      {str(item["id"]): named(item, lang) for item in cite.items(lang)},
                                      {r.key: r.text[lang] for r in references if r.entry}, joins, sort) for lang in ("zh", "en")}
        self.term_counts: dict[str, dict[int, int]] = {"zh": {}, "en": {}}
        self.cited_at: dict[str, dict[str, list[tuple[str, str]]]] = {"zh": {}, "en": {}}
        self.citations = {"zh": 0, "en": 0}

    def span_html(self, row: Row, cell: Cell, index: int) -> str:
        """One span with its terms, citations, Markdown and findings."""
        span = cell.spans[index]
        lang = cell.lang
        first = self.citations[lang]
        cites = citation_marks(span, lang, first, self.printed[lang])
        for mark in cites:
            if mark.anchor:
                self.citations[lang] += 1
                key = dict(mark.attrs)["data-key"]
                self.cited_at[lang].setdefault(key, []).append((mark.anchor, row.label))
        fmt, hidden = format_marks(span.text, cell.kind == "heading")
        marks = cites + fmt + term_marks(span.text, lang, self.matcher, self.term_counts[lang])
        marks += self.marks.get((row.id, lang, index), [])
        return render_marks(span.text, marks, hidden)

    def cell_html(self, row: Row, lang: str, cards: list[str]) -> str:
        """A row's side: its text (or a note that it has no counterpart) and its finding cards."""
        cell = row.cell(lang)
        attrs = f'class="cell {lang}" lang="{"zh-CN" if lang == "zh" else "en"}"'
        if cell is None:
            other = short(self.project.document("en" if lang == "zh" else "zh").path)
            note = f'<div class="text absent">no counterpart of this {row.kind} in {escape(short(self.project.document(lang).path))}' \
                   f' (only in {escape(other)})</div>'
            return f'<div {attrs}>{note}{findings_html(cards)}</div>'
        pieces = [self.span_html(row, cell, i) for i in range(len(cell.spans))]
        separator = '<span class="sep">; </span>' if lang == "en" else '<span class="sep">；</span>'
        text = separator.join(pieces)
        line = cell.spans[0].start.line
        level = f" h{cell.level}" if cell.kind == "heading" else ""
        return (f'<div {attrs}><div class="text kind-{cell.kind}{level}"><span class="ln" title="line in '
                f'{escape(short(self.project.document(lang).path))}">{line}</span>{text}</div>{findings_html(cards)}</div>')

    def row_html(self, row: Row, cards: dict[tuple[str, str], list[str]]) -> str:
        """One aligned row."""
        zh_cards, en_cards = cards.get((row.id, "zh"), []), cards.get((row.id, "en"), [])
        unpaired = " unpaired" if row.zh is None or row.en is None else ""
        return (f'<div class="row kind-{row.kind}{unpaired}" id="{row.id}" data-findings="{len(zh_cards) + len(en_cards)}">'
                f'<div class="label"><a href="#{row.id}">{escape(row.label)}</a></div>'
                f'{self.cell_html(row, "zh", zh_cards)}{self.cell_html(row, "en", en_cards)}</div>')


def findings_html(cards: list[str]) -> str:
    """The cards under a text, if any."""
    return f'<div class="findings">{"".join(cards)}</div>' if cards else ""


def bib_entry_at(project: Project, line: int) -> str | None:
    """The key of the bibliography entry that holds a line of references.bib."""
    key = None
    for entry in sorted(project.bibliography.entries, key=lambda e: e.line):
        if entry.line <= line:
            key = entry.key
    return key


def render_report(project: Project, result: CheckResult, cite: Citations | None = None) -> str:
    """The whole report page as one HTML string (references formatted as ``cite`` formats them)."""
    rows = build_rows(project)
    front = front_rows(project.metadata)
    locator = Locator(project, rows + tuple(f.row for f in front))
    cite = cite or Citations(project, Settings())
    references = build_references(cite)

    def place(location: Location) -> Place | None:
        """Where a location lands: a span of the text or of metadata.yaml, else a front-matter row holding its line."""
        found = locator.place(location)
        return found or (front_place(front, location) if location.file == project.metadata.path else None)

    placed = [Placed(n, d, place(d.location), tuple(place(r) for r in d.related)) for n, d in enumerate(result.diagnostics, 1)]
    row_cards: dict[tuple[str, str], list[str]] = {}
    ref_cards: dict[str, list[str]] = {}
    elsewhere: list[str] = []
    for item in placed:
        loc = item.diagnostic.location
        if item.place:
            row_cards.setdefault((item.place.row, item.place.lang), []).append(card(item))
        elif loc.file == project.bibliography.path and bib_entry_at(project, loc.line):
            ref_cards.setdefault(bib_entry_at(project, loc.line), []).append(card(item))
        else:
            elsewhere.append(card(item, next((s for s in project.sources if s.path == loc.file), None)))
    page = Page(cite, references, diagnostic_marks(placed))
    body = "".join(page.row_html(row, row_cards) for row in rows)
    front_html = front_matter_html(front, page.span_html, row_cards)
    colours = "".join(f".t{n}{{background:{term_colour(n)}}}" for n in sorted({*page.term_counts["zh"], *page.term_counts["en"]}))
    title = project.zh.title.text if project.zh.title else project.en.title.text if project.en.title else "manuscript"
    heads = "".join(f'<div class="colhead {lang}">{LANG_NAMES[lang]} <small>{escape(project.document(lang).path)}</small></div>'
                    for lang in ("zh", "en"))
    sections = [
        f'<section id="elsewhere"><h2>Findings outside the aligned text <span class="count">{len(elsewhere)}</span></h2>'
        f'{"".join(elsewhere)}</section>' if elsewhere else "",
        legend(project.glossary, page.term_counts),
        front_html,
        f'<section id="text"><div class="row colheads"><div class="label"></div>{heads}</div>{body}</section>',
        citation_context(project, references, placed, lambda s: place(s.span.location(s.start)), {row.id: row.label for row in rows}),
        reference_list(references, page.cited_at, ref_cards),
    ]
    values = {
        "title": escape(title),
        "style": template("report.css") + colours,
        "script": template("report.js"),
        "toolbar": toolbar(placed, summary(result)),
        "heading": f'<h1 lang="zh-CN">{escape(title)}</h1>'
                   + (f'<p class="subtitle" lang="en">{escape(project.en.title.text)}</p>' if project.en.title else ""),
        "body": "".join(sections),
        "footer": f"toolchain {__version__} · {len(rows)} aligned rows · {len(placed)} findings",
    }
    # One pass, so that text from the manuscript is never taken for a placeholder.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template("report.html"))


__all__ = ["render_report"]
