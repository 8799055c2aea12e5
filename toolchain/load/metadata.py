"""metadata.yaml: journal, article, authors, affiliations, funding — typed, with line numbers."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from toolchain.errors import InputError
from toolchain.load._yaml import Fields, parse_yaml
from toolchain.load.source import SourceFile


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text given in Chinese and English, with the line of each."""

    zh: str
    en: str
    line: int
    zh_line: int = 0
    en_line: int = 0

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en


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


@dataclass(frozen=True, slots=True)
class Metadata:
    """Everything metadata.yaml says about the article."""

    path: str
    journal_title: Bilingual
    journal: dict[str, str]  # issn, volume, issue, fpage, lpage, year, publisher …
    article: dict[str, str]  # doi, type, clc, document-code, received …
    heading: Bilingual | None
    authors: tuple[Author, ...]
    affiliations: tuple[Affiliation, ...]
    funding: tuple[Funding, ...]
    conflict_of_interest: Bilingual | None
    lines: dict[str, int]  # dotted key → line, for rules that point at a field

    def affiliation(self, ident: str) -> Affiliation | None:
        """Return the affiliation with this id."""
        return next((a for a in self.affiliations if a.id == ident), None)


def bilingual(fields: Fields, key: str, *, required: bool = True) -> Bilingual | None:
    """Read ``{zh: …, en: …}``; a plain string counts as both languages only if not required."""
    inner = fields.mapping(key, required=required)
    if inner is None:
        return None
    return Bilingual(
        inner.text("zh"), inner.text("en"), inner.line, inner.line_of("zh"), inner.line_of("en")
    )


def scalars(fields: Fields) -> dict[str, str]:
    """Every scalar field of a mapping as text."""
    return {str(k): fields.text(str(k)) for k, v in fields.node.items() if v is not None and not isinstance(v, (dict, list))}


def is_date(value: str) -> bool:
    """Whether ``value`` is a real calendar date written YYYY-MM-DD (2024-02-30 is not)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_metadata(source: SourceFile) -> Metadata:
    """Parse metadata.yaml into a Metadata object, checking types and cross references."""
    path = source.path
    root = Fields(parse_yaml(source.text, path), path, "")
    lines: dict[str, int] = {}
    journal = root.mapping("journal")
    article = root.mapping("article", required=False) or Fields({}, path, "article", line=1)
    for name, node in (("journal", journal), ("article", article)):
        lines[name] = node.line
        for key in node.node:
            lines[f"{name}.{key}"] = node.line_of(str(key))
    affiliations = []
    seen: dict[str, int] = {}
    for index, (item, line) in enumerate(root.items("affiliations", required=False)):
        aff = Fields(item, path, f"affiliations[{index}]", line=line)
        ident = aff.text("id")
        if ident in seen:
            raise InputError(path, line, f"affiliation id {ident!r} is defined twice (first at line {seen[ident]})")
        seen[ident] = line
        affiliations.append(
            Affiliation(
                ident,
                Bilingual(aff.text("zh"), aff.text("en"), line, aff.line_of("zh"), aff.line_of("en")),
                bilingual(aff, "city", required=False),
                aff.text("postcode", required=False),
                bilingual(aff, "country", required=False),
                line,
            )
        )
    authors = []
    author_items = root.items("authors")
    if not author_items:
        raise InputError(path, root.line_of("authors"), "authors is empty: list at least one author")
    for index, (item, line) in enumerate(author_items):
        author = Fields(item, path, f"authors[{index}]", line=line)
        ids = author.texts("affiliations", required=False)
        for ident in ids:
            if ident not in seen:
                raise InputError(path, author.line_of("affiliations"), f"authors[{index}] names affiliation {ident!r}, which affiliations does not define")
        authors.append(
            Author(
                bilingual(author, "name"),
                ids,
                author.node.get("corresponding", False) is True,  # "no" or "false" in quotes is a string, not true
                author.text("email", required=False),
                author.text("orcid", required=False),
                bilingual(author, "bio", required=False),
                line,
            )
        )
    funding = []
    for index, (item, line) in enumerate(root.items("funding", required=False)):
        fund = Fields(item, path, f"funding[{index}]", line=line)
        funding.append(Funding(bilingual(fund, "name"), fund.texts("awards", required=False), line))
    journal_scalars = scalars(journal)
    article_scalars = scalars(article)
    for key in ("received", "accepted", "published"):
        value = article_scalars.get(key)
        if value and not is_date(value):
            raise InputError(path, article.line_of(key), f"article.{key} must be a date YYYY-MM-DD, found {value!r}")
    return Metadata(
        path,
        bilingual(journal, "title"),
        journal_scalars,
        article_scalars,
        bilingual(article, "heading", required=False),
        tuple(authors),
        tuple(affiliations),
        tuple(funding),
        bilingual(root, "conflict-of-interest", required=False),
        lines,
    )
