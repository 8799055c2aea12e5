"""Suppression hygiene: directives that silence nothing, name unknown rules, or never close."""

from __future__ import annotations

from collections.abc import Iterator

from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import RuleContext, rule


@rule("SUP001", "unused-suppression", Severity.WARNING, final=True)
def unused_suppression(ctx: RuleContext) -> Iterator[Finding]:
    """A suppression comment silences no diagnostic.

    Why: stale suppressions hide the next real problem on that line.
    """
    for s in ctx.suppressions:
        for rule_id in sorted(s.rule_ids & ctx.ran - s.used):
            yield Finding(s.location, f"check-{s.kind} {rule_id} suppresses nothing here; remove it")


@rule("SUP002", "unknown-rule-in-suppression", final=True)
def unknown_rule_in_suppression(ctx: RuleContext) -> Iterator[Finding]:
    """A suppression comment names a rule that does not exist.

    Why: a misspelt id suppresses nothing and hides the intent.
    """
    for s in ctx.suppressions:
        for code in s.unknown:
            yield Finding(s.location, f"check-{s.kind} names unknown rule “{code}”")
        if not s.codes:
            yield Finding(s.location, f"check-{s.kind} names no rule: blanket suppressions are not allowed")


@rule("SUP003", "unclosed-suppression-range", Severity.WARNING, final=True)
def unclosed_suppression_range(ctx: RuleContext) -> Iterator[Finding]:
    """A ``check-disable`` range is never closed by ``check-enable``.

    Why: an open range silently switches a rule off for the rest of the file.
    """
    for s in ctx.suppressions:
        if s.unclosed:
            yield Finding(s.location, f"check-disable {' '.join(sorted(s.unclosed))} is never closed by check-enable")
