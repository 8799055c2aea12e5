"""The CI workflow and the pre-commit hook: they parse, and every command they run exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from toolchain.cli import parser

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "manuscript.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
RULE_LINE = re.compile(r"^([^\s#:=][^:=]*?)\s*&?::?(?!=)")


def load(path: Path):
    """Parse a YAML file (YAML 1.2: ``on`` stays a string key)."""
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def make_targets() -> set[str]:
    """Targets the Makefile defines: rule heads and .PHONY names (variables expanded where simple)."""
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    variables = makefile_variables()
    targets = set()
    for line in text.splitlines():
        match = RULE_LINE.match(line)
        if match and not line.startswith("\t"):
            for name in match.group(1).split():
                targets.add(re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), m.group(0)), name))
    return targets - {".PHONY"}


def makefile_variables() -> dict[str, str]:
    """Simple ``NAME := value`` assignments of the Makefile."""
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return dict(re.findall(r"^(\w+)\s*[:?]?=\s*(\S+)\s*$", text, re.MULTILINE))


def parses(subparser, words: list[str]) -> bool:
    """Whether a subcommand accepts these arguments (argparse exits on a bad one)."""
    try:
        subparser.parse_args(words)
    except SystemExit:
        return False
    return True


def subcommands() -> dict[str, object]:
    """The CLI's subparsers by name."""
    action = next(a for a in parser()._actions if a.dest == "command")
    return dict(action.choices)


def run_commands(workflow: dict) -> list[str]:
    """Every command line of every ``run:`` step, continuation lines joined."""
    commands = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                commands += [line.strip() for line in step["run"].replace("\\\n", " ").splitlines() if line.strip()]
    return commands


def test_makefile_and_cli_parsers_can_say_no() -> None:
    """The parsers see the documented targets and refuse unknown ones (so the checks below can fail)."""
    assert {"setup", "check", "pdf", "docx", "jats", "all", "test", "report", "build/report.html"} <= make_targets()
    assert "nonexistent" not in make_targets()
    assert parses(subcommands()["check"], [".", "--format", "sarif"])
    assert not parses(subcommands()["check"], [".", "--format", "xml"])


def test_workflow_runs_existing_make_targets_and_cli_commands() -> None:
    """``make X`` names a real target; a direct toolchain call uses a real subcommand and format."""
    workflow = load(WORKFLOW)
    assert {"push", "pull_request"} <= set(workflow["on"])
    targets, commands = make_targets(), subcommands()
    made = []
    for command in run_commands(workflow):
        words = shlex.split(command.split("||")[0].split(">")[0])
        if words[0] == "make":
            made += words[1:]
            assert set(words[1:]) <= targets, command
        elif words[:3] == [".venv/bin/python", "-m", "toolchain"]:
            assert parses(commands[words[3]], words[4:]), command
        else:
            assert words[0] in ("mkdir",), command
    assert {"setup", "check", "all", "report"} <= set(made)
    assert makefile_variables()["BIN"].replace("$(VENV)", makefile_variables()["VENV"]) == ".venv/bin"  # the steps' python


def test_workflow_uploads_the_sarif_it_writes_and_the_outputs() -> None:
    """The SARIF step writes the file upload-sarif reads, and never fails before the upload; outputs are kept."""
    workflow = load(WORKFLOW)
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    sarif_run = next(step for step in steps if "--format sarif" in step.get("run", ""))
    written = re.search(r"--format sarif > (\S+) \|\| true", sarif_run["run"])
    assert written, sarif_run["run"]
    upload = uses["github/codeql-action/upload-sarif"]
    assert upload["with"]["sarif_file"] == written.group(1) and upload.get("if") == "always()"
    assert steps.index(upload) > steps.index(sarif_run)
    gate = next(i for i, step in enumerate(steps) if step.get("run") == "make check")
    assert gate > steps.index(upload)  # errors fail the job only after the findings are uploaded
    assert workflow["permissions"]["security-events"] == "write"
    artifact = uses["actions/upload-artifact"]
    paths = artifact["with"]["path"].split()
    for name in ("build/*.pdf", "build/*.docx", "build/article.xml", "build/report.html", written.group(1)):
        assert name in paths
    assert artifact.get("if") == "always()"


def test_pre_commit_hook_runs_the_checker_on_manuscript_changes() -> None:
    """One hook with pre-commit's required keys; its entry is our check; its files pattern picks the sources."""
    hooks = load(HOOKS)
    assert isinstance(hooks, list) and len(hooks) == 1
    hook = hooks[0]
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    words = shlex.split(hook["entry"])
    assert words[:3] == ["python", "-m", "toolchain"] and words[3] in subcommands()
    assert parses(subcommands()[words[3]], words[4:])
    pattern = re.compile(hook["files"])
    for path in ("manuscript/zh.md", "manuscript/en.md", "manuscript/metadata.yaml", "manuscript/glossary.yaml",
                 "bib/references.bib", "bib/journal.csl"):
        assert pattern.search(path), path
    for path in ("toolchain/cli.py", "README.md", "tests/rules/base_project/manuscript/zh.md", "build/zh.pdf"):
        assert not pattern.search(path), path


@pytest.mark.parametrize("path", [WORKFLOW, HOOKS])
def test_yaml_files_have_no_tabs_and_end_with_a_newline(path: Path) -> None:
    """Plain, portable YAML."""
    text = path.read_text(encoding="utf-8")
    assert "\t" not in text and text.endswith("\n")
