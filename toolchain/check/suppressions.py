"""Inline suppressions: ``<!-- check-disable-next-line RULE: reason -->`` and friends."""

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
    """One directive: the codes it names and the lines it covers."""

    kind: str
    codes: tuple[str, ...]  # as written
    rule_ids: frozenset[str]
    location: Location
    first_line: int
    last_line: int
    reason: str
    used: set[str] = field(default_factory=set)
    unclosed: bool = False
    unknown: tuple[str, ...] = ()

    def covers(self, rule_id: str, file: str, line: int) -> bool:
        """Whether this directive silences ``rule_id`` at file:line."""
        return rule_id in self.rule_ids and file == self.location.file and self.first_line <= line <= self.last_line


def parse_suppressions(source: SourceFile) -> list[Suppression]:
    """Find every directive in a Markdown source and work out the lines it covers."""
    result: list[Suppression] = []
    open_ranges: dict[str, Suppression] = {}
    last_line = len(source.line_starts)
    for match in DIRECTIVE.finditer(source.text):
        kind, codes_text, reason = match.group(1), match.group(2), (match.group(3) or "").strip()
        codes = tuple(c for c in re.split(r"[\s,，]+", codes_text) if c)
        ids, unknown = set(), []
        for code in codes:
            found = resolve(code)
            ids.update(found)
            if not found:
                unknown.append(code)
        line, column = source.position(match.start())
        end_line, _ = source.position(match.end())
        location = Location(source.path, line, column)
        if kind == "enable":
            for code in codes:
                opened = open_ranges.pop(code, None)
                if opened:
                    opened.last_line = line
            continue
        first, last = line, end_line
        if kind == "disable-next-line":
            first = last = next_content_line(source, end_line)
        elif kind == "disable-file":
            first, last = 1, last_line
        suppression = Suppression(kind, codes, frozenset(ids), location, first, last, reason, unknown=tuple(unknown))
        if kind == "disable":
            suppression.last_line = last_line
            suppression.unclosed = True
            for code in codes:
                open_ranges[code] = suppression
        result.append(suppression)
    for opened in open_ranges.values():
        opened.unclosed = True
    for suppression in result:
        if suppression.kind == "disable" and suppression.last_line != last_line:
            suppression.unclosed = False
    return result


def next_content_line(source: SourceFile, line: int) -> int:
    """The first non-blank line after ``line``."""
    total = len(source.line_starts)
    for candidate in range(line + 1, total + 1):
        if source.line_text(candidate).strip():
            return candidate
    return line + 1
