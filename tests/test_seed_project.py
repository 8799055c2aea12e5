"""The published article's own text (tests/projects/seed-zh) and the inconsistencies it really has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolchain.check import RULES, run_checks
from toolchain.config import load_settings
from toolchain.load import load_project

SEED = Path(__file__).resolve().parent / "projects" / "seed-zh"


@pytest.fixture(scope="module")
def diagnostics() -> list:
    """All diagnostics of the seed project under its (default) settings."""
    return list(run_checks(load_project(SEED), load_settings(SEED)).diagnostics)


def line_of(text: str) -> int:
    """The zh.md line that holds ``text``."""
    lines = (SEED / "manuscript" / "zh.md").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_spacing_convention_switches_partway(diagnostics: list) -> None:
    """The first pages set Latin text tight, the later ones with spaces: infer mode reports the first part."""
    spacing = [d for d in diagnostics if d.rule == "ZH002"]
    switch = line_of("## 索拉非尼用于移植后维持治疗")
    counts = re.search(r"inferred: (\d+) without, (\d+) with", spacing[0].message)
    assert counts and int(counts.group(2)) > int(counts.group(1)) > 100
    assert all(d.message.startswith("no space between") for d in spacing)
    before = [d for d in spacing if d.location.line < switch]
    assert len(spacing) == int(counts.group(1)) and len(before) >= 0.95 * len(spacing)


def test_unit_written_both_ways(diagnostics: list) -> None:
    """“400mg,2次/d” is reported (no space, half-width comma); the later “400 mg, 2 次/d” is spaced."""
    line = line_of("索拉非尼400mg,2次/d")
    units = [d for d in diagnostics if d.rule == "ZH004"]
    assert [(d.location.line, d.message) for d in units] == [(line, "no space between the number and its unit in “400mg”; write “400 mg”")]
    assert any(d.rule == "ZH001" and d.location.line == line and "400mg,2次/d" in d.message for d in diagnostics)


def test_response_category_named_two_ways(diagnostics: list) -> None:
    """The glossary of the test project prefers CRi's name; the CRp wording is reported where it stands."""
    avoided = next(r.id for r in RULES.values() if r.name == "avoided-term-variant")
    found = [d for d in diagnostics if d.rule == avoided]
    assert [d.location.line for d in found] == [line_of("完全缓解伴血小板计数不完全恢复")]
    assert "完全缓解伴血液学计数不完全恢复" in found[0].message


def test_tilde_ranges_reported(diagnostics: list) -> None:
    """The seed writes ranges with the ASCII ~ (15%~30%, 200~400 mg): each is reported."""
    ranges = [d for d in diagnostics if d.rule == "ZH003"]
    assert len(ranges) == 8 and all("uses “~”" in d.message for d in ranges)
