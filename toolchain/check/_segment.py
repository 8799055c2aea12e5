"""Where words stand: jieba segmentation of Chinese, and glossary forms found in text.

jieba keeps its prefix dictionary (500 000 entries) in one marshal file; loading it costs
about 0.6 s, more than the whole checker is allowed. jieba's DAG, however, only ever asks
about substrings of the text it cuts, and cuts each run of ``re_han_default`` on its own. So
the dictionary is copied once into an SQLite file in the cache directory
($XDG_CACHE_HOME/toolchain, else ~/.cache/toolchain) and, per run, only the entries naming
substrings of the runs we need are read into the tokenizer: the cut is identical to jieba's
and costs milliseconds. If the cache cannot be written the full dictionary is built in
memory instead (slower, same result). jieba is imported and set up lazily, once per process,
with its log silenced; a segmenter is made per glossary so that test projects do not leak
user words into each other.

How a glossary form is found in (masked) prose, by every rule of this family and ABBR:
- Latin forms on non-alphanumeric boundaries, case-insensitively, except forms written in
  capitals and digits only (AML, FLT3-WT) and abbreviations, which are matched as written (an
  abbreviation starting lower-case may be capitalised: Allo-HSCT). English forms also match
  their plural (inhibitors, malignancies, RCTs), and quotation marks around a word of a form do
  not hide it (“7+3” regimen). So CR does not occur in CRi, while FLT3-ITD holds FLT3 and ITD.
- Forms containing Chinese as written; one of 3 or more characters counts wherever it stands,
  a shorter one only where jieba (with every glossary form as a user word) cuts a word at both
  its ends (自噬 in 抑制自噬, not in 来自噬菌体): a long term is unambiguous, while a two-character
  one is often a piece of another word. This gives no false match on our manuscript.
- Of overlapping occurrences the longest counts ("top"); the shorter ones inside it are kept
  as shadowed (FLT3 inside FLT3抑制剂), so that they can still answer for a term on the
  other side without demanding one themselves.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType

from toolchain.check._text import CJK
from toolchain.load.glossary import Glossary, Term

# Glossary terms must come out as one token (维奈克拉, not 维奈/克拉) without swallowing their
# neighbours: on the scale of jieba's commonest words (来 161 501), a path through a term then
# still loses to a natural two-word reading of the same characters (来自/噬菌体 beats 来/自噬/菌体).
USER_WORD_FREQ = 100_000
QUERY_CHUNK = 900  # SQLite's historical limit on bound parameters is 999


def cache_dir() -> Path:
    """The toolchain's cache directory ($XDG_CACHE_HOME/toolchain or ~/.cache/toolchain)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "toolchain"


@cache
def _jieba() -> ModuleType:
    """Import jieba once, silencing its log (it prints to stderr at DEBUG level)."""
    # jieba uses pkg_resources only to open its own data files and falls back to open() when
    # the import fails; importing setuptools' pkg_resources costs ~140 ms, so hide it meanwhile.
    hidden = "pkg_resources" not in sys.modules
    if hidden:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if hidden:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.ERROR)
    jieba.dt.tmp_dir = str(cache_dir())  # should anything initialise jieba.dt, cache there too
    return jieba


def read_dictionary() -> tuple[dict[str, int], dict[str, str], int]:
    """Read dict.txt as jieba's gen_pfdict does (prefixes at 0), keeping each word's POS tag."""
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    total = 0
    with _jieba().get_dict_file() as lines:
        for line in lines:
            word, count, *tag = line.decode("utf-8").split()
            freq[word] = int(count)
            total += int(count)
            if tag:
                tags[word] = tag[0]
            for i in range(1, len(word)):
                freq.setdefault(word[:i], 0)
    return freq, tags, total


class Dictionary:
    """jieba's prefix dictionary (word → frequency, prefixes at 0) and POS tags, read on demand."""

    def __init__(self) -> None:
        """Open the SQLite copy of the dictionary, building it if needed."""
        self.freq: dict[str, int] = {}
        self.tags: dict[str, str] = {}
        self.absent: set[str] = set()
        self.database: sqlite3.Connection | None = None
        try:
            self.database = self._open()
            self.total = int(self.database.execute("SELECT n FROM meta WHERE k = 'total'").fetchone()[0])
        except (OSError, sqlite3.Error, TypeError):  # unwritable cache or a damaged file
            self.database = None
            self.freq, self.tags, self.total = read_dictionary()

    @staticmethod
    def _open() -> sqlite3.Connection:
        """Connect to the cached copy, named after jieba's version and dictionary size."""
        jieba = _jieba()
        source = Path(jieba.__file__).with_name("dict.txt")
        path = cache_dir() / f"jieba-{jieba.__version__}-{source.stat().st_size}.sqlite3"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            freq, tags, total = read_dictionary()
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            os.close(handle)
            try:
                with sqlite3.connect(temporary) as build:
                    build.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, n INTEGER, t TEXT) WITHOUT ROWID")
                    build.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, n INTEGER)")
                    build.executemany("INSERT INTO freq VALUES (?, ?, ?)", ((w, n, tags.get(w)) for w, n in freq.items()))
                    build.execute("INSERT INTO meta VALUES ('total', ?)", (total,))
                build.close()
                os.replace(temporary, path)  # atomic: a parallel run sees all or nothing
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def fetch(self, keys: set[str]) -> None:
        """Read the entries for ``keys`` not yet known into ``freq`` and ``tags``."""
        if self.database is None:
            return
        missing = [k for k in keys if k not in self.freq and k not in self.absent]
        for i in range(0, len(missing), QUERY_CHUNK):
            chunk = missing[i:i + QUERY_CHUNK]
            marks = ",".join("?" * len(chunk))
            for word, count, tag in self.database.execute(f"SELECT w, n, t FROM freq WHERE w IN ({marks})", chunk):
                self.freq[word] = count
                if tag:
                    self.tags[word] = tag
            self.absent.update(k for k in chunk if k not in self.freq)


@cache
def dictionary() -> Dictionary:
    """The process-wide dictionary."""
    return Dictionary()


class Segmenter:
    """A jieba tokenizer over the on-demand dictionary, with user words added."""

    def __init__(self, words: tuple[str, ...]) -> None:
        """Add ``words`` as user words (jieba.add_word) at a high frequency."""
        self.base = dictionary()
        self.tokenizer = _jieba().Tokenizer()
        self.tokenizer.FREQ, self.tokenizer.total = {}, self.base.total
        self.tokenizer.initialized = True  # or add_word would load the whole dictionary
        self.user = set(words)
        self.base.fetch({w[:i] for w in words for i in range(1, len(w) + 1)})
        for word in sorted(self.user):
            self.tokenizer.add_word(word, freq=max(USER_WORD_FREQ, self.base.freq.get(word, 0)))
        for word, freq in self.base.freq.items():
            self._take(word, freq)
        self.cuts: dict[str, tuple[tuple[int, int], ...]] = {}

    def _take(self, word: str, freq: int) -> None:
        """Copy a dictionary entry unless a user word overrides it (as add_word does)."""
        if word not in self.user:
            self.tokenizer.FREQ[word] = freq

    def _load(self, run: str) -> None:
        """Fetch every entry jieba's DAG will look up for ``run`` (prefix chains from each position)."""
        frontier, length, known = list(range(len(run))), 1, self.tokenizer.FREQ
        while frontier:
            keys = {run[k:k + length] for k in frontier if k + length <= len(run)}
            self.base.fetch(keys)
            for key in keys:
                if key in self.base.freq:
                    self._take(key, self.base.freq[key])
            frontier = [k for k in frontier if k + length <= len(run) and run[k:k + length] in known]
            length += 1

    def words(self, text: str, position: int) -> tuple[tuple[int, int], ...]:
        """Token spans (offsets in ``text``) of the jieba run holding ``position``; () outside runs."""
        for match in _jieba().re_han_default.finditer(text):
            if match.start() <= position < match.end():
                run = match.group()
                if run not in self.cuts:
                    self._load(run)
                    self.cuts[run] = tuple((s, e) for _, s, e in self.tokenizer.tokenize(run, HMM=True))
                return tuple((s + match.start(), e + match.start()) for s, e in self.cuts[run])
            if match.start() > position:
                break
        return ()

    def known(self, word: str) -> bool:
        """Whether a word is a user word or in jieba's dictionary (not a mere prefix)."""
        return word in self.user or bool(self.base.freq.get(word))

    def tag(self, word: str) -> str | None:
        """The part-of-speech tag of a dictionary word (None for user and unknown words)."""
        return None if word in self.user else self.base.tags.get(word)

    def aligned(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] begins and ends on token boundaries."""
        starts = {s for s, _ in self.words(text, start)}
        ends = {e for _, e in self.words(text, end - 1)}
        return start in starts and end in ends


@lru_cache(maxsize=8)
def segmenter(words: tuple[str, ...]) -> Segmenter:
    """The segmenter for one glossary's user words (made once per process and glossary)."""
    return Segmenter(words)


LATIN_RUN = re.compile(r"[A-Za-z0-9]+")
SPACE_GAP = re.compile("[\"'”’]?\\s+[\"'“‘]?")  # a space in a form; quotes may close/open
COMMA_GAP = re.compile(r",?\s+")


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


def glossary_forms(terms: tuple[Term, ...]) -> list[Form]:
    """Every form of every term."""
    forms = []
    for index, term in enumerate(terms):
        for lang in ("zh", "en"):
            forms.append(Form(term.preferred(lang), index, lang, "preferred"))
            forms += [Form(v, index, lang, "variant") for v in term.variants.get(lang, ())]
            forms += [Form(v, index, lang, "avoid") for v in term.avoid.get(lang, ())]
        if term.abbr:
            forms.append(Form(term.abbr, index, "abbr", "abbr"))
    return [f for f in forms if f.text]


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
        if text[runs[j][0]:runs[j][1]] in ("and", "or") and COMMA_GAP.fullmatch(gap):
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
        self.first_chars = re.compile("[" + re.escape("".join(self.by_char)) + "]") if self.by_char else None
        self.user_words = tuple(sorted({f.text for f in self.forms if f.lang == "zh"}))
        self.cache: dict[str, tuple[Occurrence, ...]] = {}

    def find(self, text: str) -> tuple[Occurrence, ...]:
        """Every occurrence in ``text`` (already masked), in order of position."""
        if text not in self.cache:
            self.cache[text] = self._find(text)
        return self.cache[text]

    def _find(self, text: str) -> tuple[Occurrence, ...]:
        """Collect candidates, drop unaligned short Chinese ones, mark the longest as top."""
        found: list[tuple[Form, int, int]] = []
        runs = [m.span() for m in LATIN_RUN.finditer(text)]  # maximal: each starts on a boundary
        for i, (start, end) in enumerate(runs):
            for key in depluralise(text[start:end].casefold()):
                for latin in self.by_word.get(key, ()):
                    stop = latin.match(text, runs, i)
                    if stop is not None:
                        quoted = start and text[start - 1] in "“‘" and ("”" in text[start:stop] or "’" in text[start:stop])
                        found.append((latin.form, start - 1 if quoted else start, stop))  # “7+3” regimen
        for hit in self.first_chars.finditer(text) if self.first_chars else ():
            start = hit.start()
            for form in self.by_char[hit.group()]:
                end = start + len(form.text)
                if text.startswith(form.text, start) and latin_edges_free(text, start, end) and self.word_like(text, form, start, end):
                    found.append((form, start, end))
        found.sort(key=lambda f: (f[1] - f[2], f[1]))
        covered = bytearray(len(text))
        chosen: set[tuple[int, int]] = set()
        result = []
        for form, start, end in found:
            top = (start, end) in chosen or not any(covered[start:end])
            if top:
                chosen.add((start, end))
                covered[start:end] = b"\x01" * (end - start)
            result.append(Occurrence(form, start, end, top))
        return tuple(sorted(result, key=lambda o: (o.start, o.end)))

    def word_like(self, text: str, form: Form, start: int, end: int) -> bool:
        """Whether a Chinese form stands as a word (3+ characters, or cut so by jieba)."""
        if not CJK.search(form.text) or len(form.text) >= 3:
            return True
        return segmenter(self.user_words).aligned(text, start, end)


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
