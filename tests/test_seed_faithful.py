"""The published review as its authors typed it (tests/projects/seed-faithful).

The checker must run to exit 1, never 2, and report exactly the defects that
tests/projects/seed-faithful/findings.yaml documents: rule, file and line, with the number of
findings on that line. To document another defect, add a row there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from toolchain.check import RULES
from toolchain.load import load_project

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "tests" / "projects" / "seed-faithful"
TABLE = PROJECT / "findings.yaml"


def documented(table: Path = TABLE) -> Counter:
    """(rule, file, line) → number of findings, as a project's findings.yaml lists them."""
    rows = yaml.safe_load(table.read_text(encoding="utf-8"))["defects"]
    expected: Counter = Counter()
    for row in rows:
        for name, lines in row["at"].items():
            path = f"bib/{name}" if name.endswith(".bib") else f"manuscript/{name}"
            for line, count in lines.items():
                expected[(row["rule"], path, int(line))] += int(count)
    return expected


def check_json(project: Path) -> tuple[int, str, list[dict]]:
    """Exit code, stderr and findings of ``python -m toolchain check PROJECT --format json``."""
    done = subprocess.run([sys.executable, "-m", "toolchain", "check", str(project), "--format", "json"],
                          capture_output=True, text=True, check=False, cwd=REPO, timeout=120)
    return done.returncode, done.stderr, json.loads(done.stdout or "[]")


def difference(expected: Counter, findings: list[dict]) -> str:
    """What is documented but not found and found but not documented; empty when they agree."""
    found = Counter((d["rule"], d["file"], d["line"]) for d in findings)
    missing, extra = expected - found, found - expected
    if not missing and not extra:
        return ""
    messages = {(d["rule"], d["file"], d["line"]): d["message"] for d in findings}
    return ("documented but not found: " + ", ".join(f"{r} {f}:{n} ×{c}" for (r, f, n), c in sorted(missing.items()))
            + "\nfound but not documented: " + "; ".join(f"{r} {f}:{n} ×{c} ({messages[(r, f, n)][:90]})" for (r, f, n), c in sorted(extra.items())))


@pytest.fixture(scope="module")
def reported() -> tuple[int, str, list[dict]]:
    """The check of seed-faithful."""
    return check_json(PROJECT)


def test_runs_to_exit_1_with_findings_never_2(reported: tuple[int, str, list[dict]]) -> None:
    """The published article's files all parse: findings and exit 1, no refusal."""
    code, stderr, findings = reported
    assert code == 1, stderr
    assert stderr == "" and findings


def test_reports_exactly_the_documented_defects(reported: tuple[int, str, list[dict]]) -> None:
    """Each documented defect is found on its line, as often as documented, and nothing else is."""
    assert not difference(documented(), reported[2]), difference(documented(), reported[2])


def test_table_rows_are_well_formed() -> None:
    """Every row names a rule that exists and says why it applies."""
    rows = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["defects"]
    for row in rows:
        assert row["rule"] in RULES and row["why"].strip() and row["at"], row


def test_findings_point_at_the_offending_characters(reported: tuple[int, str, list[dict]]) -> None:
    """Positions are real: a ZH001 finding stands on an ASCII mark, EN010 on “(”, SRC006 on a heading's number,
    and the findings in metadata.yaml fall inside the biography's line."""
    texts = {path: (PROJECT / path).read_text(encoding="utf-8").split("\n") for path in ("manuscript/zh.md", "manuscript/en.md",
                                                                                      "manuscript/metadata.yaml")}
    for d in reported[2]:
        if d["file"] not in texts:
            continue
        line = texts[d["file"]][d["line"] - 1]
        char = line[d["column"] - 1]
        if d["rule"] == "ZH001":
            assert char in ",;:()?!.", d
        elif d["rule"] == "EN010":
            assert char == "(", d
        elif d["rule"] == "SRC006":
            assert line.startswith("#") and char.isdigit(), d
        if d["file"] == "manuscript/metadata.yaml" and d["rule"] in ("ZH001", "ZH002"):
            assert line.lstrip().startswith("zh: 张钰,"), d


def test_metadata_is_as_published() -> None:
    """The test data stays faithful: biography, funding and COI in Chinese only, both copies of the duplicated work."""
    project = load_project(PROJECT)
    meta = project.metadata
    assert meta.authors[0].bio.zh.startswith("张钰,2001年毕业于") and not meta.authors[0].bio.en
    assert meta.funding[0].name.zh == "国家重点研发计划项目" and not meta.funding[0].name.en
    assert meta.conflict_of_interest.zh == "所有作者均声明不存在利益冲突" and not meta.conflict_of_interest.en
    assert len(project.bibliography.entries) == 51 and project.en.body_is_empty
    assert len({c.key for c in project.zh.citations}) == 51
