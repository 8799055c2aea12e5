"""CITE: what a citing sentence says against the record of the works it cites.

The record of a work is what the project holds: its entry's title (and English title), subtitle,
short title, keywords, note, abstract and entry type. The rules check that the sentence is
consistent with that record — the year it states, the study design it names, its subject, a
"first reported" claim — not that the claim is true. Where a record has no abstract the message
says so: the title alone may not name what the work studied. Word lists are data
(toolchain/data/claims.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from toolchain.check._glossary_forms import matcher
from toolchain.check._text import mask_non_prose
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.references._names import matches_author
from toolchain.check.references._text import first_citation_order, is_cross_reference
from toolchain.check.registry import RuleContext, rule
from toolchain.check.terminology import DRUG_EN, gene_symbols, is_gene_symbol
from toolchain.cjk import HAN
from toolchain.load import Project, safe_data
from toolchain.load.bibliography import Entry, strip_braces
from toolchain.load.lock import LockedRecord, fingerprint
from toolchain.load.markdown import Document
from toolchain.load.source import Location, Span

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "claims.yaml"
RECORD_FIELDS = ("title", "title-en", "subtitle", "shorttitle", "shortname", "keywords", "note", "abstract", "annotation")
WINDOW = 600  # how far back a sentence start is looked for: a citing sentence is short; the look-back stays bounded
BOUNDARY = re.compile(r"[。！？；]|[.!?;](?=\s)")
CLAUSE_END = re.compile(r"[，,；;。！？!?\[@]|\.(?=\s|$)")  # in the source: a clause ends at a mark or at the next citation
NOT_A_BOUNDARY = re.compile(r"(?:\bal|\bvs|\be\.g|\bi\.e|\bFig|\bNo|\bapprox|\bRef|\bet|\b[A-Z])$")
ROMAN = {"Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4", "I": "1", "II": "2", "III": "3", "IV": "4"}
LATIN_NAME = r"[A-Z][A-Za-z'’\-]+(?:\s+(?:van|von|de|der|di|da)\s+[A-Z][A-Za-z'’\-]+)?"
YEAR_BEFORE_NAME_ZH = re.compile(rf"(?P<year>(?:19|20)\d{{2}})\s*年\s*[，,]?\s*(?P<name>{LATIN_NAME}|[{HAN}]{{2,4}}?)\s*(?:等|和|与|团队|课题组)")
YEAR_BEFORE_NAME_EN = re.compile(rf"\b[Ii]n\s+(?P<year>(?:19|20)\d{{2}}),?\s+(?P<name>{LATIN_NAME})"
                                 r"(?=\s+(?:et al|and colleagues|and [A-Z]|reported|showed|found))")
YEAR_AFTER_NAME_EN = re.compile(rf"(?P<name>{LATIN_NAME})(?:\s+et al\.?|\s+and colleagues)?\s*\((?P<year>(?:19|20)\d{{2}})\)")


@cache
def year_study_patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    """A year, then "a … study" with no name, ending where the citation group starts (CITE001)."""
    nouns = "|".join(map(re.escape, word_lists()["year-study-nouns"].get(lang, ())))
    if not nouns:
        return ()
    if lang == "zh":
        return (re.compile(rf"(?P<year>(?:19|20)\d{{2}})\s*年\s*[，,]?\s*(?:有|的)?一项[^。；;，,\[\]]{{0,30}}?(?:{nouns})\s*$"),)
    return (re.compile(rf"\b[Ii]n\s+(?P<year>(?:19|20)\d{{2}}),?\s+(?:a|an|one)\s+[^.;,\[\]]{{0,40}}?\b(?:{nouns})\s*$"),)


@cache
def word_lists() -> dict:
    """The CITE word lists."""
    return safe_data(DATA_FILE.read_text(encoding="utf-8"))


@cache
def pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for ``words``; Latin words match whole words only."""
    if not words:
        return None
    longest = sorted(words, key=len, reverse=True)
    # The Latin words share one pair of boundaries (two character classes to compile, not two a
    # word); no other word starts where a Latin one can, so which alternative wins is unchanged.
    latin = [re.escape(w) for w in longest if re.match(r"[A-Za-z0-9]", w)]
    parts = [re.escape(w) for w in longest if not re.match(r"[A-Za-z0-9]", w)]
    if latin:
        parts.append(rf"(?<![A-Za-z0-9])(?:{'|'.join(latin)})(?![A-Za-z0-9])")
    return re.compile("|".join(parts), re.IGNORECASE)


def both(lists: dict | None) -> tuple[str, ...]:
    """The words of a ``{zh: […], en: […]}`` list in both languages."""
    return tuple(w for lang in ("zh", "en") for w in (lists or {}).get(lang, ()))


@dataclass(frozen=True, slots=True)
class Record:
    """What the project knows of a cited work."""

    key: str
    text: str  # the record fields joined, for word look-ups
    year: int | None
    has_abstract: bool
    type: str
    title: str = ""
    types: tuple[str, ...] = ()  # the entry type, then the publication types of the verified record
    abstract: str = ""
    verified: bool = False  # the reference lock's record was read too

    @property
    def scope(self) -> str:
        """What the record holds, for messages."""
        return "" if self.has_abstract else " (its record has no abstract: title and keywords only)"


def record_of(entry: Entry, verified: LockedRecord | None = None) -> Record:
    """The record of one bibliography entry, with the verified record of the lock when it is current."""
    if verified is not None and (verified.status != "matched" or (verified.fingerprint and verified.fingerprint != fingerprint(entry))):
        verified = None  # unmatched, or the entry changed since: the record may be of another work
    parts = [entry.fields[f] for f in RECORD_FIELDS if entry.fields.get(f)]
    types = (entry.type, *(verified.types if verified else ()))
    if verified:
        parts += [verified.title, verified.abstract, *verified.types[:8]]
    text = " ".join(" | ".join(p for p in parts if p).replace("{", "").replace("}", "").split())
    year = re.match(r"\d{4}", entry.fields.get("year") or entry.fields.get("date") or "")
    abstract = strip_braces(entry.fields.get("abstract", "")) or (verified.abstract if verified else "")
    return Record(entry.key, text, int(year.group()) if year else None, bool(abstract), entry.type,
                  strip_braces(entry.fields.get("title", "")) or (verified.title if verified else ""), tuple(dict.fromkeys(types)),
                  abstract, verified is not None)


@dataclass(frozen=True, slots=True)
class CitingSentence:
    """The text of a sentence up to one of its citation groups, with the works the group cites."""

    document: Document
    span: Span
    text: str  # the span's masked text
    start: int  # where the claim begins: the sentence start, or the end of the previous group in it
    end: int  # where it ends: the citation group (a table row: the end of the row)
    group_start: int
    keys: tuple[str, ...]

    @property
    def claim(self) -> str:
        """The words that the citation group supports."""
        return self.text[self.start:self.end]

    @property
    def rest(self) -> tuple[int, str]:
        """(offset, text) of the sentence after the group, when no other citation follows in it."""
        close = self.span.text.find("]", self.group_start) + 1 or self.group_start + 1
        ending = BOUNDARY.search(self.text, close, close + WINDOW)
        end = ending.start() if ending else min(len(self.text), close + WINDOW)
        return (close, "") if "@" in self.span.text[close:end] else (close, self.text[close:end])

    @property
    def following(self) -> tuple[int, str]:
        """(offset, text) of the clause right after the group, up to a clause mark or the next citation.

        "前期研究[@a; @b]显示索拉非尼……", "Earlier studies [@a] showed that sorafenib …": the
        group stands before the words it supports. A clause that runs into another citation is
        that citation's claim: then the text is empty.
        """
        close = self.span.text.find("]", self.group_start) + 1 or self.group_start + 1
        ending = CLAUSE_END.search(self.span.text, close, close + WINDOW)
        if ending and ending.group() in "[@":
            return close, ""
        return close, self.text[close:ending.start() if ending else min(len(self.text), close + WINDOW)]

    def location(self, start: int, end: int) -> Location:
        """The location of claim[start:end]."""
        return self.span.location(self.start + start, self.start + end)


def sentence_start(text: str, before: int) -> int:
    """Where the sentence holding offset ``before`` begins (looked for at most WINDOW characters back)."""
    low = max(0, before - WINDOW)
    last = low + len(text[low:before].rstrip(" \t\n)）]】"))  # a boundary counts only when words follow it
    for match in reversed(list(BOUNDARY.finditer(text, low, last))):  # the last boundary that counts
        if match.end() < last and not (match.group() in ".!?;" and NOT_A_BOUNDARY.search(text, max(low, match.start() - 8), match.start())):
            return match.end()
    return low


def citing_sentences(project: Project, document: Document) -> Iterator[CitingSentence]:
    """Every bracketed citation group of a document with the sentence part it supports."""
    groups: dict[tuple[int, int], list[str]] = {}
    spans: dict[int, Span] = {}
    ends: dict[tuple[int, int], int] = {}
    by_key = project.bibliography.by_key
    for citation in document.citations:
        if citation.key in by_key and not is_cross_reference(citation.key, project):
            groups.setdefault((id(citation.span), citation.group_start), []).append(citation.key)
            spans[id(citation.span)] = citation.span
            ends[(id(citation.span), citation.group_start)] = citation.group_end
    previous: dict[int, int] = {}
    tables = {id(block.span) for block in document.blocks if block.kind == "table"}
    for (span_id, group_start), keys in groups.items():  # in document order, as the citations are
        span = spans[span_id]
        text = mask_non_prose(span.text)
        if span_id in tables:  # a table row is the claim of the citations in it
            start, end = text.rfind("\n", 0, group_start) + 1, text.find("\n", group_start)
            end = len(text) if end < 0 else end
        else:
            start, end = max(sentence_start(text, group_start), previous.get(span_id, 0)), group_start
        previous[span_id] = max(ends[(span_id, group_start)], group_start + 1)  # the group's own end: no scan to the paragraph's end
        yield CitingSentence(document, span, text, start, end, group_start, tuple(dict.fromkeys(keys)))


@dataclass(frozen=True, slots=True)
class Subject:
    """A drug, gene or trial named in a claim: its forms and where it stands."""

    name: str
    forms: tuple[str, ...]
    start: int
    end: int
    kind: str  # drug | gene


class Library:
    """The records of a project's works, their citation numbers and the subjects each names."""

    def __init__(self, project: Project) -> None:
        """Index the bibliography."""
        self.project = project
        verified = project.lock.records if project.lock else {}
        self.records = {key: record_of(entry, verified.get(key)) for key, entry in project.bibliography.by_key.items()}
        order = dict.fromkeys([*first_citation_order(project.zh), *first_citation_order(project.en)])
        self.numbers = {key: number for number, key in enumerate((k for k in order if k in self.records), 1)}
        self.matcher = matcher(project.glossary)
        self._holders: dict[tuple[str, ...], frozenset[str]] = {}
        self._kinds: dict[str, dict[str, frozenset[str]]] = {}
        self.by_abbr = {t.abbr.casefold(): t for t in project.glossary.terms if t.abbr}
        self.sentences: list[CitingSentence] | None = None
        self._sentence_subjects: dict[int, tuple[CitingSentence, tuple[int, list[Subject]]]] = {}

    def label(self, key: str) -> str:
        """``key [n]`` for messages."""
        return f"{key} [{self.numbers[key]}]" if key in self.numbers else key

    def kinds(self, key: str) -> dict[str, frozenset[str]]:
        """The drugs and genes a work's record names, by kind (casefolded)."""
        if key not in self._kinds:
            text = self.records[key].text
            named: dict[str, set[str]] = {"drug": set(), "gene": set()}
            for subject in self.subjects(text):
                named[subject.kind].add(subject.name.casefold())
            self._kinds[key] = {kind: frozenset(names) for kind, names in named.items()}
        return self._kinds[key]

    def holders(self, forms: tuple[str, ...]) -> frozenset[str]:
        """The cited works whose record names one of ``forms``."""
        if forms not in self._holders:
            found = pattern(forms)
            self._holders[forms] = frozenset(k for k, record in self.records.items() if found and found.search(record.text))
        return self._holders[forms]

    def subjects(self, claim: str) -> list[Subject]:
        """Drugs and genes the claim names: glossary terms of those shapes, and unlisted words of them."""
        found: list[Subject] = []
        taken = bytearray(len(claim))
        for occurrence in self.matcher.find(claim):
            if not occurrence.top:
                continue
            term = self.matcher.terms[occurrence.form.term]
            kind = kind_of(term.en, term.abbr)
            if kind:
                forms = tuple(dict.fromkeys(f for f in (term.en, term.zh, term.abbr, *both(term.variants)) if f))
                found.append(Subject(term.en or term.abbr, forms, occurrence.start, occurrence.end, kind))
                taken[occurrence.start:occurrence.end] = b"\x01" * (occurrence.end - occurrence.start)
        for matches, kind in ((DRUG_EN.finditer(claim), "drug"), (gene_symbols(claim), "gene")):
            for match in matches:
                if not any(taken[match.start():match.end()]) and (kind == "drug" or 3 <= len(match.group()) <= 8):
                    term = self.by_abbr.get(match.group().casefold())  # FLT3 inside FLT3-ITD: the glossary's FLT3
                    forms = tuple(dict.fromkeys(f for f in (match.group(), *((term.en, term.zh) if term else ())) if f))
                    found.append(Subject(match.group(), forms, match.start(), match.end(), kind))
        return sorted(found, key=lambda s: s.start)

    def sentence_subjects(self, sentence: CitingSentence) -> tuple[int, list[Subject]]:
        """(offset in the span, subjects) of a citing sentence: those of its claim, else of the clause after its group.

        Found once per sentence: CITE003, CITE004 and CITE005 read them.
        """
        cached = self._sentence_subjects.get(id(sentence))
        if cached is None or cached[0] is not sentence:
            found = self.subjects(sentence.claim)
            if found:
                result = sentence.start, found
            else:
                after, text = sentence.following
                result = after, self.subjects(text)
            cached = self._sentence_subjects[id(sentence)] = (sentence, result)
        return cached[1]


@cache
def kind_of(english: str, abbr: str) -> str:
    """"drug" or "gene" when a glossary term has that shape, else ''."""
    if english and DRUG_EN.fullmatch(english.strip()):
        return "drug"
    if any(is_gene_symbol(form.strip()) for form in (abbr, english) if form):
        return "gene"
    return ""


def library(project: Project) -> Library:
    """The project's library, built once per project object."""
    cached = _LIBRARIES.get(id(project))
    if cached is None or cached.project is not project:
        _LIBRARIES.clear()
        cached = _LIBRARIES[id(project)] = Library(project)
    return cached


_LIBRARIES: dict[int, Library] = {}


def sentences(ctx: RuleContext) -> Iterator[CitingSentence]:
    """The citing sentences of both languages (found once per project: five rules read them)."""
    lib = library(ctx.project)
    if lib.sentences is None:
        lib.sentences = [s for document in ctx.project.documents for s in citing_sentences(ctx.project, document)]
    yield from lib.sentences


def numbers(lib: Library, keys: Iterable[str], most: int = 6) -> str:
    """``[6], [17]`` for messages (the first ``most`` by number; an uncited work by its key)."""
    ordered = sorted(keys, key=lambda k: (lib.numbers.get(k, 10**6), k))
    shown = [f"[{lib.numbers[k]}]" if k in lib.numbers else k for k in ordered[:most]]
    return ", ".join(shown) + (", …" if len(ordered) > most else "")


def negated(claim: str, start: int, lang: str) -> bool:
    """Whether the word at ``start`` follows a negation within a few characters."""
    lists = word_lists()
    before = claim[max(0, start - 12):start]
    found = pattern(tuple(lists["negations"].get(lang, ())))
    return bool(found and found.search(before)) or before.rstrip().endswith(tuple(lists.get("negations-adjacent", {}).get(lang, ())))


@rule("CITE001", "stated-year-mismatch", Severity.WARNING)
def stated_year_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """The year written with a named citation differs from the cited work's year.

    Why: "2013 年 Chen 等[12]" tells the reader when the work appeared; a wrong year points at
    another work or a misread reference. Compared with the work the name points at (or the only one cited).
    Example: ``2013 年 Chen 等[@chen2014]报道……`` when chen2014 has ``year = {2014}``.
    """
    lib = library(ctx.project)
    for sentence in sentences(ctx):
        claim = sentence.claim
        lang = sentence.document.lang
        patterns = ((YEAR_BEFORE_NAME_ZH,) if lang == "zh" else (YEAR_BEFORE_NAME_EN, YEAR_AFTER_NAME_EN)) + year_study_patterns(lang)
        for found in (m for p in patterns for m in p.finditer(claim)):
            stated, name = int(found["year"]), found.groupdict().get("name")
            named = [k for k in sentence.keys if name and matches_author(name, ctx.project.bibliography.by_key[k])]
            works = named or (list(sentence.keys) if len(sentence.keys) == 1 else [])
            years = {lib.records[k].year for k in works if lib.records[k].year}
            if works and years and stated not in years:
                shown = ", ".join(f"{lib.label(k)} ({lib.records[k].year})" for k in works)
                yield Finding(sentence.location(found.start("year"), found.end("year")),
                              f"“{found.group().strip()}” states {stated}, but the cited work {shown} was published in another year")


@cache
def design_patterns(lang: str) -> tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None], ...]:
    """Each design a sentence in ``lang`` can state: its name and the patterns of the sentence, the supporting and the contradicting record."""
    designs = word_lists()["designs"].items()
    found = ((name, pattern(tuple(d["sentence"].get(lang, ()))), pattern(both(d["record"])), pattern(both(d["contradicted-by"])))
             for name, d in designs)
    return tuple(entry for entry in found if entry[1] is not None)


def design_findings(lib: Library, sentence: CitingSentence) -> Iterator[Finding]:
    """Design words of the claim that the records of the cited works contradict."""
    lang = sentence.document.lang
    after, rest = sentence.rest  # "A[@a]和B[@b]均显示，与安慰剂组比较……": the claim may follow its citations
    parts = ((sentence.start, sentence.claim), (after, rest))
    for name, said, supporting, contradicting in design_patterns(lang):
        found = ((base, m) for base, text in parts for m in said.finditer(text) if not negated(text, m.start(), lang))
        base, match = next(found, (0, None))
        if match is None:
            continue
        for key in sentence.keys:
            record = lib.records[key]
            against = contradicting.search(record.text) if contradicting else None
            if against and not (supporting and supporting.search(record.text)):
                yield Finding(sentence.span.location(base + match.start(), base + match.end()),
                              f"“{match.group()}” ({name}) but the record of {lib.label(key)} says “{against.group()}”{record.scope}")
    yield from phase_findings(lib, sentence)


def phases_in(text: str, patterns: Iterable[str]) -> set[str]:
    """Trial phases named in ``text`` (Roman numerals as digits)."""
    found: set[str] = set()
    for source in patterns:
        for match in re.finditer(source, text, re.IGNORECASE):
            for group in ("phase", "second"):
                value = match.groupdict().get(group)
                if value:
                    found.add(ROMAN.get(value.upper(), value))
    return found


def phase_findings(lib: Library, sentence: CitingSentence) -> Iterator[Finding]:
    """A phase stated in the claim that a cited work's record gives otherwise."""
    data = word_lists()["phases"]
    for source in data["sentence"].get(sentence.document.lang, ()):
        for match in re.finditer(source, sentence.claim, re.IGNORECASE):
            stated = ROMAN.get(match["phase"].upper(), match["phase"])
            for key in sentence.keys:
                recorded = phases_in(lib.records[key].text, both(data["record"]))
                if recorded and stated not in recorded:
                    yield Finding(sentence.location(match.start(), match.end()),
                                  f"“{match.group()}” but the record of {lib.label(key)} names phase {', '.join(sorted(recorded))}")


@rule("CITE002", "design-contradicts-record", Severity.WARNING)
def design_contradicts_record(ctx: RuleContext) -> Iterator[Finding]:
    """The study design a sentence names is contradicted by the cited work's record.

    Why: "与安慰剂组比较" attributed to an open-label trial, "randomized" to a retrospective
    cohort, "phase 3" to a phase 2 study, "meta-analysis" or "review" to a primary study: the
    reader is told something about the evidence that the work does not say of itself.
    Example: ``与安慰剂组比较，OS 显著延长[@xuan2020]`` when xuan2020's title says "open-label".
    """
    lib = library(ctx.project)
    for sentence in sentences(ctx):
        yield from design_findings(lib, sentence)


@rule("CITE003", "subject-not-in-cited-work", Severity.WARNING)
def subject_not_in_cited_work(ctx: RuleContext) -> Iterator[Finding]:
    """A sentence's drug or gene is in none of its cited works; they name another.

    Why: a citation that names another drug than the sentence's, and not the sentence's own, is
    often the wrong work (a neighbouring number, a misplaced range). The subject is the first drug
    (else gene) the claim names, by the glossary or by its shape; it must be named by other works of the list.
    Example: ``索拉非尼单药治疗……[@levis2002; @stone2017]`` when the cited titles name FLT3 and midostaurin
    but not sorafenib, and [6] and [17] do.
    """
    lib = library(ctx.project)
    for sentence in sentences(ctx):
        base, subjects = lib.sentence_subjects(sentence)
        subject = next((s for s in subjects if s.kind == "drug"), None) or next(iter(subjects), None)
        if subject is None:
            continue
        holders = lib.holders(subject.forms)
        if not holders or holders & set(sentence.keys):
            continue
        others = sorted({name for key in sentence.keys for name in lib.kinds(key)[subject.kind]})
        if others:
            yield Finding(sentence.span.location(base + subject.start, base + subject.end),
                          f"{subject.name}: in none of the cited works {numbers(lib, sentence.keys)}, which name {', '.join(others[:3])}; "
                          f"in {numbers(lib, holders)}{''.join(lib.records[k].scope for k in sentence.keys[:1])}")


def settings_named(text: str, lang: str) -> dict[str, re.Match[str]]:
    """The treatment settings (maintenance, relapse treatment …) ``text`` names, not negated, by name."""
    found: dict[str, re.Match[str]] = {}
    for name, setting in word_lists()["settings"].items():
        said = pattern(tuple(setting["sentence"].get(lang, ())))
        match = next((m for m in (said.finditer(text) if said else ()) if not negated(text, m.start(), lang)), None)
        if match:
            found[name] = match
    return found


def setting_outliers(lib: Library, sentence: CitingSentence, reported: set[str]) -> Iterator[Finding]:
    """Works of the group whose record names another treatment setting than the sentence's, which the others name."""
    lang = sentence.document.lang
    base, text = (sentence.start, sentence.claim)
    named = settings_named(text, lang)
    if not named:
        base, text = sentence.following
        named = settings_named(text, lang)
    settings = word_lists()["settings"]
    for name, match in named.items():
        own = pattern(both(settings[name]["record"]))
        sharing = {k for k in sentence.keys if own and own.search(lib.records[k].text)}
        if len(sharing) < 2:
            continue
        for key in sentence.keys:
            if key in sharing or key in reported:
                continue
            other = next(((n, m) for n, s in settings.items() if n not in named
                          for m in [pattern(both(s["record"])) and pattern(both(s["record"])).search(lib.records[key].text)] if m), None)
            if other:
                reported.add(key)
                yield Finding(sentence.span.location(base + match.start(), base + match.end()),
                              f"{lib.label(key)} is on {other[0]} (its record says “{other[1].group()}”), not {name} as "
                              f"{numbers(lib, sharing)} cited with it{lib.records[key].scope}")


@rule("CITE004", "group-outlier", Severity.INFO)
def group_outlier(ctx: RuleContext) -> Iterator[Finding]:
    """One work of a citation group is off the subject or setting the others share.

    Why: in a range such as [12-16] about maintenance therapy, a work on another subject or
    setting (a study of treating relapse) is easily swept in. The subjects are the sentence's
    drugs and genes; the settings (maintenance, relapse treatment, first-line …) are data.
    Example: ``……维持治疗[@a; @b; @c]`` where a and b name sorafenib and c does not, or where a and
    b are on maintenance and c's title says "relapsed".
    """
    lib = library(ctx.project)
    for sentence in sentences(ctx):
        if len(sentence.keys) < 2:
            continue
        reported: set[str] = set()
        _, subjects = lib.sentence_subjects(sentence)
        sharing = {k for s in subjects for k in lib.holders(s.forms) & set(sentence.keys)}
        if len(sharing) >= 2:
            names = ", ".join(dict.fromkeys(s.name for s in subjects))
            for key in (k for k in sentence.keys if k not in sharing):
                reported.add(key)
                yield Finding(sentence.location(0, len(sentence.claim.rstrip())),
                              f"{lib.label(key)} names none of this sentence's subjects ({names}), unlike the other works cited with it"
                              f"{lib.records[key].scope}")
        yield from setting_outliers(lib, sentence, reported)


@rule("CITE005", "first-report-claim", Severity.WARNING)
def first_report_claim(ctx: RuleContext) -> Iterator[Finding]:
    """A "first reported" claim cites a review, or a later work than one on its topic.

    Why: a first report is a primary study, and the earliest on its subject.
    Example: ``索拉非尼最初报道用于……[@review2020]`` citing a 2020 review when a 2008 study on sorafenib is cited elsewhere.
    """
    lib, data = library(ctx.project), word_lists()
    reviews = pattern(both(data["review-record"]))
    for sentence in sentences(ctx):
        said = pattern(tuple(data["first-report"].get(sentence.document.lang, ())))
        match = said.search(sentence.claim) if said else None
        if match is None:
            continue
        where = sentence.location(match.start(), match.end())
        review = next((k for k in sentence.keys if {t.casefold() for t in lib.records[k].types} & set(data["review-types"])
                       or (reviews and reviews.search(lib.records[k].text))), None)
        if review:
            yield Finding(where, f"“{match.group()}” cites {lib.label(review)}, a review or guideline, not a first report")
            continue
        _, subjects = lib.sentence_subjects(sentence)
        years = [lib.records[k].year for k in sentence.keys if lib.records[k].year]
        if not subjects or not years:
            continue
        cited_year = min(years)
        earlier = sorted((lib.records[k].year, k) for k in lib.holders(subjects[0].forms)
                         if k not in sentence.keys and lib.records[k].year and lib.records[k].year < cited_year)
        if earlier:
            year, key = earlier[0]
            yield Finding(where, f"“{match.group()}” cites a work of {cited_year}, but {lib.label(key)} on {subjects[0].name} is from {year}")
