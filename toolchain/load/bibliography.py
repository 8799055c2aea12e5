"""references.bib: entries with their fields, authors and line numbers (bibtexparser v2)."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares.parsestack import default_parse_stack

from toolchain.errors import InputError
from toolchain.load._bibtex_syntax import check_entry, check_expansion
from toolchain.load.source import SourceFile
from toolchain.names import CJK, split_name

# The documented extension: a Chinese-language entry carries its English version in
# fields named like the original plus "-en" (title-en, author-en, journal-en, …).
ENGLISH_SUFFIX = "-en"
# LaTeX accent commands as BibTeX writes them: {\"o}, \'{e}, \v c, {\ss}; the letter is kept.
LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHcdbkr]\s*\{?\s*([A-Za-z])\s*\}?")
LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\s*")
LATEX_MARKS = {"`": "\u0300", "'": "\u0301", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
               "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "d": "\u0323", "b": "\u0331", "k": "\u0328", "r": "\u030a"}
LATEX_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı"}
LATEX_LETTER = re.compile(r"\\(" + "|".join(sorted(LATEX_LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])\s*")

# bibtexparser logs each failed block to stderr; the loader reports it once, as an InputError.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False


@dataclass(frozen=True, slots=True)
class Name:
    """One author: family and given parts, or a literal organisation name."""

    family: str
    given: str = ""
    literal: str = ""

    @property
    def is_others(self) -> bool:
        """True for BibTeX's ``and others`` (the list was truncated at the source)."""
        return self.literal == "others"


@dataclass(frozen=True, slots=True)
class Entry:
    """One bibliography entry."""

    key: str
    type: str  # lower-case entry type: article, book, online …
    fields: dict[str, str]  # lower-case field names, values without outer braces
    field_lines: dict[str, int]
    line: int

    @property
    def langid(self) -> str:
        """The entry's language: ``langid``/``language`` field, else guessed from the title."""
        declared = (self.fields.get("langid") or self.fields.get("language") or "").lower()
        if declared:
            return "zh" if declared in ("chinese", "zh", "zh-cn", "zh-hans", "pinyin") else "en"
        return "zh" if CJK.search(self.fields.get("title", "")) else "en"

    def authors(self, field: str = "author") -> tuple[Name, ...]:
        """Parse a name-list field into Names."""
        return parse_names(self.fields.get(field, ""))

    def english(self, field: str) -> str:
        """The English version of a field of a Chinese work ('' when none is given)."""
        return self.fields.get(field + ENGLISH_SUFFIX, "")

    def line_of(self, field: str) -> int:
        """The line of a field, or of the entry when it is absent."""
        return self.field_lines.get(field, self.line)


@dataclass(frozen=True, slots=True)
class Bibliography:
    """All entries of references.bib, in file order."""

    path: str
    entries: tuple[Entry, ...]
    by_key: dict[str, Entry] = field(init=False, repr=False, compare=False)  # entries by key, indexed once

    def __post_init__(self) -> None:
        """Index the entries by key (the rules look a key up per citation)."""
        object.__setattr__(self, "by_key", {e.key: e for e in self.entries})

    def get(self, key: str) -> Entry | None:
        """The entry with this key."""
        return self.by_key.get(key)


# Punctuation Pandoc's BibLaTeX reader accepts in an entry key besides letters and digits (3.x);
# any other mark (a full-width comma “，”, “、”, “#”, “~”) makes it refuse the whole file.
KEY_PUNCTUATION = frozenset(":()'=[]`*!&;.-_+/?@")


def unreadable_key_character(key: str) -> str:
    """The first character of ``key`` that Pandoc cannot read in a bib key, '' when none."""
    return next((c for c in key if not c.isalnum() and c not in KEY_PUNCTUATION), "")


def strip_braces(value: str) -> str:
    """Remove protective braces: ``{{NCCN}}`` → ``NCCN``, ``{DNA} test`` → ``DNA test``."""
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def latex_to_unicode(text: str) -> str:
    r"""Text without braces, LaTeX accents and letters as Unicode (NFC): ``R{\"o}llig`` → ``Röllig``, ``{\ss}`` → ``ß``."""
    text = strip_braces(LATEX_LETTER.sub(lambda m: LATEX_LETTERS[m.group(1)], text))
    text = LATEX_ACCENT.sub(lambda m: m.group(1) + LATEX_MARKS[m.group(0)[1]], text)
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Casefold and strip accents (Döhner → dohner, Arbolí → arboli); LaTeX accents too."""
    text = LATEX_COMMAND.sub("", LATEX_ACCENT.sub(r"\1", text))
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_text(text: str) -> str:
    """Folded text with braces removed, punctuation turned into space and spaces collapsed."""
    folded = fold(strip_braces(text))
    cleaned = "".join(" " if unicodedata.category(ch)[0] in "PSZ" else ch for ch in folded)
    return " ".join(cleaned.split())


def split_top_level(value: str, separator: str) -> list[str]:
    """Split on a word separator (`and`) outside braces."""
    parts, depth, start = [], 0, 0
    pattern = re.compile(r"\s+" + separator + r"\s+", re.I)
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            m = pattern.match(value, i)
            if m:
                parts.append(value[start:i])
                start = i = m.end()
                continue
        i += 1
    parts.append(value[start:])
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=8192)
def parse_names(value: str) -> tuple[Name, ...]:
    """Parse ``Family, Given and …`` / ``Given Family`` / ``{Org}`` / Chinese ``张钰`` (once per value: rules ask per citation)."""
    names = []
    for raw in split_top_level(value, "and"):
        if raw.lower() == "others":
            names.append(Name("", "", "others"))
        elif raw.startswith("{") and raw.endswith("}") and raw.count("{") == 1:
            names.append(Name("", "", strip_braces(raw)))
        elif "," in raw:
            family, _, given = raw.partition(",")
            names.append(Name(strip_braces(family), strip_braces(given)))
        elif CJK.search(raw) and " " not in raw.strip():
            names.append(Name(*split_name(strip_braces(raw))))
        else:
            words = strip_braces(raw).split()
            names.append(Name(words[-1], " ".join(words[:-1])) if words else Name(raw))
    return tuple(names)


def failure_reason(error: BaseException | None) -> str:
    """One line saying why bibtexparser gave up on a block (its exceptions may have no text)."""
    text = getattr(error, "abort_reason", None) or (str(error) if error else "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "syntax error (check the braces and commas)"
    reason = lines[0]
    if reason.startswith("Unexpectedly reached end of file"):
        reason += " (an unbalanced '{' or a missing closing brace?)"
    return reason


def stray_at(source: SourceFile, block: model.ImplicitComment) -> None:
    """Refuse an '@' outside any entry: BibTeX skips it, but Pandoc's reader stops there."""
    first = block.start_line or 0
    for number, raw in enumerate(block.raw.split("\n"), first + 1):
        text = raw.split("%", 1)[0]  # '%' starts a comment in Pandoc's reader
        if "@" in text:
            raise InputError(source.path, number, f"stray '@' outside an entry: “{raw.strip()[:60]}” (Pandoc cannot read this file)")


def parse_bibliography(source: SourceFile) -> Bibliography:
    """Parse references.bib; a duplicate key or an unparsable entry is an InputError."""
    try:
        library = bibtexparser.parse_string(source.text, parse_stack=[])  # raw values, for check_entry
    except Exception as exc:  # the parser's own errors carry no stable type
        raise InputError(source.path, None, f"cannot parse BibTeX: {exc}") from None
    for block in library.blocks:
        if isinstance(block, model.Entry):
            check_entry(source.path, block)
    check_expansion(source.path, library.blocks)
    for middleware in default_parse_stack(allow_inplace_modification=True):  # @string macros, outer braces
        library = middleware.transform(library=library)
    first_lines: dict[str, int] = {}
    entries = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.DuplicateBlockKeyBlock):
            first = first_lines.get(block.key, "?")
            raise InputError(source.path, line, f"key {block.key!r} is defined twice (first at line {first}); Pandoc would silently keep only the last")
        if isinstance(block, model.ParsingFailedBlock):
            raise InputError(source.path, line, f"cannot parse this BibTeX entry: {failure_reason(block.error)}")
        if isinstance(block, model.ImplicitComment):
            stray_at(source, block)
        if isinstance(block, model.Entry):
            fields = {}
            field_lines = {}
            for field in block.fields:
                name = field.key.lower()
                value = field.value if isinstance(field.value, str) else str(field.value)
                fields[name] = value.strip()
                field_lines[name] = (field.start_line or block.start_line or 0) + 1
            first_lines[block.key] = line
            entries.append(Entry(block.key, block.entry_type.lower(), fields, field_lines, line))
    stray = re.search(r"^\s*[^@%\s]", source.text, re.M) if not entries and source.text.strip() else None
    if stray:
        line = source.text.count("\n", 0, stray.start()) + 1
        raise InputError(source.path, line, "no BibTeX entry found: this does not look like a .bib file")
    return Bibliography(source.path, tuple(entries))
