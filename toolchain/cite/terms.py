"""The words a reference list prints in each language, defined once for every output."""

from __future__ import annotations

# GB/T 7714-2015 8.1.2: a truncated name list ends with the et-al term of the work's own language.
ET_AL = {"zh": "等", "en": "et al."}
SECTION_TITLE = {"zh": "参考文献", "en": "References"}
# An English list prints a Chinese work in its English version and says so (README extension).
IN_CHINESE = "(in Chinese)"


def et_al(lang: str) -> str:
    """The et-al term of a language (English for any language but Chinese)."""
    return ET_AL.get(lang, ET_AL["en"])


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st (an English edition)."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
