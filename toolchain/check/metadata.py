"""Metadata: titles, keywords, bilingual fields, author names, awards, e-mail, ISSN, DOI, dates."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from toolchain import cjk
from toolchain.check._align import keyword_order
from toolchain.check._shape import schema, shape_findings
from toolchain.check._text import CJK
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import RuleContext, rule
from toolchain.load import Project, key_line, parse_yaml
from toolchain.load.metadata import Bilingual, Metadata
from toolchain.load.source import Location
from toolchain.names import normalise, readings, romanise

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
ISSN = re.compile(r"(\d{4})-(\d{3})([\dX])")
DOI = re.compile(r"10\.\d{4,9}/\S+")
WIDE = re.compile(f"[{cjk.WIDE}{cjk.HAN}]")  # full-width forms and CJK
DATE_KEYS = ("received", "revised", "accepted", "published")
DATA = Path(__file__).resolve().parent.parent / "data"
PLACES_FILE = DATA / "places.yaml"


OPTIONAL = re.compile(r"article\.heading|authors\[\d+\]\.bio|affiliations\[\d+\]\.(?:city|country)|funding\[\d+\]\.name|conflict-of-interest")


def bilingual_fields(meta: Metadata) -> Iterator[tuple[str, Bilingual]]:
    """Every bilingual field of the metadata with its dotted name (OPTIONAL matches the optional ones)."""
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


def at(meta: Metadata, line: int, column: int = 0) -> Location:
    """A location in metadata.yaml: the line's first character unless a column is given."""
    line = max(line, 1)
    if not column and meta.source is not None:
        text = meta.source.line_text(line)
        column = len(text) - len(text.lstrip()) + 1
    return Location(meta.path, line, column or 1)


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


KEYWORD_SEPARATORS = re.compile(r"[；;，,、]")  # what authors join keywords with when they type them as one


@rule("META002", "keyword-count-mismatch")
def keyword_count_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """zh.md and en.md list different numbers of keywords.

    Why: keywords are printed side by side and must correspond one to one, in the same order.
    Example: zh ``keywords: [急性髓系白血病, 索拉非尼, 维持治疗]`` / en ``[acute myeloid leukemia, sorafenib]``.
    """
    project = ctx.project
    zh, en = project.zh, project.en
    if "keywords" not in zh.front_lines or "keywords" not in en.front_lines or len(zh.keywords) == len(en.keywords):
        return
    joined = False
    for document, other in ((zh, en), (en, zh)):
        if len(document.keywords) >= len(other.keywords):
            continue
        for keyword in document.keywords:  # keywords typed as one string with separators: said there, once per keyword
            parts = [part.strip() for part in KEYWORD_SEPARATORS.split(keyword.text) if part.strip()]
            if len(parts) > 1:
                joined = True
                yield Finding(keyword.start, f"keyword “{keyword.text[:40]}” holds {len(parts)} keywords joined by separators: "
                              f"list them one by one ([{', '.join(parts[:3])}{', …' if len(parts) > 3 else ''}])",
                              related=(Location(other.path, other.front_lines["keywords"], 1),))
    if joined:
        return
    yield Finding(Location(en.path, en.front_lines["keywords"], 1),
                  f"{len(en.keywords)} keywords in en.md but {len(zh.keywords)} in zh.md",
                  related=(Location(zh.path, zh.front_lines["keywords"], 1),))


@rule("META021", "keyword-order-mismatch")
def keyword_order_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """zh.md and en.md list the same keywords in another order.

    Why: keywords are printed side by side and must correspond one to one, in the same order; a
    reordering is one finding here, and the term rules compare each keyword with its counterpart.
    Example: zh ``keywords: [索拉非尼, 急性髓系白血病]`` / en ``[acute myeloid leukemia, sorafenib]``.
    """
    project = ctx.project
    order = keyword_order(project)
    if order is None:
        return
    zh, en = project.zh.keywords, project.en.keywords
    first = next(i for i, j in enumerate(order) if i != j)  # the first place where the lists differ
    counterpart = order.index(first)
    wanted = ", ".join(en[j].text for j in order)
    yield Finding(en[first].location(0, len(en[first].text)),
                  f"keyword {first + 1} of en.md, “{en[first].text}”, answers keyword {counterpart + 1} of zh.md, “{zh[counterpart].text}”: "
                  f"list the keywords in the same order; write [{wanted}]",
                  related=(zh[counterpart].location(0, len(zh[counterpart].text)),), suggestion=f"[{wanted}]")


def one_language(meta: Metadata, *, optional: bool) -> Iterator[Finding]:
    """Findings for bilingual fields missing or empty in one language (the optional fields, or the others)."""
    for name, value in bilingual_fields(meta):
        if bool(OPTIONAL.fullmatch(name)) != optional or value.absent:
            continue  # a required field absent as a whole is META013's
        given = [lang for lang in ("zh", "en") if value.get(lang).strip() or lang in value.mistyped]  # mistyped: META013's
        if optional and not given:
            continue  # an optional field left out in both languages is simply absent
        for lang in ("zh", "en"):
            if lang in given:
                continue
            line = value.zh_line if lang == "zh" else value.en_line
            state = "empty" if line else "missing"
            other = value.span("en" if lang == "zh" else "zh")
            where = at(meta, line) if line else at(meta, value.line, value.column)
            if optional:
                yield Finding(where, f"{name} is given in {'Chinese' if lang == 'en' else 'English'} only ({name}.{lang} is {state}); "
                              "the other edition prints none", related=(other.start,) if other else ())
            else:
                yield Finding(where, f"{name}.{lang} is {state}", related=(other.start,) if other else ())


@rule("META003", "bilingual-field-empty")
def bilingual_field_empty(ctx: RuleContext) -> Iterator[Finding]:
    """A required bilingual metadata field is missing or empty in one language.

    Why: the journal prints the journal title, author names and affiliations in both languages.
    Example: ``name: {zh: 张钰}`` or an affiliation with ``en: ""``.
    """
    yield from one_language(ctx.project.metadata, optional=False)


@rule("META014", "optional-field-one-language", Severity.WARNING)
def optional_field_one_language(ctx: RuleContext) -> Iterator[Finding]:
    """An optional bilingual field (biography, funding, COI …) is in one language only.

    Why: optional fields may be left out, but one given in Chinese only leaves the English edition without it
    (common in Chinese journals, whose English front matter often has no funding or COI line).
    Example: ``bio: {zh: 张钰，副主任医师…}`` with no ``en``.
    """
    yield from one_language(ctx.project.metadata, optional=True)


@rule("META004", "bilingual-field-language", Severity.WARNING)
def bilingual_field_language(ctx: RuleContext) -> Iterator[Finding]:
    """A bilingual metadata field has Chinese in its en value or none in its zh value.

    Why: swapped or untranslated values print the wrong language in one edition.
    Example: ``country: {zh: China, en: 中国}``.
    """
    project = ctx.project
    meta = project.metadata
    for name, value in bilingual_fields(meta):
        author_name = name.startswith("authors[") and name.endswith(".name")  # its English form is META005's
        if CJK.search(value.en) and not author_name:
            yield Finding(at(meta, value.en_line or value.line), f"{name}.en “{value.en[:40]}” contains Chinese characters")
        if value.zh.strip() and not CJK.search(value.zh) and not author_name:
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
        if not english:
            continue  # a missing name is META003's
        parts = english.split()
        family, given = (parts[0], parts[1:]) if parts else ("", [])
        expected = romanise(author.name.zh)
        problem = ""
        if CJK.search(english):
            problem = "is written in Chinese characters"
        elif len(parts) < 2:
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
    return found_at(project.metadata, value, start).line


def found_at(meta: Metadata, value: str, start: int) -> Location:
    """Where ``value`` first stands in metadata.yaml at or after line ``start`` (that line when not found)."""
    source = meta.source
    found = source.text.find(value, source.offset(start)) if source is not None and value else -1
    return Location(meta.path, *source.position(found)) if found >= 0 else at(meta, start)


@rule("META009", "corresponding-author-email")
def corresponding_author_email(ctx: RuleContext) -> Iterator[Finding]:
    """No corresponding author, or an author's e-mail address is missing or malformed.

    Why: the journal prints the corresponding author's address; JATS needs a well-formed ``email``.
    Example: ``corresponding: true`` with ``email: scidzy＠163.com`` or no email at all.
    """
    project = ctx.project
    meta = project.metadata
    if meta.authors and not any(a.corresponding for a in meta.authors):
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
    for key, value in (("issn", meta.journal.issn), ("eissn", meta.journal.eissn)):
        if not value:
            continue
        where = at(meta, meta.lines.get(f"journal.{key}", 1))
        match = ISSN.fullmatch(value.strip().upper())
        if not match:
            yield Finding(where, f"journal.{key} “{value}” is not an ISSN of the form 1234-567X")
        elif issn_check_digit(match.group(1) + match.group(2)) != match.group(3):
            right = issn_check_digit(match.group(1) + match.group(2))
            yield Finding(where, f"journal.{key} “{value}” has a wrong check digit (expected {right})",
                          suggestion=f"{match.group(1)}-{match.group(2)}{right}")


ORCID = re.compile(r"(?:https?://orcid\.org/)?(\d{4})-(\d{4})-(\d{4})-(\d{3})([\dX])")


def orcid_check_digit(digits: str) -> str:
    """The ORCID check character of the first fifteen digits (ISO 7064 MOD 11-2)."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


@rule("META019", "orcid-invalid")
def orcid_invalid(ctx: RuleContext) -> Iterator[Finding]:
    """An author's ORCID iD is malformed or its check digit is wrong.

    Why: a mistyped iD links the article to nobody, or to another researcher (ISO 7064 MOD 11-2).
    Example: ``orcid: 0000-0002-1825-0098`` (the check digit of 0000-0002-1825-009 is 7).
    """
    project = ctx.project
    meta = project.metadata
    for author in meta.authors:
        if not author.orcid:
            continue
        where = at(meta, line_of(project, "orcid", author.line))
        match = ORCID.fullmatch(author.orcid.strip().upper().replace("HTTPS://ORCID.ORG/", "https://orcid.org/"))
        if not match:
            yield Finding(where, f"ORCID “{author.orcid}” of {author.name.en or author.name.zh} is not of the form 0000-0000-0000-000X")
            continue
        right = orcid_check_digit("".join(match.groups()[:4]))
        if right != match.group(5):
            fixed = "-".join(match.groups()[:3]) + f"-{match.group(4)}{right}"
            yield Finding(where, f"ORCID “{author.orcid}” of {author.name.en or author.name.zh} has a wrong check digit (expected {right})",
                          suggestion=fixed)


@rule("META011", "doi-malformed")
def doi_malformed(ctx: RuleContext) -> Iterator[Finding]:
    """The article DOI is not a bare ``10.prefix/suffix`` or names another ISSN.

    Why: JATS ``article-id`` takes the bare DOI; a URL prefix or a stray space breaks the link.
    Example: ``doi: https://doi.org/10.13201/j.issn.1004-2806.2024.05.005`` → ``10.13201/…``.
    """
    project = ctx.project
    meta = project.metadata
    doi = meta.article.doi
    if not doi:
        return
    where = at(meta, meta.lines.get("article.doi", 1))
    bare = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
    if bare != doi:
        yield Finding(where, f"DOI “{doi}” carries a prefix; write the bare DOI “{bare}”", suggestion=bare)
    elif not DOI.fullmatch(doi) or WIDE.search(doi):
        yield Finding(where, f"DOI “{doi}” is not of the form 10.prefix/suffix")
    issn = meta.journal.issn
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
        where = found_at(meta, value, meta.lines.get(f"article.{key}", 1))
        try:
            dates.append((key, datetime.date.fromisoformat(value)))
        except ValueError:
            yield Finding(where, f"article.{key} “{value}” is not a calendar date")
    for (key_a, a), (key_b, b) in itertools.pairwise(dates):
        if b < a:
            yield Finding(at(meta, meta.lines.get(f"article.{key_b}", 1)), f"article.{key_b} {b} is before article.{key_a} {a}",
                          related=(at(meta, meta.lines.get(f"article.{key_a}", 1)),))


@rule("META013", "metadata-structure")
def metadata_structure(ctx: RuleContext) -> Iterator[Finding]:
    """A required metadata key is missing, or a metadata value has the wrong type.

    Why: a value of the wrong shape (text for a list, a list for text) is read as empty, so it prints nothing.
    Example: ``keywords: "索拉非尼, 急性髓系白血病"`` → ``keywords: [索拉非尼, 急性髓系白血病]``; no ``authors``.
    """
    project = ctx.project
    meta = project.metadata
    yield from shape_findings(meta.path, meta.raw if meta.raw is not None else {}, schema()["metadata.yaml"], "", 1, 1)
    for document in project.documents:
        if document.front is not None:
            yield from shape_findings(document.path, document.front, schema()["front matter"], "", 2, 1, 2, "the front matter")


@rule("META015", "affiliation-undefined")
def affiliation_undefined(ctx: RuleContext) -> Iterator[Finding]:
    """An author names an undefined affiliation id, or an id is defined twice.

    Why: the outputs number affiliations by their id; an unknown id drops the author's affiliation.
    Example: ``affiliations: [nfh2]`` where affiliations defines ``id: nfh``.
    """
    meta = ctx.project.metadata
    seen: dict[str, int] = {}
    for aff in meta.affiliations:
        if aff.id in seen:
            yield Finding(found_at(meta, aff.id, aff.line),
                          f"affiliation id “{aff.id}” is defined twice (first at line {seen[aff.id]})", related=(at(meta, seen[aff.id]),))
        elif aff.id:
            seen[aff.id] = aff.line
    for index, author in enumerate(meta.authors):
        for ident in author.affiliations:
            if ident not in seen:
                known = ", ".join(seen) or "none"
                yield Finding(found_at(meta, ident, author.line),
                              f"authors[{index}] names affiliation “{ident}”, which affiliations does not define (defined: {known})")


PUBLICATION_KEYS = (("article", "doi", "the article DOI"), ("journal", "year", "the year"), ("journal", "volume", "the volume"),
                    ("journal", "issue", "the issue"))


@rule("META016", "publication-data-missing", Severity.WARNING)
def publication_data_missing(ctx: RuleContext) -> Iterator[Finding]:
    """The article has no DOI, year, volume or issue, or a published one no dates.

    Why: the outputs print the citation line (2024, 37(5): 306-311), the DOI and the history; a missing
    element leaves the slot out, which an editor should decide, not discover in print.
    Example: metadata.yaml without ``article.doi``; ``volume`` and ``issue`` given but no ``received``.
    """
    meta = ctx.project.metadata
    values = {"journal": meta.journal, "article": meta.article}
    if not isinstance(meta.raw, dict) or not isinstance(meta.raw.get("journal"), dict):
        return  # no metadata or no journal at all: META013 says so
    for section, key, what in PUBLICATION_KEYS:
        if not values[section].get(key):
            line = key_line(meta.raw, section) if isinstance(meta.raw, dict) and section in meta.raw else 1
            yield Finding(at(meta, line), f"{section}.{key} is missing: {what} is left out of the outputs")
    if meta.journal.get("volume") and not any(meta.article.get(k) for k in DATE_KEYS):
        line = key_line(meta.raw, "article") if isinstance(meta.raw, dict) and "article" in meta.raw else 1
        yield Finding(at(meta, line), "the article is published (journal.volume is given) but has no date: "
                      "give article.received (and accepted, published)")


@rule("META018", "page-range-invalid")
def page_range_invalid(ctx: RuleContext) -> Iterator[Finding]:
    """The first or last page is no page number, or the last precedes the first.

    Why: the citation line, the masthead and the JATS print fpage-lpage as given (306-299 misprints the article).
    Example: ``fpage: 306`` with ``lpage: 299``; ``lpage: 31l``.
    """
    meta = ctx.project.metadata
    pages = {key: str(meta.journal.get(key) or "").strip() for key in ("fpage", "lpage")}
    bad = False
    for key, value in pages.items():
        if value and not re.fullmatch(r"[A-Za-z]?\d+", value):
            bad = True
            yield Finding(found_at(meta, value, meta.lines.get(f"journal.{key}", 1)), f"journal.{key} “{value}” is not a page number")
    first, last = (re.sub(r"\D", "", pages[k]) for k in ("fpage", "lpage"))
    if not bad and first and last and int(last) < int(first):
        yield Finding(found_at(meta, pages["lpage"], meta.lines.get("journal.lpage", 1)),
                      f"journal.lpage {pages['lpage']} is before journal.fpage {pages['fpage']}",
                      related=(at(meta, meta.lines.get("journal.fpage", 1)),))


@cache
def places() -> dict[str, dict[str, tuple[str, ...]]]:
    """Chinese place names with the English names and pinyin they may be written as (toolchain/data/places.yaml)."""
    data = parse_yaml(PLACES_FILE.read_text(encoding="utf-8"), "places.yaml")
    return {kind: {str(zh): tuple(str(n) for n in names) for zh, names in data[kind].items()} for kind in ("cities", "countries")}


def folded(name: str) -> str:
    """A place name compared loosely: letters only, lower case, without a trailing City / County / District."""
    return re.sub(r"(?:city|county|district)$", "", re.sub(r"[^a-z]", "", name.lower()))


def bare_name(zh: str) -> str:
    """A Chinese place name without a trailing 市, 县 or 区 (广州市 → 广州; 北区 stays)."""
    bare = zh.strip()
    return bare[:-1] if len(bare) > 2 and bare[-1] in "市县区" else bare


def counterparts(zh: str, kind: str) -> tuple[str, ...]:
    """The English names a Chinese city or country may be written as: the table's, else (a city) its pinyin readings."""
    bare = bare_name(zh)
    names = places()[kind].get(bare)
    if names is not None or kind != "cities":
        return names or ()
    if not bare or len(bare) > 4 or not all(CJK.match(c) for c in bare):
        return ()
    return tuple(r.capitalize() for r in readings(bare))  # every reading of a polyphonic name (佛冈: Fugang, Fogang …)


@rule("META017", "affiliation-place-mismatch", Severity.WARNING)
def affiliation_place_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """An affiliation's English city or country is not the Chinese one's counterpart.

    Why: a copied affiliation keeps the other institution's city; the indexes file the author there.
    Example: ``city: {zh: 广州, en: Shenzhen}`` → ``Guangzhou``. Known names are data (toolchain/data/places.yaml);
    another city must be written in one of its pinyin readings (佛冈 Fogang).
    """
    meta = ctx.project.metadata
    for index, aff in enumerate(meta.affiliations):
        for part, kind in (("city", "cities"), ("country", "countries")):
            value = getattr(aff, part)
            if value is None or not value.zh.strip() or not value.en.strip():
                continue
            names = counterparts(value.zh, kind)
            if not names or folded(value.en) in {folded(n) for n in names}:
                continue
            listed = bare_name(value.zh) in places()[kind]
            advice = f"write “{names[0]}”" if listed else f"write its pinyin (“{names[0]}”, or another reading of {value.zh})"
            yield Finding(at(meta, value.en_line or value.line, value.en_span.start.column if value.en_span else 0),
                          f"affiliations[{index}].{part}.en “{value.en}” is not {value.zh}: {advice}", suggestion=names[0] if listed else None)


@rule("META020", "permissions-missing", Severity.WARNING)
def permissions_missing(ctx: RuleContext) -> Iterator[Finding]:
    """The metadata gives neither a copyright holder nor a licence for the article.

    Why: JATS ``<permissions>`` is required by JATS4R and by most archives; it is written only from
    ``article.copyright`` / ``article.license`` and never invented.
    Example: add ``copyright: 临床血液学杂志编辑部`` or ``license: https://creativecommons.org/licenses/by/4.0/`` under ``article``.
    """
    meta = ctx.project.metadata
    if not meta.article.copyright and not meta.article.license:
        yield Finding(at(meta, meta.lines.get("article", 1)),
                      "no article.copyright or article.license: the JATS has no <permissions> (JATS4R requires them)")
