"""Inline suppressions: ``<!-- check-disable-next-line RULE: reason -->`` and friends.

A directive names rules by id, name or family; each is resolved to rule ids at once, so a
range opened under one name is closed under any other (``check-disable REF001`` …
``check-enable unresolved-citation``), and ``check-enable`` ends the range of the rules it
names only. Ranges of one rule nest: an enable closes the most recent open range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolchain.check.registry import resolve
from toolchain.load.source import Location, SourceFile

DIRECTIVE = re.compile(
    r"<!--\s*check-(disable-next-line|disable-line|disable-file|disable|enable)\b\s*([^:：>]*?)\s*(?:[:：]\s*(.*?))?\s*-->",
    re.S,
)


@dataclass(slots=True)
class Suppression:
    """One directive: the codes it names and, per rule id, the last line it covers."""

    kind: str
    codes: tuple[str, ...]  # as written
    location: Location
    first_line: int
    reason: str
    ends: dict[str, int] = field(default_factory=dict)  # rule id → last line covered (enable: none)
    used: set[str] = field(default_factory=set)
    unclosed: set[str] = field(default_factory=set)  # rule ids of a range no enable closes
    unknown: tuple[str, ...] = ()

    @property
    def rule_ids(self) -> frozenset[str]:
        """The rules this directive silences."""
        return frozenset(self.ends)

    def covers(self, rule_id: str, file: str, line: int) -> bool:
        """Whether this directive silences ``rule_id`` at file:line."""
        return file == self.location.file and self.first_line <= line <= self.ends.get(rule_id, 0)


def parse_suppressions(source: SourceFile) -> list[Suppression]:
    """Find every directive in a Markdown source and work out the lines it covers for each rule."""
    result: list[Suppression] = []
    open_ranges: dict[str, list[Suppression]] = {}  # rule id → ranges still open, innermost last
    last_line = len(source.line_starts)
    for match in DIRECTIVE.finditer(source.text):
        kind, codes_text, reason = match.group(1), match.group(2), (match.group(3) or "").strip()
        codes = tuple(c for c in re.split(r"[\s,，]+", codes_text) if c)
        ids = list(dict.fromkeys(rule_id for code in codes for rule_id in resolve(code)))
        unknown = tuple(code for code in codes if not resolve(code))
        line, column = source.position(match.start())
        end_line, _ = source.position(match.end())
        first, last = line, end_line
        if kind == "disable-next-line":
            first = last = next_content_line(source, end_line)
        elif kind in ("disable-file", "disable"):
            first, last = (1, last_line) if kind == "disable-file" else (line, last_line)
        suppression = Suppression(kind, codes, Location(source.path, line, column), first, reason, unknown=unknown)
        result.append(suppression)
        if kind == "enable":
            for rule_id in ids:
                opened = open_ranges.get(rule_id)
                if opened:
                    opened.pop().ends[rule_id] = line
            continue
        suppression.ends = dict.fromkeys(ids, last)
        if kind == "disable":
            for rule_id in ids:
                open_ranges.setdefault(rule_id, []).append(suppression)
    for rule_id, still_open in open_ranges.items():
        for suppression in still_open:
            suppression.unclosed.add(rule_id)
    return result


def next_content_line(source: SourceFile, line: int) -> int:
    """The first non-blank line after ``line``."""
    total = len(source.line_starts)
    for candidate in range(line + 1, total + 1):
        if source.line_text(candidate).strip():
            return candidate
    return line + 1
