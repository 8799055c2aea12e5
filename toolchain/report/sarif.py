"""SARIF 2.1.0 report with rule metadata from the registry and related locations."""

from __future__ import annotations

import json

from toolchain import __version__
from toolchain.check import CheckResult
from toolchain.check.registry import RULES
from toolchain.load import Project
from toolchain.load.source import Location

LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def physical(location: Location) -> dict:
    """A SARIF physicalLocation."""
    region = {"startLine": location.line, "startColumn": location.column}
    if location.end_line is not None:
        region.update(endLine=location.end_line, endColumn=location.end_column)
    return {"physicalLocation": {"artifactLocation": {"uri": location.file, "uriBaseId": "PROJECTROOT"}, "region": region}}


def format_sarif(result: CheckResult, project: Project | None = None, color: bool = False) -> str:
    """Serialise diagnostics as a SARIF 2.1.0 log."""
    rule_ids = list(RULES)
    rules = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.doc or r.summary},
            "helpUri": f"https://github.com/toolchain/toolchain#{r.id.lower()}",
            "defaultConfiguration": {"level": LEVELS[r.severity.value]},
            "properties": {"family": r.family},
        }
        for r in RULES.values()
    ]
    results = []
    for d in result.diagnostics:
        item = {
            "ruleId": d.rule,
            "ruleIndex": rule_ids.index(d.rule) if d.rule in rule_ids else 0,
            "level": LEVELS[d.severity.value],
            "message": {"text": d.message},
            "locations": [physical(d.location)],
        }
        if d.related:
            item["relatedLocations"] = [dict(id=i, **physical(r)) for i, r in enumerate(d.related)]
        results.append(item)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "toolchain", "version": __version__, "informationUri": "https://github.com/toolchain/toolchain", "rules": rules}},
                "originalUriBaseIds": {"PROJECTROOT": {"uri": (project.root.resolve().as_uri() + "/") if project else "file:///"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)
