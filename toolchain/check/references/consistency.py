"""References checked against each other, with no record: name variants, missing fields, page, journal and title forms.

The tables (common fields, page forms, title abbreviations) are toolchain/data/bib-consistency.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.references._bib import duplicate_pairs, field_location
from toolchain.check.references._data import DATA
from toolchain.check.registry import RuleContext, rule
from toolchain.load import parse_yaml
from toolchain.load.bibliography import CJK, Entry, Name, latex_to_unicode
from toolchain.load.source import Location
from toolchain.verify.compare import family_key, initials

CONSISTENCY_FILE = DATA / "bib-consistency.yaml"
NAME_FIELDS = ("author", "editor")
GLUED_PAREN = re.compile(r"(?<=[a-z]{3})\((?=[A-Za-z])|(?<=\S)\((?=[A-Z][a-z])")
SPACE_BEFORE = re.compile(r"(?<=\w) +([;:,.!?])(?=\s|$)")
DOUBLE_SPACE = re.compile(r"\S( {2,})\S")


@dataclass(frozen=True, slots=True)
class Consistency:
    """The record-free tables."""

    min_entries: int
    share: float
    fields: dict[str, tuple[str, ...]]
    unless_article_number: frozenset[str]
    pages: tuple[re.Pattern[str], ...]
    abbreviations: frozenset[str]


@cache
def tables() -> Consistency:
    """Read toolchain/data/bib-consistency.yaml once."""
    data = parse_yaml(CONSISTENCY_FILE.read_text(encoding="utf-8"), "toolchain/data/bib-consistency.yaml")
    common = data["common-fields"]
    return Consistency(int(common["min-entries"]), float(common["share"]),
                       {str(k): tuple(v) for k, v in common["fields"].items()}, frozenset(common.get("unless-article-number") or ()),
                       tuple(re.compile(p) for p in data["pages"]), frozenset(str(a) for a in data["title-abbreviations"]))


def plain(value: str) -> str:
    """A field value without protective braces (positions kept for reporting by needle)."""
    return value.replace("{", "").replace("}", "")


def spelling_weight(family: str) -> tuple[int, int]:
    """How much a spelling tells: letters with diacritics, then capitals (Röllig, DiNardo over Rollig, Dinardo)."""
    decomposed = unicodedata.normalize("NFD", family)
    return sum(unicodedata.combining(ch) > 0 for ch in decomposed), sum(ch.isupper() for ch in family)


@rule("REF019", "name-variant", Severity.WARNING)
def name_variant(ctx: RuleContext) -> Iterator[Finding]:
    """One person's name is spelled differently in two entries (Rollig / Röllig).

    Why: one person, one spelling: indexes and readers take variants for different people, and
    dropped diacritics are the commonest author error. Names are clustered by family name with
    accents, case, spaces and hyphens folded, and by first initial; the spelling with the most
    diacritics and capitals is suggested.
    """
    project = ctx.project
    clusters: dict[tuple[str, str], list[tuple[Entry, str, Name]]] = defaultdict(list)
    for entry in project.bibliography.entries:
        for field in NAME_FIELDS:
            for name in entry.authors(field):
                if name.literal or not name.family or CJK.search(name.family):
                    continue
                clusters[(family_key(name.family), initials(name.given)[:1])].append((entry, field, name))
    for members in clusters.values():
        spellings = Counter(latex_to_unicode(name.family) for _, _, name in members)
        if len(spellings) < 2:
            continue
        best = max(spellings, key=lambda s: (*spelling_weight(s), spellings[s]))
        model = next((e, f) for e, f, n in members if latex_to_unicode(n.family) == best)
        reported: set[tuple[str, str]] = set()
        for entry, field, name in members:
            spelled = latex_to_unicode(name.family)
            if spelled == best or (entry.key, spelled) in reported:
                continue
            reported.add((entry.key, spelled))
            yield Finding(field_location(project, entry, field, name.family),
                          f"“{entry.key}”: {field} “{name.family}” is spelled “{best}” in “{model[0].key}” (line {model[0].line_of(model[1])}); "
                          "one person, one spelling", related=(field_location(project, model[0], model[1], best),), suggestion=best)


@rule("REF020", "field-usually-present", Severity.WARNING)
def field_usually_present(ctx: RuleContext) -> Iterator[Finding]:
    """An entry lacks a field most entries of its type carry (an issue number).

    Why: a list where most articles give volume, issue and pages and one does not has usually
    lost a value on the way; GB/T 7714 prints the issue when the work has one.
    """
    project = ctx.project
    table = tables()
    by_type: dict[str, list[Entry]] = defaultdict(list)
    repeated = {project.bibliography.entries[later].key for later, _ in duplicate_pairs(project.bibliography.entries)[1]}
    for entry in project.bibliography.entries:
        by_type[entry.type].append(entry)
    for kind, fields in table.fields.items():
        entries = by_type.get(kind, [])
        if len(entries) < table.min_entries:
            continue
        for field in fields:
            having = sum(bool(e.fields.get(field, "").strip("{} ")) for e in entries)
            if having == len(entries) or having < table.share * len(entries):
                continue
            for entry in entries:
                if field in table.unless_article_number and not re.search(r"\d\s*(?:--?|–|—)\s*\S", entry.fields.get("pages", "")):
                    continue
                if not entry.fields.get(field, "").strip("{} ") and entry.key not in repeated:  # a repeated work: REF003's
                    yield Finding(Location(project.bibliography.path, entry.line, 1),
                                  f"“{entry.key}” has no {field}; {having} of the {len(entries)} @{kind} entries give one")


def pages_problem(value: str) -> str:
    """Why a pages value is neither a page range nor an article number ('' when it is one)."""
    text = plain(value).strip()
    if not text:
        return ""
    if any(p.fullmatch(text) for p in tables().pages):
        ends = re.findall(r"\d+", text)
        if len(ends) == 2 and re.search(r"\d\s*(?:--?|–|—)\s*[A-Za-z]{0,2}\d", text):
            start, end = ends
            if len(end) >= len(start) and int(end) < int(start):
                return f"the range ends ({end}) before it starts ({start})"
        return ""
    if re.search(r"[;:,]", text):
        return "it holds “;”, “:” or “,”: a volume, issue or date run into the pages?"
    if re.fullmatch(r"[A-Za-z]{3,}\d+", text):
        return "it looks like a publisher's manuscript identifier, not pages or an article number"
    return "it is not a page range (“12--18”) or an article number (“e1337”)"


@rule("REF021", "malformed-pages")
def malformed_pages(ctx: RuleContext) -> Iterator[Finding]:
    """A pages field is not a page range or an article number (``JCO2301911``).

    Why: GB/T 7714 prints pages after the issue; a manuscript id or a day in that place points
    the reader nowhere. The accepted forms are toolchain/data/bib-consistency.yaml.
    """
    project = ctx.project
    for entry in project.bibliography.entries:
        value = entry.fields.get("pages", "")
        problem = pages_problem(value)
        if problem:
            yield Finding(field_location(project, entry, "pages", plain(value).strip()), f"“{entry.key}”: pages “{plain(value).strip()}”: {problem}")


def journal_problems(value: str) -> list[tuple[str, str, str]]:
    """(needle, problem, corrected journal) for an abbreviation that breaks the ISO 4 form."""
    text = plain(value)
    problems = []
    for match in re.finditer(r"(?<=\S)\(", text):
        problems.append((text[max(0, match.start() - 1): match.end()], "no space before “(”", re.sub(r"(?<=\S)\(", " (", text)))
    for match in re.finditer(r"\)(?=[^\s,.;:)])", text):
        problems.append((text[match.start(): match.end() + 1], "no space after “)”", re.sub(r"\)(?=[^\s,.;:)])", ") ", text)))
    for match in DOUBLE_SPACE.finditer(text):
        problems.append((match.group(1), "two spaces", " ".join(text.split())))
    for match in re.finditer(r"\w( [,.;:])", text):
        problems.append((match.group(1), "a space before punctuation", re.sub(r" ([,.;:])", r"\1", text)))
    return problems


@rule("REF022", "journal-abbreviation-form", Severity.WARNING)
def journal_abbreviation_form(ctx: RuleContext) -> Iterator[Finding]:
    """A journal abbreviation breaks the ISO 4 form (``Biology(Basel)``).

    Why: ISO 4 and the NLM catalogue write the qualifier of a journal title in parentheses after a
    space; indexes match journals by the exact form.
    """
    project = ctx.project
    for entry in project.bibliography.entries:
        for field in ("journal", "journaltitle"):
            for needle, problem, fixed in journal_problems(entry.fields.get(field, ""))[:1]:
                yield Finding(field_location(project, entry, field, needle),
                              f"“{entry.key}”: journal “{plain(entry.fields[field])}”: {problem}; ISO 4 writes “{fixed}”", suggestion=fixed)


def leading_phrase(text: str) -> str:
    """A short phrase ending in a period before the real title (``Acute myeloid leukemia. Prognostic …``)."""
    match = re.match(r"\s*((?:[\w'’-]+ ){0,5}([\w'’-]+))\. +(?=[A-Z])", text)
    if match is None or match.group(2).casefold() in tables().abbreviations or len(match.group(2)) < 3:
        return ""
    return match.group(1) + "."


def in_capitals(title: str) -> bool:
    """Whether a Latin title of four or more words is typed in capitals (gene names and acronyms aside, none has lower case)."""
    words = re.findall(r"[A-Za-z]+", title[:2000])
    return len(words) >= 4 and not any(c.islower() for w in words for c in w)


@rule("REF023", "title-punctuation", Severity.WARNING)
def title_punctuation(ctx: RuleContext) -> Iterator[Finding]:
    """A title has stray spaces, a glued “(”, a stray first phrase, or is in capitals.

    Reported: a space before “;”, two spaces, a word glued to “(”, a stray leading phrase, a title
    of four or more words typed in capitals (as database exports give it; the style prints it so).

    Why: such slips come from copying a title out of a database page or a PDF and survive into
    print; a phrase such as “Acute myeloid leukemia.” before the title is a heading of the source page.
    """
    project = ctx.project
    for entry in project.bibliography.entries:
        for field in ("title", "title-en"):
            value = entry.fields.get(field, "")
            if not value or CJK.search(value) and field == "title":
                continue
            text = plain(value)
            found: list[tuple[str, str]] = []
            phrase = leading_phrase(text)
            if phrase:
                found.append((phrase, f"begins with “{phrase}”, which is not part of the title (a heading of the source page?)"))
            # The first slip of each kind only: one finding per kind and title, and a 5 MB title stays linear.
            if match := SPACE_BEFORE.search(text):
                found.append((match.group(0), f"a space before “{match.group(1)}”"))
            if match := DOUBLE_SPACE.search(text):
                found.append((match.group(1), "two spaces between words"))
            if match := GLUED_PAREN.search(text):
                found.append((text[max(0, match.start() - 3): match.end() + 1], "no space before “(”"))
            if in_capitals(text):
                found.append((text.split()[0], "typed in capitals: write it as the journal printed it (sentence case)"))
            for needle, problem in found:
                yield Finding(field_location(project, entry, field, needle), f"“{entry.key}”: {field}: {problem}")
