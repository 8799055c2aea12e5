"""Meta-tests of the rule registry: ids, names, summaries, cases, a clean base project, README table."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from tests.rules.harness import BASE_PROJECT, CASES_DIR, load_cases
from toolchain.check import RULES, run_checks
from toolchain.check.registry import RuleContext
from toolchain.cli import rules_markdown
from toolchain.load import load_project

REPO = Path(__file__).resolve().parents[2]


def test_ids_and_names_are_well_formed_and_unique() -> None:
    """Ids are PREFIX + 3 digits; names are unique kebab-case."""
    names = [r.name for r in RULES.values()]
    assert len(set(names)) == len(names)
    for rule in RULES.values():
        assert re.fullmatch(r"[A-Z]{2,5}\d{3}", rule.id), rule.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name


def test_summaries_are_one_short_sentence() -> None:
    """Every summary is one line of at most 80 characters ending with a period."""
    for rule in RULES.values():
        assert rule.summary and "\n" not in rule.summary, rule.id
        assert len(rule.summary) <= 80, (rule.id, len(rule.summary))
        assert rule.summary.endswith("."), rule.id


def test_every_rule_has_failing_and_passing_cases() -> None:
    """cases/<ID>.yml exists with at least one case expecting the rule and one expecting nothing."""
    cases = load_cases()
    for rule_id in RULES:
        own = [c for c in cases if c.rule == rule_id]
        assert any(c.expected() for c in own), f"{rule_id} has no case that expects it"
        assert any(not c.expected() for c in own), f"{rule_id} has no case that expects silence"


def test_no_orphan_case_files() -> None:
    """Every case file names a registered rule."""
    for path in CASES_DIR.glob("*.yml"):
        assert path.stem in RULES, f"{path.name} names no registered rule"


def test_base_project_is_clean() -> None:
    """The base project raises no diagnostic under any rule (the false-positive guard)."""
    result = run_checks(load_project(BASE_PROJECT))
    assert not result.diagnostics, [f"{d.location} {d.rule} {d.message}" for d in result.diagnostics]


def test_readme_rule_table_is_current() -> None:
    """README's rule table equals ``rules --format markdown``."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = rules_markdown(sorted(RULES.values(), key=lambda r: r.id))
    assert table in readme, "README rule table is out of date: run `python -m toolchain rules --format markdown`"


def test_every_rule_has_the_one_signature() -> None:
    """Every rule, the suppression rules included, is ``check(ctx: RuleContext)``; its family is its id's prefix."""
    for rule in RULES.values():
        parameters = list(inspect.signature(rule.check).parameters.values())
        assert [p.name for p in parameters] == ["ctx"] and parameters[0].annotation in ("RuleContext", RuleContext), rule.id
        assert rule.family == re.sub(r"\d+$", "", rule.id), rule.id


def test_rule_manifest_is_current() -> None:
    """toolchain/data/rules.json lists every registration as it is (each rule known before its module is imported)."""
    import subprocess
    import sys

    written = subprocess.run([sys.executable, "-m", "toolchain.check.manifest", "--print"], capture_output=True, text=True, check=True,
                             cwd=REPO, timeout=120).stdout
    assert written == (REPO / "toolchain" / "data" / "rules.json").read_text(encoding="utf-8"), \
        "toolchain/data/rules.json is out of date: run `python -m toolchain.check.manifest`"


def test_a_family_is_imported_only_by_the_process_that_runs_it() -> None:
    """The registry knows every rule without importing a family; running one rule imports its family alone."""
    import subprocess
    import sys

    code = ("import sys; import toolchain.check as c; from toolchain.load import load_project; from toolchain.config import Settings;"
            "families = lambda: sorted(m for m in sys.modules if m.startswith('toolchain.check.') and m.rsplit('.', 1)[-1] in c.registry.FAMILY_MODULES);"
            "print(len(c.RULES), families());"
            f"r = c.run_checks(load_project({str(BASE_PROJECT)!r}), Settings(select=('EN005',)), jobs=1);"
            "print(r.ran, families(), c.RULES['EN005'].doc.split()[0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, timeout=120)
    before, after = done.stdout.splitlines()
    assert before == f"{len(RULES)} []"
    assert after.startswith("('EN005',) ['toolchain.check.typography_en']")
    assert after.split()[-1] == RULES["EN005"].doc.split()[0]
