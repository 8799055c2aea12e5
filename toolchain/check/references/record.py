"""References against their verified records (bib/references.lock.json), offline.

The lock is written by ``refs verify``; these rules only read it, so CI and every machine
give the same answer. A project without a lock gets none of these findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.references._bib import bib_source, field_location
from toolchain.check.registry import RuleContext, rule
from toolchain.load import Project
from toolchain.load.bibliography import Entry
from toolchain.load.lock import LockedRecord, fingerprint
from toolchain.load.source import Location, SourceFile
from toolchain.verify.compare import Difference, clean, differences, same_work, source_label

# Fields after which a missing field is inserted, in order of preference.
ANCHORS = {"number": ("volume", "year", "journal"), "volume": ("year", "journal"), "pages": ("number", "volume", "year"),
           "year": ("journal", "title")}
BY_IDENTIFIER = ("crossref", "datacite", "pubmed")


def locked(project: Project) -> Iterator[tuple[Entry, LockedRecord]]:
    """Entries with a matched record in the lock."""
    if project.lock is None:
        return
    for entry in project.bibliography.entries:
        record = project.lock.records.get(entry.key)
        if record is not None and record.status == "matched":
            yield entry, record


def value_span(source: SourceFile, entry: Entry, field: str) -> tuple[int, int] | None:
    """Offsets of a field's value inside its braces or quotes in references.bib."""
    if field not in entry.field_lines:
        return None
    start = source.offset(entry.field_lines[field])
    match = re.compile(r"\b" + re.escape(field) + r"\s*=\s*([{\"])", re.IGNORECASE).search(source.text, start, start + 4000)
    if match is None:
        return None
    opening, depth, i = match.group(1), 1, match.end()
    while i < len(source.text) and i < match.end() + 100_000:
        ch = source.text[i]
        if opening == '"' and ch == '"' and depth == 1:
            return match.end(), i
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and opening == "{":
                return match.end(), i
        i += 1
    return None


def insertion(source: SourceFile, entry: Entry, field: str, value: str) -> tuple[int, int, str] | None:
    """An edit adding a missing field on its own line next to a neighbouring field."""
    anchor = next((a for a in ANCHORS.get(field, ()) if a in entry.field_lines), None)
    if anchor is None or entry.field_lines[anchor] == entry.line:
        return None
    line = entry.field_lines[anchor]
    text = source.line_text(line)
    indent = re.match(r"\s*", text).group(0)
    width = len(re.match(r"\s*[\w-]+\s*", text).group(0)) - len(indent)
    new = f"{indent}{field.ljust(width - 1)} = {{{value}}},\n"
    if text.rstrip().endswith(","):
        at = source.offset(line + 1)
    else:
        at = source.offset(line)
    return at, at, new


def edit(source: SourceFile, entry: Entry, difference: Difference) -> tuple[int, int, str] | None:
    """The edit that writes the record's value into the bib ('' record value: none)."""
    if not difference.record:
        return None
    span = value_span(source, entry, difference.field)
    if span is None:
        return insertion(source, entry, difference.field, difference.record) if not difference.found else None
    start, end = span
    value = source.text[start:end]
    if difference.field == "author":
        match = re.search(r"(?<![\w{])" + re.escape(difference.found) + r"(?![\w}])", value)
        return (start + match.start(), start + match.end(), difference.record) if match else None
    return start, end, difference.record


@rule("REF013", "record-mismatch")
def record_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A field of an entry differs from the verified record of its work (the lock).

    Why: a quarter of references in medical journals carry metadata errors, authors and pages
    most often; the record from Crossref, DataCite or PubMed (bib/references.lock.json, written by
    ``refs verify``) settles them. Title case is ignored, its punctuation is not; names keep their
    diacritics and capitals; the suggestion is the record's value (``refs verify --fix`` applies it).
    Example: ``author = {Antar, A. I. and Otrrock, Z. K. …}`` when the record has “Otrock”.
    """
    project = ctx.project
    source = bib_source(project)
    for entry, record in locked(project):
        if record.source in BY_IDENTIFIER and not same_work(entry, record):
            continue  # REF015
        for difference in differences(entry, record):
            where = field_location(project, entry, difference.field, difference.found if difference.field != "title" else "")
            yield Finding(where, f"“{entry.key}”: {difference.message} ({source_label(record)}, retrieved {record.retrieved})",
                          suggestion=difference.record or None, fix=edit(source, entry, difference))


@rule("REF014", "stale-lock-entry", Severity.WARNING)
def stale_lock_entry(ctx: RuleContext) -> Iterator[Finding]:
    """An entry changed since it was verified, or it and the lock disagree on keys.

    Why: the lock must describe the bibliography it sits beside; an entry whose DOI, PMID, title
    or year changed needs a new lookup (``refs verify --update KEY``).
    """
    project = ctx.project
    lock = project.lock
    if lock is None:
        return
    keys = project.bibliography.by_key
    for entry in project.bibliography.entries:
        record = lock.records.get(entry.key)
        where = Location(project.bibliography.path, entry.line, 1)
        if record is None:
            yield Finding(where, f"“{entry.key}” has no record in {lock.path}; run refs verify to look it up")
        elif record.fingerprint and record.fingerprint != fingerprint(entry):
            yield Finding(where, f"“{entry.key}” changed since it was verified on {record.retrieved} (its DOI, PMID, title or year); "
                                 f"run refs verify --update {entry.key}")
    for key, record in lock.records.items():
        if key not in keys:
            yield Finding(Location(lock.path, record.line, 1), f"the lock holds a record for “{key}”, which references.bib no longer has")


@rule("REF015", "doi-of-another-work")
def doi_of_another_work(ctx: RuleContext) -> Iterator[Finding]:
    """The entry's DOI or PMID resolves to another work.

    Why: a mistyped identifier sends every reader (and every link in the PDF and JATS) to the
    wrong article; the record's title and first author share nothing with the entry's.
    """
    project = ctx.project
    for entry, record in locked(project):
        if record.source in BY_IDENTIFIER and not same_work(entry, record):
            field = "doi" if record.source != "pubmed" else "pmid"
            first = record.authors[0].family if record.authors else "no author"
            yield Finding(field_location(project, entry, field, record.identifier),
                          f"“{entry.key}”: {field.upper()} {record.identifier} is “{clean(record.title)}” ({first}, {record.year or 'no year'}) "
                          f"in {source_label(record).split(' ')[0]}, not this entry's “{clean(entry.fields.get('title', ''))}”")


@rule("REF016", "retracted-work")
def retracted_work(ctx: RuleContext) -> Iterator[Finding]:
    """The cited work has been retracted (a notice in Crossref or Retraction Watch).

    Why: a retracted article may be cited only as retracted, and a review resting on it must say so.
    """
    project = ctx.project
    for entry, record in locked(project):
        if record.retraction:
            notice = record.retraction.get("notice", "")
            date = record.retraction.get("date", "")
            source = record.retraction.get("source", "")
            yield Finding(Location(project.bibliography.path, entry.line, 1),
                          f"“{entry.key}” ({record.doi or record.identifier}) was retracted" + (f" on {date}" if date else "")
                          + (f": notice {notice}" if notice else "") + (f" ({source})" if source else ""))


def unmatched(project: Project, chinese: bool) -> Iterator[Finding]:
    """Entries the lock records as matched by no source; Chinese works or the others."""
    if project.lock is None:
        return
    for entry in project.bibliography.entries:
        record = project.lock.records.get(entry.key)
        if record is None or record.status != "unmatched" or (entry.langid == "zh") != chinese:
            continue
        tried = "; ".join(record.tried) or "no identifier and no bibliographic query"
        yield Finding(Location(project.bibliography.path, entry.line, 1),
                      f"“{entry.key}”: no record found ({tried}); not found is not fake: "
                      + ("checked by the record-free rules only" if chinese else "add its DOI or PMID, or check the entry by hand"))


@rule("REF017", "unmatched-entry", Severity.WARNING)
def unmatched_entry(ctx: RuleContext) -> Iterator[Finding]:
    """No source matched the entry by DOI, PMID or query; it says what was tried.

    Why: an entry that neither Crossref, DataCite nor PubMed knows may be mistyped beyond
    recognition, or a work those sources do not hold; someone has to look.
    """
    project = ctx.project
    yield from unmatched(project, chinese=False)


@rule("REF018", "unverifiable-entry", Severity.INFO)
def unverifiable_entry(ctx: RuleContext) -> Iterator[Finding]:
    """A Chinese-language work has no Crossref or PubMed record to verify it against.

    Why: many Chinese journals deposit no metadata in Crossref or PubMed; such an entry is
    checked by the record-free rules only, and that is no error.
    """
    project = ctx.project
    yield from unmatched(project, chinese=True)
