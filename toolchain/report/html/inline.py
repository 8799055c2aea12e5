"""Inline HTML of one span: glossary terms, citations, findings and light Markdown as marks.

Every mark is a range of the span's own text, so a finding's line:column lands on the very
characters it names; the Markdown is shown, not converted (its delimiters are only hidden),
which keeps every source character at its offset.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from lxml import etree

from toolchain.check import GlossaryMatcher, mask_non_prose
from toolchain.load.markdown import find_citations
from toolchain.load.source import Span
from toolchain.render.intext import CitationMarks
from toolchain.report.text import visible

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
# Nesting order, outermost first: a finding's underline must stay visible over a term's
# background or a citation chip.
LAYERS = ("cite", "term", "fmt", "rel", "diag")
# Pandoc's inline emphasis (``^sup^``, ``~sub~``, ``**strong**``, ``*em*``), inline code,
# comments (suppressions) and heading attributes; groups: delimiter, content, delimiter.
FORMATS = [
    ("sup", re.compile(r"(\^)([^\s^]+)(\^)")),  # Pandoc: no unescaped space inside
    ("sub", re.compile(r"(?<!~)(~)([^\s~]+)(~)(?!~)")),
    ("strong", re.compile(r"(\*\*)([^\s*](?:.*?[^\s*])?)(\*\*)")),
    ("em", re.compile(r"(?<![*\w])(\*)([^\s*](?:[^*\n]*?[^\s*])?)(\*)(?!\*)")),
    ("code", re.compile(r"(`)([^`\n]+)(`)")),
    ("comment", re.compile(r"()(<!--.*?-->)()", re.DOTALL)),
    ("attr", re.compile(r"()(\{[#.][^{}]*\})()")),
]


@dataclass(frozen=True, slots=True)
class Mark:
    """A range of a span's text wrapped in an element: ``<tag class=… attrs>``."""

    start: int
    end: int
    layer: str
    html_class: str
    attrs: tuple[tuple[str, str], ...] = ()
    tag: str = "span"
    anchor: str = ""  # an id given to the first piece only (a mark may be cut in pieces)
    text: str | None = None  # shown instead of the range's own text (a citation's printed number)


def term_marks(text: str, lang: str, matcher: GlossaryMatcher, counts: dict[int, int]) -> list[Mark]:
    """Marks for glossary terms in the prose of ``text``, found as the checker finds them; counts them.

    Each outermost occurrence of a preferred form, an accepted variant or the abbreviation of
    ``lang`` is marked (an avoided variant is the checker's finding, not a term).
    """
    marks = []
    for found in matcher.find(mask_non_prose(text)):
        if not found.top or found.form.kind == "avoid" or found.form.lang not in (lang, "abbr"):
            continue
        number = found.form.term
        counts[number] = counts.get(number, 0) + 1
        marks.append(Mark(found.start, found.end, "term", f"term t{number}", (("data-term", str(number)),)))
    return marks


@dataclass(frozen=True, slots=True)
class Printed:
    """How the outputs print citations in one language: numbers, names before ``@key``, titles, joins."""

    numbers: dict[str, int]  # key → its number in the reference list (entries only)
    names: dict[str, str]  # key → the author named before an in-text citation (Smith, 张三等)
    titles: dict[str, str]  # key → the reference as the list prints it
    joins: CitationMarks = CitationMarks()
    sort: bool = True  # the style sorts a group by number ([20; 13; 21] prints [13,20-21])

    def chip(self, key: str) -> str:
        """The number a key prints as (the key itself, ``@nobody2021``, when it has no entry)."""
        return str(self.numbers[key]) if key in self.numbers else f"@{key}"


def sorts_by_number(style: Path) -> bool:
    """Whether a CSL style sorts the numbers of a citation group (``<citation><sort><key variable="citation-number">``)."""
    try:
        root = etree.parse(str(style), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return True
    return bool(root.xpath("csl:citation/csl:sort/csl:key[@variable='citation-number']", namespaces={"csl": CSL_NAMESPACE}))


def collapsed(numbers: list[int | None], joins: CitationMarks) -> list[str]:
    """The separators after each number of a group but the last, as the style joins them.

    A run of consecutive numbers (three or more, two when the style joins pairs) prints as a
    range: its inner numbers and separators vanish and the range delimiter stands before the last.
    """
    separators = [","] * (len(numbers) - 1)
    start = 0
    while start < len(numbers):
        end = start
        while end + 1 < len(numbers) and numbers[end] is not None and numbers[end + 1] == numbers[end] + 1:
            end += 1
        if numbers[start] is not None and end - start >= (1 if joins.join_pairs else 2):
            separators[start:end] = [""] * (end - start - 1) + [joins.range_delimiter]
        start = end + 1
    return separators


def citation_marks(span: Span, lang: str, first_id: int, printed: Printed) -> list[Mark]:
    """Chips linking each cited key to its reference, showing the number the outputs print, the key on hover.

    A group prints as the PDF prints it (``[1-3]``, ``[2,5]``, ``Smith[4]``); what the source
    writes between the keys (``; ``, a locator, a prefix) is hidden, so a long group wraps
    like text inside its column.
    """
    marks = []
    groups: dict[tuple[int, int], list] = {}
    for citation in find_citations(span):
        groups.setdefault((citation.group_start, citation.group_end), []).append(citation)
    offset = 0
    for (group_start, group_end), citations in groups.items():
        bracketed = span.text.startswith("[", group_start) and group_start < citations[0].start
        keys = "; ".join(f"@{c.key}" for c in citations)
        if bracketed and printed.sort:  # each chip in its printed place, the key it shows on hover
            citations = sorted(citations, key=lambda c: (c.key not in printed.numbers, printed.numbers.get(c.key, 0)))
        numbers = [printed.numbers.get(c.key) for c in citations]
        separators = collapsed(numbers, printed.joins) if bracketed else []
        slots = [(c.start, c.end) for c in groups[group_start, group_end]]
        marks.append(Mark(group_start, group_end, "cite", "cite-group", (("title", keys),)))
        if bracketed:
            marks.append(Mark(group_start + 1, slots[0][0], "cite", "cite-gap", (), "span", "", ""))
            for before, after, separator in zip(slots, slots[1:], separators):
                marks.append(Mark(before[1], after[0], "cite", "cite-gap", (), "span", "", separator))
            marks.append(Mark(slots[-1][1], group_end - 1, "cite", "cite-gap", (), "span", "", ""))
        for index, (citation, (start, end)) in enumerate(zip(citations, slots)):
            key = citation.key
            attrs = (("href", f"#ref-{key}"), ("title", f"@{key}: {printed.titles.get(key, 'no entry in the bibliography')}"),
                     ("data-key", key))
            chip = "cite" if key in printed.titles else "cite missing"
            hidden = bracketed and index > 0 and separators[index - 1] == ""  # inside a range: 12, (13, 14, 15), 16
            text = "" if hidden else printed.chip(key) if bracketed else f"{printed.names.get(key, '')}[{printed.chip(key)}]"
            marks.append(Mark(start, end, "cite", chip, attrs, "a", f"c-{lang}-{first_id + offset}", text))
            offset += 1
    return marks


def format_marks(text: str, heading: bool) -> tuple[list[Mark], list[tuple[int, int]]]:
    """Light Markdown: marks for its content, ranges of delimiters to hide."""
    marks: list[Mark] = []
    hidden: list[tuple[int, int]] = []
    if heading:
        prefix = re.match(r"#{1,6}[ \t]+", text)
        if prefix:
            hidden.append(prefix.span())
    for name, pattern in FORMATS:
        for match in pattern.finditer(text):
            tag = name if name in ("sup", "sub", "strong", "em", "code") else "span"
            marks.append(Mark(match.start(2), match.end(2), "fmt", f"md-{name}", (), tag))
            hidden += [match.span(1), match.span(3)]
    return marks, [(a, b) for a, b in hidden if b > a]


def replaced(marks: list[Mark], a: int, b: int) -> str | None:
    """The text shown for the piece ``a``–``b`` by the innermost mark that replaces its text ('' after its first piece)."""
    covering = [m for m in marks if m.text is not None and m.start <= a and b <= m.end]
    if not covering:
        return None
    mark = min(covering, key=lambda m: m.end - m.start)
    return mark.text if a == mark.start else ""


def render_marks(text: str, marks: list[Mark], hidden: list[tuple[int, int]] = ()) -> str:
    """HTML of ``text`` with every mark as an element, hidden ranges left out."""
    cuts = {0, len(text)}
    for mark in marks:
        cuts.update((max(0, min(mark.start, len(text))), max(0, min(mark.end, len(text)))))
    for start, end in hidden:
        cuts.update((start, end))
    points = sorted(cuts)
    order = {layer: i for i, layer in enumerate(LAYERS)}
    ordered = sorted(marks, key=lambda m: (order[m.layer], m.start, -m.end))
    anchored: set[str] = set()
    out = []
    for a, b in pairwise(points):
        if any(start <= a and b <= end for start, end in hidden):
            continue
        shown = replaced(ordered, a, b)
        piece = html.escape(visible(text[a:b]) if shown is None else shown, quote=False)
        opened, tags = [], []
        for mark in ordered:
            if mark.start <= a and b <= mark.end and mark.end > mark.start:
                attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in mark.attrs)
                if mark.anchor and mark.anchor not in anchored:
                    anchored.add(mark.anchor)
                    attrs += f' id="{mark.anchor}"'
                opened.append(f'<{mark.tag} class="{mark.html_class}"{attrs}>')
                tags.append(mark.tag)
        out.append("".join(opened) + piece + "".join(f"</{tag}>" for tag in reversed(tags)))
    return "".join(out)
