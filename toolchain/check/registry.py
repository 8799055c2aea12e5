"""The rule registry: stable ids, names, default severities and one-line summaries."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from toolchain.check.diagnostic import Finding, Severity
from toolchain.cite import Citations
from toolchain.config import Settings
from toolchain.load import Project

if TYPE_CHECKING:
    from toolchain.check.suppressions import Suppression


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule is given: the project, the settings, its own options and the references.

    ``suppressions`` and ``ran`` are filled for rules registered with ``final=True`` (they run
    after every other rule): the directives of the run, with what each silenced, and the ids
    of the rules that ran.
    """

    project: Project
    settings: Settings
    options: Mapping[str, Any]
    cite: Citations
    suppressions: tuple[Suppression, ...] = ()
    ran: frozenset[str] = frozenset()


CheckFn = Callable[[RuleContext], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule."""

    id: str
    name: str
    family: str  # the id's prefix (REF, ZH …): what --select, ignores and suppressions accept
    severity: Severity
    summary: str
    check: CheckFn
    options: Mapping[str, Any] = field(default_factory=dict)  # option name → default value
    final: bool = False  # runs after the others, on what the run's suppressions silenced

    @property
    def doc(self) -> str:
        """The rule's docstring after its summary line."""
        doc = inspect.getdoc(self.check) or ""
        return doc.partition("\n")[2].strip()


RULES: dict[str, Rule] = {}
REDIRECTS: dict[str, str] = {}  # retired id → its successor


def family_of(rule_id: str) -> str:
    """The family of a rule id: its letters (``REF011`` → ``REF``)."""
    return rule_id.rstrip("0123456789")


def rule(id: str, name: str, severity: Severity = Severity.ERROR, *, final: bool = False, **options: Any) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a stable id; its docstring's first line is the summary.

    A check takes a ``RuleContext``; keyword arguments declare the rule's options and defaults.
    """

    def register(function: CheckFn) -> CheckFn:
        if id in RULES:
            raise ValueError(f"rule id {id} registered twice")
        summary = (inspect.getdoc(function) or "").strip().splitlines()[0] if function.__doc__ else ""
        RULES[id] = Rule(id, name, family_of(id), severity, summary, function, MappingProxyType(dict(options)), final)
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
    return [r.id for r in RULES.values() if r.family == upper]
