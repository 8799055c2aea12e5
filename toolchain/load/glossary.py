"""glossary.yaml: bilingual terms with abbreviations, accepted variants and forbidden variants."""

from __future__ import annotations

from dataclasses import dataclass

from toolchain.errors import InputError
from toolchain.load._yaml import Fields, parse_yaml
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


def per_language(fields: Fields, key: str) -> dict[str, tuple[str, ...]]:
    """Read ``{zh: [...], en: [...]}`` (a single string is accepted as a one-item list)."""
    inner = fields.mapping(key, required=False)
    if inner is None:
        return {}
    result = {}
    for lang in ("zh", "en"):
        value = inner.node.get(lang)
        if isinstance(value, str):
            result[lang] = (value.strip(),)
        elif value is not None:
            result[lang] = inner.texts(lang)
    unknown = set(map(str, inner.node)) - {"zh", "en"}
    if unknown:
        raise InputError(fields.path, inner.line, f"{inner.where} has unknown language {sorted(unknown)[0]!r} (use zh or en)")
    return result


def parse_glossary(source: SourceFile) -> Glossary:
    """Parse glossary.yaml; every term needs zh and en."""
    data = parse_yaml(source.text, source.path)
    root = Fields(data if data is not None else {"terms": []}, source.path, "")
    terms = []
    for index, (item, line) in enumerate(root.items("terms", required=False)):
        term = Fields(item, source.path, f"terms[{index}]", line=line)
        terms.append(
            Term(
                term.text("zh"),
                term.text("en"),
                term.text("abbr", required=False),
                per_language(term, "variants"),
                per_language(term, "avoid"),
                line,
            )
        )
    return Glossary(source.path, tuple(terms))
