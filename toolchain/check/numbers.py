"""Numbers: every aligned zh/en unit states the same numbers.

Numbers are compared as multisets after normalisation (1,000 = 1000, 76.9 % = 76.9%, .05 =
0.05; a range is its two ends, whatever joins them). Names that hold digits are not numbers:
glossary terms (FMS样酪氨酸激酶3, IL-15), letters glued to digits (FLT3, CD34, AAML1031,
F691L, 2021YFC2500300), t(8;21), 7+3, superscripts, and the English gloss of a Chinese
abbreviation definition （FMS-like tyrosine kinase 3，FLT3）.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from toolchain.check._text import aligned_units, mask_non_prose
from toolchain.check._typography import LETTER, ORDINALS, SHORT_UNITS, UNITS
from toolchain.check.diagnostic import Finding
from toolchain.check.registry import rule
from toolchain.load import Project
from toolchain.load.glossary import Glossary
from toolchain.load.source import Span

# Small numbers in words. 一/one double as the article (一项研究 = a study), so they are
# "weak": they excuse a lone 1 on the other side but are never reported themselves.
ZH_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
EN_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "twice": 2, "once": 1, "a": 1, "an": 1, "single": 1, "both": 2}
WEAK_WORDS = frozenset({"one", "once", "a", "an", "single", "both"})
# A Chinese numeral counts only before a measure word (两组, 三个疗程), not in words like 三尖杉.
MEASURE_WORDS = "个例名位组项种类次年月周天日倍条份"
ZH_NUMBER = re.compile(f"(?<![第数几])[一二两三四五六七八九十]{{1,3}}(?=[{MEASURE_WORDS}])")
EN_NUMBER = re.compile(r"\b(" + "|".join(EN_WORDS) + r")\b", re.IGNORECASE)
GLUED_LETTERS = re.compile(f"[{LETTER}µ]+")
DIGITS = re.compile(r"(?<![0-9.])(?:\d{1,3}(?:,\d{3})+(?![0-9])|\d+)(?:\.\d+)?|(?<![\w.])\.\d+")
NAMES = [
    re.compile(r"(?<![A-Za-z0-9])t\(\d+;\d+\)(?:\([pq][\d.;pq]+\))?"),  # t(8;21)(q22;q22), also after 的
    re.compile(r"(?<![\d.])\d+\s?\+\s?\d+(?![\d.])"),              # 7+3 regimens
    re.compile(r"\^[^\^\s]{1,12}\^"),                              # superscripts ^+^
    re.compile(f"(?<=[{LETTER}])~[^~\\s]{{1,12}}~"),               # subscripts CO~2~
    # the English gloss inside a Chinese abbreviation definition: （FMS-like tyrosine kinase 3，FLT3）
    re.compile(r"[（(]\s*[A-Za-z][^（）()\n]*?[，,]\s*[A-Za-z][\w/+\-]*\s*[）)]"),
]


@dataclass(frozen=True, slots=True)
class Number:
    """A number found in a unit: canonical value, its text and offsets, and whether it is weak."""

    value: str
    text: str
    start: int
    end: int
    weak: bool = False


def glossary_names(glossary: Glossary) -> re.Pattern[str] | None:
    """A pattern matching every glossary form that holds a digit or a Chinese numeral."""
    forms = set()
    for term in glossary.terms:
        for lang in ("zh", "en"):
            forms.update(term.accepted(lang))
            forms.update(term.avoid.get(lang, ()))
    named = sorted((f for f in forms if re.search(r"[0-9一二两三四五六七八九十]", f)), key=len, reverse=True)
    if not named:
        return None
    return re.compile("|".join(re.escape(f) for f in named), re.IGNORECASE)


def blank(text: str, pattern: re.Pattern[str] | None) -> str:
    """Replace every match of the pattern by spaces."""
    if pattern is None:
        return text
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def canonical(text: str) -> str:
    """1,000 → 1000; 03 → 3; .05 → 0.05."""
    text = text.replace(",", "")
    whole, _, fraction = text.partition(".")
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{fraction}" if fraction else whole


def is_name(masked: str, start: int, end: int) -> bool:
    """Whether the digits at start:end belong to a name (FLT3, IL-15, 2021YFC2500300, 8p11)."""
    before = masked[max(0, start - 2):start]
    if re.search(f"[{LETTER}]$", before) or re.search(f"[{LETTER}\u3400-\u9fff]-$", before):
        return True
    letters = GLUED_LETTERS.match(masked, end)
    return bool(letters) and letters.group(0) not in UNITS | SHORT_UNITS | ORDINALS


def extract(text: str, lang: str, names: re.Pattern[str] | None) -> list[Number]:
    """The numbers of one unit's text, in order."""
    masked = blank(mask_non_prose(text), names)
    for pattern in NAMES:
        masked = blank(masked, pattern)
    found = [Number(canonical(m.group()), m.group(), m.start(), m.end())
             for m in DIGITS.finditer(masked) if not is_name(masked, m.start(), m.end())]
    if lang == "zh":
        for m in ZH_NUMBER.finditer(masked):
            value = zh_value(m.group())
            if value:
                found.append(Number(str(value), m.group(), m.start(), m.end(), weak=value == 1))
    else:
        for m in EN_NUMBER.finditer(masked):
            word = m.group().lower()
            found.append(Number(str(EN_WORDS[word]), m.group(), m.start(), m.end(), weak=word in WEAK_WORDS))
    return sorted(found, key=lambda n: n.start)


def zh_value(numeral: str) -> int:
    """The value of a Chinese numeral up to 99 (三 = 3, 十二 = 12, 二十 = 20); 0 when malformed."""
    if "十" not in numeral:
        return ZH_NUMERALS[numeral] if len(numeral) == 1 else 0
    tens, _, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return 0
    return (ZH_NUMERALS.get(tens, 0) if tens else 1) * 10 + (ZH_NUMERALS.get(ones, 0) if ones else 0)


def one_sided(mine: list[Number], theirs: list[Number]) -> list[Number]:
    """Strong numbers of ``mine`` left over after matching ``theirs`` (weak ones only excuse)."""
    available = Counter(n.value for n in theirs if not n.weak)
    weak = Counter(n.value for n in theirs if n.weak)
    left = []
    for number in (n for n in mine if not n.weak):
        if available[number.value]:
            available[number.value] -= 1
        else:
            left.append(number)
    result = []
    for number in left:
        if weak[number.value]:
            weak[number.value] -= 1
        else:
            result.append(number)
    return result


@rule("NUM001", "number-mismatch")
def number_mismatch(project: Project) -> Iterator[Finding]:
    """A number in one language is missing from the aligned unit of the other.

    Why: a figure changed in translation (120 patients vs 112) is the costliest error of a bilingual article.
    Example: zh ``共纳入120例患者`` / en ``A total of 112 patients`` → NUM001 at “112”.
    """
    names = glossary_names(project.glossary)
    for kind, zh, en in aligned_units(project.zh, project.en):
        zh_numbers, en_numbers = extract(zh.text, "zh", names), extract(en.text, "en", names)
        zh_only, en_only = one_sided(zh_numbers, en_numbers), one_sided(en_numbers, zh_numbers)
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
