"""The lookup client against a local stand-in of Crossref, doi.org and E-utilities (127.0.0.1, no network)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.verify.services import (
    ANTAR_2020,
    DOHNER_2022_SUMMARY,
    RETRACTION_NOTICE,
    STONE_2017,
    WAKEFIELD_1998,
    Server,
    Services,
    stall,
    too_many_requests,
)
from toolchain.load.bibliography import Entry, parse_bibliography
from toolchain.load.source import SourceFile
from toolchain.verify.client import Client, Endpoints, LookupFailed, retry_after
from toolchain.verify.compare import differences, same_work
from toolchain.verify.sources import look_up

TODAY = "2026-12-03"


@pytest.fixture
def services() -> Iterator[Services]:
    """An empty stand-in; each test adds the responses it needs."""
    yield Services()


@pytest.fixture
def server(services: Services) -> Iterator[Server]:
    """The stand-in, serving on 127.0.0.1."""
    running = Server(services)
    yield running
    running.close()


def client_for(server: Server, waits: list[float] | None = None, **options: object) -> Client:
    """A real client pointed at the stand-in; sleeping is recorded instead of done."""
    endpoints = Endpoints(f"{server.url}/crossref", f"{server.url}/doi", f"{server.url}/eutils")
    record = waits.append if waits is not None else (lambda _s: None)
    return Client("editor@example.org", endpoints=endpoints, sleep=record, **options)


def entry(text: str) -> Entry:
    """The one entry of a BibTeX snippet."""
    return parse_bibliography(SourceFile.from_text("bib/references.bib", text)).entries[0]


ANTAR_BIB = """@article{antar2020,
  author  = {Antar, A. I. and Otrrock, Z. K. and Jabbour, E. and others},
  title   = {{FLT3} inhibitors in acute myeloid leukemia: ten frequently asked questions},
  journal = {Leukemia}, year = {2020}, volume = {34}, pages = {682--696},
  doi     = {10.1038/s41375-019-0694-3},
}
"""


def test_doi_found_in_crossref_is_compared_field_by_field(server: Server, services: Services) -> None:
    """/works/{doi}: the record's Otrock and issue 3 against the entry's Otrrock and no issue."""
    services.works[ANTAR_2020["DOI"].lower()] = ANTAR_2020
    with client_for(server) as client:
        found = look_up(client, entry(ANTAR_BIB), TODAY)
    record = found.record
    assert record is not None and record.source == "crossref" and record.identifier == "10.1038/s41375-019-0694-3"
    assert [a.family for a in record.authors] == ["Antar", "Otrock", "Jabbour", "Mohty", "Bazarbachi"]
    assert (record.year, record.volume, record.issue, record.pages) == ("2020", "34", "3", "682-696")
    messages = [d.message for d in differences(entry(ANTAR_BIB), record)]
    assert messages == ["author 2 is “Otrrock”; the record has “Otrock”", "no issue; the record has 3"]
    path, query, headers = services.requests[0]
    assert path == "/crossref/works/10.1038/s41375-019-0694-3"
    assert query["mailto"] == ["editor@example.org"]
    assert "mailto:editor@example.org" in headers["User-Agent"]


def test_doi_of_another_work_is_told_apart(server: Server, services: Services) -> None:
    """Perl's gilteritinib trial with the DOI of Stone's midostaurin trial: not the same work."""
    services.works[STONE_2017["DOI"].lower()] = STONE_2017
    bib = entry("""@article{perl2019,
  author = {Perl, A. E. and others},
  title = {Gilteritinib or Chemotherapy for Relapsed or Refractory {FLT3}-Mutated {AML}},
  journal = {N Engl J Med}, year = {2019}, volume = {381}, number = {18}, pages = {1728--1740},
  doi = {10.1056/NEJMoa1614359},
}""")
    with client_for(server) as client:
        record = look_up(client, bib, TODAY).record
    assert record is not None and record.title == "Midostaurin plus Chemotherapy for Acute Myeloid Leukemia with a FLT3 Mutation"  # <i> dropped
    assert not same_work(bib, record)


def test_retraction_is_read_from_updated_by_and_from_notices(server: Server, services: Services) -> None:
    """Crossref's updated-by (Retraction Watch) and, without it, a notice whose update-to names the DOI."""
    bib = entry("""@article{wakefield1998,
  author = {Wakefield, A. J. and others}, title = {Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental disorder in children},
  journal = {Lancet}, year = {1998}, volume = {351}, number = {9103}, pages = {637--641}, doi = {10.1016/S0140-6736(97)11096-0},
}""")
    services.works[WAKEFIELD_1998["DOI"].lower()] = WAKEFIELD_1998
    with client_for(server) as client:
        record = look_up(client, bib, TODAY).record
    assert record is not None
    assert record.retraction == {"notice": "10.1016/S0140-6736(10)60175-4", "date": "2010-02-06", "source": "retraction-watch"}
    services.works[WAKEFIELD_1998["DOI"].lower()] = {k: v for k, v in WAKEFIELD_1998.items() if k != "updated-by"}
    services.notices[WAKEFIELD_1998["DOI"].lower()] = [RETRACTION_NOTICE]
    with client_for(server) as client:
        record = look_up(client, bib, TODAY).record
    assert record is not None and record.retraction["notice"] == "10.1016/S0140-6736(10)60175-4"
    assert services.requests[-1][1]["filter"] == ["updates:10.1016/S0140-6736(97)11096-0"]


def test_unknown_doi_falls_back_to_doi_org_then_says_what_was_tried(server: Server, services: Services) -> None:
    """404 from Crossref, then content negotiation at doi.org (DataCite): found there, or 'not found' from both."""
    bib = entry("""@misc{data2021, author = {Lee, K.}, title = {Single-cell atlas of relapsed AML}, year = {2021}, doi = {10.5061/dryad.abc123}}""")
    with client_for(server) as client:
        found = look_up(client, bib, TODAY)
    assert found.record is None
    assert found.tried == ("Crossref /works/10.5061/dryad.abc123: not found", "doi.org content negotiation for 10.5061/dryad.abc123: not found")
    services.csl["10.5061/dryad.abc123"] = {"type": "dataset", "DOI": "10.5061/dryad.abc123", "title": "Single-cell atlas of relapsed AML",
                                           "author": [{"family": "Lee", "given": "Kim"}], "issued": {"date-parts": [[2021, 5]]}, "publisher": "Dryad"}
    with client_for(server) as client:
        record = look_up(client, bib, TODAY).record
    assert record is not None and record.source == "datacite" and record.year == "2021" and record.authors[0].family == "Lee"
    assert "application/vnd.citationstyles.csl+json" in services.requests[-1][2]["Accept"]


def test_pmid_is_looked_up_in_esummary(server: Server, services: Services) -> None:
    """E-utilities esummary (JSON): names as 'Döhner H', the NLM abbreviation as the journal's short form."""
    services.summaries["35797463"] = DOHNER_2022_SUMMARY
    bib = entry("""@article{dohner2022, author = {Dohner, H. and Wei, A. H. and Appelbaum, F. R. and others},
  title = {Diagnosis and management of {AML} in adults: 2022 recommendations from an international expert panel on behalf of the {ELN}},
  journal = {Blood}, year = {2022}, volume = {140}, number = {12}, pages = {1345--1377}, pmid = {35797463}}""")
    with client_for(server) as client:
        record = look_up(client, bib, TODAY).record
    assert record is not None and record.source == "pubmed" and record.doi == "10.1182/blood.2022016867"
    assert record.authors[0].family == "Döhner" and record.authors[1].given == "A. H."
    assert [d.message for d in differences(bib, record)] == ["author 1 is spelled “Dohner”; the record has “Döhner”"]
    _, query, _ = services.requests[0]
    assert query["db"] == ["pubmed"] and query["email"] == ["editor@example.org"] and query["tool"] == ["toolchain"]


def test_bibliographic_query_is_accepted_only_when_the_record_agrees(server: Server, services: Services) -> None:
    """query.bibliographic: the top hit with a good score and the entry's year, volume, pages, first author and title."""
    services.query_items = [{**ANTAR_2020, "score": 98.2}]
    bib = entry(ANTAR_BIB.replace("  doi     = {10.1038/s41375-019-0694-3},\n", ""))
    with client_for(server) as client:
        found = look_up(client, bib, TODAY)
    assert found.record is not None and found.record.source == "crossref-query" and found.record.identifier == "10.1038/s41375-019-0694-3"
    assert "query.bibliographic" in services.requests[0][1]
    wrong_year = entry(ANTAR_BIB.replace("{2020}", "{2019}").replace("  doi     = {10.1038/s41375-019-0694-3},\n", ""))
    with client_for(server) as client:
        found = look_up(client, wrong_year, TODAY)
    assert found.record is None and found.tried[-1] == "Crossref query.bibliographic: best candidate 10.1038/s41375-019-0694-3 disagrees on year 2020"
    services.query_items = [{**ANTAR_2020, "score": 9.0}]
    with client_for(server) as client:
        found = look_up(client, bib, TODAY)
    assert found.record is None and "scored too low" in found.tried[-1]


def test_429_waits_as_retry_after_says_then_succeeds(server: Server, services: Services) -> None:
    """A 429 with Retry-After: 7 makes the client wait 7 s (recorded, not slept), then ask again."""
    services.works[ANTAR_2020["DOI"].lower()] = ANTAR_2020
    services.script["/crossref/works/10.1038/s41375-019-0694-3"] = [too_many_requests(7)]
    waits: list[float] = []
    with client_for(server, waits, interval=0.0) as client:
        record = look_up(client, entry(ANTAR_BIB), TODAY).record
    asked = [path for path, _, _ in services.requests if path == "/crossref/works/10.1038/s41375-019-0694-3"]
    assert record is not None and waits == [7.0] and len(asked) == 2


def test_timeouts_are_retried_with_backoff_then_fail_with_a_reason(server: Server, services: Services) -> None:
    """A server that never answers: two timeouts, a backoff of 0.5 s between, then LookupFailed naming the problem."""
    services.script["/crossref/works/10.1038/s41375-019-0694-3"] = [stall(1.5), stall(1.5)]
    waits: list[float] = []
    with client_for(server, waits, timeout=0.3, retries=1, backoff=0.5, interval=0.0) as client, pytest.raises(LookupFailed) as failure:
        look_up(client, entry(ANTAR_BIB), TODAY)
    assert "timed out after 2 attempts" in str(failure.value)
    assert waits == [0.5]


def test_rate_limit_spaces_requests_to_one_host(server: Server, services: Services) -> None:
    """Two requests in a row to one host: the second waits for the interval."""
    waits: list[float] = []
    with client_for(server, waits, interval=0.5) as client:
        client.get_json(f"{server.url}/crossref/works/10.1/none")
        client.get_json(f"{server.url}/crossref/works/10.1/none")
    assert len(waits) == 1 and 0.3 < waits[0] <= 0.5


def test_retry_after_reads_seconds_and_http_dates() -> None:
    """Both forms of Retry-After (RFC 9110)."""
    assert retry_after("120", 0.0) == 120.0
    assert retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 30.0) == 30.0
    assert retry_after("soon", 0.0) is None and retry_after(None, 0.0) is None


def test_online_first_year_and_first_page_only_agree_with_the_entry() -> None:
    """A record whose print year follows its online year, and that gives only the first page, agrees with either year and the range."""
    from toolchain.verify.sources import crossref_record

    message = {**ANTAR_2020, "published-online": {"date-parts": [[2019, 12, 20]]}, "page": "682"}
    record = crossref_record("antar2020", message, "crossref", ANTAR_2020["DOI"], TODAY)
    assert (record.year, record.other_years) == ("2020", ("2019",))
    online = entry(ANTAR_BIB.replace("{2020}", "{2019}").replace("Otrrock", "Otrock").replace("volume = {34},", "volume = {34}, number = {3},"))
    assert differences(online, record) == []
    assert "year “2018”; the record has 2020" in [d.message for d in differences(entry(ANTAR_BIB.replace("{2020}", "{2018}")), record)]
