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

from toolchain.check import GlossaryMatcher, mask_non_prose
from toolchain.load.markdown import find_citations
from toolchain.load.source import Span
from toolchain.report.text import visible

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


def citation_marks(span: Span, lang: str, first_id: int, titles: dict[str, str], numbers: dict[str, int] | None = None) -> list[Mark]:
    """Chips linking each cited key to its reference, showing the number the outputs print (the key on hover); groups drawn as one unit."""
    marks = []
    groups = set()
    for offset, citation in enumerate(find_citations(span)):
        if (citation.group_start, citation.group_end) not in groups and citation.group_end - citation.group_start > 1:
            groups.add((citation.group_start, citation.group_end))
            marks.append(Mark(citation.group_start, citation.group_end, "cite", "cite-group"))
        number = (numbers or {}).get(citation.key)
        attrs = (("href", f"#ref-{citation.key}"), ("title", f"@{citation.key}: {titles.get(citation.key, 'no entry in the bibliography')}"),
                 ("data-key", citation.key), *((("data-num", str(number)),) if number else ()))
        chip = "cite" if citation.key in titles else "cite missing"
        marks.append(Mark(citation.start, citation.end, "cite", chip, attrs, "a", f"c-{lang}-{first_id + offset}"))
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
        piece = html.escape(visible(text[a:b]), quote=False)
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
