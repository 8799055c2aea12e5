"""The Chinese typography benchmark meets its goals in both house conventions, and --fix settles."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "typography.py"


@pytest.fixture(scope="module")
def scores() -> dict:
    """Scores of the case set per convention (one check and two fixes per convention)."""
    spec = importlib.util.spec_from_file_location("typography_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return {"scores": module.score_all(), "goals": module.GOALS, "cases": module.load_cases()}


def test_case_set_covers_every_kind_wrong_and_right(scores: dict) -> None:
    """Each convention scores over a hundred wrong cases and some right ones; no case is the same text twice."""
    texts = [c.text for c in scores["cases"]]
    assert len(texts) == len(set(texts))
    for score in scores["scores"].values():
        assert score.wrong >= 100 and score.right >= 15


@pytest.mark.parametrize("convention", ["none", "space"])
def test_goals_are_met(scores: dict, convention: str) -> None:
    """≥ 97 % detection, ≤ 1 % false alarms, ≥ 90 % exact fixes; a second --fix edits nothing."""
    score, goals = scores["scores"][convention], scores["goals"]
    figures = score.figures
    assert figures["detection"] >= goals["detection"], score.misses
    assert figures["false_alarms"] <= goals["false_alarms"], score.misses
    assert figures["exact_fixes"] >= goals["exact_fixes"], score.misses
    assert score.refix_changes == 0
