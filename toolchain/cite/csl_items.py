"""Corrections to Pandoc's BibLaTeX → CSL JSON conversion, applied before citeproc.

Pandoc's biblatex reader (3.x) loses or reshapes what GB/T 7714 prints:

- it turns English titles into sentence case (“Gleevec” → “gleevec”, “G-CSF” → “g-CSF”, a capital
  after a colon forced or lost); GB/T 7714 changes no case, so every title is printed as the bib
  writes it (braces only protect);
- it maps ``@standard`` to ``legislation``, ``@proceedings`` to ``book``, and ``@archive``,
  ``@newspaper`` and ``@periodical`` to nothing (or to ``article-journal`` with the periodical's title
  repeated as its container);
- it drops a year that is not a plain number (“1865(清同治四年)”) and a newspaper's page
  (``number``, the 版次);
- it keeps only one of ``year`` and ``date``: an online article's update date (“(2014-06-19)”)
  disappears behind its year.

``correct_item(item, entry)`` repairs one item from the bib entry it came from.
"""

from __future__ import annotations

import json
import re
from functools import cache

from pylatexenc.latex2text import LatexNodes2Text

from toolchain.files import cached_text
from toolchain.load.bibliography import Entry
from toolchain.names import pinyin_file, pinyin_readings

# CSL 1.0.2 types for BibLaTeX entry types Pandoc maps elsewhere (or not at all).
ENTRY_TYPES = {
    "standard": "standard",
    "archive": "collection",
    "newspaper": "article-newspaper",
    "periodical": "periodical",
    "proceedings": "paper-conference",  # the whole proceedings: a conference item without container
    "dataset": "dataset",
    "map": "map",
    "preprint": "article",
}
# Title-like fields and the CSL variables Pandoc fills from them.
TITLE_FIELDS = {
    "title": ("title",),
    "journal": ("container-title",),
    "journaltitle": ("container-title",),
    "booktitle": ("container-title",),
    "series": ("collection-title",),
}
YEAR = re.compile(r"^\d{4}$")
FULL_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
UPDATED_TYPES = {"article-journal", "article-magazine"}  # types whose update date follows the pages
NO_PLACE = {"zh": "[出版地不详]", "en": "[S.l.]"}  # a publisher without a place (GB/T 7714-2025, 7.5.2.3)


@cache
def _latex() -> LatexNodes2Text:
    """One LaTeX-to-text converter (building it reads pylatexenc's tables)."""
    return LatexNodes2Text(math_mode="verbatim")


def as_written(value: str) -> str:
    """A field's text as printed: LaTeX commands resolved, braces dropped, case untouched."""
    if "\\" in value or "--" in value or "~" in value:
        value = _latex().latex_to_text(value)
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def restore_titles(item: dict, entry: Entry) -> None:
    """Titles exactly as the bib writes them (Pandoc changes their case)."""
    for field, variables in TITLE_FIELDS.items():
        value = entry.fields.get(field, "")
        if not value.strip():
            continue
        for variable in variables:
            if variable in item:
                # Pandoc's reader sets a word's apostrophe typographic (Children’s), as in the other fields
                item[variable] = re.sub(r"(?<=\w)'", "’", as_written(value))
    if "title-short" in item and entry.fields.get("title"):
        title = item.get("title", "")
        short = as_written(entry.fields.get("shorttitle", "")) or title.split(":")[0].split("：")[0].strip()
        item["title-short"] = short


def date_parts(text: str) -> list[int] | None:
    """``2014-06-19`` → [2014, 6, 19]; None when not an ISO date."""
    match = FULL_DATE.match(text.strip())
    if not match:
        return None
    return [int(part) for part in match.groups() if part]


def restore_dates(item: dict, entry: Entry) -> None:
    """A year the reader could not parse printed as written; a full date next to a year kept."""
    year = as_written(entry.fields.get("year", ""))
    date = as_written(entry.fields.get("date", ""))
    if year and not YEAR.match(year) and not re.fullmatch(r"\d{4}/\d{4}", year) and not date:
        item["issued"] = {"literal": year}
        return
    full = date_parts(date) if date else None
    if full and len(full) > 1 and YEAR.match(year) and item.get("type") in UPDATED_TYPES:
        # GB/T 7714: the year in the publication statement, the update date after the pages
        item["issued"] = {"date-parts": [[int(year)]]}
        item["available-date"] = {"date-parts": [full]}


def periodical_holdings(item: dict, entry: Entry) -> None:
    """A periodical as a whole: its title once, and the span of its issues (“1984, 1(1)-”).

    GB/T 7714-2015 4.3 (2025 8.4): first year, volume(issue) and a dash, or first and last
    year(issue) when publication stopped; the publication statement then gives the years.
    """
    item.pop("container-title", None)
    years = as_written(entry.fields.get("year", "") or entry.fields.get("date", ""))
    volume = as_written(entry.fields.get("volume", ""))
    number = as_written(entry.fields.get("number", "") or entry.fields.get("issue", ""))
    first, _, last = years.partition("/")
    first_issue, _, last_issue = re.sub(r"\s*[-–]+\s*", "-", number).partition("-")
    if last:
        holding = f"{first}({first_issue})-{last}({last_issue or first_issue})" if number else f"{first}-{last}"
        span = f"{first}-{last}"
    else:
        holding = f"{first}, {volume}({number})-" if volume else f"{first}({number})-"
        span = f"{first}-"
    item["number"] = holding
    item["issued"] = {"literal": span}
    item.pop("volume", None)
    item.pop("issue", None)


def correct_item(item: dict, entry: Entry) -> None:
    """Repair one CSL item from the bib entry it was converted from."""
    wanted = ENTRY_TYPES.get(entry.type)
    if entry.type == "misc" and entry.fields.get("type", "").strip().lower() in ENTRY_TYPES:
        wanted = ENTRY_TYPES[entry.fields["type"].strip().lower()]
    if wanted:
        item["type"] = wanted
    elif not item.get("type"):
        item["type"] = "document"
    restore_titles(item, entry)
    particles_before_family(item)
    if item["type"] == "periodical":
        periodical_holdings(item, entry)
        return
    restore_dates(item, entry)
    if item["type"] == "article-newspaper" and entry.fields.get("number") and not item.get("issue"):
        item["issue"] = as_written(entry.fields["number"])  # a newspaper's page (版次), printed “(2)”
        item.pop("number", None)
    if item.get("publisher") and not item.get("publisher-place") and item["type"] in ("book", "chapter", "paper-conference", "thesis", "report"):
        item["publisher-place"] = NO_PLACE[entry.langid]
    if entry.type == "proceedings":
        item.pop("container-title", None)
    if not item.get("page") and entry.fields.get("eid"):
        item["page"] = as_written(entry.fields["eid"])  # an article number stands where the pages would
    doi = str(item.get("DOI", "")).lower()
    if doi and doi in str(item.get("URL", "")).lower():
        item.pop("DOI")  # the URL already holds the persistent identifier (GB/T 7714-2025, 7.9)


def particles_before_family(item: dict) -> None:
    """A BibTeX “von” part prints before the family name, “de la Cruz M”, not after the initials (“Cruz M de la”).

    Pandoc reads it as CSL's dropping particle, which a name in sort order sets last; the style
    keeps a non-dropping particle with the family name, as BibTeX's own styles print it.
    """
    for role in ("author", "editor", "translator", "container-author"):
        for name in item.get(role, []):
            if name.get("dropping-particle") and not name.get("non-dropping-particle"):
                name["non-dropping-particle"] = name.pop("dropping-particle")


@cache
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (from pypinyin's single-character dictionary), kept in the cache directory."""
    path = pinyin_file()
    if path is None:
        return frozenset()
    strip = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")
    stat = path.stat()
    text = cached_text("pinyin", json.dumps([str(path), stat.st_size, stat.st_mtime_ns, "syllables"]),
                       lambda: "\n".join(sorted({r.translate(strip) for readings in pinyin_readings() for r in readings.split(",")})))
    return frozenset(text.split("\n"))


def is_pinyin(word: str, most: int = 3) -> bool:
    """Whether a word is one to ``most`` pinyin syllables run together (“Liping”, “Shanshan”)."""
    word = word.lower().replace("ü", "v")
    syllables = pinyin_syllables()
    reachable = {0: 0}  # end of a prefix → fewest syllables that spell it
    for start in range(len(word)):
        if start not in reachable or reachable[start] >= most:
            continue
        for end in range(start + 1, min(len(word), start + 6) + 1):
            if word[start:end] in syllables:
                reachable[end] = min(reachable.get(end, most + 1), reachable[start] + 1)
    return len(word) in reachable and bool(word)


def full_pinyin_names(item: dict) -> None:
    """Chinese persons written in pinyin keep their given name in full (GB/T 7714-2025, 7.1.1).

    The style initialises given names; a name whose family and given name are pinyin (“Wang,
    Shanshan”) is handed over as written instead, “Wang Shanshan”.
    """
    for role in ("author", "editor", "translator"):
        for name in item.get(role, []):
            family, given = name.get("family", ""), name.get("given", "")
            if given and " " not in given and is_pinyin(family, 2) and is_pinyin(given) and given[:1].isupper() and len(given) > 1:
                name["literal"] = f"{family} {given}"


def name_suffixes(item: dict, edition: str) -> None:
    """A name's suffix as the edition prints it: “PEEBLES P Z, Jr.” (2015, 4.1), “Peebles P Z Jr” (2025, B.1).

    CSL sets the suffix of an inverted name after the sort separator, here the space between the
    initials; the comma of 2015 travels with the suffix, the 2025 edition writes it without its dot.
    """
    for role in ("author", "editor", "translator"):
        for name in item.get(role, []):
            suffix = str(name.get("suffix", "")).strip()
            if suffix and edition == "2015":
                name["suffix"] = ", " + suffix.removeprefix(",").strip()
            elif suffix and edition == "2025":
                name["suffix"] = suffix.removesuffix(".")


def correct_items(items: list[dict], entries: dict[str, Entry]) -> list[dict]:
    """Repair every item that has its entry; return the list."""
    for item in items:
        entry = entries.get(str(item.get("id", "")))
        if entry is not None:
            correct_item(item, entry)
    return items


def edition_of(style: str) -> str:
    """The GB/T 7714 edition a CSL style follows ("2025", "2015"), from its title or summary; "" for others."""
    match = re.search(r"<(title|summary)>[^<]*7714-(\d{4})", style)
    return match.group(2) if match else ""
