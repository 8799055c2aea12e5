"""The rule registry: stable ids, names, default severities and one-line summaries."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from toolchain.check.diagnostic import Finding, Severity

CheckFn = Callable[..., Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule."""

    id: str
    name: str
    family: str
    severity: Severity
    summary: str
    check: CheckFn
    options: dict[str, Any] = field(default_factory=dict)  # option name → default value

    @property
    def doc(self) -> str:
        """The rule's docstring after its summary line."""
        doc = inspect.getdoc(self.check) or ""
        return doc.partition("\n")[2].strip()


RULES: dict[str, Rule] = {}
REDIRECTS: dict[str, str] = {}  # retired id → its successor


def rule(id: str, name: str, severity: Severity = Severity.ERROR, **options: Any) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a stable id; its docstring's first line is the summary.

    A check takes the project and, when the rule declares options, a dict of option values.
    """

    def register(function: CheckFn) -> CheckFn:
        if id in RULES:
            raise ValueError(f"rule id {id} registered twice")
        summary = (inspect.getdoc(function) or "").strip().splitlines()[0] if function.__doc__ else ""
        family = function.__module__.rsplit(".", 1)[-1]
        RULES[id] = Rule(id, name, family, severity, summary, function, dict(options))
        return function

    return register


def resolve(code: str) -> list[str]:
    """Turn an id, a name, a family prefix or ``ALL`` into rule ids ([] when unknown)."""
    code = code.strip()
    if code.upper() == "ALL":
        return list(RULES)
    upper = REDIRECTS.get(code.upper(), code.upper())
    if upper in RULES:
        return [upper]
    by_name = [r.id for r in RULES.values() if r.name == code.lower()]
    if by_name:
        return by_name
    return [r.id for r in RULES.values() if r.id.rstrip("0123456789") == upper]
