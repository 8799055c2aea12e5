"""HTML fragments of the report page: finding cards, the toolbar, the glossary legend, references."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

from toolchain.check.diagnostic import Diagnostic
from toolchain.check.registry import RULES, family_of
from toolchain.load.glossary import Glossary
from toolchain.load.source import Location, SourceFile
from toolchain.report.html.inline import Mark, render_marks
from toolchain.report.html.references import Reference
from toolchain.report.html.rows import Place

SEVERITIES = ("error", "warning", "info")
LANG_NAMES = {"zh": "中文", "en": "English"}


@dataclass(frozen=True, slots=True)
class Placed:
    """A diagnostic numbered for the page, with its place and its related places."""

    number: int
    diagnostic: Diagnostic
    place: Place | None
    related: tuple[Place | None, ...]

    @property
    def family(self) -> str:
        """The rule id's prefix (REF, ALIGN …): what the family filter works on."""
        return family_of(self.diagnostic.rule)


def escape(text: str) -> str:
    """Escape text for HTML content and attributes."""
    return html.escape(text, quote=True)


def term_colour(number: int) -> str:
    """A light background per term: hues a golden angle apart stay distinct for many terms.

    Reds are skipped: red belongs to errors.
    """
    hue = (200 + number * 137.508) % 360
    if hue >= 325 or hue < 25:
        hue = (hue + 50) % 360
    return f"hsl({hue:.0f} 72% 87%)"


def short(path: str) -> str:
    """``manuscript/zh.md`` → ``zh.md``."""
    return path.rsplit("/", 1)[-1]


def target(place: Place | None, mark_id: str) -> str:
    """The fragment to jump to: the mark when the place has one, else its row."""
    if place is None:
        return ""
    return f"#{mark_id}" if place.start is not None else f"#{place.row}"


def excerpt(source: SourceFile | None, location: Location, severity: str) -> str:
    """The source line of a finding outside the aligned text, its columns underlined."""
    if source is None or not source.line_text(location.line).strip():
        return ""
    line = source.line_text(location.line)
    start = min(location.column - 1, len(line))
    end = location.end_column - 1 if location.end_line == location.line and location.end_column else start + 1
    mark = Mark(start, max(start + 1, min(end, len(line))), "diag", f"dm sev-{severity}")
    return f'<pre class="excerpt"><span class="ln">{location.line}</span>{render_marks(line, [mark])}</pre>'


def card(item: Placed, source: SourceFile | None = None) -> str:
    """A finding card: severity, rule, message, where, the related places, the suggestion (and the line)."""
    d = item.diagnostic
    rule = RULES.get(d.rule)
    summary = f"{d.name}: {rule.summary}" if rule else d.name
    loc = d.location
    jump = target(item.place, f"m{item.number}")
    tag, link = ("a", f' href="{jump}"') if jump else ("span", "")
    rule_html = f'<{tag} class="rule"{link} title="{escape(summary)}">{d.rule}</{tag}>'
    parts = [f'<span class="sev">{d.severity.value}</span>', rule_html, f'<span class="name">{escape(d.name)}</span>',
             f'<span class="loc">{escape(short(loc.file))}:{loc.line}:{loc.column}</span>']
    for i, (related, place) in enumerate(zip(d.related, item.related)):
        label = f"↔ {escape(short(related.file))}:{related.line}:{related.column}"
        link = target(place, f"m{item.number}r{i}")
        parts.append(f'<a class="related" href="{link}">{label}</a>' if link else f'<span class="related">{label}</span>')
    body = f'<div class="msg">{escape(d.message)}</div>' + excerpt(source, loc, d.severity.value)
    if d.suggestion:
        body += f'<div class="suggestion">Suggestion: {escape(d.suggestion)}</div>'
    return (f'<div class="finding sev-{d.severity.value}" id="d{item.number}" data-sev="{d.severity.value}" '
            f'data-fam="{item.family}"><div class="head">{" ".join(parts)}</div>{body}</div>')


def toolbar(placed: list[Placed], summary: str) -> str:
    """Filters by severity and family (with counts), the rows-with-findings and terms toggles."""
    severities = Counter(p.diagnostic.severity.value for p in placed)
    families = Counter(p.family for p in placed)
    boxes = [f'<label class="sev-{s}"><input type="checkbox" name="severity" value="{s}" checked> {s} '
             f'<span class="count">{severities.get(s, 0)}</span></label>' for s in SEVERITIES]
    family_names = {r.family: r.check.__module__.rsplit(".", 1)[-1].replace("_", " ") for r in RULES.values()}
    fams = [f'<label title="{escape(family_names.get(f, f))}"><input type="checkbox" name="family" value="{f}" checked> {f} '
            f'<span class="count">{n}</span></label>' for f, n in sorted(families.items())]
    return (f'<nav class="toolbar" aria-label="filters"><span class="summary">{escape(summary)}</span>'
            f'<fieldset><legend>Severity</legend>{"".join(boxes)}</fieldset>'
            f'<fieldset><legend>Family</legend>{"".join(fams) or "<span class=none>none</span>"}</fieldset>'
            '<fieldset><legend>Show</legend><label><input type="checkbox" name="only"> only rows with findings</label>'
            '<label><input type="checkbox" name="terms" checked> glossary terms</label></fieldset>'
            '<span class="shown" aria-live="polite"></span></nav>')


def legend(glossary: Glossary, counts: dict[str, dict[int, int]]) -> str:
    """The glossary terms found in the text, each in its colour, with occurrences per language."""
    rows = []
    for number, term in enumerate(glossary.terms):
        zh, en = counts["zh"].get(number, 0), counts["en"].get(number, 0)
        if not zh and not en:
            continue
        uneven = ' class="uneven" title="used a different number of times in zh and en"' if (zh == 0) != (en == 0) else ""
        rows.append(f'<tr data-term="{number}"{uneven}><td><span class="term t{number}">{escape(term.zh)}</span></td>'
                    f'<td><span class="term t{number}">{escape(term.en)}</span></td><td>{escape(term.abbr)}</td>'
                    f'<td class="n">{zh}</td><td class="n">{en}</td></tr>')
    if not rows:
        return ""
    return ('<details class="legend" id="glossary"><summary>Glossary terms in the text '
            f'<span class="count">{len(rows)}</span> <small>(click a term to find it in both columns)</small></summary>'
            '<table><thead><tr><th>zh</th><th>en</th><th>abbr</th><th>zh ×</th><th>en ×</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></details>')


def reference_list(references: tuple[Reference, ...], cited_at: dict[str, dict[str, list[tuple[str, str]]]],
                   cards: dict[str, list[str]]) -> str:
    """The formatted references side by side, each with links to the places citing it."""
    items = []
    for ref in references:
        cells = []
        for lang in ("zh", "en"):
            places: dict[str, list[str]] = {}
            for anchor, label in cited_at.get(lang, {}).get(ref.key, []):
                places.setdefault(label, []).append(anchor)
            links = " ".join(f'<a href="#{anchors[0]}">{escape(label)}</a>' + (f"<small>×{len(anchors)}</small>" if len(anchors) > 1 else "")
                             for label, anchors in places.items())
            number = ref.number[lang]
            text = escape(ref.text[lang]) if ref.entry else '<span class="missing">no entry in the bibliography</span>'
            cited = f'<div class="cited">cited at {links}</div>' if links else '<div class="cited none">not cited</div>'
            cells.append(f'<div class="cell {lang}" lang="{"zh-CN" if lang == "zh" else "en"}">'
                         f'<span class="num">{f"[{number}]" if number else "–"}</span> {text}{cited}</div>')
        findings = "".join(cards.get(ref.key, []))
        findings_html = f'<div class="findings wide">{findings}</div>' if findings else ""
        items.append(f'<div class="row ref" id="ref-{escape(ref.key)}" data-findings="{len(cards.get(ref.key, []))}">'
                     f'<div class="label"><code>{escape(ref.key)}</code></div>{"".join(cells)}{findings_html}</div>')
    return f'<section id="references"><h2>References <span class="count">{len(references)}</span></h2>{"".join(items)}</section>'
