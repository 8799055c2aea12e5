"""A review nobody here wrote, as its authors sent it (tests/projects/other-nephro-authored).

The metadata half in Chinese, a paragraph missing in en.md, text pasted from a PDF, a wrong
first author, a wrong year, references unresolved, unused, duplicated and malformed: the checker
must run to exit 1, never 2, and report exactly what the project's findings.yaml documents
(rule, file, line, count); the outputs built from it must open and validate.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.test_seed_faithful import check_json, difference, documented
from toolchain.check import RULES

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "tests" / "projects" / "other-nephro-authored"
TABLE = PROJECT / "findings.yaml"


@pytest.fixture(scope="module")
def reported() -> tuple[int, str, list[dict]]:
    """The check of other-nephro-authored."""
    return check_json(PROJECT)


def test_runs_to_exit_1_never_2(reported: tuple[int, str, list[dict]]) -> None:
    """Every file parses: findings and exit 1, no refusal and nothing on stderr."""
    code, stderr, findings = reported
    assert code == 1, stderr
    assert stderr == "" and findings


def test_reports_exactly_the_planted_defects(reported: tuple[int, str, list[dict]]) -> None:
    """Each planted defect is found by its rule on its line, as often as documented, and nothing else is."""
    assert not difference(documented(TABLE), reported[2]), difference(documented(TABLE), reported[2])


def test_table_rows_are_well_formed() -> None:
    """Every row names a rule that exists, says why it applies and where."""
    for row in yaml.safe_load(TABLE.read_text(encoding="utf-8"))["defects"]:
        assert row["rule"] in RULES and row["why"].strip() and row["at"], row


def test_columns_stand_inside_their_lines(reported: tuple[int, str, list[dict]]) -> None:
    """A finding's column points at a character of its line."""
    for d in reported[2]:
        lines = (PROJECT / d["file"]).read_text(encoding="utf-8").split("\n")
        assert 1 <= d["column"] <= len(lines[d["line"] - 1]), d
