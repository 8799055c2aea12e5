"""The checker on manuscripts other than ours: two correct projects stay clean, a defective one is reported exactly.

tests/projects/other-cardiology          a heart-failure review, no space between Chinese and Latin text
tests/projects/other-oncology-enbody-empty  a lung-cancer review spaced between Chinese and Latin, en.md without body
tests/projects/other-defects             a diabetes review with the defects listed at the top of its zh.md
"""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.check import Severity, run_checks
from toolchain.config import load_settings
from toolchain.load import load_project

PROJECTS = Path(__file__).resolve().parent / "projects"
CLEAN = ("other-cardiology", "other-oncology-enbody-empty")

ZH, EN, META, BIB = "manuscript/zh.md", "manuscript/en.md", "manuscript/metadata.yaml", "bib/references.bib"
# Every error and warning of other-defects: (rule, file, line). Notes (ABBR004) are not defects.
DEFECTS = {
    ("ZH001", ZH, 59), ("ZH006", ZH, 61), ("ZH002", ZH, 61), ("REF007", ZH, 61),
    ("ABBR003", ZH, 65), ("REF001", ZH, 65), ("REF010", ZH, 67),
    ("ZH001", ZH, 71), ("ZH005", ZH, 71), ("REF012", ZH, 71), ("TERM001", ZH, 71), ("TERM002", ZH, 71),
    ("ZH003", ZH, 71), ("ZH004", ZH, 71), ("ZH001", ZH, 75), ("ALIGN002", ZH, 79),
    ("META002", EN, 6), ("EN006", EN, 13), ("ABBR001", EN, 17), ("REF001", EN, 17),
    ("REF010", EN, 19), ("NUM001", EN, 19), ("REF009", EN, 19),
    ("EN003", EN, 23), ("EN002", EN, 23), ("EN004", EN, 23), ("EN001", EN, 23), ("EN005", EN, 23),
    ("ALIGN003", EN, 25), ("SRC003", EN, 29),
    ("META010", META, 4), ("META020", META, 10), ("META012", META, 16), ("META005", META, 18), ("META009", META, 23),
    ("REF006", BIB, 33), ("REF005", BIB, 37), ("REF004", BIB, 48), ("REF008", BIB, 71), ("REF003", BIB, 81),
    ("REF002", BIB, 99),
}


def check(name: str):
    """Run every rule over one test project with its own settings."""
    root = PROJECTS / name
    return run_checks(load_project(root), load_settings(root))


@pytest.mark.parametrize("name", CLEAN)
def test_correct_projects_are_clean(name: str) -> None:
    """No error and no warning on correct text (notes such as ABBR004 are advice, not findings)."""
    result = check(name)
    assert not result.crashed
    findings = [f"{d.location} {d.rule} {d.message}" for d in result.diagnostics if d.severity is not Severity.INFO]
    assert findings == []


def test_defects_are_reported_exactly() -> None:
    """Each listed defect is reported by its rule at its line, and nothing else is."""
    result = check("other-defects")
    assert not result.crashed
    found = {(d.rule, d.location.file, d.location.line) for d in result.diagnostics if d.severity is not Severity.INFO}
    assert found - DEFECTS == set(), "reported but not a listed defect"
    assert DEFECTS - found == set(), "listed defect not reported"


def test_defect_list_in_the_manuscript_names_every_rule() -> None:
    """The comment block at the top of other-defects/manuscript/zh.md lists each rule the test expects."""
    header = (PROJECTS / "other-defects" / ZH).read_text(encoding="utf-8").split("-->", 1)[0]
    assert {rule for rule, _, _ in DEFECTS} <= set(header.split())
