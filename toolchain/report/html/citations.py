"""The report's citation-context view: each citing sentence, zh beside en, with the records of the works it cites.

For every citation group the CITE rules read (``check.claims``), the view shows the sentence in
both languages (the English sentence of the aligned row that cites the most of the same works),
and for each cited work its number as printed, title, year, publication types and what its
record holds (the record text the rules read: entry fields and the reference lock's verified
record), with the sentence's subject terms highlighted, and the sentence's CITE findings. A
record without an abstract says so. Each record is shown as a bounded excerpt around the
highlighted terms, so that the section grows with the number of citations, not with their product
with the records' lengths; the reference list holds the full entries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from toolchain.check.claims import BOUNDARY, WINDOW, CitingSentence, Library, citing_sentences, library, pattern
from toolchain.load import Project
from toolchain.report.html.inline import Mark, render_marks
from toolchain.report.html.page import Placed, escape
from toolchain.report.html.references import Reference
from toolchain.report.html.rows import Place

CONTEXT = 90  # characters of record shown either side of a highlighted term
HITS = 4  # highlighted places shown per record
LEAD = 280  # characters of a record shown when it names none of the terms
TITLE = 400  # a longer title is shown as an excerpt too
CITATION = re.compile(r"@([\w:.#$%&+?<>~/-]*\w)")


@dataclass(frozen=True, slots=True)
class Shown:
    """A citing sentence placed in the report: its row, its side and span, its extent and its subject forms."""

    sentence: CitingSentence
    place: Place | None
    stop: int  # where the sentence ends in its span's text
    forms: tuple[str, ...]
    names: tuple[str, ...]
    after: tuple[int, int] | None = None  # the clause after the group when the subjects were read there

    @property
    def lang(self) -> str:
        """The sentence's language."""
        return self.sentence.document.lang


def sentence_stop(sentence: CitingSentence) -> int:
    """The end of the sentence that holds the citation group (bounded by WINDOW)."""
    close = sentence.span.text.find("]", sentence.group_start) + 1 or sentence.group_start + 1
    ending = BOUNDARY.search(sentence.text, close, close + WINDOW)
    return ending.end() if ending else min(len(sentence.text), close + WINDOW)


def highlighted(text: str, found: re.Pattern[str] | None) -> str:
    """``text`` escaped, each occurrence of ``found`` in a ``<mark class="subj">``."""
    if found is None:
        return escape(text)
    out, last = [], 0
    for match in found.finditer(text):
        if match.end() > match.start():
            out += [escape(text[last:match.start()]), f'<mark class="subj">{escape(match.group())}</mark>']
            last = match.end()
    return "".join(out) + escape(text[last:])


def excerpt(text: str, found: re.Pattern[str] | None) -> str:
    """A bounded excerpt of a record: windows around the first HITS terms found, else its start."""
    hits = []
    for match in found.finditer(text) if found else ():
        hits.append((max(0, match.start() - CONTEXT), min(len(text), match.end() + CONTEXT)))
        if len(hits) == HITS:
            break
    if not hits:
        return escape(text[:LEAD]) + ("…" if len(text) > LEAD else "")
    merged: list[list[int]] = []
    for start, end in hits:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces = [("…" if start else "") + highlighted(text[start:end], found) + ("…" if end < len(text) else "") for start, end in merged]
    return " ".join(pieces)


def sentence_html(shown: Shown | None, lang: str, numbers: dict[str, int | None], findings: list[Placed]) -> str:
    """One side: the sentence with its citations as printed numbers, its subject terms and its findings marked."""
    attrs = f'class="cell {lang}" lang="{"zh-CN" if lang == "zh" else "en"}"'
    if shown is None:
        return f'<div {attrs}><span class="absent">no aligned sentence in this language cites these works</span></div>'
    sentence = shown.sentence
    raw = sentence.span.text[sentence.start:shown.stop]
    first = sentence.start + len(raw) - len(raw.lstrip())
    text = sentence.span.text[first:sentence.start + len(raw.rstrip())]
    marks = [Mark(m.start(), m.end(), "cite", "cnum", text=str(numbers[m.group(1)]))
             for m in CITATION.finditer(text) if numbers.get(m.group(1))]
    found = pattern(shown.forms)
    marks += [Mark(m.start(), m.end(), "term", "subj", tag="mark") for m in (found.finditer(text) if found else ()) if m.end() > m.start()]
    for item in findings:
        where, d = item.place, item.diagnostic
        if where and where.start is not None and where.end is not None:
            about = (("data-sev", d.severity.value), ("data-fam", item.family), ("title", f"{d.rule}: {d.message}"))
            marks.append(Mark(where.start - first, where.end - first, "diag", f"dm sev-{d.severity.value}", about))
    return f'<div {attrs}><span class="ln">{sentence.span.location(sentence.start).line}</span>{render_marks(text, marks)}</div>'


def work_html(lib: Library, key: str, reference: Reference | None, found: re.Pattern[str] | None) -> str:
    """One cited work: its number as printed, title, year, types and record excerpt (or that it has no abstract)."""
    record = lib.records[key]
    numbers = [f"[{reference.number[lang]}]" for lang in ("zh", "en") if reference and reference.number[lang]]
    number = " / ".join(dict.fromkeys(numbers)) or "–"
    types = ", ".join(record.types) or record.type
    scope = ('<span class="scope">abstract in its record</span>' if record.has_abstract
             else '<span class="scope none">no abstract in its record: title, keywords, notes and types only</span>')
    more = record.text[len(record.title):].lstrip(" |") if record.title and record.text.startswith(record.title) else record.text
    title = highlighted(record.title, found) if len(record.title) <= TITLE else excerpt(record.title, found)
    shown = excerpt(more, found)
    block = f'<div class="record">{shown}</div>' if shown else ""
    verified = ' <span class="scope">with the verified record</span>' if record.verified else ""
    return (f'<li class="work" data-key="{escape(key)}"><div class="work-head"><span class="num">{escape(number)}</span> '
            f'<a class="title" href="#ref-{escape(key)}">{title or escape(key)}</a> '
            f'<span class="year">{record.year or "n.d."}</span> <span class="type">{escape(types)}</span> {scope}{verified}</div>'
            f'{block}</li>')


def finding_html(item: Placed) -> str:
    """A compact line for a finding, linking to its card in the text."""
    d = item.diagnostic
    return (f'<div class="ctx-finding sev-{d.severity.value}" data-sev="{d.severity.value}" data-fam="{item.family}">'
            f'<a class="rule" href="#d{item.number}">{d.rule}</a> <span class="sev">{d.severity.value}</span> '
            f'<span class="msg">{escape(d.message)}</span></div>')


def pair(zh: list[Shown], en: list[Shown]) -> list[tuple[Shown | None, Shown | None]]:
    """Pair each Chinese sentence with the English sentence of its row citing most of its works; unpaired ones alone."""
    used: set[int] = set()
    pairs: list[tuple[Shown | None, Shown | None]] = []
    rows: dict[str, list[int]] = {}
    for i, shown in enumerate(en):
        rows.setdefault(shown.place.row if shown.place else "", []).append(i)
    for shown in zh:
        keys = set(shown.sentence.keys)
        candidates = [i for i in rows.get(shown.place.row, []) if i not in used] if shown.place else []
        best = max(candidates, key=lambda i: (len(keys & set(en[i].sentence.keys)), -i), default=None)
        if best is not None and keys & set(en[best].sentence.keys):
            used.add(best)
            pairs.append((shown, en[best]))
        else:
            pairs.append((shown, None))
    pairs += [(None, en[i]) for i in range(len(en)) if i not in used]
    return pairs


def assign(shown: list[Shown], placed: Iterable[Placed]) -> dict[int, list[Placed]]:
    """The CITE findings of each sentence (by index).

    A finding in the clause after a group whose subjects the rules read there is that group's;
    any other belongs to the latest sentence starting before it, when it lies within that sentence.
    """
    spans: dict[tuple[str, str, int], list[tuple[int, int]]] = {}
    clauses: dict[tuple[str, str, int], list[tuple[int, int, int]]] = {}
    for i, s in enumerate(shown):
        if s.place:
            spans.setdefault((s.place.row, s.place.lang, s.place.span), []).append((s.sentence.start, i))
            if s.after:
                clauses.setdefault((s.place.row, s.place.lang, s.place.span), []).append((*s.after, i))
    for entries in spans.values():
        entries.sort()
    found: dict[int, list[Placed]] = {}
    for item in placed:
        where = item.place
        if item.family != "CITE" or where is None or where.start is None:
            continue
        clause = next((i for start, end, i in clauses.get((where.row, where.lang, where.span), []) if start <= where.start < end), None)
        if clause is not None:
            found.setdefault(clause, []).append(item)
            continue
        entries = spans.get((where.row, where.lang, where.span), [])
        at = bisect_right(entries, (where.start, len(shown))) - 1
        if at >= 0 and where.start < shown[entries[at][1]].stop:
            found.setdefault(entries[at][1], []).append(item)
    return found


def citation_context(project: Project, references: tuple[Reference, ...], placed: list[Placed],
                     locate: Callable[[CitingSentence], Place | None], labels: dict[str, str]) -> str:
    """The section: every citing sentence, zh beside en, with its works' records and its CITE findings."""
    lib = library(project)
    by_key = {r.key: r for r in references}
    shown: dict[str, list[Shown]] = {}
    for document in project.documents:
        for sentence in citing_sentences(project, document):
            base, subjects = lib.sentence_subjects(sentence)
            after = (base, base + len(sentence.following[1])) if base != sentence.start else None
            forms = tuple(dict.fromkeys(f for s in subjects for f in s.forms))
            names = tuple(dict.fromkeys(s.name for s in subjects))
            shown.setdefault(document.lang, []).append(Shown(sentence, locate(sentence), sentence_stop(sentence), forms, names, after))
    every = shown.get("zh", []) + shown.get("en", [])
    findings = assign(every, placed)
    index = {id(s): i for i, s in enumerate(every)}
    numbers = {lang: {r.key: r.number[lang] for r in references} for lang in ("zh", "en")}
    items = []
    for n, (zh, en) in enumerate(pair(shown.get("zh", []), shown.get("en", [])), 1):
        sides = [s for s in (zh, en) if s]
        keys = list(dict.fromkeys(k for s in sides for k in s.sentence.keys))
        forms = tuple(dict.fromkeys(f for s in sides for f in s.forms))
        found = pattern(forms)
        zh_own, en_own = (findings.get(index[id(side)], []) if side else [] for side in (zh, en))
        own = zh_own + en_own

        row = next((s.place.row for s in sides if s.place), "")
        subject_names = ", ".join(dict.fromkeys(name for s in sides for name in s.names)) or "none found"
        works = "".join(work_html(lib, key, by_key.get(key), found) for key in keys)
        link = f'<a href="#{row}">{escape(labels.get(row, row))}</a> ' if row else ""
        count = f' · <span class="count">{len(own)}</span> CITE' if own else ""
        items.append(f'<details class="ctx" id="ctx{n}" data-findings="{len(own)}"{" open" if own else ""}>'
                     f'<summary>{link}{len(keys)} cited · subjects: {escape(subject_names)}{count}</summary>'
                     f'<div class="ctx-sentences">{sentence_html(zh, "zh", numbers["zh"], zh_own)}{sentence_html(en, "en", numbers["en"], en_own)}</div>'
                     f'{"".join(finding_html(item) for item in own)}<ul class="works">{works}</ul></details>')
    if not items:
        return ""
    return ('<section id="citations"><h2>Citation context <span class="count">' f"{len(items)}</span></h2>"
            '<p class="note">Each citing sentence beside what the project holds of the works it cites (title, year, type, '
            "keywords, notes, abstract and the verified record), its subject terms highlighted. The CITE rules check that a "
            "sentence is consistent with these records, not that it is true.</p>" + "".join(items) + "</section>")
