"""Looking works up in Crossref, DataCite and PubMed, and writing the records to bib/references.lock.json.

``refs verify`` looks up each entry without a record (or changed since, or named by ``--update``);
``--offline`` looks nothing up. The comparison itself is ``check``'s (REF013–REF018), from the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from toolchain.errors import InputError
from toolchain.files import write_atomically
from toolchain.load import Project
from toolchain.load.lock import LOCK_FILE, LockedRecord, dump_lock, fingerprint

if TYPE_CHECKING:  # the HTTP client is imported when a lookup runs: `check` reads only compare.py of this stage
    from toolchain.verify.client import Client


@dataclass(slots=True)
class Verification:
    """What a run of ``refs verify`` did."""

    records: dict[str, LockedRecord]
    looked_up: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # key, why


def due(project: Project, update: set[str]) -> list[str]:
    """Keys to look up: named by --update, without a record, or changed since verified."""
    records = project.lock.records if project.lock else {}
    keys = []
    for entry in project.bibliography.entries:
        record = records.get(entry.key)
        if entry.key in update or record is None or (record.fingerprint and record.fingerprint != fingerprint(entry)):
            keys.append(entry.key)
    return keys


def verify(project: Project, client: Client | None, today: str, *, update: tuple[str, ...] = (),
           progress: Callable[[str], None] = lambda _m: None) -> Verification:
    """Look up the due entries (none without a client) and return the lock's new records."""
    known = project.bibliography.by_key
    for key in update:
        if key not in known:
            raise InputError("--update", None, f"no entry {key!r} in {project.bibliography.path}")
    records = dict(project.lock.records) if project.lock else {}
    result = Verification(records)
    if client is None:
        return result
    from toolchain.verify.client import LookupFailed
    from toolchain.verify.sources import look_up

    for key in list(records):
        if key not in known:
            del records[key]
    for key in due(project, set(update)):
        entry = known[key]
        try:
            found = look_up(client, entry, today)
        except LookupFailed as exc:
            result.failed.append((key, str(exc)))
            progress(f"  {key}: lookup failed: {exc}")
            continue
        record = found.record or LockedRecord(key, "unmatched", "none", "", today, "", tried=found.tried)
        records[key] = replace(record, key=key, fingerprint=fingerprint(entry))
        result.looked_up.append(key)
        progress(f"  {key}: " + (f"{record.source} {record.identifier}" if found.record else "no record (" + "; ".join(found.tried) + ")"))
    return result


def restamp(project: Project, records: dict[str, LockedRecord], keys: set[str]) -> dict[str, LockedRecord]:
    """Records whose entries were rewritten from them (``--fix``) with the entries' new fingerprints."""
    entries = project.bibliography.by_key
    return {key: replace(r, fingerprint=fingerprint(entries[key])) if key in keys and key in entries else r for key, r in records.items()}


def write_lock(root: Path, records: dict[str, LockedRecord]) -> Path:
    """Write bib/references.lock.json atomically (a temporary file, then a rename)."""
    target = root / LOCK_FILE
    write_atomically(target, lambda part: part.write_text(dump_lock(records), encoding="utf-8"))
    return target


__all__ = ["Verification", "restamp", "verify", "write_lock"]
