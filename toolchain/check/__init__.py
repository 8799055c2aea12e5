"""Stage 2: run the registered rules over a loaded project."""

from __future__ import annotations

import gc
import importlib
import traceback
from collections.abc import Iterator
from dataclasses import dataclass

from toolchain.check._workers import run_in_workers, usable_jobs
from toolchain.check.diagnostic import Diagnostic, Finding, Severity
from toolchain.check.registry import RULES, Configuration, Rule, RuleContext, configure, resolve
from toolchain.check.suppressions import Suppression, parse_suppressions
from toolchain.cite import Citations
from toolchain.config import Settings
from toolchain.load import Project
from toolchain.load.source import Location

# The families whose rules compare aligned zh/en pairs: the parent makes the alignment once, for them.
SHARE_ALIGNMENT = frozenset({"toolchain.check.alignment", "toolchain.check.numbers", "toolchain.check.terminology",
                             "toolchain.check.abbreviations", "toolchain.check.references.aligned"})
# The families that find glossary forms in the masked prose of every unit.
SHARE_TERMS = frozenset({"toolchain.check.terminology", "toolchain.check.abbreviations"})
# The helpers most families read: imported before the workers fork (each would import them again).
SHARED_HELPERS = ("toolchain.check._text", "toolchain.check._align", "toolchain.check._glossary_forms", "toolchain.check._typography",
                  "toolchain.check._numbers", "toolchain.check._pairwise", "toolchain.check.references")
# The families that take longest on a long text, slowest first: the workers take them first. Those
# that read the one-sided numbers and terms of each aligned pair (NUM001, TERM001, ALIGN006) go
# to one process together, which finds the pairs' gaps once.
SLOWEST_FIRST = (("toolchain.check.typography_zh",),
                 ("toolchain.check.alignment", "toolchain.check.numbers", "toolchain.check.terminology", "toolchain.check.references.aligned"),
                 ("toolchain.check.claims",), ("toolchain.check.abbreviations",), ("toolchain.check.references",))


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
    crash: str | None = None  # "TypeError: … (at function:line)"


def run_rule(rule: Rule, ctx: RuleContext) -> tuple[list[Finding], str | None]:
    """A rule's findings, or the message of the exception that stopped it (a crashing rule must not take the run down)."""
    try:
        return list(rule.check(ctx)), None
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return [], f"{type(exc).__name__}: {exc} (at {where.name}:{where.lineno})"


def outcomes(project: Project, settings: Settings, rules: list[Rule], suppressions: list[Suppression],
             cite: Citations, config: Configuration | None = None, jobs: int = 1) -> Iterator[Outcome]:
    """Run each rule (in ``jobs`` processes where that is safe); drop findings silenced for their file or line."""
    config = config or configure(settings)

    def run(rule: Rule) -> tuple[list[Finding], str | None]:
        return run_rule(rule, RuleContext(project, settings, config.options[rule.id], cite))

    results = None  # by rule id, when the rules ran in workers; else each rule runs here, in turn
    if len(rules) > 1 and (jobs := usable_jobs(jobs)) > 1:
        for module in SHARED_HELPERS:  # imported once, before the workers fork, rather than by each of them
            importlib.import_module(module)
        results = run_in_workers(rules, run, jobs, SLOWEST_FIRST, lambda: share_work(project, rules), SHARE_ALIGNMENT | SHARE_TERMS)
    for rule in rules:
        findings, crash = results[rule.id] if results is not None else run(rule)
        if crash is not None:
            yield Outcome(rule, (), crash)
            continue
        kept = tuple(f for f in findings if not silenced(rule.id, f.location, config, suppressions))
        yield Outcome(rule, kept)


def share_work(project: Project, rules: list[Rule]) -> None:
    """Compute once what the families of ``rules`` that compare or find terms would each compute again.

    This process runs it while the first workers take the other families; it and any worker forked
    after it keep the results (the helpers keep them for the project): the alignment, the masked
    text of every unit with its glossary forms, and the citations of each document.
    """
    from toolchain.check._align import alignment as align_project
    from toolchain.check._glossary_forms import matcher as glossary_matcher
    from toolchain.check._text import mask_non_prose

    modules = {rule.check.__module__ for rule in rules}
    if modules & SHARE_ALIGNMENT:
        align_project(project)
    found = glossary_matcher(project.glossary) if modules & SHARE_TERMS else None
    for document in project.documents:
        _ = document.citations  # found once per document, kept on it
        for span in (*document.text_spans, *project.metadata.prose(document.lang)):
            masked = mask_non_prose(span.text)
            if found is not None:
                found.find(masked)


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


# The collector's thresholds while the rules run: they make hundreds of thousands of small objects
# on a long text, few of them in cycles, and each default collection (every 700) rescans the young
# ones; with these the rules of a 5 MB paragraph take a sixth less processor time.
GC_THRESHOLDS = (100_000, 50, 100)


def run_checks(project: Project, settings: Settings | None = None, cite: Citations | None = None, jobs: int = 1) -> CheckResult:
    """Run every active rule (in ``jobs`` processes where forking is safe); apply per-file ignores and inline suppressions."""
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        return checked(project, settings, cite, jobs)
    finally:
        gc.set_threshold(*thresholds)


def checked(project: Project, settings: Settings | None, cite: Citations | None, jobs: int) -> CheckResult:
    """``run_checks`` with the collector's thresholds raised."""
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
    for outcome in outcomes(project, settings, rules, suppressions, cite, config, jobs):
        rule = outcome.rule
        if outcome.crash is not None:
            crashed.append(rule.id)
            diagnostics.append(
                Diagnostic(rule.id, rule.name, Severity.ERROR, Location(project.zh.path, 1, 1),
                           f"rule {rule.id} crashed: {outcome.crash}; other rules still ran")
            )
        elif rule.id in active_ids:
            severity = config.severity_of(rule)
            diagnostics.extend(diagnostic(rule, f, config, severity) for f in outcome.findings)
    ran = frozenset(r.id for r in rules)
    for rule in active:
        if rule.final:
            ctx = RuleContext(project, settings, config.options[rule.id], cite, suppressions=tuple(suppressions), ran=ran)
            diagnostics.extend(diagnostic(rule, f, config) for f in rule.check(ctx))
    unique = {(d.sort_key, d.severity): d for d in diagnostics}
    ordered = sorted(unique.items(), key=lambda item: item[0][0])  # by sort key, each made once
    return CheckResult(tuple(d for _, d in ordered), tuple(crashed), tuple(r.id for r in active))


def diagnostic(rule: Rule, finding: Finding, config: Configuration, severity: Severity | None = None) -> Diagnostic:
    """A finding reported under its rule's id, name and effective severity (``severity``, when already known)."""
    return Diagnostic(rule.id, rule.name, severity or config.severity_of(rule), finding.location, finding.message, finding.related,
                      finding.suggestion)


# Imported when first asked for: `check` imports the helpers of a family only in the process that runs it.
LAZY_EXPORTS = {"Group": ("_align", "Group"), "Unit": ("_align", "Unit"), "body_units": ("_align", "body_units"),
                "align_project": ("_align", "alignment"), "GlossaryMatcher": ("_glossary_forms", "Matcher"),
                "glossary_matcher": ("_glossary_forms", "matcher"), "mask_non_prose": ("_text", "mask_non_prose")}


def __getattr__(name: str) -> object:
    """The helpers the report and the tests read from here, imported on first use."""
    if name not in LAZY_EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = LAZY_EXPORTS[name]
    return getattr(importlib.import_module(f"toolchain.check.{module}"), attribute)


__all__ = ["CheckResult", "Diagnostic", "Finding", "GlossaryMatcher", "Group", "RULES", "Severity", "Unit", "align_project", "body_units",
           "glossary_matcher", "mask_non_prose", "run_checks"]
