"""Glossary forms found in (masked) prose, by every rule of the TERM and ABBR families.

How a glossary form is found in (masked) prose, by every rule of this family and ABBR:
- Latin forms on non-alphanumeric boundaries, case-insensitively, except forms written in
  capitals and digits only (AML, FLT3-WT) and abbreviations, which are matched as written (an
  abbreviation starting lower-case may be capitalised: Allo-HSCT). English forms also match
  their plural (inhibitors, malignancies, RCTs), and quotation marks around a word of a form do
  not hide it (“7+3” regimen). So CR does not occur in CRi, while FLT3-ITD holds FLT3 and ITD.
- Forms containing Chinese as written; one of 4 or more characters counts wherever it stands,
  a shorter one only where jieba (with every glossary form as a user word) cuts a word at both
  its ends (自噬 in 抑制自噬, not in 来自噬菌体; 低血糖 not in 降低血糖): a long term is
  unambiguous, while a two- or three-character one is often a piece of other words.
- Of overlapping occurrences the longest counts ("top"); the shorter ones inside it are kept
  as shadowed (FLT3 inside FLT3抑制剂), so that they can still answer for a term on the
  other side without demanding one themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from itertools import accumulate
from operator import itemgetter

from toolchain.check._text import CJK, CJK_CHAR
from toolchain.load import safe_data
from toolchain.load.glossary import Glossary, Term
from toolchain.segment import segmenter

LATIN_RUN = re.compile(r"[A-Za-z0-9]+")
LATIN_SPLIT = re.compile(r"([A-Za-z0-9]+)")
# How a Latin form's second word is met (LatinForm.second): it has none; it must follow as it is;
# it must follow, or be the head after a list of modifiers ("first-line and salvage therapy").
ONE_WORD, SECOND_WORD, HEAD_AFTER = 0, 1, 2
# Where Chinese meets a Latin letter or digit inside a form (程序性死亡受体1, FLT3野生型), a text that
# spaces Chinese and Latin (ZH002 cjk-latin-spacing = space) writes a space the glossary may not.
CJK_LATIN_EDGE = re.compile(f"(?<=[{CJK_CHAR}])[ \t]*(?=[A-Za-z0-9\u0370-\u03ff])|(?<=[A-Za-z0-9\u0370-\u03ff])[ \t]*(?=[{CJK_CHAR}])")
SPACE_GAP = re.compile("[\"'”’]?\\s+[\"'“‘]?")  # a space in a form; quotes may close/open
COMMA_GAP = re.compile(r",?\s+")
CONNECTORS = safe_data(files("toolchain").joinpath("data", "coordination.yaml").read_text(encoding="utf-8"))
ZH_CONNECTOR = re.compile("|".join(re.escape(c) for c in sorted(CONNECTORS["zh"], key=len, reverse=True)))
# The conjuncts between the connector and the shared head: Chinese characters and further connectors.
ZH_CONJUNCTS = re.compile(f"(?:[{CJK_CHAR}]|{ZH_CONNECTOR.pattern}){{1,12}}")
CJK_ONLY = re.compile(f"[{CJK_CHAR}]+")
PHRASE_CHARS = set("的之地得")  # a conjunct holding these is a phrase (移植后维持的全程), not a modifier


@dataclass(frozen=True, slots=True)
class Form:
    """One way of writing a term: its text, term index, language (zh, en or abbr) and kind."""

    text: str
    term: int
    lang: str
    kind: str  # preferred | variant | avoid | abbr


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A form found in a text; ``top`` unless a longer occurrence overlaps it."""

    form: Form
    start: int
    end: int
    top: bool


def accepted_terms(terms: tuple[Term, ...]) -> dict[tuple[str, str], list[int]]:
    """(language, casefolded form) → the indexes of the terms that accept that form (preferred, variant or abbreviation)."""
    found: dict[tuple[str, str], list[int]] = {}
    for index, term in enumerate(terms):
        for lang in ("zh", "en"):
            for text in dict.fromkeys((term.preferred(lang), *term.variants.get(lang, ()))):
                if text:
                    found.setdefault((lang, text.casefold()), []).append(index)
        if term.abbr:
            found.setdefault(("abbr", term.abbr.casefold()), []).append(index)
    return found


def glossary_forms(terms: tuple[Term, ...]) -> list[Form]:
    """Every form of every term, conflicts read as TERM006 reports them.

    A form two terms accept is the first one's; a form listed under avoid that some term
    accepts is no avoided form.
    """
    accepted = accepted_terms(terms)
    forms = []
    for index, term in enumerate(terms):
        for lang in ("zh", "en"):
            forms.append(Form(term.preferred(lang), index, lang, "preferred"))
            forms += [Form(v, index, lang, "variant") for v in term.variants.get(lang, ())]
            forms += [Form(v, index, lang, "avoid") for v in term.avoid.get(lang, ()) if (lang, v.casefold()) not in accepted]
        if term.abbr:
            forms.append(Form(term.abbr, index, "abbr", "abbr"))
    return [f for f in forms if f.text and (f.kind == "avoid" or accepted[(f.lang, f.text.casefold())][0] == f.term)]


@dataclass(frozen=True, slots=True)
class LatinForm:
    """A form of Latin letters and digits cut into words (casefolded unless exact) and the gaps between."""

    form: Form
    words: tuple[str, ...]
    gaps: tuple[str, ...]
    exact: bool

    @classmethod
    def of(cls, form: Form) -> LatinForm:
        """Cut a form; capitals-and-digits forms and abbreviations are matched as written."""
        exact = form.kind == "abbr" or not any(c.islower() for c in form.text)
        spans = [m.span() for m in LATIN_RUN.finditer(form.text)]
        words = tuple(form.text[s:e] if exact else form.text[s:e].casefold() for s, e in spans)
        return cls(form, words, tuple(form.text[a[1]:b[0]] for a, b in zip(spans, spans[1:])), exact)

    @property
    def second(self) -> int:
        """How the second word is met (see ``match``): ONE_WORD, SECOND_WORD or HEAD_AFTER."""
        if len(self.words) == 1:
            return ONE_WORD
        return HEAD_AFTER if len(self.words) == 2 and not self.exact and self.gaps[0].isspace() else SECOND_WORD

    def word_matches(self, k: int, word: str) -> bool:
        """Whether a text word is the form's k-th word (the last may be plural)."""
        target = self.words[k]
        word = word if self.exact else word.casefold()
        if word == target or (k == 0 and self.form.kind == "abbr" and word == target[:1].upper() + target[1:]):
            return True
        if k < len(self.words) - 1 or not target[-1].isalpha():
            return False
        if self.exact:
            return word == target + "s"
        plural = target[:-1] + "ies" if re.search(r"[^aeiou]y$", target) else None
        return word in (target + "s", target + "es", plural)

    def match(self, text: str, runs: list[tuple[int, int]], i: int) -> int | None:
        """The end of this form matched from text run ``i`` on, or None."""
        j = i
        for k in range(len(self.words)):
            if k:
                if j >= len(runs):
                    return None
                last = k == len(self.words) - 1
                gap = text[runs[j - 1][1]:runs[j][0]]
                direct = (SPACE_GAP.fullmatch(gap) if self.gaps[k - 1].isspace() else gap == self.gaps[k - 1])
                if not (direct and self.word_matches(k, text[runs[j][0]:runs[j][1]])):
                    if not (last and not self.exact and self.gaps[k - 1].isspace()):
                        return None
                    head = next((h for h in coordinated(text, runs, j) if self.word_matches(k, text[runs[h][0]:runs[h][1]])), None)
                    if head is None:
                        return None
                    j = head
            elif not self.word_matches(0, text[runs[j][0]:runs[j][1]]):
                return None
            j += 1
        return runs[j - 1][1]


def coordinated(text: str, runs: list[tuple[int, int]], j: int) -> Iterator[int]:
    """Runs that may be the head noun after coordinated modifiers: "first-line and salvage therapy"."""
    for _ in range(3):
        gap = text[runs[j - 1][1]:runs[j][0]]
        if text[runs[j][0]:runs[j][1]] in CONNECTORS["en"] and COMMA_GAP.fullmatch(gap):
            j += 1
            if j >= len(runs) or not text[runs[j - 1][1]:runs[j][0]].isspace():
                return
        elif not (gap.startswith(",") and COMMA_GAP.fullmatch(gap)):
            return
        j += 1  # over one modifier, hyphenated or not
        while j < len(runs) and text[runs[j - 1][1]:runs[j][0]] == "-":
            j += 1
        if j >= len(runs) or not SPACE_GAP.fullmatch(text[runs[j - 1][1]:runs[j][0]]):
            return
        yield j


def depluralise(word: str) -> set[str]:
    """A word and the singulars it may be the plural of."""
    found = {word}
    if word.endswith("s"):
        found |= {word[:-1], word[:-2]}
    if word.endswith("ies"):
        found.add(word[:-3] + "y")
    return found


class Matcher:
    """Finds a glossary's forms in text (see the module docstring)."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        """Index the forms: Latin ones by first word, the others by first character."""
        self.terms = terms
        self.forms = glossary_forms(terms)
        self.by_word: dict[str, list[LatinForm]] = {}
        self.by_char: dict[str, list[Form]] = {}
        for form in self.forms:
            edges = form.text[0] + form.text[-1]
            if not CJK.search(form.text) and edges.isascii() and edges.isalnum():
                latin = LatinForm.of(form)
                self.by_word.setdefault(latin.words[0].casefold(), []).append(latin)
            else:
                self.by_char.setdefault(form.text[0], []).append(form)
        self.first_chars = re.compile("[" + re.escape("".join(sorted(self.by_char))) + "]") if self.by_char else None
        self.spaced = {f.text: re.compile(spaced_form(f.text)) for forms in self.by_char.values() for f in forms
                       if CJK_LATIN_EDGE.search(f.text)}
        self.user_words = tuple(sorted({f.text for f in self.forms if f.lang == "zh"}))
        self.heads: dict[str, list[tuple[str, Form]]] = {}  # 临床前 → [(研究, 临床前研究)]: modifier → (head, form)
        for form in self.forms:
            if form.lang == "zh" and re.fullmatch(f"[{CJK_CHAR}]{{4,}}", form.text):
                for cut in range(2, len(form.text) - 1):
                    self.heads.setdefault(form.text[:cut], []).append((form.text[cut:], form))
        self.longest_modifier = max(map(len, self.heads), default=0)
        self.cache: dict[str, tuple[Occurrence, ...]] = {}
        self.starting: dict[str, list[tuple[LatinForm, int]]] = {}  # a text word → the forms it may begin
        self.pairs: dict[tuple[str, str | None], list[tuple[LatinForm, int]]] = {}  # two text words → forms_before
        self.by_prefix: dict[str, list[tuple[Form, re.Pattern | None, bool, bool]]] = {}  # a text's two characters → the forms that may start there
        # A form matched with spaces allowed at its Chinese–Latin edges begins with its first piece as written.
        self.heads_of = {text: CJK_LATIN_EDGE.split(text)[0] for text in self.spaced}

    def find(self, text: str) -> tuple[Occurrence, ...]:
        """Every occurrence in ``text`` (already masked), in order of position."""
        if text not in self.cache:
            self.cache[text] = self._find(text)
        return self.cache[text]

    def _find(self, text: str) -> tuple[Occurrence, ...]:
        """Collect candidates, drop unaligned short Chinese ones, mark the longest as top."""
        found = self.latin_candidates(text)
        by_prefix = self.by_prefix
        for hit in self.first_chars.finditer(text) if self.first_chars else ():
            start = hit.start()
            prefix = text[start:start + 2]
            forms = by_prefix.get(prefix)
            if forms is None:
                forms = by_prefix[prefix] = self.forms_at(prefix)
            for form, spaced, edged, short in forms:
                if spaced is None:
                    if not text.startswith(form.text, start):
                        continue
                    end = start + len(form.text)
                else:
                    match = spaced.match(text, start)
                    if match is None:
                        continue
                    end = match.end()
                if (not edged or latin_edges_free(text, start, end)) and (not short or self.word_like(text, form, start, end)):
                    found.append((form, start, end))
        found += self.coordinated_zh(text)
        return tuple(marked(found))

    def latin_candidates(self, text: str) -> list[tuple[Form, int, int]]:
        """The Latin forms found in ``text``, in order of their first word."""
        found: list[tuple[Form, int, int]] = []
        parts = LATIN_SPLIT.split(text)  # gap, run, gap, run, …, gap: the runs are maximal, each starts on a boundary
        bounds = list(accumulate(map(len, parts)))  # a run's start and end: bounds[2i], bounds[2i + 1]
        words = parts[1::2]
        runs = list(zip(bounds[::2], bounds[1::2]))
        starting, pairs = self.starting, self.pairs
        if len(starting) > 100_000 or len(pairs) > 100_000:  # kept for the texts to come, within bounds
            starting.clear()
            pairs.clear()
        for word in set(words).difference(starting):
            starting[word] = self.forms_starting(word)
        count = len(words)
        for i in [i for i, word in enumerate(words) if starting[word]]:
            start, end = runs[i]
            pair = (words[i], words[i + 1] if i + 1 < count else None)
            latins = pairs.get(pair)
            if latins is None:
                latins = pairs[pair] = self.forms_before(*pair)
            for latin, how in latins:
                if how == ONE_WORD:
                    stop: int | None = end
                elif how == HEAD_AFTER and not text.startswith(",", end):
                    continue
                else:
                    stop = latin.match(text, runs, i)
                if stop is not None:
                    quoted = start and text[start - 1] in "“‘" and ("”" in text[start:stop] or "’" in text[start:stop])
                    found.append((latin.form, start - 1 if quoted else start, stop))  # “7+3” regimen
        return found

    def forms_before(self, word: str, following: str | None) -> list[tuple[LatinForm, int]]:
        """The Latin forms a text word followed by another may begin (``following`` None: the text's last word).

        Each comes with ONE_WORD (matched), SECOND_WORD (to match from here) or HEAD_AFTER (to match
        only if a comma follows: the head may come after a list of modifiers).
        """
        found = []
        for latin, how in self.starting[word]:
            if how == ONE_WORD:
                found.append((latin, how))
            elif following is not None and latin.word_matches(1, following):
                found.append((latin, SECOND_WORD))
            elif following is not None and how == HEAD_AFTER:
                found.append((latin, SECOND_WORD if following in CONNECTORS["en"] else HEAD_AFTER))
        return found

    def forms_starting(self, word: str) -> list[tuple[LatinForm, int]]:
        """The Latin forms whose first word a text word is, each with how its second word is met (``ONE_WORD`` …)."""
        return [(latin, latin.second) for key in depluralise(word.casefold()) for latin in self.by_word.get(key, ())
                if latin.word_matches(0, word)]

    def forms_at(self, prefix: str) -> list[tuple[Form, re.Pattern | None, bool, bool]]:
        """The forms holding Chinese that may stand where a text's next two characters are ``prefix``, in index order.

        Each comes with its pattern when spaces are allowed at its Chinese–Latin edges (else it is
        matched as written), whether it begins or ends with a Latin letter or digit (then
        ``latin_edges_free`` is asked) and whether it is short Chinese (then ``word_like`` is).
        """
        heads = [(f, self.heads_of.get(f.text, f.text)) for f in self.by_char[prefix[0]]]
        return [(f, self.spaced.get(f.text), latin_edge(f.text[0]) or latin_edge(f.text[-1]), bool(CJK.search(f.text)) and len(f.text) < 4)
                for f, head in heads if head.startswith(prefix[:min(2, len(head))])]

    def coordinated_zh(self, text: str) -> list[tuple[Form, int, int]]:
        """Chinese forms whose modifier is coordinated with others before the shared head: 临床前和临床研究, 诱导、巩固及维持治疗."""
        found = []
        for connector in ZH_CONNECTOR.finditer(text) if self.heads else ():
            at, after = connector.start(), connector.end()
            conjuncts = ZH_CONJUNCTS.match(text, after)
            if not conjuncts:
                continue
            for size in range(2, min(self.longest_modifier, at) + 1):
                for head, form in self.heads.get(text[at - size:at], ()):
                    end = text.find(head, after + 1, conjuncts.end() + len(head))
                    if end > after and modifiers(text[after:end], size + 1):
                        found.append((form, at - size, end + len(head)))
        return found

    def word_like(self, text: str, form: Form, start: int, end: int) -> bool:
        """Whether a Chinese form stands as a word (4+ characters, or cut so by jieba)."""
        if not CJK.search(form.text) or len(form.text) >= 4:
            return True
        return segmenter(self.user_words).aligned(text, start, end)


def marked(found: list[tuple[Form, int, int]]) -> list[Occurrence]:
    """Occurrences in order of position; of overlapping ones the longest (then the first) is top.

    Candidates are taken longest first and are top where no top one covers a character of them
    (or one with the same span is top); a candidate overlapping no other is top. So only the
    groups of overlapping candidates are taken in that order, each on its own, and the others
    cost a comparison. Candidates with the same span keep the order they were found in.
    """
    found.sort(key=itemgetter(1, 2))
    reach = list(accumulate((end for _, _, end in found), max))  # the furthest end so far
    joined = [i for i, (_, start, _) in enumerate(found[1:], 1) if start < reach[i - 1]]  # overlaps one before it
    result: list[Occurrence] = []
    done = k = 0
    while k < len(joined):
        first = last = joined[k]
        while k + 1 < len(joined) and joined[k + 1] == last + 1:
            k += 1
            last = joined[k]
        k += 1
        result += [Occurrence(form, start, end, True) for form, start, end in found[done:first - 1]]
        result += overlapping(found[first - 1:last + 1])
        done = last + 1
    result += [Occurrence(form, start, end, True) for form, start, end in found[done:]]
    return result


def overlapping(group: list[tuple[Form, int, int]]) -> list[Occurrence]:
    """A group of overlapping candidates (in order of position) marked longest first."""
    order = sorted(range(len(group)), key=lambda k: (group[k][1] - group[k][2], group[k][1]))
    covered: set[int] = set()
    chosen: set[tuple[int, int]] = set()
    tops = [False] * len(group)
    for k in order:
        _, start, end = group[k]
        if (start, end) in chosen or covered.isdisjoint(range(start, end)):
            chosen.add((start, end))
            covered.update(range(start, end))
            tops[k] = True
    return [Occurrence(form, start, end, top) for (form, start, end), top in zip(group, tops)]


def modifiers(between: str, longest: int) -> bool:
    """Whether the text between a connector and a head is coordinated modifiers, each no longer than ``longest``."""
    pieces = ZH_CONNECTOR.split(between)
    return all(0 < len(p) <= longest and CJK_ONLY.fullmatch(p) and not PHRASE_CHARS & set(p) for p in pieces)


def spaced_form(form: str) -> str:
    """A regular expression for a form that allows a space (or none) where Chinese meets Latin."""
    pieces = CJK_LATIN_EDGE.split(form)
    return "[ \t]?".join(re.escape(piece) for piece in pieces)


def latin_edge(char: str) -> bool:
    """Whether a character is a Latin letter or digit (a form's edge that ``latin_edges_free`` tests)."""
    return char.isascii() and char.isalnum()


def latin_edges_free(text: str, start: int, end: int) -> bool:
    """Whether a match beginning or ending with a Latin letter or digit is not glued to another."""
    def alnum(i: int) -> bool:
        return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()
    return not (alnum(start) and alnum(start - 1)) and not (alnum(end - 1) and alnum(end))


def glossary_key(glossary: Glossary) -> tuple:
    """A hashable image of the glossary's terms (Term holds dicts)."""
    return tuple((t.zh, t.en, t.abbr, tuple(sorted(t.variants.items())), tuple(sorted(t.avoid.items())), t.line)
                 for t in glossary.terms)


_MATCHERS: dict[tuple, Matcher] = {}


def matcher(glossary: Glossary) -> Matcher:
    """The matcher for a project's glossary (made once per process and glossary)."""
    key = glossary_key(glossary)
    if key not in _MATCHERS:
        if len(_MATCHERS) >= 8:
            del _MATCHERS[next(iter(_MATCHERS))]
        _MATCHERS[key] = Matcher(glossary.terms)
    return _MATCHERS[key]
