"""The report's reference list: each entry formatted per language, numbered by first citation.

The formatted text comes from ``check.references._format.format_references(project, lang)``
when that module exists; until then (or when it answers in a shape this module does not
know) a plain GB/T 7714-like formatter stands in: authors, title[type], journal, year,
volume(issue): pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from toolchain.cite import Citations
from toolchain.load.bibliography import Entry, Name, strip_braces

try:
    from toolchain.check.references._format import format_references as _shared_formatter
except ImportError:  # the shared formatter is not there yet: use the simple one below
    _shared_formatter = None

# GB/T 7714-2015 §4.1 document type codes.
TYPE_CODES = {"article": "J", "book": "M", "incollection": "M", "inbook": "M", "inproceedings": "C",
              "conference": "C", "thesis": "D", "phdthesis": "D", "mastersthesis": "D", "report": "R",
              "techreport": "R", "online": "EB/OL", "misc": "Z"}
ET_AL = {"zh": "等", "en": "et al"}
MAX_AUTHORS = 3  # GB/T 7714-2015 §8.1.2: the first three, then 等 / et al
NUMBER = re.compile(r"^\[\d+\]\s*")  # a numeric style's own "[3] ": the report prints the number itself


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of the list: its key, numbers, texts per language and where it is cited."""

    key: str
    number: dict[str, int | None]  # lang → citation-order number (None: not cited in that language)
    text: dict[str, str]  # lang → formatted reference ('' when the key has no entry)
    entry: Entry | None


def name_text(name: Name, lang: str) -> str:
    """``Döhner H`` / ``张钰``: family name then initials without dots (GB/T 7714-2015 §8.1.2)."""
    if name.literal:
        return name.literal
    if not name.given:
        return name.family
    if any("\u3400" <= ch <= "\u9fff" for ch in name.family):
        return name.family + name.given
    initials = "".join(part[0] for part in name.given.replace("-", " ").replace(".", " ").split() if part)
    return f"{name.family} {initials}".strip()


def simple_format(entry: Entry, lang: str) -> str:
    """A plain reference string; an English output shows a Chinese work's ``*-en`` version."""
    translated = lang == "en" and entry.langid == "zh" and bool(entry.english("title"))

    def field(name: str) -> str:
        value = entry.english(name) if translated and entry.english(name) else entry.fields.get(name, "")
        return strip_braces(value)

    authors = entry.authors("author-en" if translated and entry.english("author") else "author")
    named = [n for n in authors if not n.is_others]
    etal = ET_AL["zh" if entry.langid == "zh" and not translated else "en"]
    people = [name_text(n, lang) for n in named[:MAX_AUTHORS]]
    if len(named) > MAX_AUTHORS or any(n.is_others for n in authors):
        people.append(etal)
    container = field("journal") or field("journaltitle") or field("booktitle") or field("publisher")
    year = field("year") or field("date")[:4]
    text = ", ".join(people) + ". " if people else ""
    text += f"{field('title')}[{TYPE_CODES.get(entry.type, 'Z')}]."
    where = ", ".join(part for part in (container, year) if part)
    if field("volume"):
        where += f", {field('volume')}" + (f"({field('number')})" if field("number") else "")
    if field("pages"):
        where += f": {field('pages').replace('--', '-')}"
    text += f" {where}." if where else ""
    if field("doi"):
        text += f" DOI: {field('doi')}."
    return text + (" (in Chinese)" if translated else "")


def shared_texts(cite: Citations, lang: str) -> dict[str, str] | None:
    """Key → text from the shared formatter, when it exists and answers in a known shape."""
    if _shared_formatter is None:
        return None
    answer = _shared_formatter(cite, lang)
    if isinstance(answer, dict):
        return {str(k): NUMBER.sub("", str(v)) for k, v in answer.items()}
    texts = {}
    for item in answer or ():
        if isinstance(item, (tuple, list)) and len(item) == 2:
            texts[str(item[0])] = NUMBER.sub("", str(item[1]))
        elif hasattr(item, "key"):
            value = next((getattr(item, a) for a in ("text", "plain", "formatted") if hasattr(item, a)), None)
            if value is None:
                return None
            texts[str(item.key)] = NUMBER.sub("", str(value))
        else:
            return None
    return texts


def formatter(cite: Citations, lang: str) -> Callable[[Entry], str]:
    """The formatting function for ``lang``: shared texts first, the simple format for the rest."""
    shared = shared_texts(cite, lang) or {}
    return lambda entry: shared.get(entry.key) or simple_format(entry, lang)


def build_references(cite: Citations) -> tuple[Reference, ...]:
    """Every entry and every cited key: cited ones in zh citation order, then uncited entries."""
    project = cite.project
    order: dict[str, int] = {}
    numbers: dict[str, dict[str, int]] = {"zh": {}, "en": {}}
    for lang in ("zh", "en"):
        for citation in project.document(lang).citations:
            numbers[lang].setdefault(citation.key, len(numbers[lang]) + 1)
            order.setdefault(citation.key, len(order))
    entries = project.bibliography.by_key
    for key in entries:
        order.setdefault(key, len(order))
    format_in = {lang: formatter(cite, lang) for lang in ("zh", "en")}
    references = []
    for key in sorted(order, key=order.get):
        entry = entries.get(key)
        texts = {lang: format_in[lang](entry) if entry else "" for lang in ("zh", "en")}
        references.append(Reference(key, {lang: numbers[lang].get(key) for lang in ("zh", "en")}, texts, entry))
    return tuple(references)
