"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per diagnostic.

The grammar is ``::LEVEL file=F,line=L,col=C,endLine=E,endColumn=K,title=T::MESSAGE``. The
runner splits properties on ``,`` and the command from the message on ``::``, so values are
percent-escaped the way @actions/core's ``command.ts`` does (``escapeProperty``: ``%``, CR, LF,
``:`` and ``,``; ``escapeData`` for the message: ``%``, CR, LF).
"""

from __future__ import annotations

from toolchain.check import CheckResult
from toolchain.check.diagnostic import Diagnostic
from toolchain.load import Project
from toolchain.report.text import summary

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    """The workflow command for one diagnostic."""
    loc = d.location
    properties = [("file", loc.file), ("line", str(loc.line)), ("col", str(loc.column))]
    if loc.end_line is not None:
        properties.append(("endLine", str(loc.end_line)))
        # GitHub honours endColumn only on single-line annotations.
        if loc.end_line == loc.line and loc.end_column is not None:
            properties.append(("endColumn", str(loc.end_column)))
    properties.append(("title", f"{d.rule} {d.name}"))
    message = d.message
    for related in d.related:
        message += f"\nSee also {related.file}:{related.line}:{related.column}"
    if d.suggestion:
        message += f"\nSuggestion: {d.suggestion}"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{LEVELS[d.severity.value]} {rendered}::{escape_data(message)}"


def format_github(result: CheckResult, project: Project | None = None, color: bool = False) -> str:
    """One annotation per diagnostic, then a plain summary line for the log."""
    return "\n".join([*(annotation(d) for d in result.diagnostics), summary(result)])
