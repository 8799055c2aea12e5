"""Field-by-field comparison of a bibliography entry with the record of its work."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from toolchain.load import parse_yaml
from toolchain.load.bibliography import Entry, Name, fold, latex_to_unicode, normalize_text, strip_braces
from toolchain.load.lock import LockedAuthor, LockedRecord

DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
                        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
TAG = re.compile(r"<[^>]{1,200}>")
JOURNAL_TITLES = Path(__file__).resolve().parent.parent / "data" / "journal-titles.yaml"
SAME_WORK_TITLE = 0.5  # title similarity below which a work found by identifier is another work
MAX_WORDS = 300  # titles are compared on their first words: the comparison stays linear on any input
SOURCE_NAMES = {"crossref": "Crossref", "datacite": "DataCite", "pubmed": "PubMed", "crossref-query": "Crossref (bibliographic query)"}


@dataclass(frozen=True, slots=True)
class Difference:
    """One field of an entry that disagrees with the record."""

    field: str  # the bib field: author, title, journal, year, volume, number, pages, doi
    message: str
    found: str  # the text of the bib field to replace ('' when the field is absent)
    record: str  # what the record has in its place (BibTeX form)


def clean(text: str) -> str:
    """Record or bib text without braces, markup tags, typographic dashes/quotes and doubled spaces."""
    return " ".join(html.unescape(TAG.sub("", latex_to_unicode(text))).translate(DASHES).split())


def source_label(record: LockedRecord) -> str:
    """Where the record came from, for messages: ``Crossref 10.1182/…``."""
    return f"{SOURCE_NAMES.get(record.source, record.source)} {record.identifier}".strip()


def title_ratio(a: str, b: str) -> float:
    """Similarity of two titles' words (0–1)."""
    return SequenceMatcher(None, normalize_text(a).split()[:MAX_WORDS], normalize_text(b).split()[:MAX_WORDS], autojunk=False).ratio()


def initials(given: str) -> str:
    """Upper-case initials of given names: ``Zaher K.`` → ``ZK``, ``Yi-Bin`` → ``YB``."""
    return "".join(part[0] for part in re.split(r"[\s.\-‐]+", strip_braces(given)) if part and part[0].isalpha()).upper()


def family_key(family: str) -> str:
    """A family name folded for identity: case, accents, spaces, hyphens and apostrophes ignored."""
    return re.sub(r"[\s\-'’.]", "", fold(strip_braces(family)))


def same_work(entry: Entry, record: LockedRecord) -> bool:
    """Whether a record found by identifier describes the entry's work (title or first author and year)."""
    if not record.title:
        return True
    if title_ratio(entry.fields.get("title", ""), record.title) >= SAME_WORK_TITLE:
        return True
    names = [n for n in entry.authors() if not n.is_others]
    first = family_key(names[0].family or names[0].literal) if names else ""
    year = re.search(r"\d{4}", entry.fields.get("year", "") or entry.fields.get("date", ""))
    return bool(first and record.authors and first == family_key(record.authors[0].family)
                and year and year.group(0) in (record.year, *record.other_years))


def punctuation_changes(bib: str, record: str) -> list[tuple[str, str]]:
    """Pairs (bib, record) of punctuation that differs between two titles with the same words."""
    def marks(text: str) -> list[str]:
        found = re.findall(r"\s*[^\w\s]+\s*|\s{2,}", text.casefold().rstrip(". "))
        return [(" " if m[:1].isspace() else "") + (m.strip() or " ") + (" " if m[-1:].isspace() and m.strip() else "") for m in found]

    a, b = marks(bib)[:MAX_WORDS], marks(record)[:MAX_WORDS]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [("".join(a[i1:i2]) or "∅", "".join(b[j1:j2]) or "∅") for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def word_changes(bib: str, record: str) -> str:
    """What differs between two titles, word by word: ``“Acute myeloid leukemia.” before the title``."""
    a, b = clean(bib).split()[:MAX_WORDS], clean(record).split()[:MAX_WORDS]
    norm = [normalize_text(w) for w in a], [normalize_text(w) for w in b]
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, *norm, autojunk=False).get_opcodes():
        mine, theirs = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if op == "delete":
            parts.append(f"“{mine}” is not in the record" + (" (before the title)" if i1 == 0 else ""))
        elif op == "insert":
            parts.append(f"the record has “{theirs}” that the entry lacks" + (" (at the end)" if j2 == len(b) else ""))
        elif op == "replace":
            parts.append(f"“{mine}” where the record has “{theirs}”")
    return "; ".join(parts[:3]) + ("; …" if len(parts) > 3 else "")


def protect(record_title: str, bib_title: str) -> str:
    """The record's title with the words the bib protected by braces (``{FLT3}``) braced again."""
    title = clean(record_title)
    for word in dict.fromkeys(re.findall(r"\{([^{}]+)\}", bib_title)):
        title = re.sub(r"(?<![\w{])" + re.escape(word) + r"(?![\w}])", lambda _m, w=word: "{" + w + "}", title)
    return title


def compare_title(entry: Entry, record: LockedRecord) -> list[Difference]:
    """The title: words (case ignored), then punctuation."""
    raw = entry.fields.get("title", "")
    if not raw or not record.title:
        return []
    bib, theirs = clean(raw), clean(record.title)
    fixed = protect(record.title, raw)
    if normalize_text(bib) != normalize_text(theirs):
        return [Difference("title", f"title differs from the record: {word_changes(bib, theirs)}", raw, fixed)]
    changes = punctuation_changes(bib, theirs)
    if not changes:
        return []
    listed = ", ".join(f"“{mine}” where the record has “{other}”" for mine, other in changes[:3])
    return [Difference("title", f"title punctuation differs from the record: {listed}", raw, fixed)]


def display(name: Name | LockedAuthor) -> str:
    """A name as ``Family, G.`` for messages."""
    given = initials(name.given)
    return f"{name.family}, {'. '.join(given)}." if given else name.family


def compare_authors(entry: Entry, record: LockedRecord) -> list[Difference]:
    """Family names (diacritics, case, particles), initials, order and count before ``and others``."""
    names = entry.authors()
    listed = [n for n in names if not n.is_others and not n.literal]
    if not record.authors or not listed or any(n.literal and not n.is_others for n in names):
        return []
    truncated = any(n.is_others for n in names)
    keys = [family_key(a.family) for a in record.authors]
    found: list[Difference] = []
    for position, name in enumerate(listed):
        if position >= len(record.authors):
            if not truncated and record.author_count == len(record.authors):
                found.append(Difference("author", f"author {position + 1} “{name.family}” is not in the record's {len(record.authors)} authors", "", ""))
            break
        theirs = record.authors[position]
        if nfc(name.family) != nfc(theirs.family) and family_key(name.family) == family_key(theirs.family):
            found.append(Difference("author", f"author {position + 1} is spelled “{name.family}”; the record has “{theirs.family}”",
                                    name.family, theirs.family))
        elif family_key(name.family) != family_key(theirs.family):
            if family_key(name.family) in keys:
                where = keys.index(family_key(name.family)) + 1
                found.append(Difference("author", f"author {position + 1} “{name.family}” is author {where} in the record "
                                        f"(position {position + 1} there: “{theirs.family}”)", "", ""))
            else:
                found.append(Difference("author", f"author {position + 1} is “{name.family}”; the record has “{theirs.family}”",
                                        name.family, theirs.family))
        else:
            mine, other = initials(name.given), initials(theirs.given)
            if mine and other and not other.startswith(mine):
                found.append(Difference("author", f"author {position + 1} “{display(name)}” has other initials than the record's “{display(theirs)}”", "", ""))
    count = record.author_count  # 0: the record does not say how many authors the work has
    if not truncated and len(listed) < count:
        found.append(Difference("author", f"the entry lists {len(listed)} of the work's {count} authors without “and others”", "", ""))
    return found


def number(value: str) -> str:
    """A volume, issue or year without braces and spaces."""
    return re.sub(r"\s+", "", strip_braces(value))


def pages_form(value: str) -> str:
    """Pages with any dash as ``-`` and an abbreviated end (1345-77) expanded."""
    text = re.sub(r"\s*[-\u2010-\u2014]+\s*", "-", number(value))
    match = re.fullmatch(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)", text)
    if match and len(match.group(4)) < len(match.group(2)):
        start, end = match.group(2), match.group(4)
        return f"{match.group(1)}{start}-{match.group(3) or match.group(1)}{start[: len(start) - len(end)]}{end}"
    return text


def same_pages(mine: str, theirs: str) -> bool:
    """Whether the entry's pages are the record's (a record giving only the first page agrees with a range from it)."""
    a, b = pages_form(mine), pages_form(theirs)
    return a == b or ("-" not in b and a.split("-")[0] == b)


def bib_pages(value: str) -> str:
    """A record's page range in BibTeX form (``1345--1377``)."""
    return re.sub(r"\s*[-\u2010-\u2014]+\s*", "--", value.strip())


def compare_numbers(entry: Entry, record: LockedRecord) -> list[Difference]:
    """Year, volume, issue, and pages or article number."""
    found = []
    for field, theirs, label in (("year", record.year, "year"), ("volume", record.volume, "volume"), ("number", record.issue, "issue")):
        mine = entry.fields.get(field, "") or (entry.fields.get("issue", "") if field == "number" else "")
        if field == "year" and not mine:
            mine = entry.fields.get("date", "")[:4]
        if not theirs:
            continue
        if not mine:
            found.append(Difference(field, f"no {label}; the record has {theirs}", "", theirs))
        elif field == "year" and number(mine) in record.other_years:
            continue  # the year of another publication date (online first) of the same work
        elif number(mine) != number(theirs):
            found.append(Difference(field, f"{label} “{mine}”; the record has {theirs}", mine, theirs))
    mine = entry.fields.get("pages", "")
    theirs = record.pages or record.article_number
    if theirs and not mine:
        found.append(Difference("pages", f"no pages; the record has {theirs}", "", bib_pages(theirs)))
    elif theirs and not same_pages(mine, theirs) and pages_form(mine) != pages_form(record.article_number or "\0"):
        what = "article number" if not record.pages else "pages"
        found.append(Difference("pages", f"pages “{mine}”; the record has {what} {theirs}", mine, bib_pages(theirs)))
    return found


def without_periods(text: str) -> str:
    """A journal title folded, periods dropped: ``J. Clin. Oncol.`` = ``J Clin Oncol``."""
    return " ".join(fold(clean(text)).replace(".", " ").split())


@cache
def joining_words() -> frozenset[str]:
    """The words an ISO 4 abbreviation leaves out (toolchain/data/journal-titles.yaml)."""
    data = parse_yaml(JOURNAL_TITLES.read_text(encoding="utf-8"), "toolchain/data/journal-titles.yaml")
    return frozenset(str(word) for word in data["joining-words"])


def title_words(text: str) -> list[str]:
    """A journal title's words for abbreviation matching: folded, no periods, qualifiers or joining words."""
    text = re.sub(r"\([^()]*\)", " ", fold(clean(text)))
    text = re.sub(r"(?<=\w)[-‐](?=\w)", "", text)
    return [w for w in re.split(r"[^\w]+", text) if w and w not in joining_words()]


def abbreviates(abbreviation: str, title: str) -> bool:
    """Whether an abbreviation (ISO 4 / NLM) shortens a title word by word: ``Natl`` of ``National``.

    Each word must start with its title word's first letter and keep its letters in order;
    articles, prepositions and conjunctions are left out on both sides, as ISO 4 does.
    """
    short, full = title_words(abbreviation), title_words(title)
    if len(short) != len(full) or not short:
        return False
    for word, whole in zip(short, full, strict=True):
        if word[0] != whole[0]:
            return False
        letters = iter(whole)
        if not all(ch in letters for ch in word):
            return False
    return True


def compare_journal(entry: Entry, record: LockedRecord) -> list[Difference]:
    """The journal: its full title or one of its abbreviations (ISO 4 / NLM), written as the record does."""
    raw = entry.fields.get("journal", "") or entry.fields.get("journaltitle", "")
    forms = [f for f in (*record.journal_abbreviations, record.journal) if f]
    if not raw or not forms:
        return []
    field = "journal" if "journal" in entry.fields else "journaltitle"
    mine = without_periods(raw)
    if any(mine == without_periods(form) for form in forms):
        return []
    close = next((form for form in forms if normalize_text(form) == normalize_text(raw)), None)
    if close is not None:
        return [Difference(field, f"journal “{clean(raw)}” is written “{close}” in the record", raw, close)]
    if any(abbreviates(raw, part) for form in forms for part in (form, *form.split(":")[1:])):
        return []
    listed = " / ".join(f"“{form}”" for form in dict.fromkeys(forms))
    return [Difference(field, f"journal “{clean(raw)}” is none of the record's {listed}", raw, forms[0])]


def compare_doi(entry: Entry, record: LockedRecord) -> list[Difference]:
    """The DOI, case-insensitively."""
    mine = strip_braces(entry.fields.get("doi", ""))
    if mine and record.doi and mine.lower() != record.doi.lower():
        return [Difference("doi", f"DOI “{mine}”; the record's DOI is {record.doi}", mine, record.doi)]
    return []


def differences(entry: Entry, record: LockedRecord) -> list[Difference]:
    """Every field of the entry that disagrees with its record, in field order."""
    return [*compare_authors(entry, record), *compare_title(entry, record), *compare_journal(entry, record),
            *compare_numbers(entry, record), *compare_doi(entry, record)]


def nfc(text: str) -> str:
    """A name in Unicode NFC form, LaTeX accents decoded (records and bib files mix all three)."""
    return latex_to_unicode(text)
