"""The report's reference list: each entry as the outputs print it, per language, numbered by first citation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolchain.cite import Citations
from toolchain.load.bibliography import Entry

NUMBER = re.compile(r"^\[\d+\]\s*")  # a numeric style's own "[3] ": the report prints the number itself


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of the list: its key, numbers, texts per language and where it is cited."""

    key: str
    number: dict[str, int | None]  # lang → the number the outputs print (None: not cited in that language, or no entry)
    text: dict[str, str]  # lang → formatted reference ('' when the key has no entry)
    entry: Entry | None


def build_references(cite: Citations) -> tuple[Reference, ...]:
    """Every entry and every cited key: cited ones in zh citation order, then uncited entries."""
    project = cite.project
    order: dict[str, int] = {}
    numbers: dict[str, dict[str, int]] = {"zh": {}, "en": {}}
    entries = project.bibliography.by_key
    for lang in ("zh", "en"):
        for citation in project.document(lang).citations:
            if citation.key in entries:  # the outputs number the entries they list
                numbers[lang].setdefault(citation.key, len(numbers[lang]) + 1)
            order.setdefault(citation.key, len(order))
    for key in entries:
        order.setdefault(key, len(order))
    texts_in = {lang: {key: NUMBER.sub("", text) for key, text in cite.references(lang).items()} for lang in ("zh", "en")}
    references = []
    for key in sorted(order, key=order.get):
        entry = entries.get(key)
        texts = {lang: texts_in[lang].get(key, "") if entry else "" for lang in ("zh", "en")}
        references.append(Reference(key, {lang: numbers[lang].get(key) for lang in ("zh", "en")}, texts, entry))
    return tuple(references)
