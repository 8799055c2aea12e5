"""The CITE family measured on every project (README, "CITE001–CITE005 check a sentence against the record").

Each finding that stays was judged against the cited work; this keeps the README's table true:
a change to the rules or their word lists that adds or drops a finding on these projects fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.check import run_checks
from toolchain.config import Settings
from toolchain.load import load_project

REPO = Path(__file__).resolve().parent.parent
PROJECTS = REPO / "tests" / "projects"
CLEAN = ("other-cardiology", "other-defects", "other-gastro-translated", "other-neuro-translated",
         "other-oncology-enbody-empty", "render-features", "seed-zh")


def cite_findings(path: Path) -> list[tuple[str, str, int, str]]:
    """(rule, file, line, message) of every CITE finding on a project."""
    project = load_project(path)
    return [(d.rule, Path(d.location.file).name, d.location.line, d.message)
            for d in run_checks(project, Settings(select=("CITE",))).diagnostics]


def test_our_article_has_only_the_seed_range_with_a_relapse_study() -> None:
    """Four notes, zh and en, twice each: xuan2019 (relapse) in the maintenance range; no warning."""
    found = cite_findings(REPO)
    assert sorted((rule, file) for rule, file, _, _ in found) == [("CITE004", "en.md")] * 2 + [("CITE004", "zh.md")] * 2
    assert all(message.startswith("xuan2019 [13] is on relapse treatment") for *_, message in found)


def test_seed_bib_findings_are_the_judged_ones() -> None:
    """"first reported" citing the 2020 review in both languages, the relapse study in the maintenance range, chen2020's note."""
    found = {(rule, file, line) for rule, file, line, _ in cite_findings(PROJECTS / "seed-bib")}
    assert found == {("CITE005", "en.md", 11), ("CITE005", "zh.md", 11), ("CITE004", "zh.md", 11), ("CITE004", "zh.md", 13)}


@pytest.mark.parametrize("name", CLEAN)
def test_other_projects_have_no_cite_finding(name: str) -> None:
    """Projects whose citations match their records get none."""
    assert cite_findings(PROJECTS / name) == []
