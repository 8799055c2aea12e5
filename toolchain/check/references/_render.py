"""Holes in rendered references: elements the CSL style prints for a type but the entry lacks."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass

from toolchain.cite import Citations
from toolchain.load.bibliography import Entry, strip_braces

# Elements every reference prints (title, date) and the container of a part of a whole:
# a journal article without its journal is not findable (GB/T 7714-2015, 4.4 and 4.2).
CORE = ("title", "issued")
CONTAINED_TYPES = {"article-journal", "article-magazine", "article-newspaper", "chapter", "paper-conference",
                   "entry-dictionary", "entry-encyclopedia"}
SENTINELS = {"title": "Zqxtitlezqx", "container-title": "Zqxcontainerzqx", "issued": {"date-parts": [[1111]]}}
FOUND_AS = {"title": "zqxtitlezqx", "container-title": "zqxcontainerzqx", "issued": "1111"}
BIB_FIELDS = {"title": "title", "container-title": "journal/booktitle", "issued": "year/date"}
# What an empty element leaves in the punctuation around it: "[J]. , 2022", "Blood, , 140", "()".
HOLES = (
    re.compile(r"(?<=\S)\.\s+[,.:;]"),
    re.compile(r",\s*[,.:;]"),
    re.compile(r":\s*[,.;]"),
    re.compile(r"\(\s*\)|\[\s*\]|\[/|/\]"),
    re.compile(r"[.,;:]\[[A-Z]{1,2}(?:/OL)?\]"),  # "title.[J]": a title field ending in punctuation
)


# Only entries that can leave a hole are rendered (Pandoc's conversion and citeproc-py take
# ~0.3 s for a 50-entry list): a core element missing, a malformed date, an empty field, or a
# printed value ending in punctuation that the style's own punctuation would double.
CONTAINED_ENTRY_TYPES = {"article", "incollection", "inbook", "chapter", "inproceedings", "conference"}
CONTAINER_FIELDS = ("journal", "journaltitle", "booktitle")
PRINTED_FIELDS = ("title", "journal", "journaltitle", "booktitle", "publisher", "address", "location",
                  "school", "institution", "edition", "volume", "number", "pages")
DATE_SHAPE = re.compile(r"^\d{4}(?:-\d{2}){0,2}$")


def may_leave_gap(entry: Entry) -> bool:
    """Whether an entry's fields could render with a missing element or doubled punctuation."""
    def value(field: str) -> str:
        return strip_braces(entry.fields.get(field, ""))

    if not value("title") or not DATE_SHAPE.match(value("year") or value("date")):
        return True
    if entry.type in CONTAINED_ENTRY_TYPES and not any(value(f) for f in CONTAINER_FIELDS):
        return True
    if any(not value(field) for field in entry.fields):
        return True
    printed = [value(f) for f in PRINTED_FIELDS] + [value(f + "-en") for f in PRINTED_FIELDS]
    return any(text[-1:] in ".,;:" for text in printed if text)


@dataclass(frozen=True, slots=True)
class RenderingGap:
    """A reference whose rendering misses an element the style prints for its type."""

    key: str
    lang: str
    text: str
    missing: tuple[str, ...]  # bib field names the style would print
    hole: str  # the punctuation left by an empty element ('' when none)


def rendering_gaps(cite: Citations) -> Iterator[RenderingGap]:
    """Render the entries that may leave a hole (zh list; Chinese works also in the English list)."""
    suspects = {e.key: e for e in cite.project.bibliography.entries if may_leave_gap(e)}
    if not suspects:
        return
    for lang in ("zh", "en"):
        wanted = {k for k, e in suspects.items() if lang == "zh" or e.langid == "zh"}
        items = [item for item in cite.items(lang) if item.get("id") in wanted]
        if not items:
            continue
        texts = cite.format(lang, items)
        for item in items:
            key = str(item.get("id", ""))
            text = re.sub(r"^\[\d+\]\s*", "", texts.get(key, ""))
            missing = printed_but_missing(cite, lang, item)
            hole = next((m.group(0).strip() for pattern in HOLES for m in [pattern.search(text)] if m), "")
            if missing or hole:
                yield RenderingGap(key, lang, text, missing, hole)


def printed_but_missing(cite: Citations, lang: str, item: dict) -> tuple[str, ...]:
    """Core variables the item lacks that the style would print for its type (a probe rendering)."""
    wanted = [v for v in CORE if not item.get(v)]
    if item.get("type") in CONTAINED_TYPES and not item.get("container-title"):
        wanted.append("container-title")
    if not wanted:
        return ()
    probe = copy.deepcopy(item)
    probe.update({variable: SENTINELS[variable] for variable in wanted})
    text = cite.render(lang, probe).casefold()
    return tuple(BIB_FIELDS[v] for v in wanted if FOUND_AS[v] in text)
