"""JSON report: a flat array of diagnostics with the contract's keys."""

from __future__ import annotations

import json

from toolchain.check import CheckResult
from toolchain.load import Project


def format_json(result: CheckResult, project: Project | None = None, color: bool = False) -> str:
    """Serialise diagnostics as a JSON array."""
    return json.dumps([d.to_json() for d in result.diagnostics], ensure_ascii=False, indent=2)
