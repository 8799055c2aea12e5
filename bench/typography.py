"""The Chinese typography benchmark: detection, false alarms and exact fixes per house convention.

Every case of ``typography_cases.yaml`` becomes one paragraph of a zh.md; the ZH rules run once
per convention (``none``, ``space``), then ``check --fix``. A wrong case is detected when a
finding lands on its line and fixed exactly when its paragraph reads as expected afterwards; a
right case raises a false alarm when any finding lands on it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from toolchain.check import run_checks
from toolchain.check.fixes import apply_fixes
from toolchain.config import load_settings
from toolchain.load import load_project

REPO = Path(__file__).resolve().parent.parent

CASES = Path(__file__).resolve().parent / "typography_cases.yaml"
BASE_PROJECT = REPO / "tests" / "rules" / "base_project"
CONVENTIONS = ("none", "space")
HEAD = "---\nlang: zh-CN\ntitle: 排版测试\n---\n\n# 测试\n\n"
GOALS = {"detection": 0.97, "false_alarms": 0.01, "exact_fixes": 0.90}


@dataclass(frozen=True)
class Case:
    """One paragraph with its expected text per convention (equal to the text when it is right)."""

    kind: str
    text: str
    expected: dict[str, str]


@dataclass
class Score:
    """The figures of one convention; ``misses`` lists what went wrong, for people."""

    wrong: int = 0
    detected: int = 0
    fixed: int = 0
    right: int = 0
    alarms: int = 0
    refix_changes: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def figures(self) -> dict[str, float]:
        """Detection and exact-fix rates over the wrong cases, false alarms over the right ones."""
        return {
            "detection": self.detected / self.wrong if self.wrong else 1.0,
            "false_alarms": self.alarms / self.right if self.right else 0.0,
            "exact_fixes": self.fixed / self.wrong if self.wrong else 1.0,
        }


def load_cases(path: Path = CASES) -> list[Case]:
    """The case set."""
    cases = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
        text = str(item["text"])
        both = str(item.get("fix", text))
        expected = {c: str(item.get(c, both)) for c in CONVENTIONS}
        cases.append(Case(str(item["kind"]), text, expected))
    return cases


def score_convention(cases: list[Case], convention: str, root: Path) -> Score:
    """Check and fix all cases as one document written in ``convention``."""
    shutil.copytree(BASE_PROJECT, root)
    (root / "pyproject.toml").write_text(f'[tool.toolchain.check.rules.ZH002]\ncjk-latin-spacing = "{convention}"\n', encoding="utf-8")
    zh = root / "manuscript" / "zh.md"
    zh.write_text(HEAD + "".join(f"{c.text}\n\n" for c in cases), encoding="utf-8")
    first_line = HEAD.count("\n") + 1
    settings = replace(load_settings(root), select=("ZH",), ignore=())
    result = run_checks(load_project(root), settings)
    flagged = {(d.location.line - first_line) // 2 for d in result.diagnostics if d.location.file.endswith("zh.md")}
    apply_fixes(load_project(root), settings)
    fixed = zh.read_text(encoding="utf-8")[len(HEAD):].split("\n\n")
    score = Score()
    for index, case in enumerate(cases):
        want, got = case.expected[convention], fixed[index] if index < len(fixed) else ""
        if want == case.text:
            score.right += 1
            if index in flagged:
                score.alarms += 1
                score.misses.append(f"false alarm [{case.kind}] {case.text}")
            continue
        score.wrong += 1
        if index in flagged:
            score.detected += 1
        else:
            score.misses.append(f"missed [{case.kind}] {case.text}")
        if got == want:
            score.fixed += 1
        else:
            score.misses.append(f"fixed [{case.kind}] {case.text} → {got} (expected {want})")
    score.refix_changes = sum(apply_fixes(load_project(root), settings).values())
    return score


def score_all(path: Path = CASES) -> dict[str, Score]:
    """Scores per convention."""
    cases = load_cases(path)
    with tempfile.TemporaryDirectory() as tmp:
        return {c: score_convention(cases, c, Path(tmp) / c) for c in CONVENTIONS}


def report(scores: dict[str, Score]) -> str:
    """A table of the figures, then the cases that failed."""
    lines = [f"{'convention':<12}{'wrong':>7}{'right':>7}{'detection':>11}{'false alarms':>14}{'exact fixes':>13}"]
    for convention, s in scores.items():
        f = s.figures
        lines.append(f"{convention:<12}{s.wrong:>7}{s.right:>7}{f['detection']:>11.1%}{f['false_alarms']:>14.1%}{f['exact_fixes']:>13.1%}")
    lines.append(f"{'goal':<26}{GOALS['detection']:>11.0%}{GOALS['false_alarms']:>14.0%}{GOALS['exact_fixes']:>13.0%}")
    for convention, s in scores.items():
        lines += [f"  {convention}: {m}" for m in s.misses]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(score_all()))
