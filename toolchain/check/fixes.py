"""``check --fix``: apply the edits of findings that have one safe correction.

Only zh.md and en.md are ever rewritten. Edits come from the active rules (so --select and
ignore apply), minus findings silenced by suppression comments or per-file ignores. Text in
citations, comments, code, math and URLs is masked before any rule looks at it, so no edit
lands there. Overlapping edits are deferred to the next pass; passes repeat in memory until
nothing changes, so that a second ``--fix`` finds nothing to do. Fixed text must parse to the
same structure (blocks, headings, citations, front-matter keys); an edit that would change it
is dropped. Files are written through toolchain.files (a temporary file moved into place), after
copying the original to ``<file>.bak``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from toolchain.check import active_rules, outcomes
from toolchain.check.diagnostic import Finding
from toolchain.check.registry import configure
from toolchain.check.suppressions import parse_suppressions
from toolchain.cite import Citations
from toolchain.config import Settings
from toolchain.errors import InputError
from toolchain.files import write_atomically
from toolchain.limits import project_path
from toolchain.load import Project
from toolchain.load.bibliography import parse_bibliography
from toolchain.load.markdown import Document, parse_document
from toolchain.load.source import SourceFile, decode

MAX_PASSES = 5
Edit = tuple[int, int, str]


def fixable(project: Project, settings: Settings) -> Iterator[Finding]:
    """The findings with an edit of the active rules, suppressed findings left out."""
    suppressions = [s for d in project.documents for s in parse_suppressions(d.source)]
    config = configure(settings)
    rules = [rule for rule in active_rules(settings, config) if not rule.final]
    for outcome in outcomes(project, settings, rules, suppressions, Citations(project, settings), config):
        yield from (finding for finding in outcome.findings if finding.fix is not None)


def collect_edits(project: Project, settings: Settings) -> dict[str, list[Edit]]:
    """Edits proposed by the active rules for each Markdown file, suppressed findings left out."""
    edits: dict[str, list[Edit]] = {d.path: [] for d in project.documents}
    for finding in fixable(project, settings):
        if finding.location.file in edits and finding.fix is not None:
            edits[finding.location.file].append(finding.fix)
    return edits


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, list[Edit]]:
    """Apply non-overlapping edits (the first of overlapping ones wins); return text and edits made."""
    chosen: list[Edit] = []
    for edit in sorted(set(edits), key=lambda e: (e[0], e[1])):
        start, end, _ = edit
        if chosen and (start < chosen[-1][1] or (start == end == chosen[-1][0] == chosen[-1][1])):
            continue  # overlaps the previous edit: leave it for the next pass
        if text[start:end] == edit[2]:
            continue
        chosen.append(edit)
    for start, end, replacement in reversed(chosen):
        text = text[:start] + replacement + text[end:]
    return text, chosen


def structure(document: Document) -> tuple:
    """What a fix must not change: block kinds, heading levels and ids, citations, front-matter keys."""
    return (
        tuple(b.kind for b in document.blocks),
        tuple((b.level, b.identifier) for b in document.headings),
        tuple(c.key for c in document.citations),
        tuple(document.front_lines),
        len(document.abstract),
        len(document.keywords),
    )


def reparse(document: Document, text: str) -> Document | None:
    """Parse fixed text as the same document; None if it parses differently or not at all."""
    source = SourceFile.from_text(document.path, text, had_bom=document.source.had_bom, had_crlf=document.source.had_crlf)
    try:
        fixed = parse_document(source, document.lang)
    except InputError:
        return None
    return fixed if structure(fixed) == structure(document) else None


def fix_document(document: Document, edits: list[Edit]) -> tuple[Document, int]:
    """Apply a pass of edits; if together they change the structure, keep each edit that alone does not."""
    text, chosen = apply_edits(document.source.text, edits)
    if not chosen:
        return document, 0
    fixed = reparse(document, text)
    if fixed is not None:
        return fixed, len(chosen)
    count = 0
    for start, end, replacement in reversed(chosen):  # from the end: earlier offsets stay valid
        candidate = reparse(document, document.source.text[:start] + replacement + document.source.text[end:])
        if candidate is not None:
            document, count = candidate, count + 1
    return document, count


def apply_fixes(project: Project, settings: Settings) -> dict[str, int]:
    """Fix zh.md and en.md in place; return the number of edits made per changed file."""
    counts: dict[str, int] = {}
    originals = {d.path: d for d in project.documents}
    current = project
    for _ in range(MAX_PASSES):
        changed = False
        for path, edits in collect_edits(current, settings).items():
            document = current.zh if current.zh.path == path else current.en
            fixed, count = fix_document(document, edits)
            if not count:
                continue
            current = current.with_document(fixed)
            counts[path] = counts.get(path, 0) + count
            changed = True
        if not changed:
            break
    targets = {path: project_path(project.root, path) for path in counts}
    for path, target in targets.items():
        try:
            writable = os.access(target, os.W_OK) and target.stat().st_mode & stat.S_IWUSR
        except OSError as exc:  # its folder made unsearchable meanwhile: the file cannot be replaced either
            raise InputError(path, None, f"cannot write the fixed file: {exc.strerror or exc}") from None
        if not writable:
            raise InputError(path, None, "is read-only: nothing was fixed (make it writable to apply --fix)")
    for path, target in targets.items():
        document = current.zh if current.zh.path == path else current.en
        write(target, path, document.source, originals[path].source)
    return counts


def write(target: Path, path: str, fixed: SourceFile, original: SourceFile) -> None:
    """Keep ``<file>.bak``, then replace the file atomically, with its BOM and line endings.

    Both files are written to a temporary file and renamed into place (a link planted at the
    ``.bak`` name is replaced, never followed), and the source is read again just before: if
    someone changed it while the fix ran, it is left alone.
    """
    text = fixed.text.replace("\n", "\r\n") if original.had_crlf else fixed.text
    data = ("\ufeff" if original.had_bom else "").encode("utf-8") + text.encode("utf-8")
    try:
        current = target.read_bytes()
        if decode(path, current) != original:
            raise InputError(path, None, "changed while --fix was running: not replaced (run --fix again)")
        write_atomically(target.with_name(target.name + ".bak"), lambda part: part.write_bytes(current), mode_of=target, replace_link=True)
        if hashlib.sha256(target.read_bytes()).digest() != hashlib.sha256(current).digest():
            raise InputError(path, None, "changed while --fix was running: not replaced (run --fix again)")
        write_atomically(target, lambda part: part.write_bytes(data), mode_of=target, replace_link=True)
    except OSError as exc:
        raise InputError(path, None, f"cannot write the fixed file: {exc.strerror or exc}") from None


def bib_edits(project: Project, settings: Settings) -> tuple[list[Edit], set[str]]:
    """Edits the active rules propose for references.bib, and the keys of the entries they touch."""
    path = project.bibliography.path
    starts = sorted((e.line, e.key) for e in project.bibliography.entries)
    edits: list[Edit] = []
    keys: set[str] = set()
    for finding in fixable(project, settings):
        if finding.location.file == path and finding.fix is not None:
            edits.append(finding.fix)
            keys.add(next((k for line, k in reversed(starts) if line <= finding.location.line), ""))
    return edits, keys - {""}


def apply_bib_fixes(project: Project, settings: Settings) -> set[str]:
    """Write the edits of the active rules into references.bib (``refs verify --fix``); the keys changed.

    The fixed file must parse to the same keys in the same order; it replaces the original
    atomically, after a copy to ``references.bib.bak``.
    """
    path = project.bibliography.path
    original = next(s for s in project.sources if s.path == path)
    current, changed = project, set()
    for _ in range(MAX_PASSES):
        edits, keys = bib_edits(current, settings)
        source = next(s for s in current.sources if s.path == path)
        text, chosen = apply_edits(source.text, edits)
        if not chosen:
            break
        fixed = SourceFile.from_text(path, text)
        try:
            bibliography = parse_bibliography(fixed)
        except InputError:
            break
        if [e.key for e in bibliography.entries] != [e.key for e in current.bibliography.entries]:
            break
        sources = tuple(fixed if s.path == path else s for s in current.sources)
        current, changed = replace(current, bibliography=bibliography, sources=sources), changed | keys
    if changed:
        write(project.root / path, path, next(s for s in current.sources if s.path == path), original)
    return changed
