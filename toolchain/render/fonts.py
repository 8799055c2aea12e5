"""The PDF faces: Song (serif) for Chinese body text, Hei (sans) for headings and bold.

Latin text is set in Libertinus Serif, which typst ships.

Fontconfig's Noto Serif CJK / Source Han Serif (and the matching sans faces) are preferred when
the system has them; otherwise the static Noto Serif SC and Noto Sans SC from the PyPI wheel
``pylopdf-fonts-zh-cn`` are used, so a pip-only install prints as Chinese journals do.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pylopdf_fonts_zh_cn

LATIN = "Libertinus Serif"
# Preferred system families in order, then the bundled static face.
SYSTEM_SONG = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN")
SYSTEM_HEI = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN")
BUNDLED_SONG = "Noto Serif SC"
BUNDLED_HEI = "Noto Sans SC"


@cache
def font_paths() -> tuple[str, ...]:
    """Directories holding the bundled CJK faces."""
    return (str(Path(pylopdf_fonts_zh_cn.__file__).resolve().parent),)


@cache
def system_families() -> frozenset[str]:
    """CJK families fontconfig can find (empty without fontconfig)."""
    if not shutil.which("fc-list"):
        return frozenset()
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], check=False, capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(f.strip() for line in listed.splitlines() for f in line.split(","))


def song() -> str:
    """The Chinese body face: the first system Song face found, else the bundled one."""
    return next((f for f in SYSTEM_SONG if f in system_families()), BUNDLED_SONG)


def hei() -> str:
    """The Chinese heading and bold face: the first system Hei face found, else the bundled one."""
    return next((f for f in SYSTEM_HEI if f in system_families()), BUNDLED_HEI)
