"""The sources: Crossref (by DOI and by bibliographic query), DataCite (doi.org content negotiation), PubMed (esummary).

Each answer becomes a LockedRecord with the fields ``check`` compares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from toolchain.load.bibliography import Entry, strip_braces
from toolchain.load.lock import LockedAuthor, LockedRecord
from toolchain.verify.client import Client, LookupFailed
from toolchain.verify.compare import TAG, clean, family_key, pages_form, title_ratio

CSL_JSON = "application/vnd.citationstyles.csl+json"
# Crossref's advice for matching references by query: accept the top hit only when its score,
# relative to the length of the query, is high enough, and then only when the record agrees.
MIN_SCORE_PER_WORD = 1.5
MIN_TITLE_SIMILARITY = 0.8
DATES = ("published-print", "issued", "published-online", "published")  # Crossref's dates, the one references cite first


@dataclass(frozen=True, slots=True)
class Found:
    """The outcome of looking one entry up: a record, or what was tried."""

    record: LockedRecord | None
    tried: tuple[str, ...]


def first(value: Any) -> str:
    """The first string of a Crossref list field (or the string itself)."""
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def date_year(message: dict[str, Any], *keys: str) -> str:
    """The year of the first date field present (``published-print``, ``issued`` …)."""
    for key in keys:
        parts = (message.get(key) or {}).get("date-parts") or [[]]
        if parts and parts[0] and parts[0][0]:
            return str(parts[0][0])
    return ""


def abstract_text(value: Any) -> str:
    """An abstract as Crossref gives it (JATS markup) as plain text; a tag separates words."""
    return clean(TAG.sub(" ", str(value or "")))


def iso_date(value: dict[str, Any] | None) -> str:
    """A Crossref date object as YYYY-MM-DD (as far as given)."""
    parts = ((value or {}).get("date-parts") or [[]])[0]
    return "-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts) if p)


def crossref_record(key: str, message: dict[str, Any], source: str, identifier: str, today: str) -> LockedRecord:
    """A Crossref work (``message`` of /works/{doi} or an item of a query) as a record."""
    authors = tuple(LockedAuthor(a.get("family", "") or a.get("name", ""), a.get("given", "")) for a in message.get("author") or [])
    year = date_year(message, *DATES)
    retraction = {}
    for update in message.get("updated-by") or []:
        if str(update.get("type", "")).lower() == "retraction":
            retraction = {"notice": str(update.get("DOI", "")), "date": iso_date(update.get("updated")), "source": str(update.get("source", "crossref"))}
    return LockedRecord(
        key=key, status="matched", source=source, identifier=identifier, retrieved=today, fingerprint="",
        title=clean(first(message.get("title"))), authors=authors, author_count=len(authors),
        year=year, other_years=tuple(sorted({date_year(message, k) for k in DATES} - {year, ""})), volume=str(message.get("volume", "")),
        issue=str(message.get("issue", "")), pages=str(message.get("page", "")), article_number=str(message.get("article-number", "")),
        journal=clean(first(message.get("container-title"))),
        journal_abbreviations=tuple(clean(t) for t in message.get("short-container-title") or []),
        doi=str(message.get("DOI", "")), types=tuple(t for t in [str(message.get("type", ""))] if t), abstract=abstract_text(message.get("abstract")),
        retraction=retraction,
    )


def csl_record(key: str, data: dict[str, Any], identifier: str, today: str) -> LockedRecord:
    """A CSL-JSON answer of doi.org content negotiation (DataCite and other agencies) as a record."""
    authors = tuple(LockedAuthor(a.get("family", "") or a.get("literal", ""), a.get("given", "")) for a in data.get("author") or [])
    issued = ((data.get("issued") or {}).get("date-parts") or [[]])[0]
    return LockedRecord(
        key=key, status="matched", source="datacite", identifier=identifier, retrieved=today, fingerprint="",
        title=clean(first(data.get("title"))), authors=authors, author_count=len(authors),
        year=str(issued[0]) if issued else "", volume=str(data.get("volume", "")), issue=str(data.get("issue", "")),
        pages=str(data.get("page", "")), article_number=str(data.get("number", "")),
        journal=clean(first(data.get("container-title"))),
        journal_abbreviations=tuple(t for t in [clean(first(data.get("container-title-short")))] if t),
        doi=str(data.get("DOI", identifier)), types=tuple(t for t in [str(data.get("type", ""))] if t), abstract=abstract_text(data.get("abstract")),
    )


def pubmed_author(name: str) -> LockedAuthor:
    """A PubMed summary name ``Döhner H`` / ``DiNardo CD`` as family and initials."""
    words = name.split()
    if len(words) > 1 and words[-1].isupper() and len(words[-1]) <= 4:
        return LockedAuthor(" ".join(words[:-1]), " ".join(f"{letter}." for letter in words[-1]))
    return LockedAuthor(name)


def pubmed_record(key: str, summary: dict[str, Any], pmid: str, today: str) -> LockedRecord:
    """One document summary of esummary (JSON) as a record."""
    authors = tuple(pubmed_author(a.get("name", "")) for a in summary.get("authors") or [] if a.get("authtype", "Author") == "Author")
    ids = {i.get("idtype"): i.get("value", "") for i in summary.get("articleids") or []}
    retraction = {}
    if "Retracted Publication" in (summary.get("pubtype") or []):
        retraction = {"notice": "", "date": "", "source": "PubMed (publication type Retracted Publication)"}
    year = re.search(r"\d{4}", summary.get("pubdate", "") or summary.get("epubdate", ""))
    online = re.search(r"\d{4}", summary.get("epubdate", "") or "")
    return LockedRecord(
        key=key, status="matched", source="pubmed", identifier=pmid, retrieved=today, fingerprint="",
        title=clean(str(summary.get("title", ""))).rstrip("."), authors=authors, author_count=len(authors),
        year=year.group(0) if year else "", other_years=(online.group(0),) if online and year and online.group(0) != year.group(0) else (),
        volume=str(summary.get("volume", "")), issue=str(summary.get("issue", "")), pages=str(summary.get("pages", "")),
        journal=clean(str(summary.get("fulljournalname", ""))),
        journal_abbreviations=tuple(t for t in [clean(str(summary.get("source", "")))] if t),
        doi=ids.get("doi", ""), pmid=pmid, types=tuple(str(t) for t in summary.get("pubtype") or []), retraction=retraction,
    )


def by_doi(client: Client, key: str, doi: str, today: str) -> tuple[LockedRecord | None, list[str]]:
    """Crossref /works/{doi}; a DOI Crossref does not know through doi.org (DataCite and others)."""
    tried = []
    data = client.get_json(f"{client.endpoints.crossref}/works/{quote(doi, safe='')}", params=polite(client))
    if data is not None and isinstance(data.get("message"), dict):
        record = crossref_record(key, data["message"], "crossref", doi, today)
        return with_notices(client, record), tried
    tried.append(f"Crossref /works/{doi}: not found")
    data = client.get_json(f"{client.endpoints.doi}/{quote(doi, safe='/')}", headers={"Accept": CSL_JSON})
    if isinstance(data, dict) and data.get("title"):
        return csl_record(key, data, doi, today), tried
    tried.append(f"doi.org content negotiation for {doi}: not found")
    return None, tried


def with_notices(client: Client, record: LockedRecord) -> LockedRecord:
    """Add a retraction notice that points at the work (Crossref ``filter=updates:DOI``) when the record has none."""
    if record.retraction or not record.doi:
        return record
    data = client.get_json(f"{client.endpoints.crossref}/works", params={**polite(client), "filter": f"updates:{record.doi}", "rows": "5"})
    for item in ((data or {}).get("message") or {}).get("items") or []:
        for update in item.get("update-to") or []:
            if str(update.get("type", "")).lower() == "retraction" and str(update.get("DOI", "")).lower() == record.doi.lower():
                notice = {"notice": str(item.get("DOI", "")), "date": iso_date(update.get("updated")), "source": "crossref"}
                return replace(record, retraction=notice)
    return record


def by_pmid(client: Client, key: str, pmid: str, today: str) -> LockedRecord | None:
    """NCBI E-utilities esummary for one PMID."""
    params = {"db": "pubmed", "id": pmid, "retmode": "json", "tool": "toolchain", **({"email": client.mailto} if client.mailto else {})}
    data = client.get_json(f"{client.endpoints.eutils}/esummary.fcgi", params=params)
    summary = ((data or {}).get("result") or {}).get(pmid)
    if not isinstance(summary, dict) or summary.get("error") or not summary.get("title"):
        return None
    return pubmed_record(key, summary, pmid, today)


def query_text(entry: Entry) -> str:
    """The entry as a reference string for Crossref's query.bibliographic."""
    names = " ".join(n.family or n.literal for n in entry.authors() if not n.is_others)
    fields = [names, entry.fields.get("title", ""), entry.fields.get("journal", "") or entry.fields.get("journaltitle", ""),
              entry.fields.get("year", ""), entry.fields.get("volume", ""), entry.fields.get("pages", "")]
    return " ".join(strip_braces(f) for f in fields if f).strip()


def validates(entry: Entry, record: LockedRecord) -> str:
    """Why a query's hit is not the entry's work ('' when year, volume, pages, first author and title agree)."""
    year = strip_braces(entry.fields.get("year", ""))
    if year and record.year and year not in (record.year, *record.other_years):
        return f"year {record.year}"
    volume = strip_braces(entry.fields.get("volume", ""))
    if volume and record.volume and volume != record.volume:
        return f"volume {record.volume}"
    pages = pages_form(entry.fields.get("pages", "")).split("-")[0]
    theirs = pages_form(record.pages or record.article_number).split("-")[0]
    if pages and theirs and pages != theirs:
        return f"first page {theirs}"
    names = [n for n in entry.authors() if not n.is_others]
    if names and record.authors and family_key(names[0].family or names[0].literal) != family_key(record.authors[0].family):
        return f"first author {record.authors[0].family}"
    if title_ratio(entry.fields.get("title", ""), record.title) < MIN_TITLE_SIMILARITY:
        return "title"
    return ""


def by_query(client: Client, entry: Entry, today: str) -> tuple[LockedRecord | None, str]:
    """Crossref query.bibliographic, the top hit accepted only after validation; says why not."""
    text = query_text(entry)
    if not text:
        return None, "Crossref query.bibliographic: the entry gives nothing to search for"
    data = client.get_json(f"{client.endpoints.crossref}/works", params={**polite(client), "query.bibliographic": text, "rows": "3"})
    items = ((data or {}).get("message") or {}).get("items") or []
    if not items:
        return None, "Crossref query.bibliographic: no candidate"
    top = items[0]
    score = float(top.get("score", 0))
    if score / max(1, len(text.split())) < MIN_SCORE_PER_WORD:
        return None, f"Crossref query.bibliographic: best candidate {top.get('DOI', '')} scored too low ({score:.0f} for {len(text.split())} words)"
    record = crossref_record(entry.key, top, "crossref-query", str(top.get("DOI", "")), today)
    reason = validates(entry, record)
    if reason:
        return None, f"Crossref query.bibliographic: best candidate {record.doi} disagrees on {reason}"
    return with_notices(client, record), ""


def polite(client: Client) -> dict[str, str]:
    """Crossref's polite-pool parameter (the contact e-mail) when one is configured."""
    return {"mailto": client.mailto} if client.mailto else {}


def look_up(client: Client, entry: Entry, today: str) -> Found:
    """Look an entry up by DOI, then PMID, then (with neither) by bibliographic query."""
    doi = re.sub(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", strip_braces(entry.fields.get("doi", "")), flags=re.I).strip()
    pmid = re.sub(r"\D", "", entry.fields.get("pmid", ""))
    tried: list[str] = []
    if doi:
        record, steps = by_doi(client, entry.key, doi, today)
        tried += steps
        if record is not None:
            return Found(record, ())
    if pmid:
        record = by_pmid(client, entry.key, pmid, today)
        if record is not None:
            return Found(record, ())
        tried.append(f"PubMed esummary for PMID {pmid}: not found")
    if not doi and not pmid:
        tried.append("no DOI or PMID in the entry")
        record, why = by_query(client, entry, today)
        if record is not None:
            return Found(record, ())
        tried.append(why)
    return Found(None, tuple(tried))


__all__ = ["Found", "LookupFailed", "look_up"]
