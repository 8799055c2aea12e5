"""``check`` stays linear on one huge paragraph of every pathological shape (bench/pathological.py).

Each shape is checked in process (load, rules, text report) at 25 kB and at 100 kB per language;
four times the text must take less than eight times the processor time (a quadratic rule takes
sixteen), best of two runs. The counts are exact: the paragraph is reported once as implausibly
long, and a run of a repeated defect is one finding whatever its length.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.check import run_checks
from toolchain.config import load_settings
from toolchain.load import load_project
from toolchain.report.text import format_text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from pathological import shapes, write_bib_project, write_paragraph_project  # noqa: E402

SMALL, LARGE = 25_000, 100_000
SHAPES = shapes(REPO)


def check(root: Path, shape: str, size: int, run: int) -> tuple[float, Counter[str]]:
    """Processor seconds of one check of a fresh project (its text new to every cache) and its findings per rule."""
    zh, en = SHAPES[shape](size)
    project_root = write_paragraph_project(REPO, root / f"{shape}-{size}-{run}", "甲乙丙丁"[run] + zh, "ABCD"[run] + " " + en)
    begun = time.process_time()
    project = load_project(project_root)
    result = run_checks(project, load_settings(project_root))
    format_text(result, project)
    seconds = time.process_time() - begun
    assert not result.crashed, result.crashed
    return seconds, Counter(d.rule for d in result.diagnostics)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_four_times_the_paragraph_takes_less_than_eight_times_as_long(tmp_path: Path, shape: str) -> None:
    """A rule that rescans the paragraph per match would take sixteen times as long."""
    small = [check(tmp_path, shape, SMALL, run) for run in (0, 1)]
    large = [check(tmp_path, shape, LARGE, run) for run in (2, 3)]
    small_seconds, large_seconds = min(s for s, _ in small), min(s for s, _ in large)
    assert large_seconds < 8 * small_seconds, (shape, small_seconds, large_seconds)
    # both languages' bodies are one paragraph of more than 20,000 characters: one warning each
    assert small[0][1]["SRC012"] == large[0][1]["SRC012"] == 2


def test_a_run_of_repeated_marks_is_one_finding(tmp_path: Path) -> None:
    """The punctuation shape is runs of marks: four times longer runs, the same findings."""
    _, small = check(tmp_path, "punctuation", SMALL, 0)
    _, large = check(tmp_path, "punctuation", LARGE, 1)
    for rule in ("ZH001", "EN001", "ZH006", "EN006"):
        assert 0 < small[rule] == large[rule], (rule, small[rule], large[rule])


def duplicate_rules(root: Path, count: int) -> tuple[float, Counter[str]]:
    """Processor seconds of the duplicate and unused-entry rules on the project with ``count`` more entries, and their findings."""
    from dataclasses import replace

    from pathological import write_bib_project

    project_root = write_bib_project(REPO, root / f"bib-{count}", count)
    project = load_project(project_root)
    settings = replace(load_settings(project_root), select=("REF002", "REF003"), ignore=())
    begun = time.process_time()
    result = run_checks(project, settings, jobs=1)
    seconds = time.process_time() - begun
    assert not result.crashed, result.crashed
    return seconds, Counter(d.rule for d in result.diagnostics)


def test_four_times_the_bibliography_takes_less_than_eight_times_as_long(tmp_path: Path) -> None:
    """Every tenth added entry repeats the one before: REF003 groups works instead of comparing pairs, and formats only the duplicates."""
    small = min(duplicate_rules(tmp_path, 2_000) for _ in range(2))
    large = min(duplicate_rules(tmp_path, 8_000) for _ in range(2))
    assert large[0] < 8 * small[0], (small[0], large[0])
    # one REF003 per repeated work; an uncited duplicate is REF003's alone, the other added entries are unused
    assert (small[1]["REF003"], large[1]["REF003"]) == (200, 800)
    assert (small[1]["REF002"], large[1]["REF002"]) == (1_600, 6_400)


def check_duplicates(root: Path, count: int, run: int, rendered: list[int]) -> tuple[float, list[str]]:
    """Processor seconds of loading a project with ``count`` more entries and checking it for REF003 alone; its messages."""
    project_root = write_bib_project(REPO, root / f"bib-{count}-{run}", count)
    with open(project_root / "bib" / "references.bib", "a", encoding="utf-8") as bib:  # a text new to every cache
        bib.write(f"\n@misc{{run{run},\n  title = {{Run {run}}},\n  year = {{2020}},\n}}\n")
    begun = time.process_time()
    project = load_project(project_root)
    result = run_checks(project, replace(load_settings(project_root), select=("REF003",), ignore=()), jobs=1)
    seconds = time.process_time() - begun
    assert not result.crashed, result.crashed
    assert rendered, "no reference was formatted"
    return seconds, [d.message for d in result.diagnostics if d.rule == "REF003"]


def test_duplicate_works_cost_linear_in_the_bibliography(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REF003 on 2,000 and 8,000 more entries (every tenth a duplicate): four times the entries take less than
    eight times as long, and only the reported entries are formatted, each numbered as in the whole list."""
    from citeproc.frontend import CitationStylesStyle

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rendered: list[int] = []
    render = CitationStylesStyle.render_bibliography

    def counted(self: CitationStylesStyle, items: list) -> list:
        rendered.append(len(items))
        return render(self, items)

    monkeypatch.setattr(CitationStylesStyle, "render_bibliography", counted)
    small = [check_duplicates(tmp_path, 2_000, run, rendered) for run in (0, 1)]
    assert rendered == [200, 200], rendered  # the duplicates, not the 2,000 entries and the project's own
    large = [check_duplicates(tmp_path, 8_000, run, rendered) for run in (2, 3)]
    small_seconds, large_seconds = min(s for s, _ in small), min(s for s, _ in large)
    assert large_seconds < 8 * small_seconds, (small_seconds, large_seconds)
    messages = large[0][1]
    assert len(messages) == 800 and len(small[0][1]) == 200
    # work9 repeats work8: the 10th entry added after the project's own, it prints with its number in the whole list
    number = len(load_project(REPO).bibliography.entries) + 10
    first = next(m for m in messages if m.startswith("“work9” duplicates “work8”"))
    assert f"— “[{number}] Author8 A, Second B. A study of case 8[J]." in first, first
