"""Where words stand: jieba segmentation of Chinese, its dictionary read on demand from an SQLite cache.

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

Glossary forms are found in text by toolchain.check._glossary_forms.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from bisect import bisect_right
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType

from toolchain.files import cache_dir, write_atomically

# Glossary terms must come out as one token (维奈克拉, not 维奈/克拉) without swallowing their
# neighbours: on the scale of jieba's commonest words (来 161 501), a path through a term then
# still loses to a natural two-word reading of the same characters (来自/噬菌体 beats 来/自噬/菌体).
# A term jieba already knows keeps its own frequency: boosted, 低血糖 (hypoglycaemia) would cut
# 降低血糖 (lowering blood glucose) as 降/低血糖.
USER_WORD_FREQ = 100_000
QUERY_CHUNK = 900  # SQLite's historical limit on bound parameters is 999


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

            def build(temporary: Path) -> None:
                with sqlite3.connect(temporary) as database:
                    database.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, n INTEGER, t TEXT) WITHOUT ROWID")
                    database.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, n INTEGER)")
                    database.executemany("INSERT INTO freq VALUES (?, ?, ?)", ((w, n, tags.get(w)) for w, n in freq.items()))
                    database.execute("INSERT INTO meta VALUES ('total', ?)", (total,))
                database.close()

            write_atomically(path, build)  # a parallel run sees all or nothing
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
            self.tokenizer.add_word(word, freq=self.base.freq.get(word) or USER_WORD_FREQ)
        for word, freq in self.base.freq.items():
            self._take(word, freq)
        self.cuts: dict[str, tuple[tuple[int, int], ...]] = {}
        self.runs: dict[str, tuple[list[int], list[int]]] = {}  # text → starts and ends of its jieba runs

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
        """Token spans (offsets in ``text``) of the jieba run holding ``position``; () outside runs.

        A text's runs are found once and looked up by bisection, so that asking about every
        occurrence in a long paragraph costs log(runs) each, not a rescan of the paragraph.
        """
        if text not in self.runs:
            if len(self.runs) >= 64:
                del self.runs[next(iter(self.runs))]
            spans = [m.span() for m in _jieba().re_han_default.finditer(text)]
            self.runs[text] = ([s for s, _ in spans], [e for _, e in spans])
        starts, ends = self.runs[text]
        i = bisect_right(starts, position) - 1
        if i < 0 or position >= ends[i]:
            return ()
        run, offset = text[starts[i]:ends[i]], starts[i]
        if run not in self.cuts:
            self._load(run)
            self.cuts[run] = tuple((s, e) for _, s, e in self.tokenizer.tokenize(run, HMM=True))
        return tuple((s + offset, e + offset) for s, e in self.cuts[run])

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
