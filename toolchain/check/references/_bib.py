"""Bibliography helpers for the REF rules: normalised identity of a work, field positions, authors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from toolchain.load import Project
from toolchain.load.bibliography import Entry, Name, normalize_text, strip_braces
from toolchain.load.source import Location, SourceFile

RESOLVER = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
ET_AL_TEXT = re.compile(r"(?:,?\s*\bet\.?\s*al\b\.?|[,，、]?\s*等\s*\.?)\s*$", re.IGNORECASE)


def normalize_doi(value: str) -> str:
    """A DOI without resolver prefix, lower-cased (DOIs are case-insensitive)."""
    return RESOLVER.sub("", strip_braces(value)).strip().rstrip(".").lower()


def normalize_pmid(value: str) -> str:
    """A PMID's digits (a ``PMID:`` prefix is dropped)."""
    return re.sub(r"\D", "", value)


def entry_year(entry: Entry) -> str:
    """The four-digit year of ``year`` or of biblatex ``date`` ('' when none)."""
    match = re.search(r"\d{4}", entry.fields.get("year") or entry.fields.get("date") or "")
    return match.group(0) if match else ""


def first_author(entry: Entry) -> Name | None:
    """The first name of the author field (editor when there is no author)."""
    names = entry.authors("author") or entry.authors("editor")
    return names[0] if names and not names[0].is_others else None


def author_identity(name: Name | None) -> str:
    """A first author reduced to what identifies a work: folded family name or organisation."""
    if name is None:
        return ""
    return normalize_text(name.family or name.literal).replace(" ", "")


@dataclass(frozen=True, slots=True)
class WorkIdentity:
    """What makes two entries the same work."""

    doi: str
    pmid: str
    author: str
    year: str
    title: str

    def same_work(self, other: WorkIdentity) -> str:
        """The reason two entries are one work ('' when they are not).

        Identifiers decide when both sides have one; a missing DOI on one side falls back
        to first author + year + title, so that it cannot hide a duplicate.
        """
        if self.doi and other.doi:
            return "the same DOI" if self.doi == other.doi else ""
        if self.pmid and other.pmid:
            return "the same PMID" if self.pmid == other.pmid else ""
        if self.title and self.title == other.title and self.author == other.author and self.year == other.year:
            return "the same first author, year and title"
        return ""


class WorkIndex:
    """Earlier entries grouped by DOI, PMID and (title, author, year): the first duplicate of an entry in O(1).

    ``same_work`` holds only within one of these groups, and which earlier entry of a group
    matches depends only on which identifiers each side has; so each group keeps its first
    entry per shape (with or without a DOI, a PMID) instead of being compared pair by pair.
    """

    def __init__(self) -> None:
        """Empty groups."""
        self.groups: dict[tuple[str, ...], dict[tuple[bool, bool], int]] = {}

    def keys(self, identity: WorkIdentity) -> list[tuple[str, ...]]:
        """The groups an identity belongs to."""
        keys = [("doi", identity.doi)] if identity.doi else []
        keys += [("pmid", identity.pmid)] if identity.pmid else []
        return keys + ([("title", identity.title, identity.author, identity.year)] if identity.title else [])

    def add(self, identity: WorkIdentity, index: int) -> None:
        """Remember an entry (its position in the file) under each of its groups."""
        shape = (bool(identity.doi), bool(identity.pmid))
        for key in self.keys(identity):
            self.groups.setdefault(key, {}).setdefault(shape, index)

    def first(self, identity: WorkIdentity, identities: list[WorkIdentity]) -> int | None:
        """The position of the first earlier entry that is the same work, or None."""
        candidates = [i for key in self.keys(identity) for i in self.groups.get(key, {}).values()]
        return min((i for i in candidates if identity.same_work(identities[i])), default=None)


def work_identity(entry: Entry) -> WorkIdentity:
    """The normalised identity of an entry."""
    return WorkIdentity(
        normalize_doi(entry.fields.get("doi", "")),
        normalize_pmid(entry.fields.get("pmid", "")),
        author_identity(first_author(entry)),
        entry_year(entry),
        normalize_text(entry.fields.get("title", "")),
    )


def bib_source(project: Project) -> SourceFile:
    """The references.bib source file."""
    return next(s for s in project.sources if s.path == project.bibliography.path)


def field_location(project: Project, entry: Entry, field: str, needle: str = "") -> Location:
    """Where a field (or ``needle`` inside it) stands in references.bib; the entry line if absent."""
    source = bib_source(project)
    line = entry.line_of(field)
    text = source.line_text(line)
    if needle and needle in text:
        column = text.index(needle) + 1
        return Location(source.path, line, column, line, column + len(needle))
    match = re.match(r"\s*", text)
    return Location(source.path, line, (match.end() if match else 0) + 1)


def literal_et_al(value: str) -> str:
    """The literal "et al." / "等" ending a name list ('' when the list ends properly)."""
    match = ET_AL_TEXT.search(strip_braces(value))
    return match.group(0).strip(" ,，、") if match and match.group(0).strip(" ,，、.") else ""


_LAST_PAIRS: list = [None, None]  # the last entries grouped and their answer: REF002, REF003 and REF020 share it


def duplicate_pairs(entries: Sequence[Entry]) -> tuple[list[WorkIdentity], list[tuple[int, int]]]:
    """Each entry's work identity, and (duplicate, the earlier entry of the same work) by position.

    Grouped, not compared pair by pair: 100 000 entries take a second.
    """
    if _LAST_PAIRS[0] is not entries:
        _LAST_PAIRS[:] = [entries, group_works(entries)]
    return _LAST_PAIRS[1]


def group_works(entries: Sequence[Entry]) -> tuple[list[WorkIdentity], list[tuple[int, int]]]:
    """The work identities and duplicate pairs of ``entries`` (see duplicate_pairs)."""
    identities = [work_identity(entry) for entry in entries]
    index = WorkIndex()
    pairs: list[tuple[int, int]] = []
    for position, identity in enumerate(identities):
        earlier = index.first(identity, identities)
        index.add(identity, position)
        if earlier is not None:
            pairs.append((position, earlier))
    return identities, pairs
