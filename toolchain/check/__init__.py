"""Stage 2: run the registered rules over a loaded project."""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from toolchain.check import (  # noqa: F401  (importing a family registers its rules)
    abbreviations,
    alignment,
    hygiene,
    metadata,
    numbers,
    references,
    references_consistency,
    references_record,
    suppression_rules,
    terminology,
    typography_en,
    typography_zh,
)
from toolchain.check.diagnostic import Diagnostic, Finding, Severity
from toolchain.check.registry import RULES, Rule, resolve
from toolchain.check.suppressions import Suppression, parse_suppressions
from toolchain.config import Settings
from toolchain.errors import InputError
from toolchain.load import Project
from toolchain.load.source import Location


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The diagnostics of one run and the rules that crashed (an incomplete run)."""

    diagnostics: tuple[Diagnostic, ...]
    crashed: tuple[str, ...]

    @property
    def errors(self) -> int:
        """Number of error diagnostics."""
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        """Number of warning diagnostics."""
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    @property
    def exit_code(self) -> int:
        """0 clean, 1 errors found, 2 the check could not run completely."""
        if self.crashed:
            return 2
        return 1 if self.errors else 0


def active_rules(settings: Settings) -> list[Rule]:
    """Rules selected, minus ignored ones and those whose severity is ``off``."""
    selected = {rule_id for code in settings.select for rule_id in resolve(code)}
    ignored = {rule_id for code in settings.ignore for rule_id in resolve(code)}
    return [
        RULES[rule_id]
        for rule_id in RULES
        if rule_id in selected and rule_id not in ignored and settings.severity.get(rule_id) != "off"
    ]


def run_rule(rule: Rule, project: Project, settings: Settings) -> list[Finding]:
    """Call one rule with its options."""
    if rule.options:
        options = {**rule.options, **settings.rule_options.get(rule.id, {})}
        return list(rule.check(project, options))
    return list(rule.check(project))


def run_checks(project: Project, settings: Settings | None = None) -> CheckResult:
    """Run every active rule; apply per-file ignores and inline suppressions."""
    settings = settings or Settings()
    rules = active_rules(settings)
    suppressions: list[Suppression] = []
    for document in project.documents:
        suppressions.extend(parse_suppressions(document.source))
    diagnostics: list[Diagnostic] = []
    crashed: list[str] = []
    active_ids = {r.id for r in rules}
    if "SUP001" in active_ids:  # an unused suppression can only be told if its rule runs
        named = {rule_id for s in suppressions for rule_id in s.rule_ids}
        rules = rules + [RULES[i] for i in RULES if i in named and i not in active_ids and settings.severity.get(i) != "off"]
    for rule in rules:
        if rule.family == "suppression_rules":
            continue
        try:
            findings = run_rule(rule, project, settings)
        except InputError:  # a bad option value (pyproject.toml): the run cannot be done as asked
            raise
        except Exception as exc:  # a crashing rule must not take the run down
            crashed.append(rule.id)
            where = traceback.extract_tb(exc.__traceback__)[-1]
            diagnostics.append(
                Diagnostic(rule.id, rule.name, Severity.ERROR, Location(project.zh.path, 1, 1),
                           f"rule {rule.id} crashed: {type(exc).__name__}: {exc} (at {where.name}:{where.lineno}); other rules still ran")
            )
            continue
        severity = Severity(settings.severity.get(rule.id, rule.severity.value))
        for finding in findings:
            if ignored_for_file(rule.id, finding.location.file, settings):
                continue
            if any(s.covers(rule.id, finding.location.file, finding.location.line) and not s.used.add(rule.id) for s in suppressions):
                continue
            if rule.id not in active_ids:
                continue
            diagnostics.append(Diagnostic(rule.id, rule.name, severity, finding.location, finding.message, finding.related, finding.suggestion))
    ran = {r.id for r in rules}
    for rule in rules:
        if rule.family == "suppression_rules" and rule.id in active_ids:
            severity = Severity(settings.severity.get(rule.id, rule.severity.value))
            for finding in rule.check(suppressions, ran):
                diagnostics.append(Diagnostic(rule.id, rule.name, severity, finding.location, finding.message, finding.related, finding.suggestion))
    unique = {(d.sort_key, d.severity): d for d in diagnostics}
    return CheckResult(tuple(sorted(unique.values(), key=lambda d: d.sort_key)), tuple(crashed))


def ignored_for_file(rule_id: str, file: str, settings: Settings) -> bool:
    """Whether per-file-ignores silences this rule in this file."""
    for pattern, codes in settings.per_file_ignores.items():
        if file == pattern or file.endswith("/" + pattern) or file.rsplit("/", 1)[-1] == pattern:
            if any(rule_id in resolve(code) for code in codes):
                return True
    return False


__all__ = ["CheckResult", "Diagnostic", "Finding", "RULES", "Severity", "run_checks"]
