"""Metadata: titles, keywords, bilingual fields, author names, awards, e-mail, ISSN, DOI, dates."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator

from toolchain.check._text import CJK
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import RuleContext, rule
from toolchain.load import Project
from toolchain.load.metadata import Bilingual, Metadata
from toolchain.load.source import Location
from toolchain.names import normalise, romanise

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
ISSN = re.compile(r"(\d{4})-(\d{3})([\dX])")
DOI = re.compile(r"10\.\d{4,9}/\S+")
WIDE = re.compile("[\u3000-\u303f\uff00-\uffef\u3400-\u9fff]")  # full-width forms and CJK
DATE_KEYS = ("received", "revised", "accepted", "published")


def bilingual_fields(meta: Metadata) -> Iterator[tuple[str, Bilingual]]:
    """Every bilingual field of the metadata with its dotted name."""
    yield "journal.title", meta.journal_title
    if meta.heading:
        yield "article.heading", meta.heading
    for i, author in enumerate(meta.authors):
        yield f"authors[{i}].name", author.name
        if author.bio:
            yield f"authors[{i}].bio", author.bio
    for i, aff in enumerate(meta.affiliations):
        yield f"affiliations[{i}]", aff.name
        for part in ("city", "country"):
            value = getattr(aff, part)
            if value:
                yield f"affiliations[{i}].{part}", value
    for i, fund in enumerate(meta.funding):
        yield f"funding[{i}].name", fund.name
    if meta.conflict_of_interest:
        yield "conflict-of-interest", meta.conflict_of_interest


def at(meta: Metadata, line: int) -> Location:
    """A location in metadata.yaml."""
    return Location(meta.path, max(line, 1), 1)


@rule("META001", "title-empty")
def title_empty(ctx: RuleContext) -> Iterator[Finding]:
    """A front-matter title is empty in one language.

    Why: both titles are printed and indexed; an empty key passes the key check but prints nothing.
    Example: en.md ``title: ""`` while zh.md has ``title: 索拉非尼在急性髓系白血病中的应用``.
    """
    project = ctx.project
    for document, other in ((project.zh, project.en), (project.en, project.zh)):
        if "title" in document.front_lines and document.title is None:
            related = (other.title.start,) if other.title else ()
            yield Finding(Location(document.path, document.front_lines["title"], 1), "the title is empty", related=related)


@rule("META002", "keyword-count-mismatch")
def keyword_count_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """zh.md and en.md list different numbers of keywords.

    Why: keywords are printed side by side and must correspond one to one, in the same order.
    Example: zh ``keywords: [急性髓系白血病, 索拉非尼, 维持治疗]`` / en ``[acute myeloid leukemia, sorafenib]``.
    """
    project = ctx.project
    zh, en = project.zh, project.en
    if "keywords" in zh.front_lines and "keywords" in en.front_lines and len(zh.keywords) != len(en.keywords):
        yield Finding(Location(en.path, en.front_lines["keywords"], 1),
                      f"{len(en.keywords)} keywords in en.md but {len(zh.keywords)} in zh.md",
                      related=(Location(zh.path, zh.front_lines["keywords"], 1),))


@rule("META003", "bilingual-field-empty")
def bilingual_field_empty(ctx: RuleContext) -> Iterator[Finding]:
    """A bilingual metadata field is empty in one language.

    Why: the journal prints each field (affiliation, funding, COI, biography…) in both languages.
    Example: ``city: {zh: 广州, en: ""}``.
    """
    project = ctx.project
    meta = project.metadata
    for name, value in bilingual_fields(meta):
        for lang in ("zh", "en"):
            if not value.get(lang).strip():
                line = (value.zh_line if lang == "zh" else value.en_line) or value.line
                yield Finding(at(meta, line), f"{name}.{lang} is empty")


@rule("META004", "bilingual-field-language", Severity.WARNING)
def bilingual_field_language(ctx: RuleContext) -> Iterator[Finding]:
    """A bilingual metadata field has Chinese in its en value or none in its zh value.

    Why: swapped or untranslated values print the wrong language in one edition.
    Example: ``country: {zh: China, en: 中国}``.
    """
    project = ctx.project
    meta = project.metadata
    for name, value in bilingual_fields(meta):
        if CJK.search(value.en):
            yield Finding(at(meta, value.en_line or value.line), f"{name}.en “{value.en[:40]}” contains Chinese characters")
        if value.zh.strip() and not CJK.search(value.zh) and not (name.startswith("authors[") and name.endswith(".name")):
            yield Finding(at(meta, value.zh_line or value.line), f"{name}.zh “{value.zh[:40]}” contains no Chinese")


@rule("META005", "author-name-format")
def author_name_format(ctx: RuleContext) -> Iterator[Finding]:
    """An author's English name is not written FAMILY Given, family name in capitals.

    Why: the format contract (and GB/T 28039-2011 for Chinese names) writes “ZHANG Yu”.
    Example: ``name: {zh: 张钰, en: Zhang Yu}`` or ``Yu Zhang`` → ``ZHANG Yu``.
    """
    project = ctx.project
    meta = project.metadata
    for author in meta.authors:
        english = author.name.en.strip()
        parts = english.split()
        family, given = (parts[0], parts[1:]) if parts else ("", [])
        expected = romanise(author.name.zh)
        problem = ""
        if len(parts) < 2:
            problem = "has no given name after the family name"
        elif family != family.upper() or not re.search("[A-Z]", family):
            problem = "does not start with the family name in capitals"
        elif all(g == g.upper() and len(g) > 1 for g in given):
            problem = "writes the given name in capitals too"
        elif not given[0][:1].isupper():
            problem = "does not capitalise the given name"
        if problem:
            suggestion = expected.suggestion if expected else None
            hint = f"; write “{suggestion}”" if suggestion else ""
            yield Finding(at(meta, author.name.en_line or author.line), f"English name “{english}” {problem}{hint}",
                          suggestion=suggestion)


@rule("META006", "author-name-pinyin", Severity.WARNING)
def author_name_pinyin(ctx: RuleContext) -> Iterator[Finding]:
    """An author's English name is not the pinyin of the Chinese name.

    Why: a mistyped name splits the author's publications in indexes (surnames read as surnames: 单 Shan).
    Example: ``name: {zh: 张钰, en: ZHANG Yi}`` → ``ZHANG Yu``.
    """
    project = ctx.project
    meta = project.metadata
    for author in meta.authors:
        expected = romanise(author.name.zh)
        parts = author.name.en.split()
        if expected is None or len(parts) < 2:
            continue
        family, given = normalise(parts[0]), normalise("".join(parts[1:]))
        if family in expected.family and given in expected.given:
            continue
        yield Finding(at(meta, author.name.en_line or author.line),
                      f"English name “{author.name.en}” is not the pinyin of “{author.name.zh}”; expected “{expected.suggestion}”",
                      suggestion=expected.suggestion)


@rule("META007", "given-name-split", Severity.WARNING)
def given_name_split(ctx: RuleContext) -> Iterator[Finding]:
    """A Chinese author's given name is written as separate syllables.

    Why: GB/T 28039-2011 writes a given name as one word: “YAO Zurong”, not “YAO Zu Rong” or “Zu-rong”.
    Example: ``name: {zh: 姚足容, en: YAO Zu-rong}`` → ``YAO Zurong``.
    """
    project = ctx.project
    meta = project.metadata
    for author in meta.authors:
        parts = author.name.en.split()
        if romanise(author.name.zh) is None or len(parts) < 2:
            continue
        given = parts[1:]
        if len(given) > 1 or "-" in given[0] or re.search("[a-z][A-Z]", given[0]):
            joined = "".join(given).replace("-", "").lower().capitalize()
            yield Finding(at(meta, author.name.en_line or author.line),
                          f"given name “{' '.join(given)}” is split; write it as one word: “{parts[0]} {joined}”",
                          suggestion=f"{parts[0]} {joined}")


@rule("META008", "award-number-malformed")
def award_number_malformed(ctx: RuleContext) -> Iterator[Finding]:
    """An award number is empty or has spaces, separators or full-width characters.

    Why: award numbers are identifiers (JATS ``award-id``); “No.”, two numbers in one item or ２０２１ break them.
    Example: ``awards: ["No. 2021YFC2500300"]`` → ``awards: [2021YFC2500300]``.
    """
    project = ctx.project
    meta = project.metadata
    for fund in meta.funding:
        for award in fund.awards:
            problem = ""
            if not award:
                problem = "is empty"
            elif re.match(r"(?i)no\b\.?|№", award):
                problem = "starts with “No”; give the number only"
            elif re.search(r"[\s,;、，；]", award):
                problem = "holds spaces or separators; list each number as its own item"
            elif WIDE.search(award):
                problem = "holds full-width or Chinese characters"
            if problem:
                yield Finding(at(meta, line_of(project, award, fund.line)), f"award number “{award}” {problem}")


def line_of(project: Project, value: str, start: int) -> int:
    """The metadata.yaml line holding ``value`` at or after ``start`` (``start`` when not found)."""
    source = next((s for s in project.sources if s.path == project.metadata.path), None)
    if source is None or not value:
        return start
    found = source.text.find(value, source.offset(start))
    return source.position(found)[0] if found >= 0 else start


@rule("META009", "corresponding-author-email")
def corresponding_author_email(ctx: RuleContext) -> Iterator[Finding]:
    """No corresponding author, or an author's e-mail address is missing or malformed.

    Why: the journal prints the corresponding author's address; JATS needs a well-formed ``email``.
    Example: ``corresponding: true`` with ``email: scidzy＠163.com`` or no email at all.
    """
    project = ctx.project
    meta = project.metadata
    if not any(a.corresponding for a in meta.authors):
        yield Finding(at(meta, meta.authors[0].line), "no author is marked corresponding: true")
    for author in meta.authors:
        where = at(meta, line_of(project, "email", author.line) if author.email else author.line)
        if author.email and not EMAIL.fullmatch(author.email):
            yield Finding(where, f"e-mail address “{author.email}” of {author.name.en or author.name.zh} is malformed")
        elif author.corresponding and not author.email:
            yield Finding(where, f"corresponding author {author.name.en or author.name.zh} has no email")


def issn_check_digit(digits: str) -> str:
    """The ISSN check character of the first seven digits (ISO 3297, modulus 11)."""
    remainder = (11 - sum(int(d) * w for d, w in zip(digits, range(8, 1, -1))) % 11) % 11
    return "X" if remainder == 10 else str(remainder)


@rule("META010", "issn-invalid")
def issn_invalid(ctx: RuleContext) -> Iterator[Finding]:
    """A journal ISSN is not NNNN-NNNC or its check digit is wrong.

    Why: a wrong ISSN misfiles the article in every index (ISO 3297).
    Example: ``issn: "1004-2805"`` (the check digit of 1004-280 is 6).
    """
    project = ctx.project
    meta = project.metadata
    for key, value in meta.journal.items():
        if "issn" not in key.lower():
            continue
        where = at(meta, meta.lines.get(f"journal.{key}", 1))
        match = ISSN.fullmatch(value.strip().upper())
        if not match:
            yield Finding(where, f"journal.{key} “{value}” is not an ISSN of the form 1234-567X")
        elif issn_check_digit(match.group(1) + match.group(2)) != match.group(3):
            right = issn_check_digit(match.group(1) + match.group(2))
            yield Finding(where, f"journal.{key} “{value}” has a wrong check digit (expected {right})",
                          suggestion=f"{match.group(1)}-{match.group(2)}{right}")


@rule("META011", "doi-malformed")
def doi_malformed(ctx: RuleContext) -> Iterator[Finding]:
    """The article DOI is not a bare ``10.prefix/suffix`` or names another ISSN.

    Why: JATS ``article-id`` takes the bare DOI; a URL prefix or a stray space breaks the link.
    Example: ``doi: https://doi.org/10.13201/j.issn.1004-2806.2024.05.005`` → ``10.13201/…``.
    """
    project = ctx.project
    meta = project.metadata
    doi = meta.article.get("doi", "")
    if not doi:
        return
    where = at(meta, meta.lines.get("article.doi", 1))
    bare = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
    if bare != doi:
        yield Finding(where, f"DOI “{doi}” carries a prefix; write the bare DOI “{bare}”", suggestion=bare)
    elif not DOI.fullmatch(doi) or WIDE.search(doi):
        yield Finding(where, f"DOI “{doi}” is not of the form 10.prefix/suffix")
    issn = meta.journal.get("issn", "")
    named = re.search(r"issn\.(\d{4}-\d{3}[\dX])", doi, re.IGNORECASE)
    if named and issn and named.group(1).upper() != issn.upper():
        yield Finding(where, f"DOI “{doi}” names ISSN {named.group(1)} but journal.issn is {issn}")


@rule("META012", "date-invalid")
def date_invalid(ctx: RuleContext) -> Iterator[Finding]:
    """An article date does not exist (2024-02-30) or the dates are out of order.

    Why: received ≤ revised ≤ accepted ≤ published; an impossible date fails JATS validation.
    Example: ``received: 2024-03-20`` with ``accepted: 2024-03-02``.
    """
    project = ctx.project
    meta = project.metadata
    dates: list[tuple[str, datetime.date]] = []
    for key in DATE_KEYS:
        value = meta.article.get(key)
        if not value:
            continue
        where = at(meta, meta.lines.get(f"article.{key}", 1))
        try:
            dates.append((key, datetime.date.fromisoformat(value)))
        except ValueError:
            yield Finding(where, f"article.{key} “{value}” is not a calendar date")
    for (key_a, a), (key_b, b) in itertools.pairwise(dates):
        if b < a:
            yield Finding(at(meta, meta.lines.get(f"article.{key_b}", 1)), f"article.{key_b} {b} is before article.{key_a} {a}",
                          related=(at(meta, meta.lines.get(f"article.{key_a}", 1)),))


@rule("META020", "permissions-missing", Severity.WARNING)
def permissions_missing(ctx: RuleContext) -> Iterator[Finding]:
    """The metadata gives neither a copyright holder nor a licence for the article.

    Why: JATS ``<permissions>`` is required by JATS4R and by most archives; it is written only from
    ``article.copyright`` / ``article.license`` and never invented.
    Example: add ``copyright: 临床血液学杂志编辑部`` or ``license: https://creativecommons.org/licenses/by/4.0/`` under ``article``.
    """
    meta = ctx.project.metadata
    fields = {**meta.journal, **meta.article}
    if not fields.get("copyright") and not fields.get("license"):
        yield Finding(at(meta, meta.lines.get("article", 1)),
                      "no article.copyright or article.license: the JATS has no <permissions> (JATS4R requires them)")
