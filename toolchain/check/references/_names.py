"""Names standing before a citation: authors ("Ravandi 等[@k]") and trials ("SORMAIN 研究[@k]").

Only text *immediately* before a bracketed citation group is read (spaces, a closing bracket
and a generic word such as 研究/trial may stand between): that is where an author or a trial
is named as the source of the cited work.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache

from toolchain.check._text import mask_non_prose
from toolchain.check.references._bib import entry_year
from toolchain.cite.terms import ET_AL
from toolchain.cjk import HAN
from toolchain.load import Project
from toolchain.load.bibliography import CJK, Entry, Name, fold, parse_names
from toolchain.load.markdown import Citation, Document
from toolchain.load.source import Span
from toolchain.names import readings, romanise

LETTERS = "A-Za-z\u00c0-\u024f"
PARTICLE = r"(?:(?:van|von|de|der|den|del|della|di|da|dos|du|la|le|ter|ten)\s+){0,2}"
LATIN_NAME = rf"(?<![{LETTERS}\d/\-.])(?P<name>{PARTICLE}[A-Z\u00c0-\u00de][{LETTERS}'’\-]*)"
# "X et al." / "X and colleagues" always name an author; "X 等" may also mean "X and others"
# (FLAG、CAG方案等), so it counts as a name only when the bibliography knows the name.
# Each form with the endings its text must have (spaces and ``,*_.`` stripped): a test of the tail that
# spares the search of the window before most citation groups.
ET_AL_FORMS = (
    (re.compile(LATIN_NAME + r"\s+[*_]?et\s+al\.?[*_]?[,，]?\s*$"), True, ("al",)),
    (re.compile(LATIN_NAME + r"\s+and\s+(?:his\s+|her\s+|their\s+)?(?:colleagues|co-?workers|associates|team)\s*$"), True,
     ("colleagues", "workers", "associates", "team")),
    (re.compile(LATIN_NAME + r"\s*(?:等人|等|团队)\s*$"), False, ("等人", ET_AL["zh"], "团队")),
)
NAME_END = re.compile(f"[{LETTERS}'’\\-]$")  # how TWO_AUTHORS ends (before spaces)
CONNECTOR_ENDS = (",", "，", "、", "和", "与", "及", "and", "&")
CONNECTOR = re.compile(r"(?:\s*(?:,|，|、|和|与|及)\s*|\s+(?:and|&)\s+)$")
TWO_AUTHORS = re.compile(LATIN_NAME.replace("name", "first") + r"\s*(?:\s(?:and|&)\s|和|与|及)\s*"
                         + LATIN_NAME.replace("name", "second") + r"\s*$")
# How many runs of non-space characters a match of each pattern above holds at most (two particles,
# a name, the words after it): a match ending at a citation group starts within that many runs of
# it, so the search of the window begins there and not at every character before (``ending_at``).
RUNS = {ET_AL_FORMS[0][0]: 5, ET_AL_FORMS[1][0]: 6, ET_AL_FORMS[2][0]: 4, TWO_AUTHORS: 7}
REVERSED_RUNS = {runs: re.compile(rf"\s*(?:\S+\s+){{0,{runs - 1}}}\S*") for runs in set(RUNS.values())}
SPACED_RUN = re.compile(r"\s*\S*\s*")  # CONNECTOR, reversed: the spaces, the connector and the spaces before it
STUDY_WORD_END = re.compile(r"(?:研究|试验|协作组|研究组|\btrials?\b|\bstud(?:y|ies)\b|\bgroup\b|\bprotocol\b)$")
STUDY_WORD = re.compile(r"研究|试验|协作组|研究组|\btrials?\b|\bstud(?:y|ies)\b|\bgroup\b|\bprotocol\b")
GENE_SHAPED = re.compile(r"^[A-Z]{1,5}[a-z]?-?\d{1,3}[A-Za-z]?$")
TRIAL_TOKEN = re.compile(r"(?<![A-Za-z0-9/\-])(?P<name>[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)$")
TOKEN_RUN = re.compile(r"\n?[A-Za-z0-9\-]*")  # TRIAL_TOKEN's characters, reversed, after the newline $ may stand before
MUTATION = re.compile(r"^[A-Z]\d+[A-Z]?$")  # amino-acid substitutions (F691L, D835Y) name no trial
# Names and trials are read in a window before each citation group, never in the whole prefix of
# the paragraph: the cost per group stays bounded whatever the paragraph's length.
WINDOW = 120
TRIAL_FIELDS = ("title", "title-en", "subtitle", "shorttitle", "shortname", "note", "keywords")


@dataclass(frozen=True, slots=True)
class NamedCitation:
    """Names written before one citation group, with the group's entries."""

    names: tuple[str, ...]
    pair: bool  # "Liu and Wang": the first two authors are named
    span: Span
    start: int  # offset of the first name in span.text
    end: int
    entries: tuple[Entry, ...]


_GROUPS: list = [None, {}]  # the last project read and its documents' groups: REF009 and REF010 share them


def citation_groups(document: Document, project: Project) -> list[tuple[Span, int, tuple[Entry, ...]]]:
    """Bracketed citation groups: (span, offset of '[', entries cited that exist), found once per document."""
    if _GROUPS[0] is not project:
        _GROUPS[:] = [project, {}]
    held = _GROUPS[1].get(id(document))
    if held is None or held[0] is not document:
        held = _GROUPS[1][id(document)] = (document, list(read_citation_groups(document, project)))
    return held[1]


def read_citation_groups(document: Document, project: Project) -> Iterator[tuple[Span, int, tuple[Entry, ...]]]:
    """``citation_groups``, read."""
    groups: dict[tuple[int, int], list[Citation]] = {}
    spans: dict[int, Span] = {}
    for citation in document.citations:
        if citation.group_start == citation.start:  # an in-text @key names nobody
            continue
        groups.setdefault((id(citation.span), citation.group_start), []).append(citation)
        spans[id(citation.span)] = citation.span
    by_key = project.bibliography.by_key
    for (span_id, start), citations in groups.items():
        entries = tuple(by_key[c.key] for c in citations if c.key in by_key)
        if entries:
            yield spans[span_id], start, entries


def skip_forms(project: Project) -> frozenset[str]:
    """Glossary forms (terms, variants, abbreviations), folded: these are not names or trials."""
    forms = set()
    for term in project.glossary.terms:
        for lang in ("zh", "en"):
            forms.update(term.accepted(lang))
            forms.update(term.avoid.get(lang, ()))
    return frozenset(squeeze(f) for f in forms if f)


@lru_cache(maxsize=16384)
def squeeze(text: str) -> str:
    """Folded text without spaces, hyphens and apostrophes (for name and trial comparison)."""
    return re.sub(r"[\s\-'’.]", "", fold(text))


def bib_names(project: Project) -> tuple[frozenset[str], tuple[str, ...]]:
    """Every family name in the bibliography (Latin, folded) and every Chinese full name."""
    latin, chinese = set(), set()
    for entry in project.bibliography.entries:
        for name in (*entry.authors(), *entry.authors("editor"), *parse_names(entry.english("author"))):
            if CJK.search(name.family):
                chinese.add(name.family + name.given)
            elif name.family:
                latin.add(squeeze(name.family))
    return frozenset(latin), tuple(sorted(chinese, key=lambda n: (-len(n), n)))


def named_citations(project: Project, document: Document) -> Iterator[NamedCitation]:
    """Author names written immediately before citation groups."""
    skip = skip_forms(project)
    latin, chinese = bib_names(project)
    cjk_form = re.compile("(?P<name>" + "|".join(map(re.escape, chinese)) + r")\s*(?:等人|等|团队)\s*$") if chinese else None
    for span, start, entries in citation_groups(document, project):
        masked = mask_non_prose(span.text)
        before = tail(masked, start)
        pair = ending_at(TWO_AUTHORS, masked, start) if NAME_END.search(before, len(before) - 1) else None  # its last character
        if pair and not ({squeeze(pair["first"]), squeeze(pair["second"])} & skip) \
                and {squeeze(pair["first"]), squeeze(pair["second"])} & latin:
            yield NamedCitation((pair["first"], pair["second"]), True, span, pair.start("first"), pair.end("second"), entries)
            continue
        found = names_before(masked, start, entries, skip, latin, cjk_form, span.text)
        if found:
            yield NamedCitation(tuple(n for n, _, _ in found), False, span, found[0][1], found[-1][2], entries)


def names_before(masked: str, end: int, entries: tuple[Entry, ...], skip: frozenset[str], latin: frozenset[str],
                 cjk_form: re.Pattern[str] | None, original: str = "") -> list[tuple[str, int, int]]:
    """``X et al.`` names ending at ``masked[end]``, several when joined ("X et al. and Y et al.").

    A name followed by its own citation (``张三等[@a]和李四等[@b]``) is that citation's, not joined.
    """
    found: list[tuple[str, int, int]] = []
    while True:
        match = None
        ending = tail(masked, end).rstrip(",，*_.")
        for pattern, certain, endings in ET_AL_FORMS:
            if not ending.endswith(endings):
                continue
            m = ending_at(pattern, masked, end)
            if m and (name := squeeze(m["name"])) not in skip and (certain or name in latin or close_to(m["name"], entries)):
                match = m
                break
        if match is None and cjk_form is not None and ending.endswith(ET_AL_FORMS[2][2]):
            match = cjk_form.search(masked, max(0, end - WINDOW), end)
        if match is None:
            return found
        found.insert(0, (match["name"], match.start("name"), match.end("name")))
        at = match.start("name")
        connector = None
        if tail(masked, at).endswith(CONNECTOR_ENDS):
            lo = max(0, at - WINDOW)
            connector = CONNECTOR.search(masked, at - SPACED_RUN.match(masked[lo:at][::-1]).end(), at)
        if connector is None or "@" in original[connector.start():connector.end()]:
            return found
        end = connector.start()


def ending_at(pattern: re.Pattern[str], masked: str, end: int) -> re.Match[str] | None:
    """``pattern`` searched in the window ending at ``end``, from the start of the last runs its match can hold.

    The same match as a search of the whole window (a lookbehind still sees the text before), at
    the cost of the few words before ``end`` rather than of every character of the window.
    """
    lo = max(0, end - WINDOW)
    return pattern.search(masked, end - REVERSED_RUNS[RUNS[pattern]].match(masked[lo:end][::-1]).end(), end)


def tail(masked: str, end: int) -> str:
    """The few characters ending at ``end``, trailing spaces stripped."""
    return masked[max(0, end - 24):end].rstrip()


def close_to(name: str, entries: tuple[Entry, ...]) -> bool:
    """Whether a name is a near miss of a cited work's first author (a misspelt name is a name)."""
    for entry in entries:
        for candidate in first_authors(entry) or ():
            if not CJK.search(candidate.family) and SequenceMatcher(None, squeeze(name), squeeze(candidate.family)).ratio() >= 0.75:
                return True
    return False


def first_authors(entry: Entry, position: int = 0) -> list[Name] | None:
    """The author at ``position`` in the original and the English version (None: list truncated there)."""
    result = []
    for names in (entry.authors() or entry.authors("editor"), parse_names(entry.english("author"))):
        if len(names) > position:
            if names[position].is_others:
                return None
            result.append(names[position])
    return result


@cache
def pinyin_readings(han: str) -> frozenset[str]:
    """Every pinyin reading of a Chinese family name (单 → dan, shan, chan)."""
    return frozenset(readings(han))


def name_matches(written: str, author: Name) -> bool:
    """Whether a written name designates this author (family name; accent- and case-insensitive)."""
    if author.literal:
        return squeeze(written) in squeeze(author.literal)
    written_cjk, author_cjk = bool(CJK.search(written)), bool(CJK.search(author.family))
    if written_cjk and author_cjk:
        return written in (author.family + author.given, author.family)
    if written_cjk:  # 宣丽 written for a work listed as "Xuan, L."
        family = parse_names(written)[0].family
        return squeeze(author.family) in pinyin_readings(family)
    if author_cjk:  # "Zhang" written for a work listed as 张钰 without an English version
        return squeeze(written) in pinyin_readings(author.family)
    if squeeze(written) == squeeze(author.family):
        return True
    # "Heuvel et al." for "van den Heuvel": the particles may be dropped in running text.
    return bool(author.family.split()) and squeeze(written.split()[-1]) == squeeze(author.family.split()[-1])


# Verdicts of matches_author by (written, id(entry), position), each kept with its entry: an entry
# held here keeps its id, so a verdict is never read for another entry. A name is written before
# many citations of the same works, and two rules (REF009, CITE001) ask.
_VERDICTS: dict[tuple[str, int, int], tuple[Entry, bool | None]] = {}


def matches_author(written: str, entry: Entry, position: int = 0) -> bool | None:
    """Whether ``written`` names the entry's author at ``position`` (None: no personal name to compare)."""
    key = (written, id(entry), position)
    held = _VERDICTS.get(key)
    if held is None or held[0] is not entry:
        if len(_VERDICTS) >= 65536:
            _VERDICTS.clear()
        held = _VERDICTS[key] = (entry, author_verdict(written, entry, position))
    return held[1]


def author_verdict(written: str, entry: Entry, position: int) -> bool | None:
    """``matches_author``, worked out."""
    authors = first_authors(entry, position)
    if authors is None:
        return None
    if not authors:
        return False if position else None
    return any(name_matches(written, author) for author in authors)


def display_name(entry: Entry, position: int, lang: str) -> str:
    """The author as a ``lang`` text would name them: 张钰 in zh, Zhang in en ('' when unknown)."""
    original = entry.authors() or entry.authors("editor")
    english = parse_names(entry.english("author"))
    for names in ((original, english) if lang == "zh" else (english, original)):
        if len(names) > position and not names[position].is_others:
            name = names[position]
            if name.literal or not CJK.search(name.family):
                return name.literal or name.family
            pinyin = romanise(name.family + name.given) if lang == "en" else None  # an English text names 张三 “Zhang”
            return pinyin.family[0].capitalize() if pinyin else name.family + name.given
    return ""


def trial_tail(masked: str, end: int) -> int:
    """Where the spaces, closing brackets and study words (研究, trial, group) ending at ``end`` begin.

    Read backwards a word at a time, so that the cost is that of the tail, not of the window.
    """
    low = max(0, end - WINDOW)
    while True:
        head = end
        while head > low and (masked[head - 1].isspace() or masked[head - 1] in ")）"):
            head -= 1
        word = STUDY_WORD_END.search(masked, max(low, head - 8), head)
        if word is None:
            return head
        end = word.start()


def trial_names(project: Project, document: Document) -> Iterator[tuple[str, Span, int, tuple[Entry, ...]]]:
    """Trial or group names (SORMAIN, QuANTUM-R, AAML1031) immediately before citation groups."""
    skip = skip_forms(project)
    for span, start, entries in citation_groups(document, project):
        masked = mask_non_prose(span.text)
        head = trial_tail(masked, start)
        lo = max(0, head - WINDOW)  # the token is the run of its characters ending at head (or before a newline there)
        match = TRIAL_TOKEN.search(masked, head - TOKEN_RUN.match(masked[lo:head][::-1]).end(), head)
        if match is None:
            continue
        token = match["name"]
        if GENE_SHAPED.match(token) and not STUDY_WORD.search(masked, head, start):
            continue  # MCL-1, IL-15, TP53 [@k]: a gene or protein symbol, unless called a study or trial
        uppercase = sum(ch.isupper() for ch in token)
        if uppercase < 2 or MUTATION.match(token) or squeeze(token) in skip:
            continue
        if all(squeeze(part) in skip for part in token.split("-")):
            continue  # FLT3-ITD: a compound of glossary abbreviations
        yield token, span, match.start("name"), entries


ORGANISATION_FIELDS = ("author", "author-en", "editor", "institution", "institution-en", "publisher", "organization")
SMALL_WORDS = frozenset({"and", "of", "for", "the", "on", "in", "de", "du", "des", "et"})


def organisation_acronyms(entry: Entry) -> set[str]:
    """Acronyms of the organisations that authored or issued a work: WHO, ADA, FDA (U.S. Food and Drug …)."""
    found = set()
    for field in ORGANISATION_FIELDS:
        for name in parse_names(entry.fields.get(field, "")) if field.startswith(("author", "editor")) else [Name("", "", entry.fields.get(field, ""))]:
            words = [w for w in re.split(r"[^0-9A-Za-z]+", fold(name.literal)) if w and w not in SMALL_WORDS]
            if len(words) > 1:
                initials = "".join(w[0] for w in words)
                found.add(initials)
                found.update(initials[i:] for i in range(len(initials) - 2))  # U.S. FDA: usfda, sfda, fda
            found.update(re.sub(r"[^0-9a-z]", "", fold(m)) for m in re.findall(r"\(([^()]+)\)", name.literal))  # … Network (NCCN)
    return found


def mentions(entry: Entry, token: str) -> bool:
    """Whether a trial name occurs as whole words in the entry's title/shorttitle/note/keywords.

    An organisation's acronym standing before its own publication (FDA[@label], WHO[@report]) names
    the work's author, not a trial, and counts too.
    """
    wanted = re.sub(r"[^0-9a-z]", "", fold(token))
    if wanted in organisation_acronyms(entry):
        return True
    for field in TRIAL_FIELDS:
        words = [w for w in re.split(r"[^0-9a-z]+", fold(entry.fields.get(field, ""))) if w]
        for i in range(len(words)):
            joined = ""
            for word in words[i:]:
                joined += word
                if joined == wanted:
                    return True
                if len(joined) >= len(wanted):
                    break
    return False


YEAR = r"(?:19|20)\d\d[a-z]?"
AUTHOR = rf"{LATIN_NAME}(?:\s+(?:et\s+al\.?|(?:and|&)\s+[A-Z][{LETTERS}'’\-]*))?"


@cache
def typed_citation_patterns() -> tuple[re.Pattern[str], ...]:
    """Author–year citations typed as text: (Xuan et al., 2020), Xuan et al. (2020), （Xuan等，2020）, 宣丽等（2020）."""
    han = f"[{HAN}]"
    one = rf"{AUTHOR.replace('(?P<name>', '(?:')},?\s+{YEAR}"
    return (
        re.compile(rf"\((?P<inner>{one}(?:\s*;\s*{one}){{0,9}})\)"),
        re.compile(rf"{AUTHOR}\s*\((?P<year>{YEAR})\)"),
        re.compile(rf"[（(](?P<name>[A-Z][{LETTERS}'’\-]*|{han}{{1,4}}?)\s*(?P<etal>等|et\s+al\.?)?\s*[，,]\s*(?P<year>{YEAR})\s*[）)]"),
        re.compile(rf"(?P<name>[A-Z][{LETTERS}'’\-]*|{han}{{2,4}}?)(?P<etal>等)\s*[（(](?P<year>{YEAR})[）)]"),
    )


TYPED_LOOKUPS = 2_000  # distinct names and years matched against the bib per document; past that, no key is suggested
MORE_AUTHORS = re.compile(r"\bet\s+al\b|&|\band\s")  # a typed citation naming more than one author
ONE_TYPED = re.compile(rf"(?P<name>{PARTICLE}[A-Z\u00c0-\u00de][{LETTERS}'’\-]*)(?P<etal>\s+et\s+al\.?|\s+(?:and|&)\s+\S+)?,?\s+(?P<year>{YEAR})")


@dataclass(frozen=True, slots=True)
class TypedCitation:
    """An author–year citation typed as text, with the keys of the works it names (empty when none matches)."""

    text: str
    span: Span
    start: int
    end: int
    keys: tuple[str, ...]


def typed_citations(project: Project, document: Document) -> Iterator[TypedCitation]:
    """Author–year citations typed into the prose instead of keys.

    A typed citation names its works: the entries of that year whose first author is the name
    written. One with ``et al.``/``等`` is reported even when no entry matches; a bare name and
    year only when an entry does (“(Phase, 2019)” is prose). A narrative one followed by a key
    (``Xuan等（2020）[@xuan2020]``) is a named citation with its year (CITE001's), not a typed one.
    """
    by_year: dict[str, list[Entry]] = {}
    for entry in project.bibliography.entries:
        if year := entry_year(entry):
            by_year.setdefault(year, []).append(entry)
    works: dict[tuple[str, str], list[str]] = {}
    for span in document.text_spans:
        masked = mask_non_prose(span.text)
        if not re.search(r"(?:19|20)\d\d", masked):
            continue
        starts: list[int] = []  # the matches kept, apart and in order: a later pattern's overlap is the same citation
        ends: list[int] = []
        for number, pattern in enumerate(typed_citation_patterns()):
            narrative = number in (1, 3)  # Xuan et al. (2020), 宣丽等（2020）: a key right after makes them named citations
            for found in pattern.finditer(masked):
                at = bisect_left(starts, found.start())
                if (at < len(starts) and starts[at] < found.end()) or (at and ends[at - 1] > found.start()):
                    continue
                starts.insert(at, found.start())
                ends.insert(at, found.end())
                if narrative and "@" in span.text[found.end():found.end() + 3]:
                    continue
                items = ([(m["name"], bool(m["etal"]), m["year"]) for m in ONE_TYPED.finditer(found["inner"])]
                         if "inner" in found.groupdict() and found["inner"] else
                         [(found["name"], bool(found.groupdict().get("etal")) or bool(MORE_AUTHORS.search(found.group())), found["year"])])
                keys: list[str] = []
                named = False
                for name, etal, year in items:
                    if (name, year[:4]) not in works:  # the entries a name and year stand for, worked out once each
                        works[name, year[:4]] = [e.key for e in by_year.get(year[:4], []) if matches_author(name.strip(), e)] \
                            if len(works) < TYPED_LOOKUPS else []
                    matching = works[name, year[:4]]
                    keys += matching
                    named = named or etal or bool(matching)
                if named:
                    yield TypedCitation(found.group(), span, found.start(), found.end(), tuple(dict.fromkeys(keys)))
