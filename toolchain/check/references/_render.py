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
    # a web page may have no date of its own: its access date stands alone (GB/T 7714-2015 4.6, 2025 8.11)
    undated = item.get("type") in ("webpage", "post", "post-weblog") and item.get("accessed")
    wanted = [v for v in CORE if not item.get(v) and not (v == "issued" and undated)]
    if item.get("type") in CONTAINED_TYPES and not item.get("container-title"):
        wanted.append("container-title")
    if not wanted:
        return ()
    probe = copy.deepcopy(item)
    probe.update({variable: SENTINELS[variable] for variable in wanted})
    text = cite.render(lang, probe).casefold()
    return tuple(BIB_FIELDS[v] for v in wanted if FOUND_AS[v] in text)


# What the printed reference is compared with: the bib's fields, as written.
MARK = re.compile(r"\[([A-Z]{1,2})(?:/[A-Z]{2})?\]")
TOKEN = re.compile(r"[^\W_]+(?:[.][^\W_]+)*")  # the first word or number of a field: "1.1" of "1.1--1.36"
COMPARED_WHOLE = ("publisher", "address", "location", "school", "institution")
COMPARED_FIRST = ("volume", "number", "pages", "edition")
TITLE_FIELDS = ("title", "journal", "journaltitle", "booktitle")


@dataclass(frozen=True, slots=True)
class RenderingLoss:
    """What the printed reference lost of its entry: its type, fields, or the case of a title."""

    key: str
    text: str
    wrong_mark: str  # the printed mark when it is not the entry type's ('' when right)
    mark: str  # the mark the entry type calls for
    lost: tuple[str, ...]  # bib fields whose value is not printed
    recased: tuple[str, ...]  # title fields printed in another case


STRAIGHT = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-"})


def squeezed(text: str) -> str:
    """Text without white space (the style may space Chinese and Latin text, the bib not), quotes straight."""
    return "".join(text.split()).translate(STRAIGHT)


def lost_fields(entry: Entry, text: str) -> tuple[list[str], list[str]]:
    """Bib fields absent from the printed text, and title fields printed only in another case."""
    from toolchain.cite.csl_items import as_written

    printed, folded = squeezed(text), squeezed(text).casefold()
    lost, recased = [], []
    for field in TITLE_FIELDS:
        value = squeezed(as_written(entry.fields.get(field, "")))
        if value and value not in printed:
            (recased if value.casefold() in folded else lost).append(field)
    for field in COMPARED_WHOLE + COMPARED_FIRST:
        value = as_written(entry.fields.get(field, ""))
        token = TOKEN.search(value) if field in COMPARED_FIRST else None
        wanted = squeezed(token.group(0) if token else value)
        if wanted and wanted.casefold() not in folded:
            lost.append(field)
    year = re.search(r"\d{4}", entry.fields.get("year", "") or entry.fields.get("date", ""))
    if year and year.group(0) not in printed:
        lost.append("year" if entry.fields.get("year") else "date")
    for field in ("url", "doi"):  # identifiers are compared raw: “~” is no LaTeX space in a URL
        value = squeezed(entry.fields.get(field, "")).casefold()
        if value and value not in folded:
            lost.append(field)
    return lost, recased


# The CSL variables a bib field becomes (Pandoc's reader and toolchain.cite.csl_items).
VARIABLES = {"title": ("title",), "journal": ("container-title",), "journaltitle": ("container-title",),
             "booktitle": ("container-title",), "publisher": ("publisher",), "school": ("publisher",),
             "institution": ("publisher",), "address": ("publisher-place",), "location": ("publisher-place",),
             "volume": ("volume",), "number": ("number", "issue", "collection-number"), "pages": ("page",),
             "edition": ("edition",), "url": ("URL",), "doi": ("DOI",), "year": ("issued",), "date": ("issued",)}
PROBE = "Zqxprobezqx"


def style_prints(cite: Citations, item: dict, field: str) -> bool:
    """Whether the style prints ``field`` for an item of this type at all (a probe rendering).

    A field the style leaves out on purpose (GB/T 7714-2025 prints no publisher for a standard)
    is no loss; one it prints but the rendering lacks is.
    """
    # A style chooses what to print by the item's type and by which variables it has (and its language):
    # items alike in those get one probe rendering, not one each (8,000 entries: 45 s).
    key = (id(cite), field, item.get("type"), item.get("language"), tuple(sorted(item)))
    if key not in _PRINTS:
        if len(_PRINTS) > 4096:
            _PRINTS.clear()
        probe = copy.deepcopy(item)
        for variable in VARIABLES.get(field, ()):
            probe[variable] = {"date-parts": [[1111]]} if variable == "issued" else PROBE
        text = cite.render("zh", probe)
        _PRINTS[key] = (cite, (PROBE.casefold() if field != "year" and field != "date" else "1111") in text.casefold())
    return _PRINTS[key][1]


_PRINTS: dict[tuple, tuple[object, bool]] = {}  # style_prints' verdicts (each kept with its Citations, so its id stays its own)


def rendering_losses(cite: Citations, table: object) -> Iterator[RenderingLoss]:
    """Entries whose printed form (in the zh list, as the outputs print it) lost their type, a field, or a title's case.

    ``table`` is the REF004 table of the style's GB/T 7714 edition: its type marks are the ones
    the printed mark must show; a style that prints no mark is not compared on it.
    """
    printed = {key: re.sub(r"^\[\d+\]\s*", "", text) for key, text in cite.references("zh").items()}
    items = {str(item.get("id")): item for item in cite.items("zh")}
    for entry in cite.project.bibliography.entries:
        text = printed.get(entry.key)
        if text is None or entry.key not in items:
            continue
        kind = table.for_entry(entry.type, entry.fields.get("type", ""))  # type: ignore[attr-defined]
        expected = kind.code.split("/")[0]
        shown = MARK.search(text)
        wrong = shown.group(1) if shown and expected != "Z" and shown.group(1) != expected else ""
        lost, recased = lost_fields(entry, text)
        lost = [field for field in lost if (field != "doi" or cite.settings.reference_doi) and style_prints(cite, items[entry.key], field)]
        if wrong or lost or recased:
            yield RenderingLoss(entry.key, text, wrong, expected, tuple(lost), tuple(recased))
