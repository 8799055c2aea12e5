"""The suppression grammar, case by case from tests/suppressions/cases.yml (ranges, nesting, next-line, file-wide, unknown, unused, unclosed)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.rules.harness import RuleCase, yaml
from toolchain.check import run_checks
from toolchain.config import load_settings
from toolchain.load import load_project

CASES_FILE = Path(__file__).resolve().parent / "suppressions" / "cases.yml"
CASES = [RuleCase("SUP", str(name), dict(case)) for name, case in yaml().load(CASES_FILE.read_text(encoding="utf-8"))["cases"].items()]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_suppression_case(case: RuleCase, tmp_path: Path) -> None:
    """The selected rules report exactly the expected places once the comments are applied."""
    root = case.write_project(tmp_path / "project")
    settings = replace(load_settings(root), select=tuple(case.data["select"]), ignore=())
    result = run_checks(load_project(root), settings)
    found = sorted(case.short_form(d.location.file, d.location.line, d.location.column, d.rule) for d in result.diagnostics)
    expected = case.expected()
    described = "\n".join(f"{d.location} {d.rule} {d.message}" for d in result.diagnostics)
    for snippet, line, column, rule in expected:
        assert any(f[0] == snippet and f[3] == rule and (line is None or f[1] == line) and (column is None or f[2] == column) for f in found), \
            f"expected {(snippet, line, column, rule)}; found:\n{described}"
    assert len(found) == len(expected), f"expected {expected}; found:\n{described}"
    if "message_contains" in case.data:
        assert any(str(case.data["message_contains"]) in d.message for d in result.diagnostics), described
