"""A polite HTTP client: timeouts, retries with backoff (honouring Retry-After), a per-host rate limit.

Used only by ``refs verify`` without ``--offline``; nothing else in the toolchain opens a connection.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from toolchain import __version__

RETRY_STATUSES = {429, 500, 502, 503, 504}


class LookupFailed(Exception):
    """A lookup that could not be completed (network down, repeated errors, bad response)."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the sources answer (tests point them at a local server)."""

    crossref: str = "https://api.crossref.org"
    doi: str = "https://doi.org"
    eutils: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class Client:
    """GET JSON with a User-Agent naming a contact, timeouts, retries and a minimum interval per host."""

    def __init__(self, mailto: str, *, endpoints: Endpoints | None = None, timeout: float = 10.0, retries: int = 3,
                 backoff: float = 1.0, max_wait: float = 60.0, interval: float = 0.34,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        """``interval``: seconds between two requests to one host (NCBI allows three a second without a key)."""
        self.mailto = mailto
        self.endpoints = endpoints or Endpoints()
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.interval = interval
        self.sleep = sleep
        self.clock = clock
        self.last: dict[str, float] = {}
        self.requests = 0
        agent = f"toolchain/{__version__} (reference verification; mailto:{mailto})" if mailto else f"toolchain/{__version__}"
        self.http = httpx.Client(timeout=httpx.Timeout(timeout), headers={"User-Agent": agent}, follow_redirects=True)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def __enter__(self) -> Client:
        """Use as a context manager."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close on exit."""
        self.close()

    def wait_turn(self, url: str) -> None:
        """Sleep until this host may be asked again."""
        host = urlsplit(url).netloc
        previous = self.last.get(host)
        if previous is not None:
            gap = self.interval - (self.clock() - previous)
            if gap > 0:
                self.sleep(gap)
        self.last[host] = self.clock()

    def get(self, url: str, *, params: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> httpx.Response | None:
        """The response to a GET (None for 404/410); retries timeouts, connection errors, 429 and 5xx."""
        problem = ""
        for attempt in range(self.retries + 1):
            self.wait_turn(url)
            self.requests += 1
            try:
                response = self.http.get(url, params=params, headers=headers)
            except httpx.TimeoutException:
                problem, wait = "timed out", self.backoff * 2 ** attempt
            except httpx.TransportError as exc:
                problem, wait = f"connection failed ({type(exc).__name__})", self.backoff * 2 ** attempt
            else:
                if response.status_code in (404, 410):
                    return None
                if response.status_code not in RETRY_STATUSES:
                    if response.status_code >= 400:
                        raise LookupFailed(f"{urlsplit(url).netloc} answered HTTP {response.status_code}")
                    return response
                problem = f"HTTP {response.status_code}"
                wait = retry_after(response.headers.get("Retry-After"), time.time())
                wait = self.backoff * 2 ** attempt if wait is None else wait
            if attempt < self.retries:
                self.sleep(min(wait, self.max_wait))
        raise LookupFailed(f"{urlsplit(url).netloc}: {problem} after {self.retries + 1} attempts")

    def get_json(self, url: str, *, params: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Any:
        """Parsed JSON of a GET (None for 404/410)."""
        response = self.get(url, params=params, headers=headers)
        if response is None:
            return None
        try:
            return response.json()
        except ValueError:
            raise LookupFailed(f"{urlsplit(url).netloc} answered with something that is not JSON") from None
