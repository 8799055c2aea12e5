"""references.bib as CSL JSON items: one reader (Pandoc's biblatex reader), one cache.

Every stage reads the items here, so the checker, the report and the outputs see the same
fields: the zh list as the bib gives them, the en list with a Chinese work's English version
(``title-en``, ``author-en`` …) in place of its Chinese fields.
"""

from __future__ import annotations

import json
import re
import threading
from functools import cache
from pathlib import Path

from toolchain.cite.csl_items import correct_items, edition_of, full_pinyin_names, name_suffixes
from toolchain.cite.terms import ET_AL
from toolchain.errors import InputError
from toolchain.load import Project
from toolchain.load.bibliography import Entry, parse_names, unreadable_key_character
from toolchain.pandoc import bibtex_to_csl

# The build prepares zh and en in parallel threads; functools.cache alone would let both miss
# and read the bibliography twice, so the second caller waits for the first one's result.
_LOCK = threading.Lock()
# CSL variables a Chinese work's "-en" fields replace in the English list.
ENGLISH_FIELDS = {"title": "title", "journal": "container-title", "journaltitle": "container-title",
                  "booktitle": "container-title", "publisher": "publisher", "address": "publisher-place",
                  "location": "publisher-place", "school": "publisher", "institution": "publisher"}

APOSTROPHE = re.compile(r"(?<=\w)'")


@cache
def _read(bibtex: str) -> str:
    """The CSL JSON of a bibliography text (cached per text for the life of the process)."""
    return json.dumps(bibtex_to_csl(bibtex, "bib/references.bib"))


def csl_items(project: Project, lang: str, style: Path | None = None) -> list[dict]:
    """CSL JSON items (a fresh copy) for ``style``; in English a Chinese work shows its English version when it has one.

    Pandoc's conversion is repaired first (``csl_items.correct_items``); the names then take the
    form of the style's GB/T 7714 edition (pinyin given names in full in 2025, name suffixes).
    A key Pandoc's reader cannot read stops here with its line, before Pandoc refuses the file.
    """
    source = next(s for s in project.sources if s.path == project.bibliography.path)
    for entry in project.bibliography.entries:
        if unreadable_key_character(entry.key):
            raise InputError(project.bibliography.path, entry.line,
                             f"the key “{entry.key}” holds “{unreadable_key_character(entry.key)}”, which Pandoc cannot read in a bib key")
    with _LOCK:
        items = correct_items(json.loads(_read(source.text)), project.bibliography.by_key)
    if lang == "en":
        entries = project.bibliography.by_key
        for item in items:
            entry = entries.get(item.get("id", ""))
            if entry is not None and entry.langid == "zh":
                english_version(item, entry)
    edition = edition_of(style.read_text(encoding="utf-8", errors="replace")[:4000]) if style is not None else "2025"
    for item in items:
        name_suffixes(item, edition)
        if edition == "2025":
            full_pinyin_names(item)
    return items


def english_version(item: dict, entry: Entry) -> None:
    """Replace a Chinese item's fields by the English version given in ``*-en`` fields."""
    for field, variable in ENGLISH_FIELDS.items():
        value = entry.english(field)
        if value:
            # Pandoc's reader prints the bib's other fields with typographic apostrophes (People’s).
            item[variable] = APOSTROPHE.sub("’", value.replace("{", "").replace("}", ""))
    english_authors = entry.english("author")
    if english_authors:
        item["author"] = [
            {"literal": n.literal} if n.literal else {"family": n.family, "given": n.given}
            for n in parse_names(english_authors)
        ]
    if entry.english("title"):
        item["language"] = "en"
        item["translated-from-chinese"] = True


def item_language(item: dict) -> str:
    """The language a reference is printed in: zh for a Chinese work not shown in English, else en."""
    language = str(item.get("language", "")).lower()
    chinese = (language.startswith("zh") or language == "chinese") and not item.get("translated-from-chinese")
    return "zh" if chinese else "en"


def printed_items(items: list[dict]) -> list[dict]:
    """A copy of the items for citeproc, BibTeX's ``and others`` as the et-al term of the work's language.

    Pandoc reads ``and others`` as an author named “others”; with four or more names the style
    truncates and prints its term anyway, but with fewer the literal “others” would be printed.
    """
    printed = json.loads(json.dumps(items))
    for item in printed:
        term = ET_AL[item_language(item)]
        for role in ("author", "editor"):
            for name in item.get(role, []):
                if name.get("literal") == "others":
                    name["literal"] = term
    return printed


def without_doi(items: list[dict]) -> list[dict]:
    """A copy of the items for a house style that prints no DOI: neither the DOI nor a resolver URL standing for it."""
    printed = json.loads(json.dumps(items))
    for item in printed:
        doi = str(item.pop("DOI", "")).lower()
        if doi and str(item.get("URL", "")).lower().endswith(doi):
            item.pop("URL")
    return printed
