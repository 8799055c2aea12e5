"""References: every citation resolves and every entry is cited."""

from __future__ import annotations

from collections.abc import Iterator

from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import rule
from toolchain.load import Project
from toolchain.load.source import Location


@rule("REF001", "unresolved-citation")
def unresolved_citation(project: Project) -> Iterator[Finding]:
    """A citation key has no entry in references.bib.

    Why: Pandoc prints the bare key and a warning nobody reads; the reference is lost.
    Example: zh.md ``……疗效显著[@xuan2002]。`` when the bib defines only ``xuan2020``.
    """
    keys = project.bibliography.by_key
    for document in project.documents:
        for citation in document.citations:
            if citation.key not in keys:
                close = [k for k in keys if k.lower() == citation.key.lower()]
                hint = f"; did you mean “{close[0]}”?" if close else ""
                yield Finding(citation.location, f"citation “@{citation.key}” has no entry in references.bib{hint}",
                              suggestion=close[0] if close else None)


@rule("REF002", "unused-entry", Severity.WARNING)
def unused_entry(project: Project) -> Iterator[Finding]:
    """An entry in references.bib is cited in neither language.

    Why: a reference list holds only works the text cites (GB/T 7714-2015, 8.1).
    """
    cited = {c.key for d in project.documents for c in d.citations}
    path = project.bibliography.path
    for entry in project.bibliography.entries:
        if entry.key not in cited:
            yield Finding(Location(path, entry.line, 1), f"entry “{entry.key}” is cited in neither zh.md nor en.md")
