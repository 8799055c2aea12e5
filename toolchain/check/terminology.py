"""Terminology: glossary terms aligned between zh and en, avoided and mixed variants, unknown terms.

How forms are found in text (boundaries, case, plurals, jieba for short Chinese forms, the
longest of overlapping occurrences) is described in ``toolchain.segment``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolchain.check._glossary_forms import Occurrence, accepted_terms, matcher
from toolchain.check._pairwise import pair_gaps
from toolchain.check._shape import schema, shape_findings
from toolchain.check._text import CJK, mask_non_prose
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import RuleContext, rule
from toolchain.load import Project
from toolchain.load.glossary import Term
from toolchain.load.markdown import Document
from toolchain.load.source import Location, Span
from toolchain.segment import segmenter


def prose(project: Project, document: Document, *, metadata: bool = True) -> Iterator[tuple[Span, str]]:
    """Title, abstract, keywords, headings and paragraphs (then metadata.yaml's prose), each with its masked text."""
    for span in (*document.text_spans, *(project.metadata.prose(document.lang) if metadata else ())):
        yield span, mask_non_prose(span.text)


def texts(project: Project) -> Iterator[tuple[str, Iterator[tuple[Span, str]]]]:
    """Each text that keeps its own wording, with its language: zh.md, en.md, then metadata.yaml's prose per language."""
    for document in project.documents:
        yield document.lang, prose(project, document, metadata=False)
    for lang in ("zh", "en"):
        yield lang, ((span, mask_non_prose(span.text)) for span in project.metadata.prose(lang))


def describe(term: Term, lang: str) -> str:
    """A term's preferred form in ``lang`` and its abbreviation, quoted."""
    return f"“{term.preferred(lang)}”" + (f" or “{term.abbr}”" if term.abbr else "")


@rule("TERM001", "unaligned-term")
def unaligned_term(ctx: RuleContext) -> Iterator[Finding]:
    """A glossary term on one side has no counterpart in the aligned other-side unit.

    Why: the two versions must say the same thing; a term present on one side only is a
    mistranslation, an omission, or a form the glossary does not list yet. Units: the title, the
    abstract, each keyword pair, each heading pair and each pair of aligned paragraphs. Any
    accepted or avoided form or the shared abbreviation answers, also inside a longer term.
    Example: zh.md ``……联合维奈克拉……`` while the aligned en.md paragraph never names venetoclax.
    """
    project = ctx.project
    terms = project.glossary.terms
    for pair in pair_gaps(project):
        for lang, other in (("zh", "en"), ("en", "zh")):
            span, where = pair.span(lang), pair.span(other).start
            reported: set[int] = set()
            for index, occurrences in sorted(pair.terms[lang].items()):
                if not pair.groups[index].matched:
                    continue  # a sentence without counterpart: one ALIGN006 note
                for occurrence in occurrences:
                    term = occurrence.form.term
                    if term in reported:
                        continue
                    reported.add(term)
                    written = span.text[occurrence.start:occurrence.end]
                    yield Finding(span.location(occurrence.start, occurrence.end),
                                  f"“{written}” has no counterpart in the aligned {pair.kind} of {where.file}:{where.line} "
                                  f"(expected {describe(terms[term], other)})",
                                  related=(where,), suggestion=terms[term].preferred(other))


@rule("TERM002", "avoided-term-variant")
def avoided_term_variant(ctx: RuleContext) -> Iterator[Finding]:
    """A term is written in a form the glossary lists under ``avoid``.

    Why: journals require one name per concept; the glossary names the preferred one.
    Example (glossary: zh 急性髓系白血病, avoid 急性髓细胞白血病):
        zh.md ``急性髓细胞白血病（AML）是……`` → TERM002, suggest 急性髓系白血病
    """
    project = ctx.project
    found = matcher(project.glossary)
    for document in project.documents:
        for span, text in prose(project, document):
            for occurrence in found.find(text):
                form = occurrence.form
                if occurrence.top and form.kind == "avoid":
                    preferred = project.glossary.terms[form.term].preferred(form.lang)
                    yield Finding(span.location(occurrence.start, occurrence.end),
                                  f"“{span.text[occurrence.start:occurrence.end]}” is listed under avoid; write “{preferred}”",
                                  suggestion=preferred)


@rule("TERM003", "mixed-term-variants", Severity.WARNING)
def mixed_term_variants(ctx: RuleContext) -> Iterator[Finding]:
    """One concept is written in two accepted forms within one language.

    Why: a reader takes two names for two things. A form that extends another (总生存 and
    总生存率) is a different word, not a second name, and a gloss in parentheses right after
    the term (不适合强化疗（unfit）) is not a second use.
    Example: en.md uses “maintenance therapy” and, later, “maintenance treatment”.
    """
    project = ctx.project
    found = matcher(project.glossary)
    terms = project.glossary.terms
    for lang, spans in texts(project):
        first: dict[int, dict[str, tuple[Span, Occurrence]]] = {}
        for span, text in spans:
            occurrences = found.find(text)
            ends: dict[int, set[int]] | None = None  # where occurrences end → their terms (one index per text, made when asked)
            for occurrence in occurrences:
                form = occurrence.form
                if not occurrence.top or form.lang != lang or form.kind == "avoid":
                    continue
                key = form.text.casefold()
                if key in first.get(form.term, ()):
                    continue  # not the form's first use: whether it is a gloss changes nothing
                if ends is None:
                    ends = {}
                    for o in occurrences:
                        ends.setdefault(o.end, set()).add(o.form.term)
                if not is_gloss(text, occurrence, ends):
                    first.setdefault(form.term, {}).setdefault(key, (span, occurrence))
        for term, used in first.items():
            if len(used) < 2:
                continue
            preferred = terms[term].preferred(lang)
            anchor_key = preferred.casefold() if preferred.casefold() in used else next(iter(used))
            anchor_span, anchor = used[anchor_key]
            for key, (span, occurrence) in used.items():
                if key in anchor_key or anchor_key in key:
                    continue
                yield Finding(span.location(occurrence.start, occurrence.end),
                              f"“{span.text[occurrence.start:occurrence.end]}” and “{anchor_span.text[anchor.start:anchor.end]}” "
                              f"(line {anchor_span.location(anchor.start).line}) name one concept; the glossary prefers “{preferred}”",
                              related=(anchor_span.location(anchor.start, anchor.end),), suggestion=preferred)


def is_gloss(text: str, occurrence: Occurrence, ends: dict[int, set[int]]) -> bool:
    """Whether an occurrence sits in parentheses right after an occurrence of the same term.

    ``ends`` maps the end offset of every occurrence in ``text`` to the terms ending there.
    """
    since = max(0, occurrence.start - 200)  # a gloss is short; an unbounded look-back is quadratic in a long paragraph
    opening = max(text.rfind("（", since, occurrence.start), text.rfind("(", since, occurrence.start))
    if opening < 0 or any(c in text[opening:occurrence.start] for c in "）)"):
        return False
    at = opening
    while True:  # the term may end anywhere in the spaces before the parenthesis
        if occurrence.form.term in ends.get(at, ()):
            return True
        if at <= since or not text[at - 1].isspace():
            return False
        at -= 1


# Stems of international nonproprietary names (WHO INN stems) as Chinese and English write them.
DRUG_SUFFIXES_ZH = ("替尼", "非尼", "尼布", "单抗", "克拉", "胞苷", "他滨", "拉滨", "屈滨", "比星", "霉素",
                    "司他", "诺他", "妥林", "度胺", "替康", "他赛", "康唑", "芬净", "沙星")
DRUG_SUFFIXES_EN = ("tinib", "fenib", "rafenib", "ciclib", "parib", "lisib", "clax", "citabine", "tabine", "rubicin",
                    "mycin", "mab", "nostat", "staurin", "domide", "zomib", "tecan", "taxel", "conazole", "fungin", "floxacin")
DRUG_ZH = re.compile("|".join(DRUG_SUFFIXES_ZH))
DRUG_EN = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z]{3,}(?:" + "|".join(DRUG_SUFFIXES_EN) + r")(?![A-Za-z0-9])")
# Capitals and digits, two capitals first, holding a digit (checked after the match): the
# possessive run never backtracks, so a long run of capitals costs its length, not its square.
GENE_LIKE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[A-Z0-9]*+(?![A-Za-z0-9])")


def gene_symbols(text: str) -> Iterator[re.Match[str]]:
    """Gene-like words of a text: two capitals first, capitals and digits, holding a digit (FLT3, NPM1)."""
    return (m for m in GENE_LIKE.finditer(text) if any(ch.isdigit() for ch in m.group()))


def is_gene_symbol(word: str) -> bool:
    """Whether a word is shaped like a gene symbol (FLT3 yes, HF no)."""
    return bool(GENE_LIKE.fullmatch(word)) and any(ch.isdigit() for ch in word)
NAME_TAGS = {"nr", "nrt", "nrfg", "ns"}  # jieba tags of transliterated names: 法拉 (ns), 克拉 (nrt)
FUNCTION_CHARS = set("的地得之与和及或并而以用在于对为是由等经予如将把被给从向使其该后前中")


@rule("TERM004", "unknown-term", Severity.WARNING)
def unknown_term(ctx: RuleContext) -> Iterator[Finding]:
    """A word that looks like a drug name or a gene symbol has no glossary entry.

    Why: every drug and gene needs one agreed name in both languages before the glossary
    rules can keep them consistent. Looks like: Chinese words ending in a drug-name stem
    (…替尼, …单抗, …他滨), English ones (…tinib, …mab), capitals with digits (NPM1, IDH1).
    Reported once per word and document, at its first occurrence.
    Example: zh.md ``……联合奥雷巴替尼……`` with no glossary entry → suggest {zh: 奥雷巴替尼, en: ?}.
    """
    project = ctx.project
    found = matcher(project.glossary)
    known = {f.text.casefold() for f in found.forms}
    for document in project.documents:
        seen: set[str] = set()
        for span, text in prose(project, document):
            occurrences = found.find(text)
            covered = bytearray(len(text))
            for o in occurrences:
                covered[o.start:o.end] = b"\x01" * (o.end - o.start)
            for start, end, kind in candidates(text, found.user_words, covered):
                word = text[start:end]
                if word.casefold() in known or word in seen:
                    continue
                seen.add(word)
                entry = f"{{zh: {word}, en: {word}}}" if kind == "gene symbol" else (
                    f"{{zh: {word}, en: ?}}" if document.lang == "zh" else f"{{zh: ?, en: {word}}}")
                yield Finding(span.location(start, end), f"“{word}” looks like a {kind} but has no glossary entry; add {entry}",
                              suggestion=entry)


def candidates(text: str, user_words: tuple[str, ...], covered: bytearray) -> Iterator[tuple[int, int, str]]:
    """Drug-like and gene-like words of a masked text not inside a glossary occurrence."""
    hits = []
    for m in gene_symbols(text):
        if 3 <= len(m.group()) <= 8 and not any(covered[m.start():m.end()]):
            hits.append((m.start(), m.end(), "gene symbol"))
    for m in DRUG_EN.finditer(text):
        if not any(covered[m.start():m.end()]):
            hits.append((m.start(), m.end(), "drug name"))
    for m in DRUG_ZH.finditer(text):
        if any(covered[m.start():m.end()]) or DRUG_ZH.match(text, m.end()):  # 克拉霉素: the later stem takes it
            continue
        start = drug_word_start(text, m.start(), m.end(), user_words)
        if start is not None:
            hits.append((start, m.end(), "drug name"))
    return iter(sorted(hits))


def drug_word_start(text: str, start: int, end: int, user_words: tuple[str, ...]) -> int | None:
    """Where the drug name ending in the stem text[start:end] begins, or None if it is no word.

    jieba cuts an unknown transliteration into pieces (奥雷巴/替尼, 地西/他/滨); the name takes in,
    leftwards, the pieces that are no ordinary word: unknown to the dictionary, single
    characters other than function words, or transliterated names.
    """
    cut = segmenter(user_words)
    words = cut.words(text, start)
    if end not in {e for _, e in words}:
        return None  # the stem is part of a longer word: 公司他们
    first = next(s for s, e in words if s <= start < e)
    for s, e in reversed([w for w in words if w[1] <= first]):
        piece = text[s:e]
        if e != first or not CJK.match(piece) or end - s > 8:
            break
        single = len(piece) == 1 and piece not in FUNCTION_CHARS
        if not (single or (not cut.known(piece)) or cut.tag(piece) in NAME_TAGS):
            break
        first = s
    return first if end - first > end - start else None


@rule("TERM005", "glossary-structure")
def glossary_structure(ctx: RuleContext) -> Iterator[Finding]:
    """A glossary term lacks its zh or en form, or a glossary value has the wrong type.

    Why: a term without both forms cannot be matched, so every TERM and ABBR rule skips it.
    Example: ``- zh: 索拉非尼`` with no ``en``; ``avoid: {fr: [...]}``; ``terms: 索拉非尼``.
    """
    glossary = ctx.project.glossary
    yield from shape_findings(glossary.path, glossary.raw if glossary.raw is not None else {}, schema()["glossary.yaml"], "", 1, 1)


@rule("TERM006", "glossary-conflict", Severity.WARNING)
def glossary_conflict(ctx: RuleContext) -> Iterator[Finding]:
    """Two glossary terms accept one form, or a term avoids a form that a term accepts.

    Why: a form that names two concepts cannot be aligned with either, and one both accepted and
    avoided would be reported at every use; the checker keeps it accepted and says so once, here.
    Example: ``急性髓系白血病`` as the zh form of two terms; ``avoid: {en: [sorafenib]}`` beside ``en: sorafenib``.
    """
    glossary = ctx.project.glossary
    terms = glossary.terms
    accepted = accepted_terms(terms)
    shared: dict[tuple[int, int], list[str]] = {}  # (first term, later term) → the forms both accept
    for (lang, form), indexes in accepted.items():
        owners = list(dict.fromkeys(indexes))
        for later in owners[1:]:
            shared.setdefault((owners[0], later), []).append(next(t for t in (*terms[later].accepted("zh"), *terms[later].accepted("en"))
                                                               if t.casefold() == form) if lang != "abbr" else terms[later].abbr)
    for (first, later), forms in shared.items():
        listed = ", ".join(f"“{f}”" for f in dict.fromkeys(forms))
        yield Finding(Location(glossary.path, terms[later].line, 1), f"this term shares {listed} with the term at line "
                      f"{terms[first].line}: merge them, or give one other forms (the form is read as the first one's)",
                      related=(Location(glossary.path, terms[first].line, 1),))
    for term in terms:
        for lang in ("zh", "en"):
            for text in term.avoid.get(lang, ()):
                owners = accepted.get((lang, text.casefold()))
                if owners:
                    owner = terms[owners[0]]
                    yield Finding(Location(glossary.path, term.line, 1), f"“{text}” is listed under avoid but is an accepted "
                                  f"{lang} form (line {owner.line}): it is read as accepted", related=(Location(glossary.path, owner.line, 1),))
