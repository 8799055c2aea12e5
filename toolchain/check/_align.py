"""Sentence-alignment of zh and en units, as translators' tools align: the one meaning of "aligned unit".

The contract pairs the n-th heading and paragraph of zh.md with the n-th of en.md. When one
language lacks a unit (or has one more), that positional pairing compares every later unit with
the wrong one; so units are aligned by dynamic programming over their sequence, scored on the
anchors both languages share — citation keys, numbers, glossary terms, heading ids, Latin names
(FLT3, SORMAIN) — and on relative length (Gale–Church), with 1–1, 1–0, 0–1, 2–1 and 1–2 matches.
A 1–1 match never costs more than a 1–0 plus a 0–1, so equal sequences keep the positional
pairing (the contract's default meaning). The search runs in a band around the diagonal:
linear in the number of units. The same aligner pairs the sentences of two aligned units.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from toolchain.check._glossary_forms import matcher
from toolchain.check._text import CROSS_REFERENCE_USE, IDENTIFIER, footnotes, mask_non_prose
from toolchain.load import Project
from toolchain.load.markdown import Block, Document, find_citations
from toolchain.load.source import Span

CROSSING = 0.4  # how much cheaper two neighbouring pairs must be crossed than straight to be read as two units in another order
SKIP = 0.55  # cost of a unit without counterpart; two skips cost more than the worst 1–1 pair
MERGE = 0.65  # extra cost of a 2–1 or 1–2 match: a skip + 0.1, so a merge must improve the match
KIND_MISMATCH = 0.3  # a paragraph aligned with a list or table
LEVEL_MISMATCH = 0.2  # two headings of different levels
BAND = 20  # half-width of the band around the diagonal, plus the difference of the lengths (up to MAX_SHIFT)
MAX_SHIFT = 200
MAX_SENTENCES = 300  # units with more sentences (a paste of a whole text as one paragraph) are compared whole
WEIGHTS = {"c": 2.0, "h": 3.0, "n": 1.0, "t": 1.0, "l": 1.0}  # citation, heading id, number, term, Latin name
RUN_TOGETHER = 3  # units of one language a single unit of the other must stand for to be read as their paste
RUN_RATIO = 1.2  # how many times longer than its counterpart (after the languages' ratio) that single unit must be
MERGEABLE = frozenset({"paragraph", "list", "abstract", "sentence"})
NUMBER = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?")
LATIN_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z]*(?:[A-Z0-9][A-Za-z0-9]*)(?:-[A-Za-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Unit:
    """One alignable unit: its kind, span, shared anchors and prose length."""

    kind: str  # heading | paragraph | list | table | figure | abstract | sentence
    span: Span
    anchors: Counter[str]
    length: int
    level: int = 0
    block: Block | None = None
    offset: int = 0  # where a sentence starts in its span's text
    weight: float = 0.0  # weighted size of the anchors


@dataclass(frozen=True, slots=True)
class Group:
    """Units matched with each other: 1–1, 1–0, 0–1, 2–1 or 1–2."""

    zh: tuple[Unit, ...]
    en: tuple[Unit, ...]
    crossed: bool = False  # matched with the other language's next (or previous) unit: the two stand in another order

    @property
    def kind(self) -> str:
        """The kind of the group's first unit (of its single unit when it stands for a run of the other language)."""
        if self.run_together:
            return (self.zh if len(self.zh) == 1 else self.en)[0].kind
        return (self.zh or self.en)[0].kind

    @property
    def run_together(self) -> bool:
        """Whether one unit stands for three or more of the other language (paragraph breaks lost in a paste)."""
        return min(len(self.zh), len(self.en)) == 1 and max(len(self.zh), len(self.en)) >= RUN_TOGETHER

    @property
    def matched(self) -> bool:
        """Whether both languages have a unit in this group."""
        return bool(self.zh and self.en)


def anchors(text: str, span: Span | None, names: Callable[[str], list[int]] | None) -> Counter[str]:
    """The anchors of a text: cited keys and cross references, ids, numbers, glossary terms and Latin names.

    A cross reference right after a Chinese character (见@tbl-x) is no citation for the loader but
    an anchor here; one after a Latin character is already a cited key.
    """
    masked = mask_non_prose(text)
    found: Counter[str] = Counter()
    if span is not None:
        found.update("c" + c.key for c in find_citations(span))
        found.update("h" + m.group(1) for m in IDENTIFIER.finditer(text))  # {#sec-x}, {#tbl-x}, {#fig-x}
        found.update("c" + m.group(1) for m in CROSS_REFERENCE_USE.finditer(text) if m.start() and not text[m.start() - 1].isascii())
    found.update("n" + m.group().replace(",", "") for m in NUMBER.finditer(masked))
    found.update("l" + m.group() for m in LATIN_NAME.finditer(masked) if len(m.group()) >= 2)
    if names is not None:
        found.update(f"t{term}" for term in names(masked))
    return found


def prose_length(text: str) -> int:
    """Characters of prose (spaces and non-prose spans left out)."""
    masked = mask_non_prose(text)
    return len(masked) - masked.count(" ") - masked.count("\n")


def make_unit(kind: str, span: Span, names: Callable[[str], list[int]] | None, block: Block | None = None) -> Unit:
    """A unit for a span."""
    found = anchors(span.text, span, names)
    return Unit(kind, span, found, prose_length(span.text), block.level if block else 0, block, weight=weight(found))


def body_units(document: Document, names: Callable[[str], list[int]] | None) -> list[Unit]:
    """Headings and paragraph-like blocks of a body in order; footnote definitions left out."""
    return [make_unit(b.kind, b.span, names, b) for b in document.body_units(footnotes=False)]


def weight(anchors: Counter[str]) -> float:
    """The weighted size of a multiset of anchors."""
    return sum(WEIGHTS[k[0]] * v for k, v in anchors.items())


def similarity(a: Sequence[Unit], b: Sequence[Unit], ratio: float) -> float:
    """How alike two runs of units are, 0…1: weighted Dice of their anchors and their length ratio."""
    if len(a) == 1 and len(b) == 1:
        left, right, total = a[0].anchors, b[0].anchors, a[0].weight + b[0].weight
    else:
        left, right = Counter(), Counter()
        for unit in a:
            left.update(unit.anchors)
        for unit in b:
            right.update(unit.anchors)
        total = sum(u.weight for u in a) + sum(u.weight for u in b)
    length_a, length_b = sum(u.length for u in a), sum(u.length for u in b)
    log_ratio = math.log((length_b + 20) / (ratio * length_a + 20))
    length_score = math.exp(-((log_ratio / 0.6) ** 2))
    if not total:
        return 0.5 * length_score
    if len(right) < len(left):
        left, right = right, left
    shared = sum(WEIGHTS[k[0]] * min(v, right[k]) for k, v in left.items() if k in right)
    return 0.7 * (2 * shared / total) + 0.3 * length_score


def pair_cost(a: Sequence[Unit], b: Sequence[Unit], ratio: float) -> float:
    """The cost of matching two runs of units (inf when their kinds cannot match)."""
    if len(a) + len(b) > 2 and any(u.kind not in MERGEABLE for u in (*a, *b)):
        return math.inf
    if (a[0].kind == "heading") != (b[0].kind == "heading"):
        return math.inf
    if len(a) + len(b) > 2 and not pieces_anchored(a, b):
        return math.inf
    cost = 1 - similarity(a, b, ratio)
    if len(a) + len(b) > 2:
        cost += MERGE
    elif a[0].kind == "heading":
        cost += LEVEL_MISMATCH if a[0].level != b[0].level else 0
    elif a[0].kind != b[0].kind:
        cost += KIND_MISMATCH
    return cost


def pieces_anchored(a: Sequence[Unit], b: Sequence[Unit]) -> bool:
    """Whether each piece of the split side shares an anchor with the single unit (length alone proves no split)."""
    single, pieces = (a[0], b) if len(a) == 1 else (b[0], a)
    return all(not single.anchors.keys().isdisjoint(piece.anchors) for piece in pieces)


MOVES = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))


def align(zh: Sequence[Unit], en: Sequence[Unit], ratio: float | None = None) -> list[Group]:
    """Align two sequences of units; every unit lands in exactly one group, in order."""
    n, m = len(zh), len(en)
    if ratio is None:
        ratio = (sum(u.length for u in en) + 1) / (sum(u.length for u in zh) + 1)
    width = BAND + min(abs(n - m), MAX_SHIFT)

    def band(i: int) -> range:
        centre = i * m // n if n else 0
        return range(max(0, centre - width), min(m, centre + width) + 1)

    cost: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {(0, 0): (0.0, (0, 0))}
    for i in range(n + 1):
        for j in band(i):
            if not i and not j:
                continue
            best: tuple[float, tuple[int, int]] = (math.inf, (0, 0))
            for di, dj in MOVES:
                previous = cost.get((i - di, j - dj))
                if previous is None:
                    continue
                if di and dj:
                    step = pair_cost(zh[i - di:i], en[j - dj:j], ratio)
                else:
                    step = SKIP
                if previous[0] + step < best[0]:
                    best = (previous[0] + step, (di, dj))
            if best[0] < math.inf:
                cost[(i, j)] = best
    groups: list[Group] = []
    i, j = n, m
    if (n, m) not in cost:  # the band missed the corner (it is on the band's centre line: cannot happen)
        return [Group((u,), ()) for u in zh] + [Group((), (u,)) for u in en]
    while i or j:
        di, dj = cost[(i, j)][1]
        groups.append(Group(tuple(zh[i - di:i]), tuple(en[j - dj:j])))
        i, j = i - di, j - dj
    groups.reverse()
    return groups


def runs_together(groups: Sequence[Group], ratio: float) -> list[Group]:
    """The groups with each paragraph that stands for a run of the other language's units joined with that run.

    A text pasted from a PDF loses its paragraph breaks and headings: one zh paragraph then holds
    what en.md says in many. The aligner matches it with one or two of them and leaves the rest
    without counterpart; here a matched paragraph far longer than its counterpart takes in the
    unmatched units of the other language around it (headings, and units that share an anchor
    with it), when that brings the two lengths closer. Linear in the number of groups.
    """
    result: list[Group] = []
    index = 0
    while index < len(groups):
        group = groups[index]
        found = run_around(groups, index, ratio) if group.matched and min(len(group.zh), len(group.en)) == 1 else None
        if found is None:
            result.append(group)
            index += 1
            continue
        low, high, joined_group = found
        del result[len(result) - (index - low):]
        result.append(joined_group)
        index = high + 1
    return result


def run_around(groups: Sequence[Group], index: int, ratio: float) -> tuple[int, int, Group] | None:
    """The range of groups around ``groups[index]`` its single long unit stands for, and the group they make (None if none)."""
    group = groups[index]
    zh_long = len(group.zh) == 1 and group.zh[0].length * ratio > RUN_RATIO * sum(u.length for u in group.en)
    en_long = len(group.en) == 1 and group.en[0].length > RUN_RATIO * ratio * sum(u.length for u in group.zh)
    if zh_long == en_long or (group.zh if zh_long else group.en)[0].kind not in MERGEABLE:
        return None
    single = group.zh[0] if zh_long else group.en[0]

    def absorbable(other: Group) -> bool:
        side = other.en if zh_long else other.zh
        return not other.matched and bool(side) and (side[0].kind == "heading" or not single.anchors.keys().isdisjoint(side[0].anchors))

    low, high = index, index
    while low > 0 and absorbable(groups[low - 1]):
        low -= 1
    while high + 1 < len(groups) and absorbable(groups[high + 1]):
        high += 1
    run = tuple(u for g in groups[low:high + 1] for u in (g.en if zh_long else g.zh))
    if len(run) < RUN_TOGETHER or sum(u.kind != "heading" for u in run) < 2:
        return None
    expected = single.length * ratio if zh_long else single.length / ratio
    before = abs(math.log((sum(u.length for u in (group.en if zh_long else group.zh)) + 20) / (expected + 20)))
    after = abs(math.log((sum(u.length for u in run) + 20) / (expected + 20)))
    if after >= before:
        return None
    return low, high, Group((single,), run) if zh_long else Group(run, (single,))


def crossings(groups: Sequence[Group], ratio: float) -> list[Group]:
    """The groups with each two neighbouring 1–1 pairs re-paired crosswise when the crossed pairs match far better.

    A translator who moved a paragraph before its neighbour leaves two pairs that share nothing;
    crossed, they are the translations they are. Only paragraph-like units are re-paired, and
    only neighbours: the alignment keeps its order everywhere else.
    """
    result = list(groups)
    index = 0
    while index + 1 < len(result):
        a, b = result[index], result[index + 1]
        if (len(a.zh) == len(a.en) == len(b.zh) == len(b.en) == 1 and not a.crossed and not b.crossed
                and all(u.kind != "heading" for u in (a.zh[0], a.en[0], b.zh[0], b.en[0]))):
            straight = pair_cost(a.zh, a.en, ratio) + pair_cost(b.zh, b.en, ratio)
            crossed = pair_cost(a.zh, b.en, ratio) + pair_cost(b.zh, a.en, ratio)
            if crossed + CROSSING < straight:
                result[index], result[index + 1] = Group(a.zh, b.en, crossed=True), Group(b.zh, a.en, crossed=True)
                index += 2
                continue
        index += 1
    return result


MOVE_WINDOW = 6  # groups apart an unmatched unit's counterpart may stand (a paragraph moved within its section)
MOVED = 0.35  # the cost below which two unmatched units near each other are one pair in another order


def moves(groups: Sequence[Group], ratio: float) -> list[Group]:
    """The groups with each unmatched unit paired with an unmatched unit of the other language near it that it translates.

    The aligner keeps the order, so a paragraph the translator moved past a neighbour is left
    without counterpart in both languages; near each other and alike, the two are one pair
    (``crossed``), placed where the zh unit stands. Linear: each unit looks MOVE_WINDOW groups around.
    """
    result = list(groups)
    taken: set[int] = set()
    for index, group in enumerate(groups):
        if group.en or len(group.zh) != 1 or group.zh[0].kind == "heading":
            continue
        best, where = MOVED, -1
        for other in range(max(0, index - MOVE_WINDOW), min(len(groups), index + MOVE_WINDOW + 1)):
            candidate = groups[other]
            if other in taken or candidate.zh or len(candidate.en) != 1 or candidate.en[0].kind == "heading":
                continue
            cost = pair_cost(group.zh, candidate.en, ratio)
            if cost < best:
                best, where = cost, other
        if where >= 0:
            taken.add(where)
            result[index] = Group(group.zh, groups[where].en, crossed=True)
    return [g for i, g in enumerate(result) if i not in taken]


def term_finder(project: Project) -> Callable[[str], list[int]]:
    """The glossary terms (indexes) named in a masked text."""
    found = matcher(project.glossary)
    return lambda masked: [o.form.term for o in found.find(masked) if o.top]


@dataclass(frozen=True, slots=True)
class Alignment:
    """A project's aligned front matter and body."""

    abstract: tuple[Group, ...]
    body: tuple[Group, ...]


_LAST: list = [None, None]  # the last project aligned and its alignment: every pairwise rule shares it


def alignment(project: Project) -> Alignment:
    """The alignment of a project's abstract paragraphs and body units (computed once per project)."""
    if _LAST[0] is not project:
        names = term_finder(project)
        zh_abstract = [make_unit("abstract", s, names) for s in project.zh.abstract]
        en_abstract = [make_unit("abstract", s, names) for s in project.en.abstract]
        if len(zh_abstract) == len(en_abstract) or not zh_abstract or not en_abstract:
            abstract = align(zh_abstract, en_abstract)
        else:  # structured in one language, one block in the other: the abstract is one unit
            abstract = [Group(tuple(zh_abstract), tuple(en_abstract))]
        body: list[Group] = []
        if not project.en.body_is_empty:
            zh_units, en_units = body_units(project.zh, names), body_units(project.en, names)
            ratio = (sum(u.length for u in en_units) + 1) / (sum(u.length for u in zh_units) + 1)
            body = crossings(moves(runs_together(align(zh_units, en_units, ratio), ratio), ratio), ratio)
        _LAST[:] = [project, Alignment(tuple(abstract), tuple(body))]
    return _LAST[1]


def joined(units: Sequence[Unit]) -> Span:
    """One span over several units (separated by a blank line), each offset still mapping to its source."""
    if len(units) == 1:
        return units[0].span
    text, anchors_ = "", []
    for unit in units:
        if text:
            text += "\n\n"
        anchors_.extend((offset + len(text), source) for offset, source in unit.span.anchors)
        text += unit.span.text
    return Span(text, units[0].span.source, tuple(anchors_))


SENTENCE_END = {
    "zh": re.compile(r"[。！？；]+[”’）]*"),
    "en": re.compile(r"(?<![A-Z][a-z]\.)(?<!\bet al\.)(?<!\b[A-Za-z]\.)[.!?;]+[”’)]*(?=\s+[“‘(]?[A-Z0-9])"),
}


def sentence_bounds(span: Span, lang: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the sentences of a span's text (blank stretches left out)."""
    masked = mask_non_prose(span.text)
    bounds, start = [], 0
    for end in [m.end() for m in SENTENCE_END[lang].finditer(masked)] + [len(masked)]:
        if not masked[start:end].isspace() and start < end:
            bounds.append((start, end))
        start = end
    return bounds


def sentence_unit(span: Span, start: int, end: int, names: Callable[[str], list[int]] | None) -> Unit:
    """The sentence span.text[start:end] as a unit, with its anchors and length."""
    found = anchors(span.text[start:end], None, names)
    return Unit("sentence", span, found, prose_length(span.text[start:end]), offset=start, weight=weight(found))


def sentence_groups(zh: Span, en: Span, names: Callable[[str], list[int]] | None = None) -> list[Group]:
    """The sentences of two aligned spans, aligned (as one group when either has more than MAX_SENTENCES).

    The sentences of that one group are not aligned, so they are not scored: their units carry
    their offsets only (no anchors, length 0).
    """
    zh_bounds, en_bounds = sentence_bounds(zh, "zh"), sentence_bounds(en, "en")
    if len(zh_bounds) > MAX_SENTENCES or len(en_bounds) > MAX_SENTENCES:
        return [Group(tuple(Unit("sentence", zh, Counter(), 0, offset=start) for start, _ in zh_bounds),
                      tuple(Unit("sentence", en, Counter(), 0, offset=start) for start, _ in en_bounds))]
    return align([sentence_unit(zh, s, e, names) for s, e in zh_bounds], [sentence_unit(en, s, e, names) for s, e in en_bounds])


def keyword_order(project: Project) -> list[int] | None:
    """For each zh keyword, the en keyword that names the same glossary term, when en.md lists them in another order.

    None when the lists keep one order (or are not a reordering of each other): keyword i pairs
    with keyword i, as the contract says. A keyword pairs with another only when it shares a term
    with that one and with no other, so a swap is told apart from a mistranslation.
    """
    zh, en = project.zh.keywords, project.en.keywords
    if len(zh) != len(en) or len(zh) < 2:
        return None
    found = matcher(project.glossary)
    terms = [[{o.form.term for o in found.find(k.text) if o.top} for k in side] for side in (zh, en)]
    order: list[int] = []
    for i, mine in enumerate(terms[0]):
        answers = [j for j, theirs in enumerate(terms[1]) if mine & theirs]
        if i in answers or len(answers) != 1 or answers[0] in order:
            order.append(i)
        else:
            order.append(answers[0])
    if sorted(order) != list(range(len(zh))) or order == list(range(len(zh))):
        return None
    return order


def aligned_units(project: Project) -> Iterator[tuple[str, Span, Span]]:
    """Pairs of aligned units, the one definition every pairwise rule (NUM, TERM, REF007) reads.

    Yields (kind, zh span, en span): the title, the abstract (paragraphs aligned; one unit when
    one language splits it and the other does not), each keyword pair, each matched group of body
    units (a 2–1 or 1–2 group as one span over both paragraphs; a paragraph that stands for a run
    of units with the run's paragraphs) and footnotes paired by label.
    Units without a counterpart are not yielded: ALIGN001/ALIGN002 report them once.
    """
    zh, en = project.zh, project.en
    if zh.title and en.title:
        yield "title", zh.title, en.title
    found = alignment(project)
    for group in found.abstract:
        if group.matched:
            yield "abstract", joined(group.zh), joined(group.en)
    if len(zh.keywords) == len(en.keywords):
        order = keyword_order(project) or range(len(en.keywords))
        for a, j in zip(zh.keywords, order, strict=True):
            yield "keyword", a, en.keywords[j]
    for group in found.body:
        if group.run_together:  # the headings of the run are reported lost (ALIGN007), not compared with a paragraph
            yield "paragraph", *(joined([u for u in side if u.kind != "heading"]) for side in (group.zh, group.en))
        elif group.matched:
            yield group.kind if group.kind == "heading" else "paragraph", joined(group.zh), joined(group.en)
    en_notes = footnotes(en)
    for label, note in footnotes(zh).items():
        if label in en_notes:
            yield "footnote", note.span, en_notes[label].span
