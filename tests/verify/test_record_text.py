"""The publication types and abstract of a looked-up record: kept in the lock and read by the CITE rules."""

from __future__ import annotations

from dataclasses import replace

from tests.verify.services import DOHNER_2022_SUMMARY, STONE_2017
from toolchain.check.claims import record_of
from toolchain.load.bibliography import Entry
from toolchain.load.lock import dump_lock, parse_lock
from toolchain.verify.sources import crossref_record, pubmed_record

ABSTRACT = "<jats:title>Abstract</jats:title><jats:p>In this randomized, double-blind, placebo-controlled trial …</jats:p>"


def test_crossref_type_and_abstract_round_trip_through_the_lock() -> None:
    """Crossref's type and JATS abstract (markup removed) are written to the lock and read back."""
    record = crossref_record("stone2017", {**STONE_2017, "abstract": ABSTRACT}, "crossref", STONE_2017["DOI"], "2026-12-03")
    assert record.types == ("journal-article",)
    assert record.abstract == "Abstract In this randomized, double-blind, placebo-controlled trial …"
    again = parse_lock(dump_lock({"stone2017": record})).records["stone2017"]
    assert (again.types, again.abstract) == (record.types, record.abstract)


def test_pubmed_publication_types_are_kept() -> None:
    """esummary's pubtype list is the record's types (it gives no abstract)."""
    record = pubmed_record("dohner2022", DOHNER_2022_SUMMARY, "35797463", "2026-12-03")
    assert record.types == ("Journal Article", "Practice Guideline") and record.abstract == ""


def test_a_current_verified_record_is_record_text_and_a_stale_one_is_not() -> None:
    """record_of reads the lock's title, abstract and types when the entry is unchanged since verified."""
    entry = Entry(key="stone2017", type="article", fields={"title": "Midostaurin plus chemotherapy", "year": "2017"}, field_lines={}, line=1)
    verified = crossref_record("stone2017", {**STONE_2017, "abstract": ABSTRACT}, "crossref", STONE_2017["DOI"], "2026-12-03")
    record = record_of(entry, verified)
    assert "placebo-controlled" in record.text and "journal-article" in record.types
    assert record.has_abstract and record.verified and record.title == "Midostaurin plus chemotherapy"
    stale = record_of(entry, replace(verified, fingerprint="0000000000000000"))
    assert "placebo" not in stale.text and not stale.has_abstract and not stale.verified
