"""bib/references.lock.json: the records each entry was verified against (``refs verify``).

One normalised record per key: where it came from (source, identifier, retrieval date),
the fields compared, and a fingerprint of the entry as it was when verified. ``check``
compares the bibliography with these records without any network.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolchain.errors import InputError
from toolchain.load.bibliography import Entry, strip_braces

LOCK_FILE = "bib/references.lock.json"
VERSION = 1
STATUSES = ("matched", "unmatched")
SOURCES = ("crossref", "datacite", "pubmed", "crossref-query", "none")
# The entry fields that identify the work: a change in one of them needs a new lookup.
IDENTIFYING_FIELDS = ("doi", "pmid", "title", "year")


@dataclass(frozen=True, slots=True)
class LockedAuthor:
    """One author of a record: family name as the record prints it, given names or initials."""

    family: str
    given: str = ""


@dataclass(frozen=True, slots=True)
class LockedRecord:
    """The record one entry was verified against."""

    key: str
    status: str  # matched | unmatched
    source: str  # crossref | datacite | pubmed | crossref-query | none
    identifier: str  # the DOI, PMID or query that found it ('' when unmatched)
    retrieved: str  # ISO date of the lookup
    fingerprint: str  # of the entry's identifying fields when verified ('' = not recorded)
    title: str = ""
    authors: tuple[LockedAuthor, ...] = ()
    author_count: int = 0  # authors the work has (may exceed the names listed; 0 = not known)
    year: str = ""
    other_years: tuple[str, ...] = ()  # years of the other publication dates (online first, print)
    volume: str = ""
    issue: str = ""
    pages: str = ""
    article_number: str = ""
    journal: str = ""
    journal_abbreviations: tuple[str, ...] = ()
    doi: str = ""
    pmid: str = ""
    types: tuple[str, ...] = ()  # publication types as the source gives them (journal-article; Review, Clinical Trial, Phase I)
    abstract: str = ""  # the abstract, markup removed, when the source gives one
    retraction: dict[str, str] = field(default_factory=dict)  # notice, date, source (retracted works)
    tried: tuple[str, ...] = ()  # what was looked up, for an unmatched entry
    line: int = 0  # line of the record's key in the lock file

    def to_json(self) -> dict[str, Any]:
        """The record as the lock file stores it (empty values left out)."""
        data: dict[str, Any] = {"status": self.status, "source": self.source, "identifier": self.identifier,
                                "retrieved": self.retrieved, "fingerprint": self.fingerprint}
        fields: dict[str, Any] = {
            "title": self.title, "authors": [{"family": a.family, "given": a.given} for a in self.authors],
            "author-count": self.author_count, "year": self.year, "other-years": list(self.other_years), "volume": self.volume, "issue": self.issue,
            "pages": self.pages, "article-number": self.article_number, "journal": self.journal,
            "journal-abbreviations": list(self.journal_abbreviations), "doi": self.doi, "pmid": self.pmid,
            "types": list(self.types), "abstract": self.abstract,
        }
        data["fields"] = {k: v for k, v in fields.items() if v}
        if self.retraction:
            data["retraction"] = dict(self.retraction)
        if self.tried:
            data["tried"] = list(self.tried)
        return data


@dataclass(frozen=True, slots=True)
class ReferenceLock:
    """All records of the lock file."""

    path: str
    records: dict[str, LockedRecord]


def fingerprint(entry: Entry) -> str:
    """A short hash of the fields that identify an entry's work (DOI, PMID, title words, year)."""
    parts = []
    for name in IDENTIFYING_FIELDS:
        value = unicodedata.normalize("NFC", strip_braces(entry.fields.get(name, ""))).casefold()
        parts.append("".join(ch for ch in value if ch.isalnum()))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def text(value: Any, where: str, path: str, line: int) -> str:
    """A string value of the lock (numbers accepted), else an InputError."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(path, line, f"{where} must be a string, found {type(value).__name__}")
    return str(value)


def parse_record(key: str, data: Any, path: str, line: int) -> LockedRecord:
    """One record of the lock file."""
    if not isinstance(data, dict):
        raise InputError(path, line, f"record {key!r} must be an object")
    fields = data.get("fields") or {}
    if not isinstance(fields, dict):
        raise InputError(path, line, f"record {key!r}: fields must be an object")
    status = text(data.get("status", "matched"), f"{key}.status", path, line)
    if status not in STATUSES:
        raise InputError(path, line, f"record {key!r}: status must be one of {', '.join(STATUSES)}, found {status!r}")
    source = text(data.get("source", "none"), f"{key}.source", path, line)
    if source not in SOURCES:
        raise InputError(path, line, f"record {key!r}: source must be one of {', '.join(SOURCES)}, found {source!r}")
    authors = []
    for item in fields.get("authors") or []:
        if isinstance(item, str):
            authors.append(LockedAuthor(item))
        elif isinstance(item, dict):
            authors.append(LockedAuthor(text(item.get("family", ""), f"{key}.authors.family", path, line),
                                        text(item.get("given", ""), f"{key}.authors.given", path, line)))
        else:
            raise InputError(path, line, f"record {key!r}: each author must be an object with family and given")
    count = fields.get("author-count", 0)
    if not isinstance(count, int) or isinstance(count, bool):
        raise InputError(path, line, f"record {key!r}: author-count must be a number")
    retraction = data.get("retraction") or {}
    if not isinstance(retraction, dict):
        raise InputError(path, line, f"record {key!r}: retraction must be an object")
    abbreviations = fields.get("journal-abbreviations") or []
    tried = data.get("tried") or []
    years = fields.get("other-years") or []
    types = fields.get("types") or []
    if not all(isinstance(v, list) for v in (abbreviations, tried, years, types)):
        raise InputError(path, line, f"record {key!r}: journal-abbreviations, other-years, types and tried must be lists")

    def get(name: str) -> str:
        return text(fields.get(name, ""), f"{key}.{name}", path, line)

    return LockedRecord(
        key=key, status=status, source=source,
        identifier=text(data.get("identifier", ""), f"{key}.identifier", path, line),
        retrieved=text(data.get("retrieved", ""), f"{key}.retrieved", path, line),
        fingerprint=text(data.get("fingerprint", ""), f"{key}.fingerprint", path, line),
        title=get("title"), authors=tuple(authors), author_count=max(count, len(authors)) if count else 0, year=get("year"),
        other_years=tuple(text(y, f"{key}.other-years", path, line) for y in years),
        volume=get("volume"), issue=get("issue"), pages=get("pages"), article_number=get("article-number"),
        journal=get("journal"), journal_abbreviations=tuple(text(a, f"{key}.journal-abbreviations", path, line) for a in abbreviations),
        doi=get("doi"), pmid=get("pmid"), types=tuple(text(t, f"{key}.types", path, line) for t in types), abstract=get("abstract"),
        retraction={str(k): text(v, f"{key}.retraction.{k}", path, line) for k, v in retraction.items()},
        tried=tuple(text(t, f"{key}.tried", path, line) for t in tried), line=line,
    )


def key_lines(raw: str) -> dict[str, int]:
    """The first line of each object key (``"key": {``) in the raw JSON; json gives no positions."""
    lines: dict[str, int] = {}
    line, last = 1, 0
    for match in re.finditer(r'"((?:[^"\\\n]|\\.)*)"\s*:\s*\{', raw):
        line += raw.count("\n", last, match.start())
        last = match.start()
        lines.setdefault(match.group(1), line)
    return lines


def parse_lock(raw: str, path: str = LOCK_FILE) -> ReferenceLock:
    """Parse the lock file's text; malformed JSON or records are an InputError with the line."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, f"malformed JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("records", {}), dict):
        raise InputError(path, 1, 'the lock must be an object with "version" and "records"')
    if data.get("version", VERSION) != VERSION:
        raise InputError(path, 1, f"lock version {data.get('version')!r} is not supported (expected {VERSION})")
    lines = key_lines(raw)
    records = {key: parse_record(key, value, path, lines.get(key, 1)) for key, value in data.get("records", {}).items()}
    return ReferenceLock(path, records)


def read_lock(root: Path) -> ReferenceLock | None:
    """The project's lock file, or None when the project has none."""
    target = root / LOCK_FILE
    if not target.is_file():
        return None
    try:
        raw = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(LOCK_FILE, None, f"cannot read the reference lock: {exc}") from None
    return parse_lock(raw)


def dump_lock(records: dict[str, LockedRecord]) -> str:
    """The lock file's text: records sorted by key, two-space indent, UTF-8 kept readable."""
    data = {"version": VERSION, "records": {key: records[key].to_json() for key in sorted(records)}}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
