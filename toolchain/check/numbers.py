"""Numbers: every aligned zh/en unit states the same numbers (how they are read: ``_numbers``)."""

from __future__ import annotations

from collections.abc import Iterator

from toolchain.check._numbers import Number
from toolchain.check._pairwise import pair_gaps
from toolchain.check.diagnostic import Finding
from toolchain.check.registry import RuleContext, rule
from toolchain.load.source import Span

MANY = 30  # one-sided numbers in one sentence group past which the group is one finding per side, not one per number


@rule("NUM001", "number-mismatch")
def number_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A number in one language is missing from the aligned unit of the other.

    Why: a figure changed in translation (120 patients vs 112) is the costliest error of a bilingual article.
    The numbers of two aligned units are compared as multisets; a number left over is reported in
    its sentence, paired with a leftover of the aligned sentence of the other language when there
    is one. Numbers of a sentence without counterpart are one ALIGN006 note instead.
    Example: zh ``共纳入120例患者`` / en ``A total of 112 patients`` → NUM001 at “112”.
    More than 30 leftovers in one sentence group (texts that are no translation of each other)
    are one finding per language, at the first of them.
    """
    for pair in pair_gaps(ctx.project):
        kind, zh, en = pair.kind, pair.zh, pair.en
        for index, group in enumerate(pair.groups):
            if not group.matched:
                continue
            zh_only, en_only = pair.numbers["zh"].get(index, []), pair.numbers["en"].get(index, [])
            if len(zh_only) + len(en_only) > MANY:
                yield from too_many(kind, zh_only, zh, en, "zh.md", "en.md")
                yield from too_many(kind, en_only, en, zh, "en.md", "zh.md")
                continue
            for a, b in zip(zh_only, en_only):
                yield Finding(en.location(b.start, b.end), f"number “{b.text}” in the English {kind} differs from “{a.text}” in zh.md",
                              related=(zh.location(a.start, a.end),), suggestion=a.value)
            pairs = min(len(zh_only), len(en_only))
            yield from unmatched(kind, zh_only[pairs:], zh, en, "zh.md", "en.md")
            yield from unmatched(kind, en_only[pairs:], en, zh, "en.md", "zh.md")


def unmatched(kind: str, numbers: list[Number], here: Span, there: Span, this: str, other: str) -> Iterator[Finding]:
    """Findings for numbers present on one side only."""
    for number in numbers:
        yield Finding(here.location(number.start, number.end),
                      f"number “{number.text}” in {this} has no counterpart in the aligned {kind} of {other}",
                      related=(there.start,))


def too_many(kind: str, numbers: list[Number], here: Span, there: Span, this: str, other: str) -> Iterator[Finding]:
    """One finding for the many numbers of one side of a sentence group that the other side lacks."""
    if numbers:
        first = numbers[0]
        shown = ", ".join(f"“{n.text}”" for n in numbers[:3])
        yield Finding(here.location(first.start, first.end),
                      f"{len(numbers)} numbers in {this} ({shown}, …) have no counterpart in the aligned {kind} of {other}: "
                      f"the two texts say different things", related=(there.start,))
