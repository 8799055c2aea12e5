"""Rules in several processes: the same findings as in one, a crash or a dead worker loses nothing."""

from __future__ import annotations

import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.check import _workers, run_checks
from toolchain.check.diagnostic import Finding
from toolchain.check.registry import RULES
from toolchain.config import load_settings
from toolchain.load import load_project
from toolchain.load.source import Location

REPO = Path(__file__).resolve().parent.parent
PROJECTS = REPO / "tests" / "projects"
needs_fork = pytest.mark.skipif(_workers.usable_jobs(2) < 2, reason="needs os.fork, one thread and two cores")


def diagnostics(root: Path, jobs: int) -> list[tuple]:
    """Every diagnostic of a project's check as comparable tuples."""
    project = load_project(root)
    result = run_checks(project, load_settings(root), jobs=jobs)
    assert not result.crashed
    return [(d.rule, d.severity, str(d.location), d.message, d.related, d.suggestion) for d in result.diagnostics]


@needs_fork
@pytest.mark.parametrize("root", [REPO, PROJECTS / "other-defects", PROJECTS / "seed-faithful"], ids=lambda p: p.name)
def test_two_processes_find_what_one_finds(root: Path) -> None:
    """Same findings, messages and order with the families shared out between two processes."""
    one = diagnostics(root, 1)
    assert one == diagnostics(root, 2)
    if root.name == "other-defects":
        assert len(one) > 20


def test_families_keep_registry_order_and_every_rule() -> None:
    """Each rule in exactly one family, families grouped by defining module."""
    rules = list(RULES.values())
    groups = _workers.families(rules)
    assert sorted(r.id for g in groups for r in g) == sorted(RULES)
    assert all(len({r.check.__module__ for r in g}) == 1 for g in groups)


def test_families_named_first_come_first_and_bundled() -> None:
    """Modules named together are one family, handed out before the others, in the order named."""
    rules = list(RULES.values())
    first = (("toolchain.check.typography_zh",), ("toolchain.check.numbers", "toolchain.check.alignment"))
    groups = _workers.families(rules, first)
    assert sorted(r.id for g in groups for r in g) == sorted(RULES)
    assert {r.check.__module__ for r in groups[0]} == {"toolchain.check.typography_zh"}
    assert {r.check.__module__ for r in groups[1]} == {"toolchain.check.numbers", "toolchain.check.alignment"}
    assert all(len({r.check.__module__ for r in g}) == 1 for g in groups[2:])


@needs_fork
def test_a_worker_that_dies_loses_no_rule() -> None:
    """A worker killed before it reports: its families run again in the parent."""
    rules = [r for r in RULES.values() if not r.final][:6]
    parent = os.getpid()

    def run(rule):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return [Finding(Location("x.md", 1, 1), rule.id)], None

    results = _workers.run_in_workers(rules, run, 2)
    assert {rule_id: [f.message for f in found] for rule_id, (found, _) in results.items()} == {r.id: [r.id] for r in rules}


@needs_fork
def test_a_crash_in_a_worker_is_reported_with_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule that raises in a worker is reported as crashed, with the function and line, like in one process."""
    target = next(r for r in RULES.values() if r.id == "ZH001")

    def broken(ctx):
        raise ValueError("boom")

    monkeypatch.setitem(RULES, "ZH001", replace(target, check=broken))
    project = load_project(REPO)
    result = run_checks(project, load_settings(REPO), jobs=2)
    assert result.crashed == ("ZH001",)
    message = next(d.message for d in result.diagnostics if d.rule == "ZH001")
    assert "ValueError: boom (at broken:" in message
