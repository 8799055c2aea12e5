"""A local stand-in for Crossref, doi.org and NCBI E-utilities on 127.0.0.1, serving their documented JSON shapes.

The works are described as they are published (journal, volume, issue, pages, DOI, authors);
only the parts of each response the client reads are given.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


def person(family: str, given: str, first: bool = False) -> dict[str, Any]:
    """A Crossref contributor."""
    return {"given": given, "family": family, "sequence": "first" if first else "additional", "affiliation": []}


def work(doi: str, title: str, authors: list[tuple[str, str]], journal: str, short: str, year: int, volume: str, issue: str,
         page: str, **extra: Any) -> dict[str, Any]:
    """A Crossref ``work`` message."""
    return {"DOI": doi, "type": "journal-article", "title": [title],
            "author": [person(f, g, i == 0) for i, (f, g) in enumerate(authors)],
            "container-title": [journal], "short-container-title": [short], "volume": volume, "issue": issue, "page": page,
            "published-print": {"date-parts": [[year]]}, "issued": {"date-parts": [[year]]}, **extra}


ANTAR_2020 = work("10.1038/s41375-019-0694-3", "FLT3 inhibitors in acute myeloid leukemia: ten frequently asked questions",
                  [("Antar", "A. I."), ("Otrock", "Z. K."), ("Jabbour", "E."), ("Mohty", "M."), ("Bazarbachi", "A.")],
                  "Leukemia", "Leukemia", 2020, "34", "3", "682-696")
STONE_2017 = work("10.1056/NEJMoa1614359", "Midostaurin plus Chemotherapy for Acute Myeloid Leukemia with a <i>FLT3</i> Mutation",
                  [("Stone", "Richard M."), ("Mandrekar", "Sumithra J."), ("Sanford", "Ben L.")],
                  "New England Journal of Medicine", "N Engl J Med", 2017, "377", "5", "454-464")
WAKEFIELD_1998 = work("10.1016/S0140-6736(97)11096-0",
                      "Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental disorder in children",
                      [("Wakefield", "A.J."), ("Murch", "S.H."), ("Anthony", "A.")], "The Lancet", "The Lancet", 1998, "351", "9103", "637-641",
                      **{"updated-by": [{"DOI": "10.1016/S0140-6736(10)60175-4", "type": "retraction", "source": "retraction-watch",
                                         "label": "Retraction", "updated": {"date-parts": [[2010, 2, 6]]}}]})
RETRACTION_NOTICE = {"DOI": "10.1016/S0140-6736(10)60175-4", "type": "journal-article",
                     "title": ["Retraction—Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental disorder in children"],
                     "update-to": [{"DOI": "10.1016/S0140-6736(97)11096-0", "type": "retraction", "label": "Retraction",
                                    "updated": {"date-parts": [[2010, 2, 6]]}}]}
ROLLIG_2015 = work("10.1016/S1470-2045(15)00362-9",
                   "Addition of sorafenib versus placebo to standard therapy in patients aged 60 years or younger with newly diagnosed acute "
                   "myeloid leukaemia (SORAML): a multicentre, phase 2, randomised controlled trial",
                   [("Röllig", "Christoph"), ("Serve", "Hubert"), ("Hüttmann", "Andreas")], "The Lancet Oncology", "The Lancet Oncology",
                   2015, "16", "16", "1691-1699")
DOHNER_2022_SUMMARY = {
    "uid": "35797463", "pubdate": "2022 Sep 22", "epubdate": "", "source": "Blood",
    "fulljournalname": "Blood", "volume": "140", "issue": "12", "pages": "1345-1377",
    "title": "Diagnosis and management of AML in adults: 2022 recommendations from an international expert panel on behalf of the ELN.",
    "authors": [{"name": "Döhner H", "authtype": "Author"}, {"name": "Wei AH", "authtype": "Author"}, {"name": "Appelbaum FR", "authtype": "Author"}],
    "articleids": [{"idtype": "pubmed", "value": "35797463"}, {"idtype": "doi", "value": "10.1182/blood.2022016867"}],
    "pubtype": ["Journal Article", "Practice Guideline"],
}


class Services:
    """The routes of the stand-in and a log of the requests it received."""

    def __init__(self) -> None:
        """Start empty: tests add the responses they need."""
        self.works: dict[str, dict[str, Any]] = {}  # DOI (lower case) → Crossref message
        self.csl: dict[str, dict[str, Any]] = {}  # DOI → CSL-JSON (doi.org content negotiation)
        self.summaries: dict[str, dict[str, Any]] = {}  # PMID → esummary document summary
        self.notices: dict[str, list[dict[str, Any]]] = {}  # DOI → notices that update it
        self.query_items: list[dict[str, Any]] = []
        self.script: dict[str, list[Callable[[BaseHTTPRequestHandler], bool]]] = {}  # path → one-off behaviours
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        """Answer one GET."""
        url = urlsplit(handler.path)
        query = parse_qs(url.query)
        path = unquote(url.path)
        self.requests.append((path, query, dict(handler.headers)))
        behaviours = self.script.get(path, [])
        if behaviours and behaviours.pop(0)(handler):
            return
        if path.startswith("/crossref/works/"):
            found = self.works.get(path.removeprefix("/crossref/works/").lower())
            return send(handler, 200, {"status": "ok", "message-type": "work", "message": found}) if found else send(handler, 404, "Resource not found.")
        if path == "/crossref/works":
            if "filter" in query:
                doi = query["filter"][0].removeprefix("updates:").lower()
                items = self.notices.get(doi, [])
            else:
                items = self.query_items
            return send(handler, 200, {"status": "ok", "message-type": "work-list", "message": {"items": items, "total-results": len(items)}})
        if path.startswith("/doi/"):
            found = self.csl.get(path.removeprefix("/doi/").lower())
            if found and "citationstyles.csl+json" in handler.headers.get("Accept", ""):
                return send(handler, 200, found)
            return send(handler, 404, "DOI not found")
        if path == "/eutils/esummary.fcgi":
            pmid = query.get("id", [""])[0]
            summary = self.summaries.get(pmid, {"uid": pmid, "error": "cannot get document summary"})
            return send(handler, 200, {"header": {"type": "esummary", "version": "0.3"}, "result": {"uids": [pmid], pmid: summary}})
        return send(handler, 404, "no such route")


def send(handler: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
    """Write a JSON (or text) response."""
    data = (json.dumps(body) if not isinstance(body, str) else body).encode("utf-8")
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
    handler.send_header("Content-Length", str(len(data)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(data)


def too_many_requests(seconds: int) -> Callable[[BaseHTTPRequestHandler], bool]:
    """A behaviour: answer 429 with Retry-After once."""
    def act(handler: BaseHTTPRequestHandler) -> bool:
        send(handler, 429, "Too Many Requests", {"Retry-After": str(seconds)})
        return True
    return act


def stall(seconds: float) -> Callable[[BaseHTTPRequestHandler], bool]:
    """A behaviour: say nothing for a while (the client times out), then give up."""
    def act(handler: BaseHTTPRequestHandler) -> bool:
        time.sleep(seconds)
        return True
    return act


class Server:
    """The stand-in running in a thread on 127.0.0.1 (an ephemeral port)."""

    def __init__(self, services: Services) -> None:
        """Bind and start serving."""
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the http.server interface
                try:
                    services.respond(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving (once)."""
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()
