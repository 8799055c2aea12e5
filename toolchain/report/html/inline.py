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

from toolchain.check import mask_non_prose
from toolchain.load.glossary import Glossary
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
LATIN = re.compile(r"[A-Za-z0-9]")


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


@dataclass(frozen=True, slots=True)
class TermMatcher:
    """One regular expression per language finding every glossary form, longest first."""

    pattern: re.Pattern[str]
    index: dict[str, int]  # matched form (case-folded unless it has capitals) → term index

    def term_of(self, found: str) -> int | None:
        """The term index of a matched text (plural ``-s``/``-es`` tolerated)."""
        for candidate in (found, found.casefold(), re.sub(r"(?:e?s)$", "", found.casefold())):
            if candidate in self.index:
                return self.index[candidate]
        return None


def term_matcher(glossary: Glossary, lang: str) -> TermMatcher | None:
    """Build the matcher for ``lang``: preferred forms, accepted variants and abbreviations."""
    index: dict[str, int] = {}
    for number, term in enumerate(glossary.terms):
        for form in term.accepted(lang):
            key = form if any(ch.isupper() for ch in form) else form.casefold()
            index.setdefault(key, number)
    if not index:
        return None
    alternatives = []
    for form in sorted(index, key=len, reverse=True):
        body = re.escape(form)
        if not any(ch.isupper() for ch in form):
            # A lower-case form also matches at a sentence start and in the plural.
            body = f"(?i:{body}{'(?:e?s)?' if lang == 'en' and form[-1].isalpha() else ''})"
        # Word boundaries only where the form itself ends in a Latin letter or digit: 白血病 has none.
        before = r"(?<![A-Za-z0-9])" if LATIN.match(form[0]) else ""
        after = r"(?![A-Za-z0-9])" if LATIN.match(form[-1]) else ""
        alternatives.append(before + body + after)
    return TermMatcher(re.compile("|".join(alternatives)), index)


def term_marks(text: str, matcher: TermMatcher | None, counts: dict[int, int]) -> list[Mark]:
    """Marks for glossary terms in the prose of ``text`` (citations, code, URLs masked); counts them."""
    if matcher is None:
        return []
    marks = []
    for match in matcher.pattern.finditer(mask_non_prose(text)):
        number = matcher.term_of(match.group())
        if number is None:
            continue
        counts[number] = counts.get(number, 0) + 1
        marks.append(Mark(match.start(), match.end(), "term", f"term t{number}", (("data-term", str(number)),)))
    return marks


def citation_marks(span: Span, lang: str, first_id: int, titles: dict[str, str]) -> list[Mark]:
    """Chips linking each cited key to its reference; groups drawn as one unit."""
    marks = []
    groups = set()
    for offset, citation in enumerate(find_citations(span)):
        if (citation.group_start, citation.group_end) not in groups and citation.group_end - citation.group_start > 1:
            groups.add((citation.group_start, citation.group_end))
            marks.append(Mark(citation.group_start, citation.group_end, "cite", "cite-group"))
        attrs = (("href", f"#ref-{citation.key}"), ("title", titles.get(citation.key, "no entry in the bibliography")),
                 ("data-key", citation.key))
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
