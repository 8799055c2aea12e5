"""Text report for people: grouped by file, the source line with a marker, a summary."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from itertools import accumulate, groupby
from unicodedata import east_asian_width

from toolchain.check import CheckResult
from toolchain.check.diagnostic import Severity
from toolchain.load import Project
from toolchain.load.source import Location, SourceFile

COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
RESET, BOLD, DIM = "\033[0m", "\033[1m", "\033[2m"
WINDOW = 100  # terminal cells of a long line shown around the marker (paragraphs are one line each)
CONTEXT = 36  # cells kept before the marker when a line is cut
ELLIPSIS = "…"
# C0 controls (tab included) are drawn as Unicode control pictures (U+2400 + code), one cell
# each: a raw ESC or CR would garble the terminal. Zero-width characters (what SRC003 finds)
# are spelled out, or the marker would point at nothing.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
SHOWN_OTHERWISE = re.compile(f"{CONTROL.pattern}|{INVISIBLE.pattern}")


@cache
def cells(ch: str) -> int:
    """Terminal cells of one character (CJK characters take two)."""
    return 2 if east_asian_width(ch) in "WF" else 1


def cell_sizes(text: str) -> list[int]:
    """The cells of each character of a text (callers pass a window of a line, never a whole paragraph)."""
    return list(map(cells, text))


def width(text: str) -> int:
    """Display width in terminal cells."""
    return len(text) if text.isascii() else sum(cell_sizes(text))


def visible(text: str) -> str:
    """Draw control characters as control pictures and spell out invisible ones as ``<U+200B>``."""
    text = CONTROL.sub(lambda m: "\u2421" if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), text)
    return INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def window(line: str, start: int, end: int) -> tuple[int, int]:
    """The character range of a long line to show so that ``[start, end)`` is in view."""
    if line.isascii():  # one cell per character
        if len(line) <= WINDOW:
            return 0, len(line)
        first = max(0, start - CONTEXT)
        return first, min(len(line), first + WINDOW)
    if len(line) <= WINDOW and width(line) <= WINDOW:
        return 0, len(line)
    # Every character takes at least one cell: CONTEXT characters before the marker and WINDOW
    # from the window's start are all that can be shown.
    before = list(accumulate(cell_sizes(line[max(0, start - CONTEXT):start][::-1])))
    first = start - bisect_right(before, CONTEXT)
    return first, first + bisect_right(list(accumulate(cell_sizes(line[first:first + WINDOW]))), WINDOW)


def excerpt(source: SourceFile | None, location: Location, marker: str = "^") -> list[str]:
    """The source line of a location (cut around it when long) and a marker under its columns.

    Only the part of the line around the location is read (every character takes at least one
    cell), so that a finding in a one-line 5 MB paragraph costs no more than one in a short line.
    """
    if source is None:
        return []
    column = location.column - 1
    lo = max(0, column - WINDOW)
    line, length = source.line_part(location.line, lo, column + 2 * WINDOW)
    if not line.strip():
        return []
    start = min(column - lo, len(line))
    end = location.end_column - 1 - lo if location.end_line == location.line and location.end_column else start + 1
    end = max(start + 1, min(end, len(line)))
    first, last = window(line, start, end)
    cut = min(end, last)
    show = visible if SHOWN_OTHERWISE.search(line, first, max(last, start)) else str  # most lines need no drawing
    before = (ELLIPSIS if first + lo > 0 else "") + show(line[first:start])
    marked = show(line[start:cut])
    after = show(line[cut:last]) + (ELLIPSIS if last + lo < length else "")
    return [f"    {location.line:>4} | {before}{marked}{after}", f"         | {' ' * width(before)}{marker * max(1, width(marked))}"]


def plural(count: int, word: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{count} {word}{'s' * (count != 1)}"


def summary(result: CheckResult) -> str:
    """The closing line: counts of errors, warnings (and notes) and files; crashed rules."""
    if not result.diagnostics:
        return "No problems found."
    files = len({d.location.file for d in result.diagnostics})
    notes = len(result.diagnostics) - result.errors - result.warnings
    counts = [plural(result.errors, "error"), plural(result.warnings, "warning")] + ([plural(notes, "note")] if notes else [])
    text = f"{', '.join(counts)} in {plural(files, 'file')}."
    if result.crashed:
        text += f" Incomplete: {', '.join(result.crashed)} crashed."
    return text


def format_text(result: CheckResult, project: Project | None = None, color: bool = False) -> str:
    """Format diagnostics grouped by file, with excerpts when the project is known."""
    sources = {s.path: s for s in project.sources} if project else {}
    paint = (lambda code, text: f"{code}{text}{RESET}") if color else (lambda code, text: text)
    out: list[str] = []
    shown: dict[Location, list[str]] = {}  # the excerpt of each related location, made once
    for file, group in groupby(result.diagnostics, key=lambda d: d.location.file):
        out.append(paint(BOLD, file))
        for d in group:
            loc = d.location
            out.append(f"{loc.file}:{loc.line}:{loc.column}: {paint(COLORS[d.severity], f'{d.rule} {d.severity.value}')} {visible(d.message)}")
            out.extend(paint(COLORS[d.severity], line) if line.lstrip(" |").startswith("^") else line
                       for line in excerpt(sources.get(file), loc))
            for related in d.related:
                out.append(paint(DIM, f"  --> {related.file}:{related.line}:{related.column}"))
                if related not in shown:  # many findings point at the same place (the aligned paragraph)
                    shown[related] = [paint(DIM, line) for line in excerpt(sources.get(related.file), related, "-")]
                out.extend(shown[related])
            if d.suggestion:
                out.append(f"    suggestion: {d.suggestion}")
        out.append("")
    out.append(paint(BOLD, summary(result)))
    return "\n".join(out)
