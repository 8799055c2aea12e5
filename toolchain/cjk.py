"""The one definition of Chinese characters and full-width forms, for every stage."""

from __future__ import annotations

import re

# CJK Unified Ideographs, Extension A and the compatibility ideographs (what Chinese text is written in).
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK symbols and punctuation (。、《》…) and the half- and full-width forms (，：（）Ａ１…).
WIDE = r"\u3000-\u303f\uff00-\uffef"
CJK = re.compile(f"[{HAN}]")
