"""What the pairwise rules find missing in each aligned unit pair, sentence by sentence.

For every pair of aligned units (``_align.aligned_units``) the numbers present on one side only
(compared as multisets, ``_numbers``) and the glossary terms without counterpart are collected;
when there are any, the sentences of the two units are aligned, and each gap is assigned to its
sentence group. A gap in a matched sentence group is a NUM001 or TERM001 finding; the gaps of a
sentence without counterpart are one ALIGN006 note for the sentence.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Protocol, TypeVar

from toolchain.check._align import Group, aligned_units, sentence_groups, term_finder
from toolchain.check._glossary_forms import Occurrence, matcher
from toolchain.check._numbers import Number, extract, glossary_names, one_sided
from toolchain.check._text import mask_non_prose
from toolchain.load import Project
from toolchain.load.source import Span


class Positioned(Protocol):
    """Anything with a start offset in its span's text (a Number, an Occurrence)."""

    @property
    def start(self) -> int: ...


@dataclass(frozen=True, slots=True)
class PairGaps:
    """The one-sided numbers and terms of one aligned unit pair, by sentence group (index into groups)."""

    kind: str
    zh: Span
    en: Span
    groups: tuple[Group, ...]
    numbers: dict[str, dict[int, list[Number]]]  # lang → group → numbers the other side lacks
    terms: dict[str, dict[int, list[Occurrence]]]  # lang → group → occurrences of terms the other side lacks

    def span(self, lang: str) -> Span:
        """The unit (or joined units) in ``lang``."""
        return self.zh if lang == "zh" else self.en


T = TypeVar("T", bound=Positioned)


def by_sentence_group(items: list[T], groups: tuple[Group, ...], lang: str) -> dict[int, list[T]]:
    """Items grouped by the index of the sentence group they stand in."""
    starts, owners = [], []
    for index, group in enumerate(groups):
        for unit in group.zh if lang == "zh" else group.en:
            starts.append(unit.offset)
            owners.append(index)
    grouped: dict[int, list[T]] = {}
    for item in items:
        grouped.setdefault(owners[max(0, bisect_right(starts, item.start) - 1)] if owners else 0, []).append(item)
    return grouped


def term_gaps(zh: Span, en: Span, project: Project) -> dict[str, list[Occurrence]]:
    """Per language, the top occurrences of glossary terms the other side does not name."""
    found = matcher(project.glossary)
    occurrences = {lang: found.find(mask_non_prose(span.text)) for lang, span in (("zh", zh), ("en", en))}
    present = {lang: {o.form.term for o in occurrences[lang]} for lang in occurrences}
    return {lang: [o for o in occurrences[lang] if o.top and o.form.term not in present[other]]
            for lang, other in (("zh", "en"), ("en", "zh"))}


_LAST: list = [None, []]  # the last project read and its gaps: NUM001, TERM001 and ALIGN006 share them


def pair_gaps(project: Project) -> list[PairGaps]:
    """The aligned unit pairs that have one-sided numbers or terms, with their sentence groups."""
    if _LAST[0] is not project:
        names, terms_in = glossary_names(project.glossary), term_finder(project)
        gaps = []
        for kind, zh, en in aligned_units(project):
            numbers = {"zh": extract(zh.text, "zh", names), "en": extract(en.text, "en", names)}
            one = {"zh": one_sided(numbers["zh"], numbers["en"]), "en": one_sided(numbers["en"], numbers["zh"])}
            terms = term_gaps(zh, en, project)
            if any(one.values()) or any(terms.values()):
                groups = tuple(sentence_groups(zh, en, terms_in))
                gaps.append(PairGaps(kind, zh, en, groups, {lang: by_sentence_group(one[lang], groups, lang) for lang in one},
                                     {lang: by_sentence_group(terms[lang], groups, lang) for lang in terms}))
        _LAST[:] = [project, gaps]
    return _LAST[1]
