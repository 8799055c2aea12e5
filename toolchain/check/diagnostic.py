"""Diagnostics: what a rule finds (Finding) and what the checker reports (Diagnostic)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from toolchain.load.source import Location


class Severity(str, Enum):
    """How serious a diagnostic is; ``off`` disables a rule in configuration."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        """The lower-case name."""
        return self.value


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule yields: a place and a message; the registry adds id and severity."""

    location: Location
    message: str
    related: tuple[Location, ...] = ()
    suggestion: str | None = None
    fix: tuple[int, int, str] | None = None  # (start, end, replacement): source offsets in location.file

    def __reduce__(self) -> tuple:
        """Pickled as its fields, rebuilt by the constructor (a worker sends its findings back pickled)."""
        return Finding, (self.location, self.message, self.related, self.suggestion, self.fix)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding with its rule's id, name and effective severity."""

    rule: str
    name: str
    severity: Severity
    location: Location
    message: str
    related: tuple[Location, ...] = ()
    suggestion: str | None = None

    @property
    def sort_key(self) -> tuple:
        """Order by file, line, column, rule."""
        loc = self.location
        return (loc.file, loc.line, loc.column, self.rule, self.message)

    def to_json(self) -> dict:
        """Flat JSON object with the contract's keys first."""
        loc = self.location
        data = {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "file": loc.file,
            "line": loc.line,
            "column": loc.column,
            "message": self.message,
        }
        if loc.end_line is not None:
            data["end_line"] = loc.end_line
            data["end_column"] = loc.end_column
        if self.related:
            data["related"] = [{"file": r.file, "line": r.line, "column": r.column} for r in self.related]
        if self.suggestion:
            data["suggestion"] = self.suggestion
        return data
