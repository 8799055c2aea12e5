"""The typography rules stay linear on adversarial paragraphs: runs of spaces, quotes, marks, signs."""

from __future__ import annotations

import gc
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.check import _typography, run_checks
from toolchain.config import load_settings
from toolchain.load import load_project

BASE = Path(__file__).resolve().parent / "rules" / "base_project"
# each piece feeds a pattern of the ZH/EN rules; repeated, they make long runs no rule may rescan
PIECES = ["  ", "“", "”a ", "a. ", "CD34+ ", "5 ± ", "III ", "《", "「", "... ", "'", '"', "( ", " )", "χ2", "10：", "中 ",
          "\u3000", "Yahoo!", "[@k] ", "。 ", "5.0 ×10^9^", "-20或", "24h"]


def seconds(root: Path, size: int, family: str, interleaved: bool) -> float:
    """Time one family of rules on a one-line paragraph of about ``size`` characters in both languages."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(BASE, root)
    unit = "".join(PIECES)
    body = unit * (size // len(unit)) if interleaved else "".join(p * (size // len(p) // len(PIECES)) for p in PIECES)
    for name in ("zh", "en"):
        path = root / "manuscript" / f"{name}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n中文" + body + "\n", encoding="utf-8")
    settings = replace(load_settings(root), select=(family,), ignore=())
    project = load_project(root)
    for cached in (_typography.opaque, _typography.fragile):
        cached.cache_clear()  # keyed by the text: what one size computed must not count for the other
    gc.collect()
    begun = time.perf_counter()
    result = run_checks(project, settings)
    assert not result.crashed
    return time.perf_counter() - begun


@pytest.mark.parametrize("family", ["ZH", "EN"])
@pytest.mark.parametrize("interleaved", [False, True], ids=["runs", "interleaved"])
def test_four_times_the_text_takes_about_four_times_as_long(tmp_path: Path, family: str, interleaved: bool) -> None:
    """A quadratic rule would take sixteen times as long; ten leaves room for a busy machine."""
    small = min(seconds(tmp_path / "small", 150_000, family, interleaved) for _ in range(2))
    large = seconds(tmp_path / "large", 600_000, family, interleaved)
    assert large < 10 * small + 1.0, (small, large)
