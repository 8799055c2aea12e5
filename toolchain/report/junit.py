"""JUnit XML for CI dashboards: a testsuite per rule family, a testcase per rule or finding.

A rule that found nothing is one passing testcase; a rule that found something has one
testcase per diagnostic, carrying ``file`` and ``line`` attributes (read by GitLab, Jenkins'
xunit and junitparser). Errors are ``<failure>``s; warnings and notes pass with the finding in
``<system-out>`` (a dashboard should not go red on a warning, as ``check`` does not); a rule
that crashed is an ``<error>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from toolchain.check import CheckResult
from toolchain.check.diagnostic import Diagnostic, Severity
from toolchain.check.registry import Rule
from toolchain.load import Project

# XML 1.0 forbids most C0 controls even as references; a message quoting one verbatim
# (an invisible character found in the text) would make the whole file unreadable.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Spell out the characters XML 1.0 cannot carry as ``U+XXXX``."""
    return XML_ILLEGAL.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def describe(d: Diagnostic) -> str:
    """The body text of a failure: where, what, the other language's place, the suggestion."""
    loc = d.location
    lines = [f"{loc.file}:{loc.line}:{loc.column}: {d.rule} {d.severity.value} {d.message}"]
    lines += [f"  --> {r.file}:{r.line}:{r.column}" for r in d.related]
    if d.suggestion:
        lines.append(f"  suggestion: {d.suggestion}")
    return "\n".join(lines)


def testcase(parent: ET.Element, rule: Rule, d: Diagnostic | None, crashed: bool) -> ET.Element:
    """Append one testcase (a clean rule when ``d`` is None)."""
    case = ET.SubElement(parent, "testcase", classname=f"toolchain.{rule.family}", name=f"{rule.id} {rule.name}", time="0")
    if d is None:
        return case
    loc = d.location
    case.set("name", f"{rule.id} {rule.name} at {loc.file}:{loc.line}:{loc.column}")
    case.set("file", loc.file)
    case.set("line", str(loc.line))
    if crashed:
        ET.SubElement(case, "error", message=d.message, type=rule.id).text = describe(d)
    elif d.severity is Severity.ERROR:
        ET.SubElement(case, "failure", message=d.message, type=rule.id).text = describe(d)
    else:
        ET.SubElement(case, "system-out").text = describe(d)
    return case


def format_junit(result: CheckResult, project: Project | None = None, color: bool = False) -> str:
    """Serialise a check run as JUnit XML (``testsuites`` → ``testsuite`` per family)."""
    by_rule: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in result.diagnostics:
        by_rule[d.rule].append(d)
    families: dict[str, list[Rule]] = defaultdict(list)
    for rule in result.rules:
        families[rule.family].append(rule)
    root = ET.Element("testsuites", name="toolchain check")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for family, rules in families.items():
        suite = ET.SubElement(root, "testsuite", name=family)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for rule in rules:
            crashed = rule.id in result.crashed
            for d in by_rule.get(rule.id) or [None]:
                case = testcase(suite, rule, d, crashed)
                counts["tests"] += 1
                counts["failures"] += case.find("failure") is not None
                counts["errors"] += case.find("error") is not None
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("skipped", "0")
        suite.set("time", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_safe(ET.tostring(root, encoding="unicode"))
