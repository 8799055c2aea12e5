"""Stage 2: run the registered rules over a loaded project."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass

from toolchain.check import (  # noqa: F401  (importing a family registers its rules)
    abbreviations,
    alignment,
    hygiene,
    metadata,
    numbers,
    references,
    suppression_rules,
    terminology,
    typography_en,
    typography_zh,
)
from toolchain.check._text import mask_non_prose
from toolchain.check.diagnostic import Diagnostic, Finding, Severity
from toolchain.check.registry import RULES, Configuration, Rule, RuleContext, configure, resolve
from toolchain.check.suppressions import Suppression, parse_suppressions
from toolchain.cite import Citations
from toolchain.config import Settings
from toolchain.load import Project
from toolchain.load.source import Location


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The diagnostics of one run, the rules that ran and those that crashed (an incomplete run)."""

    diagnostics: tuple[Diagnostic, ...]
    crashed: tuple[str, ...]
    ran: tuple[str, ...] = ()  # ids of the rules whose findings the run reports, in registry order

    @property
    def rules(self) -> list[Rule]:
        """The rules the run used, in registry order: those that ran and any that reported."""
        used = set(self.ran) | {d.rule for d in self.diagnostics}
        return [rule for rule in RULES.values() if rule.id in used]

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


def active_rules(settings: Settings, config: Configuration | None = None) -> list[Rule]:
    """Rules selected, minus ignored ones and those whose severity is ``off``."""
    config = config or configure(settings)
    selected = {rule_id for code in settings.select for rule_id in resolve(code)}
    ignored = {rule_id for code in settings.ignore for rule_id in resolve(code)}
    return [RULES[i] for i in RULES if i in selected and i not in ignored and config.severity.get(i) != "off"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One rule's findings that survive per-file ignores and suppressions, or the crash that stopped it."""

    rule: Rule
    findings: tuple[Finding, ...]
    crash: Exception | None = None


def outcomes(project: Project, settings: Settings, rules: list[Rule], suppressions: list[Suppression],
             cite: Citations, config: Configuration | None = None) -> Iterator[Outcome]:
    """Run each rule; drop findings silenced for their file or line (marking the suppression used)."""
    config = config or configure(settings)
    for rule in rules:
        try:
            findings = list(rule.check(RuleContext(project, settings, config.options[rule.id], cite)))
        except Exception as exc:  # a crashing rule must not take the run down
            yield Outcome(rule, (), exc)
            continue
        kept = tuple(f for f in findings if not silenced(rule.id, f.location, config, suppressions))
        yield Outcome(rule, kept)


def silenced(rule_id: str, where: Location, config: Configuration, suppressions: list[Suppression]) -> bool:
    """Whether per-file-ignores or a suppression comment silences a finding (the comment is then used)."""
    if ignored_for_file(rule_id, where.file, config):
        return True
    covering = [s for s in suppressions if s.covers(rule_id, where.file, where.line)]
    if covering:  # the innermost directive (the latest to start) is the one used: an outer range may be stale
        max(covering, key=lambda s: (s.first_line, s.location.line)).used.add(rule_id)
    return bool(covering)


def ignored_for_file(rule_id: str, file: str, config: Configuration) -> bool:
    """Whether per-file-ignores silences this rule in this file."""
    return any(rule_id in ids and (file == pattern or file.endswith("/" + pattern) or file.rsplit("/", 1)[-1] == pattern)
               for pattern, ids in config.per_file_ignores)


def run_checks(project: Project, settings: Settings | None = None, cite: Citations | None = None) -> CheckResult:
    """Run every active rule; apply per-file ignores and inline suppressions."""
    settings = settings or Settings()
    config = configure(settings)  # bad settings stop the run before any rule runs
    cite = cite or Citations(project, settings)
    active = active_rules(settings, config)
    active_ids = {r.id for r in active}
    suppressions = [s for document in project.documents for s in parse_suppressions(document.source)]
    rules = [r for r in active if not r.final]
    if any(r.final for r in active):  # whether a suppression is used can only be told if its rule runs
        named = {rule_id for s in suppressions for rule_id in s.rule_ids}
        rules += [RULES[i] for i in RULES if i in named and i not in active_ids and not RULES[i].final and config.severity.get(i) != "off"]
    diagnostics: list[Diagnostic] = []
    crashed: list[str] = []
    for outcome in outcomes(project, settings, rules, suppressions, cite, config):
        rule = outcome.rule
        if outcome.crash is not None:
            crashed.append(rule.id)
            where = traceback.extract_tb(outcome.crash.__traceback__)[-1]
            diagnostics.append(
                Diagnostic(rule.id, rule.name, Severity.ERROR, Location(project.zh.path, 1, 1),
                           f"rule {rule.id} crashed: {type(outcome.crash).__name__}: {outcome.crash} (at {where.name}:{where.lineno}); "
                           "other rules still ran")
            )
        elif rule.id in active_ids:
            diagnostics.extend(diagnostic(rule, f, config) for f in outcome.findings)
    ran = frozenset(r.id for r in rules)
    for rule in active:
        if rule.final:
            ctx = RuleContext(project, settings, config.options[rule.id], cite, suppressions=tuple(suppressions), ran=ran)
            diagnostics.extend(diagnostic(rule, f, config) for f in rule.check(ctx))
    unique = {(d.sort_key, d.severity): d for d in diagnostics}
    return CheckResult(tuple(sorted(unique.values(), key=lambda d: d.sort_key)), tuple(crashed), tuple(r.id for r in active))


def diagnostic(rule: Rule, finding: Finding, config: Configuration) -> Diagnostic:
    """A finding reported under its rule's id, name and effective severity."""
    return Diagnostic(rule.id, rule.name, config.severity_of(rule), finding.location, finding.message, finding.related, finding.suggestion)


__all__ = ["CheckResult", "Diagnostic", "Finding", "RULES", "Severity", "mask_non_prose", "run_checks"]
