"""The one definition of Chinese characters and full-width forms, for every stage.

Every other module builds its patterns from these classes; none spells a CJK range itself
(a test walks the sources).
"""

from __future__ import annotations

import re

# CJK Unified Ideographs, Extension A and the compatibility ideographs (what Chinese text is written in).
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
HAN = "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in HAN_RANGES)
# CJK symbols and punctuation (。、《》…) and the half- and full-width forms (，：（）Ａ１…).
WIDE = r"\u3000-\u303f\uff00-\uffef"
# Chinese punctuation: CJK symbols and punctuation and the full-width ASCII marks (not letters or digits).
WIDE_PUNCTUATION = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20"
FULL_WIDTH_DIGIT = "０-９"
FULL_WIDTH_ALNUM = f"{FULL_WIDTH_DIGIT}Ａ-Ｚａ-ｚ"
FULL_WIDTH_OFFSET = 0xFEE0  # Ａ (U+FF21) - A (U+0041): a full-width ASCII form's distance from its ASCII
# Characters a typesetter sets one em wide: hangul jamo, CJK radicals to Yi, hangul syllables,
# compatibility ideographs, vertical forms and the full-width forms.
EM_WIDE = r"\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
# Characters after which a line may break without a space (CJK text, kana and full-width forms).
BREAKS_AFTER = r"\u2e80-\ua4cf\uff00-\uff60"
CJK = re.compile(f"[{HAN}]")


def half_width(text: str) -> str:
    """``text`` with full-width ASCII forms (ＡＭＬ１２) written as ASCII (AML12)."""
    return "".join(chr(ord(ch) - FULL_WIDTH_OFFSET) if "\uff01" <= ch <= "\uff5e" else ch for ch in text)
