"""SARIF 2.1.0 report with rule metadata from the registry and related locations."""

from __future__ import annotations

import json
import re
from pathlib import Path

from toolchain import __version__
from toolchain.check import CheckResult
from toolchain.check.diagnostic import Diagnostic
from toolchain.check.registry import Rule
from toolchain.load import FILES, Project
from toolchain.load.source import Location

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
BASE_ID = "%SRCROOT%"
RELATED_NAMES = {FILES["zh"]: "the Chinese text", FILES["en"]: "the English text"}


def repository_root(project_root: Path) -> Path:
    """The nearest ancestor holding ``.git`` (code scanning resolves paths from it), else the project."""
    resolved = project_root.resolve()
    for directory in (resolved, *resolved.parents):
        if (directory / ".git").exists():
            return directory
    return resolved


def physical(location: Location, prefix: str) -> dict:
    """A SARIF physicalLocation relative to ``%SRCROOT%``."""
    region = {"startLine": location.line, "startColumn": location.column}
    if location.end_line is not None and location.end_column is not None:
        region.update(endLine=location.end_line, endColumn=location.end_column)
    return {"physicalLocation": {"artifactLocation": {"uri": prefix + location.file, "uriBaseId": BASE_ID}, "region": region}}


def escape_message(text: str) -> str:
    r"""Escape ``\\``, ``[`` and ``]``: a message with embedded links must not hold bare brackets (SARIF §3.11.6)."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def message(d: Diagnostic) -> dict:
    """The result message; related places become embedded links ``[text](id)`` that viewers follow."""
    text = d.message
    if d.suggestion:
        text += f" Suggestion: {d.suggestion}"
    if not d.related:
        return {"text": text}
    links = ", ".join(
        f"[{RELATED_NAMES.get(r.file, r.file)} at line {r.line}]({i})" for i, r in enumerate(d.related)
    )
    return {"text": f"{escape_message(text)} (see {links})"}


def rule_descriptor(rule: Rule) -> dict:
    """A reportingDescriptor from the registry: summary, the docstring as help, the family as tag."""
    help_text = f"{rule.summary}\n\n{rule.doc}".strip()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc or rule.summary},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"family": rule.family, "tags": ["manuscript", rule.family]},
    }


def format_sarif(result: CheckResult, project: Project | None = None, color: bool = False) -> str:
    """Serialise diagnostics as a SARIF 2.1.0 log."""
    rules = result.rules
    rule_ids = [r.id for r in rules]
    prefix = ""
    root_uri = "file:///"
    if project is not None:
        top = repository_root(project.root)
        relative = project.root.resolve().relative_to(top).as_posix()
        prefix = "" if relative == "." else relative + "/"
        root_uri = top.as_uri() + "/"
    results = []
    for d in result.diagnostics:
        item = {
            "ruleId": d.rule,
            "level": LEVELS[d.severity.value],
            "message": message(d),
            "locations": [physical(d.location, prefix)],
        }
        if d.rule in rule_ids:
            item["ruleIndex"] = rule_ids.index(d.rule)
        if d.related:
            item["relatedLocations"] = [
                {"id": i, **physical(r, prefix), "message": {"text": RELATED_NAMES.get(r.file, r.file)}}
                for i, r in enumerate(d.related)
            ]
        results.append(item)
    run = {
        "tool": {"driver": {"name": "toolchain", "version": __version__, "semanticVersion": __version__,
                            "rules": [rule_descriptor(r) for r in rules]}},
        "invocations": [{"executionSuccessful": not result.crashed}],
        "originalUriBaseIds": {BASE_ID: {"uri": root_uri}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if result.crashed:
        run["invocations"][0]["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": f"rule {rule_id} crashed; the other rules still ran"},
             "descriptor": {"id": rule_id}}
            for rule_id in result.crashed
        ]
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, ensure_ascii=False, indent=2)
