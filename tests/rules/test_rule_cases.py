"""One test per YAML rule case: the rule reports exactly the expected places."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.rules.harness import RuleCase, load_cases
from toolchain.check import run_checks
from toolchain.check.fixes import apply_fixes
from toolchain.config import load_settings
from toolchain.load import load_project

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case: RuleCase, tmp_path: Path) -> None:
    """Run the case's rule alone over the overlaid base project; ``fixed`` gives the text ``--fix`` must write."""
    if case.data.get("skip"):
        pytest.skip(str(case.data["skip"]))
    root = case.write_project(tmp_path / "project")
    settings = replace(load_settings(root), select=(case.rule,), ignore=())
    result = run_checks(load_project(root), settings)
    found = [case.short_form(d.location.file, d.location.line, d.location.column, d.rule) for d in result.diagnostics]
    expected = case.expected()
    for item in expected:
        snippet, line, column, rule = item
        matches = [f for f in found if f[0] == snippet and f[3] == rule and (line is None or f[1] == line) and (column is None or f[2] == column)]
        assert matches, f"expected {item} not reported; found {found}\n" + "\n".join(d.message for d in result.diagnostics)
    assert len(found) == len(expected), f"expected {expected}, found {found}:\n" + "\n".join(f"{d.location} {d.message}" for d in result.diagnostics)
    contains = case.data.get("message_contains")
    if contains:
        assert any(str(contains) in d.message for d in result.diagnostics), [d.message for d in result.diagnostics]
    every = case.data.get("every_message_contains")
    if every:
        assert all(str(every) in d.message for d in result.diagnostics), [d.message for d in result.diagnostics]
    fixed = case.data.get("fixed") or {}
    if fixed:
        apply_fixes(load_project(root), settings)
        for snippet, want in fixed.items():
            assert case.body(root, snippet) == str(want), f"{snippet} after --fix"
        assert apply_fixes(load_project(root), settings) == {}, "a second --fix changed the text"
