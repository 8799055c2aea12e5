"""metadata.yaml: journal, article, authors, affiliations, funding — typed, with line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from toolchain.load._yaml import as_text, key_line, node_line, parse_yaml, value_span
from toolchain.load._yaml_values import LineMap
from toolchain.load.source import SourceFile, Span


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text given in Chinese and English, with the line of each."""

    zh: str
    en: str
    line: int
    zh_line: int = 0  # 0: the language is absent
    en_line: int = 0
    zh_span: Span | None = None  # where the text stands in metadata.yaml
    en_span: Span | None = None
    column: int = 0  # of the field's key (0: unknown)
    absent: bool = False  # a stand-in for a field that is not there at all (or is no mapping)
    mistyped: tuple[str, ...] = ()  # languages whose value is not text (a list, a mapping)

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en

    def span(self, lang: str) -> Span | None:
        """Where the text in ``lang`` stands in metadata.yaml."""
        return self.zh_span if lang == "zh" else self.en_span


@dataclass(frozen=True, slots=True)
class Author:
    """One author: names in both languages, affiliation ids, contact and biography."""

    name: Bilingual
    affiliations: tuple[str, ...]
    corresponding: bool
    email: str
    orcid: str
    bio: Bilingual | None
    line: int


@dataclass(frozen=True, slots=True)
class Affiliation:
    """One affiliation with its id and bilingual parts."""

    id: str
    name: Bilingual
    city: Bilingual | None
    postcode: str
    country: Bilingual | None
    line: int


@dataclass(frozen=True, slots=True)
class Funding:
    """A funding programme and its award numbers."""

    name: Bilingual
    awards: tuple[str, ...]
    line: int


class Record:
    """A typed group of metadata.yaml scalars; ``get`` reads a field by its key as written (``document-code``)."""

    __slots__ = ()

    def get(self, key: str, default: str = "") -> str:
        """The value of a declared field ('' or ``default`` when not given); an undeclared key is a KeyError."""
        name = key.replace("-", "_")
        if name not in self.__dataclass_fields__:  # type: ignore[attr-defined]
            raise KeyError(key)
        return getattr(self, name) or default

    @classmethod
    def of(cls, values: dict[str, str]) -> Self:
        """The record of the declared fields among ``values`` (other keys are left to the schema rules)."""
        names = cls.__dataclass_fields__  # type: ignore[attr-defined]
        return cls(**{key.replace("-", "_"): value for key, value in values.items() if key.replace("-", "_") in names})


@dataclass(frozen=True, slots=True)
class Journal(Record):
    """The journal and the issue the article appears in (the journal's title is ``Metadata.journal_title``)."""

    issn: str = ""
    eissn: str = ""
    id: str = ""
    publisher_id: str = ""
    nlm_ta: str = ""
    publisher: str = ""
    year: str = ""
    month: str = ""
    volume: str = ""
    issue: str = ""
    fpage: str = ""
    lpage: str = ""


@dataclass(frozen=True, slots=True)
class Article(Record):
    """The article's identifiers, classification and dates (its column heading is ``Metadata.heading``)."""

    doi: str = ""
    type: str = ""
    clc: str = ""
    document_code: str = ""
    received: str = ""
    revised: str = ""
    accepted: str = ""
    published: str = ""
    copyright: str = ""
    copyright_year: str = ""
    license: str = ""
    license_text: str = ""


@dataclass(frozen=True, slots=True)
class Metadata:
    """Everything metadata.yaml says about the article."""

    path: str
    journal_title: Bilingual
    journal: Journal
    article: Article
    heading: Bilingual | None
    authors: tuple[Author, ...]
    affiliations: tuple[Affiliation, ...]
    funding: tuple[Funding, ...]
    conflict_of_interest: Bilingual | None
    lines: dict[str, int]  # dotted key → line, for rules that point at a field
    raw: Any = None  # the parsed YAML as it is (with lines), for the rules that check its shape
    source: SourceFile | None = None

    def affiliation(self, ident: str) -> Affiliation | None:
        """Return the affiliation with this id."""
        return next((a for a in self.affiliations if a.id == ident), None)

    def prose(self, lang: str) -> tuple[Span, ...]:
        """The running text of metadata.yaml in ``lang``: biographies, affiliation and funding names, COI."""
        fields = [a.bio for a in self.authors] + [a.name for a in self.affiliations] + [f.name for f in self.funding]
        fields.append(self.conflict_of_interest)
        spans = (field.span(lang) for field in fields if field is not None)
        return tuple(span for span in spans if span is not None)


def mapping_of(node: Any, key: str) -> dict:
    """``node[key]`` when it is a mapping, else an empty one."""
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, dict) else {}


def items_of(node: Any, key: str) -> list[tuple[Any, int]]:
    """The items of the list ``node[key]`` with their lines ([] when it is no list)."""
    value = node.get(key) if isinstance(node, dict) else None
    return [(item, key_line(value, i)) for i, item in enumerate(value)] if isinstance(value, list) else []


class Reader:
    """Reads metadata.yaml's values as they are: a missing or mistyped value reads as empty.

    Nothing here judges the content; the META rules do (type, presence, cross references).
    """

    def __init__(self, source: SourceFile) -> None:
        """Read from ``source``."""
        self.source = source

    def span(self, node: Any, key: str, value: str) -> Span | None:
        """Where a text value stands in metadata.yaml."""
        return value_span(self.source, node, key, value)

    def bilingual(self, node: Any, key: str | None = None) -> Bilingual | None:
        """``{zh: …, en: …}`` at ``node[key]`` (or ``node`` itself); None when absent or no mapping."""
        inner = node if key is None else (node.get(key) if isinstance(node, dict) else None)
        if not isinstance(inner, dict):
            return None
        zh, en = as_text(inner.get("zh")), as_text(inner.get("en"))
        line = node_line(inner) if key is None else key_line(node, key)
        column = node.lc.key(key)[1] + 1 if key is not None and isinstance(node, LineMap) else 0
        mistyped = tuple(lang for lang in ("zh", "en") if isinstance(inner.get(lang), (dict, list, bool)))
        return Bilingual(zh, en, line, key_line(inner, "zh") if "zh" in inner else 0, key_line(inner, "en") if "en" in inner else 0,
                         self.span(inner, "zh", zh), self.span(inner, "en", en), column, mistyped=mistyped)


def scalars(node: Any) -> dict[str, str]:
    """Every scalar field of a mapping as text."""
    return {str(k): as_text(v) for k, v in node.items() if v is not None and not isinstance(v, (dict, list))}


def parse_metadata(source: SourceFile) -> Metadata:
    """Read metadata.yaml into a Metadata object; only unparsable YAML is an InputError."""
    path = source.path
    raw = parse_yaml(source.text, path)
    root = raw if isinstance(raw, dict) else {}
    read = Reader(source)
    journal, article = mapping_of(root, "journal"), mapping_of(root, "article")
    lines: dict[str, int] = {}
    for name, node in (("journal", journal), ("article", article)):
        lines[name] = key_line(root, name) if name in root else 1
        for key in node:
            lines[f"{name}.{key}"] = key_line(node, key)
    affiliations = []
    for item, line in items_of(root, "affiliations"):
        aff = item if isinstance(item, dict) else {}
        name = read.bilingual(item) if isinstance(item, dict) else None
        affiliations.append(Affiliation(as_text(aff.get("id")), name or Bilingual("", "", line, absent=True), read.bilingual(aff, "city"),
                                        as_text(aff.get("postcode")), read.bilingual(aff, "country"), line))
    authors = []
    for item, line in items_of(root, "authors"):
        author = item if isinstance(item, dict) else {}
        ids = tuple(as_text(i) for i, _ in items_of(author, "affiliations") if as_text(i))
        authors.append(Author(read.bilingual(author, "name") or Bilingual("", "", line, absent=True), ids, author.get("corresponding") is True,
                              as_text(author.get("email")), as_text(author.get("orcid")), read.bilingual(author, "bio"), line))
    funding = []
    for item, line in items_of(root, "funding"):
        fund = item if isinstance(item, dict) else {}
        awards = tuple(as_text(a) for a, _ in items_of(fund, "awards"))
        funding.append(Funding(read.bilingual(fund, "name") or Bilingual("", "", line, absent=True), awards, line))
    return Metadata(
        path,
        read.bilingual(journal, "title") or Bilingual("", "", key_line(root, "journal"), absent=True),
        Journal.of(scalars(journal)),
        Article.of(scalars(article)),
        read.bilingual(article, "heading"),
        tuple(authors),
        tuple(affiliations),
        tuple(funding),
        read.bilingual(root, "conflict-of-interest"),
        lines,
        raw,
        source,
    )
