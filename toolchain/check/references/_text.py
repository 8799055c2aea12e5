"""Citations in the running text: hand-typed numbers and the works each aligned paragraph cites."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from toolchain.check._align import aligned_units
from toolchain.check._text import CROSS_REFERENCE_USE, IDENTIFIER, mask_non_prose
from toolchain.load import Project
from toolchain.load.markdown import Citation, Document, find_citations, mask
from toolchain.load.source import Location, Span

NUMBER = r"\d{1,3}"
ITEM = rf"{NUMBER}(?:\s*[-–—~～]\s*{NUMBER})?"
# [12-16], [2,7], [3], ^[5]^, <sup>[1]</sup> (the tags are masked as non-prose); numbers only,
# so t(8;21), [95% CI …], [^1] footnotes and [text](url) links never match.
HAND_NUMBERED = re.compile(rf"\^?(?<!\!)\[\s*(?P<items>{ITEM}(?:\s*[,，、;；]\s*{ITEM})*)\s*\]\^?")


# Cross references as Quarto and pandoc-crossref write them (@tbl-x, @fig-x, @sec-x, @eq-x): Pandoc
# reads them as citations, the renderers resolve them against {#tbl-x} … (toolchain.render.crossref).
CROSS_REFERENCE = re.compile(r"(?:tbl|fig|sec|eq)[-:]")


def is_cross_reference(key: str, project: Project) -> bool:
    """Whether a cited key is a cross reference (its prefix says so and no entry has that key)."""
    return bool(CROSS_REFERENCE.match(key)) and key not in project.bibliography.by_key




SUGGESTED_KEYS = 200  # distinct unresolved keys given a closest-key suggestion; past that, exact case-folded matches only


def intended_keys(project: Project) -> dict[str, str]:
    """Each unresolved cited key → the entry key it most likely means (same key in another case, or one typo away).

    REF001 suggests it: ``@xuan202`` means ``xuan2020`` when no other key is as close.
    """
    return {key: close[0] for key, close in close_keys(project).items() if len(close) == 1}


def close_keys(project: Project) -> dict[str, tuple[str, ...]]:
    """Each unresolved cited key → the entry key it most likely means, or the two it is equally close to."""
    keys = project.bibliography.by_key
    if _INTENDED[0] is project:
        return _INTENDED[1]
    folded = {k.casefold(): k for k in keys}
    unresolved = dict.fromkeys(c.key for d in project.documents for c in d.citations
                               if c.key not in keys and not is_cross_reference(c.key, project))
    intended: dict[str, tuple[str, ...]] = {}
    for number, key in enumerate(unresolved):
        if key.casefold() in folded:
            intended[key] = (folded[key.casefold()],)
        elif number < SUGGESTED_KEYS:
            close = difflib.get_close_matches(key, keys, n=2, cutoff=0.85)
            ratios = [difflib.SequenceMatcher(None, key, other).ratio() for other in close]
            if len(close) == 1 or (len(close) == 2 and ratios[0] > ratios[1]):
                intended[key] = (close[0],)
            elif len(close) == 2:
                intended[key] = tuple(sorted(close))
    _INTENDED[:] = [project, intended]
    return intended


_INTENDED: list = [None, {}]  # the last project read and its unresolved keys' close entry keys


def cross_references(document: Document) -> Iterator[tuple[Span, int, int, str]]:
    """Every cross reference of the prose, also right after a Chinese character (见@tbl-x): (span, start, end, id)."""
    for span in document.text_spans:
        text = mask(span.text, re.compile(r"<!--.*?-->", re.S), re.compile(r"`[^`\n]*`"))
        for m in CROSS_REFERENCE_USE.finditer(text):
            yield span, m.start(1) - 1, m.end(1), m.group(1)


def identifiers(document: Document) -> set[str]:
    """The ``{#id}`` attributes a document defines (headings, captions, figures, equations)."""
    return set(IDENTIFIER.findall(document.source.text))


@dataclass(frozen=True, slots=True)
class HandNumber:
    """A hand-typed numeric citation and the citation numbers it stands for."""

    text: str
    numbers: tuple[int, ...]
    location: Location


def expand(items: str) -> tuple[int, ...]:
    """``12-16, 20`` → (12, 13, 14, 15, 16, 20); a reversed or huge range stays as its ends."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,，、;；]\s*", items.strip()):
        ends = [int(n) for n in re.findall(r"\d+", part)]
        if len(ends) == 2 and ends[0] <= ends[1] and ends[1] - ends[0] <= 100:
            numbers.extend(range(ends[0], ends[1] + 1))
        else:
            numbers.extend(ends)
    return tuple(numbers)


def hand_numbers(document: Document) -> Iterator[HandNumber]:
    """Bracketed citation numbers typed into prose instead of Pandoc keys."""
    for span in document.text_spans:
        raw = span.text
        masked = mask_non_prose(raw)
        for match in HAND_NUMBERED.finditer(masked):
            end = match.end()
            following = raw[end:end + 1]
            close = raw.rfind("]", match.start(), end) + 1
            # [12](url) links, [12]{.span} spans, [12][ref] reference links, [12]: definitions.
            if raw[close:close + 1] in ("(", "{", "[", ":") or following in ("(", "{"):
                continue
            start = match.start()
            yield HandNumber(raw[start:end], expand(match["items"]), span.location(start, end))


def first_citation_order(document: Document) -> list[str]:
    """Keys numbered as a numeric style numbers them: by first citation in the document."""
    return list(dict.fromkeys(c.key for c in document.citations if not CROSS_REFERENCE.match(c.key)))


@dataclass(frozen=True, slots=True)
class CitationGap:
    """A key cited in one language's unit but not in the aligned unit of the other."""

    citation: Citation
    other: Span
    other_lang: str


def citation_gaps(project: Project) -> Iterator[CitationGap]:
    """Keys cited on one side of an aligned zh/en unit pair but not on the other.

    An unresolved key counts as the entry it means (REF001's suggestion) unless its group cites that
    entry too: ``@Holmgren2020`` or ``@xantar2020`` against ``@antar2020`` is one unresolved key
    (REF001's), not a citation lost in translation, but ``[@xuan2020; @xuan2023]`` cites two works.
    So is an unresolved key left over against a close key left over on the other side (``@xuan202``
    against ``@xuan2020``, when the bib also holds ``xuan2023``).
    """
    intended = intended_keys(project)
    keys = project.bibliography.by_key
    for kind, zh_span, en_span in aligned_units(project):
        if kind in ("title", "keyword", "heading"):
            continue
        zh_cites, en_cites = ([c for c in find_citations(span) if not is_cross_reference(c.key, project)] for span in (zh_span, en_span))
        meant = {lang: side_meanings(cites, intended) for lang, cites in (("zh", zh_cites), ("en", en_cites))}
        zh_keys, en_keys = ({meant[lang].get(c.key, c.key).casefold() for c in cites} for lang, cites in (("zh", zh_cites), ("en", en_cites)))
        left: dict[str, dict[str, Citation]] = {"zh": {}, "en": {}}  # per side, the first citation of each key the other lacks
        for lang, cites, other_keys in (("zh", zh_cites, en_keys), ("en", en_cites, zh_keys)):
            for c in cites:
                if meant[lang].get(c.key, c.key).casefold() not in other_keys:
                    left[lang].setdefault(c.key, c)
        typos = typo_pairs(list(left["zh"].values()), list(left["en"].values()), keys)
        for lang, other, other_lang in (("zh", en_span, "en"), ("en", zh_span, "zh")):
            for citation in left[lang].values():
                if citation.key not in typos:
                    yield CitationGap(citation, other, other_lang)


def side_meanings(cites: list[Citation], intended: dict[str, str]) -> dict[str, str]:
    """The unresolved keys of one side → the entries they mean, unless a group citing the key cites that entry too."""
    groups: dict[int, set[str]] = {}
    for c in cites:
        groups.setdefault(c.group_start, set()).add(c.key)
    meant: dict[str, str] = {}
    for c in cites:
        if c.key in intended and (c.key in meant or intended[c.key] not in groups[c.group_start]):
            meant[c.key] = intended[c.key]
    return meant


TYPO_RATIO = 0.8  # how alike an unresolved key and a key left over on the other side must be to be one citation
TYPO_PAIRS = 2_500  # leftover pairs compared at most per unit pair (a paste of a whole text compares none)


def typo_pairs(zh: list[Citation], en: list[Citation], keys: dict) -> set[str]:
    """The keys of leftover citations that are one citation with a typo: an unresolved key and its closest leftover."""
    if len(zh) * len(en) > TYPO_PAIRS:
        return set()
    paired: set[str] = set()
    for mine, theirs in ((zh, en), (en, zh)):
        for citation in mine:
            if citation.key in keys or citation.key in paired:
                continue
            scored = [(difflib.SequenceMatcher(None, citation.key, c.key).ratio(), c.key) for c in theirs
                      if c.key in keys and c.key not in paired]
            best = max(scored, default=(0.0, ""))
            if best[0] >= TYPO_RATIO:
                paired.update((citation.key, best[1]))
    return paired
