"""Text report for people: grouped by file, the source line with a marker, a summary."""

from __future__ import annotations

from itertools import groupby
from unicodedata import east_asian_width

from toolchain.check import CheckResult
from toolchain.check.diagnostic import Severity
from toolchain.load import Project
from toolchain.load.source import Location, SourceFile

COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
RESET, BOLD, DIM = "\033[0m", "\033[1m", "\033[2m"


def width(text: str) -> int:
    """Display width in terminal cells (CJK characters take two)."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def excerpt(source: SourceFile | None, location: Location, marker: str = "^") -> list[str]:
    """The source line of a location and a marker under its columns."""
    if source is None:
        return []
    line = source.line_text(location.line)
    if not line.strip():
        return []
    end = location.end_column if location.end_line == location.line and location.end_column else location.column + 1
    lead = width(line[: location.column - 1])
    span = max(1, width(line[location.column - 1 : end - 1]))
    return [f"    {location.line:>4} | {line}", f"         | {' ' * lead}{marker * span}"]


def format_text(result: CheckResult, project: Project | None = None, color: bool = False) -> str:
    """Format diagnostics grouped by file, with excerpts when the project is known."""
    sources = {s.path: s for s in project.sources} if project else {}
    paint = (lambda code, text: f"{code}{text}{RESET}") if color else (lambda code, text: text)
    out: list[str] = []
    for file, group in groupby(result.diagnostics, key=lambda d: d.location.file):
        out.append(paint(BOLD, file))
        for d in group:
            loc = d.location
            out.append(f"{loc.file}:{loc.line}:{loc.column}: {paint(COLORS[d.severity], f'{d.rule} {d.severity.value}')} {d.message}")
            out.extend(excerpt(sources.get(file), loc))
            for related in d.related:
                out.append(paint(DIM, f"  --> {related.file}:{related.line}:{related.column}"))
                out.extend(paint(DIM, line) for line in excerpt(sources.get(related.file), related, "-"))
            if d.suggestion:
                out.append(f"    suggestion: {d.suggestion}")
        out.append("")
    files = len({d.location.file for d in result.diagnostics})
    summary = f"{result.errors} error{'s' * (result.errors != 1)}, {result.warnings} warning{'s' * (result.warnings != 1)} in {files} file{'s' * (files != 1)}."
    if not result.diagnostics:
        summary = "No problems found."
    out.append(paint(BOLD, summary))
    return "\n".join(out)
