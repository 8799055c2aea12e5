"""glossary.yaml: bilingual terms with abbreviations, accepted variants and forbidden variants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from toolchain.load._yaml import as_text, key_line, parse_yaml
from toolchain.load.source import SourceFile


@dataclass(frozen=True, slots=True)
class Term:
    """One concept: its preferred form in each language and the forms around it."""

    zh: str
    en: str
    abbr: str
    variants: dict[str, tuple[str, ...]]
    avoid: dict[str, tuple[str, ...]]
    line: int

    def preferred(self, lang: str) -> str:
        """The preferred form in ``lang``."""
        return self.zh if lang == "zh" else self.en

    def accepted(self, lang: str) -> tuple[str, ...]:
        """Preferred form, accepted variants and the abbreviation, longest first."""
        forms = {self.preferred(lang), *self.variants.get(lang, ())}
        if self.abbr:
            forms.add(self.abbr)
        return tuple(sorted((f for f in forms if f), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Glossary:
    """All terms of glossary.yaml."""

    path: str
    terms: tuple[Term, ...]
    raw: Any = None  # the parsed YAML as it is (with lines), for the rule that checks its shape


def per_language(node: Any) -> dict[str, tuple[str, ...]]:
    """Read ``{zh: [...], en: [...]}`` (a single string is a one-item list); other shapes read as nothing."""
    if not isinstance(node, dict):
        return {}
    result = {}
    for lang in ("zh", "en"):
        value = node.get(lang)
        items = value if isinstance(value, list) else [value]
        forms = tuple(as_text(item) for item in items if as_text(item))
        if forms:
            result[lang] = forms
    return result


def parse_glossary(source: SourceFile) -> Glossary:
    """Read glossary.yaml; only unparsable YAML is an InputError.

    A term without both a Chinese and an English form cannot be matched and is left out of
    ``terms``; rule TERM005 reports it (and any other value of the wrong shape) from ``raw``.
    """
    raw = parse_yaml(source.text, source.path)
    items = raw.get("terms") if isinstance(raw, dict) else None
    terms = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        term = item if isinstance(item, dict) else {}
        zh, en = as_text(term.get("zh")), as_text(term.get("en"))
        if zh and en:
            terms.append(Term(zh, en, as_text(term.get("abbr")), per_language(term.get("variants")), per_language(term.get("avoid")),
                              key_line(items, index)))
    return Glossary(source.path, tuple(terms), raw)
