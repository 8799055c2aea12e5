"""Numbers in prose, read for NUM001: normalised values, number words, names that hold digits.

Numbers are compared as multisets after normalisation (1,000 = 1000, 76.9 % = 76.9%, .05 =
0.05, 890万 = 8.9 million, 2019年11月 = November 2019; a range is its two ends, whatever joins
them; the parts of a fraction in words, one-third or 三分之一, only excuse 1/3). Names that hold digits are not numbers:
glossary terms (FMS样酪氨酸激酶3, IL-15), letters glued to digits (FLT3, CD34, AAML1031,
F691L, 2021YFC2500300), t(8;21), 7+3, superscripts, and the English gloss of a Chinese
abbreviation definition （FMS-like tyrosine kinase 3，FLT3）. Number words are data
(``toolchain/data/number-words.yaml``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files

from toolchain.check._glossary_forms import spaced_form
from toolchain.check._text import mask_non_prose
from toolchain.check._typography import LETTER, ORDINALS, SHORT_UNITS, UNITS
from toolchain.check.references._text import HAND_NUMBERED
from toolchain.cjk import HAN
from toolchain.load import safe_data
from toolchain.load.glossary import Glossary

# Small numbers in words are data (toolchain/data/number-words.yaml). Weak ones (一/one as the
# article, “no cases” = 0 例, 无) excuse a lone value on the other side but are never reported.
WORDS = safe_data(files("toolchain").joinpath("data", "number-words.yaml").read_text(encoding="utf-8"))
ZH_NUMERALS: dict[str, int] = WORDS["zh"]["numerals"]
EN_WORDS: dict[str, int] = {**WORDS["en"]["strong"], **WORDS["en"]["weak"]}
WEAK_WORDS = frozenset(WORDS["en"]["weak"])
MEASURE_WORDS = WORDS["zh"]["measure-words"]
DIGIT_NUMERALS = "".join(c for c in ZH_NUMERALS if c != "零")
ZH_NUMBER = re.compile(f"(?<![第数几])[{''.join(ZH_NUMERALS)}]{{1,3}}(?=[余多]?[{MEASURE_WORDS}])")  # 十余项 = more than ten
ZH_WEAK_ZERO = re.compile("|".join(map(re.escape, WORDS["zh"]["weak-zero"])))


def word_pattern(words: list[str] | dict) -> re.Pattern[str]:
    """Any of ``words`` as a whole word, any case; a lookahead of first letters lets the engine skip most positions."""
    first = "".join(sorted({c for w in words for c in (w[0].lower(), w[0].upper())}))
    return re.compile(r"\b(?=[" + re.escape(first) + r"])(" + "|".join(words) + r")\b", re.IGNORECASE)


EN_NUMBER = word_pattern(EN_WORDS)
EN_FRACTIONS: dict[str, list[int]] = WORDS["en"]["fractions"]
EN_FRACTION = word_pattern(EN_FRACTIONS)
ZH_FRACTION = re.compile(f"([{DIGIT_NUMERALS}]{{1,2}})分之([{DIGIT_NUMERALS}]{{1,2}})")
ZH_PERCENT = re.compile(f"百分之([{''.join(ZH_NUMERALS)}]{{1,3}})")  # 百分之十五 is 15 %, as a translation writes it
# Multiples in words (data) and Roman numerals (Ⅲ期 = phase 3 = phase III, NYHA Ⅱ～Ⅳ级 = class
# II–IV) only excuse: a translator may write either form on either side.
EN_MULTIPLES: dict[str, int] = WORDS["en"]["multiples"]
EN_MULTIPLE = word_pattern(EN_MULTIPLES)
ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
UNICODE_ROMAN = {chr(0x2160 + i): i + 1 for i in range(12)}
ROMAN = r"(?:VIII|VII|VI|IV|IX|V|X|III|II|I)"
ROMAN_RUN = f"{ROMAN}(?:\\s*[/～~–-]\\s*{ROMAN})*"
ROMAN_NUMERALS = {
    "zh": re.compile(f"(?<![A-Za-z])({ROMAN_RUN})(?=\\s*[期级型类度])"),
    "en": re.compile(f"\\b(?:[Pp]hase|[Cc]lass|[Gg]rade|[Ss]tage|[Tt]ype)s?\\s+({ROMAN_RUN})\\b"),
}
# Month names: “2019年11月” is “November 2019”. May is a month only next to a day or a year.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
EN_MONTH = re.compile(r"\b(?:(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.|(January|February|March|April|June|July|August|"
                      r"September|October|November|December)\b|May(?=\s+\d)|(?<=\d\s)May\b)")
# Large-number words: 6,430万 = 64.3 million; 1.2亿 = 120 million.
MULTIPLIERS = {"zh": re.compile(r"\s*(万|亿)"), "en": re.compile(r"\s+(thousand|million|billion)\b")}
SCALE = {"万": 4, "亿": 8, "thousand": 3, "million": 6, "billion": 9}
GLUED_LETTERS = re.compile(f"[{LETTER}µ]+")
# Digit groups: 1,180 and, as GB/T 15835 and SI write them, 1 180 (a space, thin or no-break space)
DIGITS = re.compile(r"(?=[\d.])(?:(?<![0-9.])(?:\d{1,3}(?:,\d{3})+(?![0-9])|\d{1,3}(?:[ \u2009\u202f\u00a0]\d{3})+(?![0-9])|\d+)(?:\.\d+)?"
                    r"|(?<![\w.])\.\d+)")
NAMES = [
    re.compile(r"t(?<![A-Za-z0-9]t)\(\d+;\d+\)(?:\([pq][\d.;pq]+\))?"),  # t(8;21)(q22;q22), also after 的
    re.compile(r"(?=\d)(?<![\d.])\d+\s?\+\s?\d+(?![\d.])"),       # 7+3 regimens
    re.compile(r"\^[^\^\s]{1,12}\^"),                              # superscripts ^+^
    re.compile(f"~(?<=[{LETTER}]~)[^~\\s]{{1,12}}~"),             # subscripts CO~2~
    # the English gloss inside a Chinese abbreviation definition: （FMS-like tyrosine kinase 3，FLT3）
    re.compile(r"[（(]\s*[A-Za-z][^（）()\n]*?[，,]\s*[A-Za-z][\w/+\-]*\s*[）)]"),
    HAND_NUMBERED,                                                 # citation numbers typed by hand [3] (REF012)
]
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
DIGIT_SEPARATORS = re.compile(r"[, \u2009\u202f\u00a0]")
LETTER_BEFORE = re.compile(f"[{LETTER}]$|[{LETTER}{HAN}]-$")  # the digits of FLT3, IL-15


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
    named = sorted((f for f in forms if re.search(r"[0-9一二两三四五六七八九十]", f)), key=lambda f: (-len(f), f))
    if not named:
        return None
    # the lookahead of first characters lets the engine skip the positions where no form can start
    first = "".join(sorted({f[0] for f in named}))
    return re.compile(f"(?=[{re.escape(first)}])(?:" + "|".join(spaced_form(f) for f in named) + ")", re.IGNORECASE)


def blank(text: str, pattern: re.Pattern[str] | None) -> str:
    """Replace every match of the pattern by spaces."""
    if pattern is None:
        return text
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def canonical(text: str) -> str:
    """1,000 → 1000; 03 → 3; .05 → 0.05; full-width １２ → 12 (ZH005 reports the width)."""
    text = DIGIT_SEPARATORS.sub("", text.translate(FULL_WIDTH_DIGITS))
    whole, _, fraction = text.partition(".")
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{fraction}" if fraction else whole


def is_name(masked: str, start: int, end: int) -> bool:
    """Whether the digits at start:end belong to a name (FLT3, IL-15, 2021YFC2500300, 8p11)."""
    before = masked[max(0, start - 2):start]
    if LETTER_BEFORE.search(before):
        return True
    letters = GLUED_LETTERS.match(masked, end)
    return bool(letters) and letters.group(0) not in UNITS | SHORT_UNITS | ORDINALS


def extract(text: str, lang: str, names: re.Pattern[str] | None) -> list[Number]:
    """The numbers of one unit's text, in order."""
    masked = blank(mask_non_prose(text), names)
    for pattern in NAMES:
        masked = blank(masked, pattern)
    found = [Number(scaled(m.group(), masked, m.end(), lang), m.group(), m.start(), m.end())
             for m in DIGITS.finditer(masked) if not is_name(masked, m.start(), m.end())]
    if lang == "zh":
        fractions = [(m.start(), m.end()) for m in ZH_FRACTION.finditer(masked)]
        for m in ZH_FRACTION.finditer(masked):
            found += [Number(str(zh_value(m.group(i))), m.group(i), m.start(i), m.end(i), weak=True) for i in (1, 2) if zh_value(m.group(i))]
        for m in ZH_PERCENT.finditer(masked):
            if value := zh_value(m.group(1)):
                found.append(Number(str(value), m.group(), m.start(), m.end()))
                fractions.append((m.start(), m.end()))
        for m in ZH_NUMBER.finditer(masked):
            value = zh_value(m.group())
            if (value or m.group() == "零") and not any(s <= m.start() < e for s, e in fractions):
                found.append(Number(str(value), m.group(), m.start(), m.end(), weak=value == 1))
        found += [Number("0", m.group(), m.start(), m.end(), weak=True) for m in ZH_WEAK_ZERO.finditer(masked)]
    else:
        for m in EN_NUMBER.finditer(masked):
            word = m.group().lower()
            found.append(Number(str(EN_WORDS[word]), m.group(), m.start(), m.end(), weak=word in WEAK_WORDS))
        for m in EN_FRACTION.finditer(masked):
            found += [Number(str(value), m.group(), m.start(), m.end(), weak=True) for value in EN_FRACTIONS[m.group().lower()]]
        for m in EN_MONTH.finditer(masked):
            name = m.group(1) or m.group(2) or "May"
            month = next(i for i, full in enumerate(MONTHS, 1) if full.startswith(name[:3]))
            found.append(Number(str(month), m.group(), m.start(), m.end()))
    found += roman_numerals(masked, lang)
    return sorted(found, key=lambda n: n.start)


UNICODE_ROMAN_CHAR = re.compile("[" + "".join(UNICODE_ROMAN) + "]")


def roman_numerals(masked: str, lang: str) -> list[Number]:
    """Roman numerals (Ⅲ, phase III, II～IV级) and, in English, multiples in words, as weak numbers."""
    found = [Number(str(UNICODE_ROMAN[m.group()]), m.group(), m.start(), m.end(), weak=True) for m in UNICODE_ROMAN_CHAR.finditer(masked)]
    for m in ROMAN_NUMERALS[lang].finditer(masked):
        for part in re.finditer(ROMAN, m.group(1)):
            found.append(Number(str(ROMAN_VALUES[part.group()]), part.group(), m.start(1) + part.start(), m.start(1) + part.end(), weak=True))
    if lang == "en":
        found += [Number(str(EN_MULTIPLES[m.group().lower()]), m.group(), m.start(), m.end(), weak=True) for m in EN_MULTIPLE.finditer(masked)]
    return found


def scaled(text: str, masked: str, end: int, lang: str) -> str:
    """The canonical value of a number, multiplied out when 万/亿 or million/billion follows it."""
    value = canonical(text)
    multiplier = MULTIPLIERS[lang].match(masked, end)
    if not multiplier:
        return value
    exact = Decimal(value).scaleb(SCALE[multiplier.group(1)])
    return canonical(format(exact.normalize(), "f"))


def zh_value(numeral: str) -> int:
    """The value of a Chinese numeral up to 99 (三 = 3, 十二 = 12, 二十 = 20); 0 when malformed (or 零)."""
    if "零" in numeral:
        return 0
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
