"""Abbreviations: defined at first use in each abstract and body, once, as the glossary says.

An abbreviation is the ``abbr`` of a glossary term, found as the matcher finds forms (see
``toolchain.segment``): as written, on non-alphanumeric boundaries, so CR is not used in CRi while
FLT3-ITD and CBF-AML use both of their parts (a reader must know each). Definitions:
    zh  急性髓系白血病（acute myeloid leukemia，AML）  — or ``,`` / ``, `` in the parentheses
    zh  急性髓系白血病（AML）  — half-width ( ) too: the punctuation is ZH001's, the definition stands
    en  acute myeloid leukemia (AML)
    zh/en  FLAG方案（氟达拉滨+阿糖胞苷+…）, the FLAG regimen (fludarabine + cytarabine + …)
The last, reversed form counts only when the parenthesis resembles one of the term's forms
(similarity ≥ 0.6), so that ``CR（13例）`` or ``OS (HR 0.24)`` is no definition. A term may run on
past the parenthesis: 自然杀伤（natural killer，NK）细胞, natural killer (NK) cells. Each of the zh
abstract, zh body, en abstract and en body is a unit of its own; headings, the title and the
keywords are not prose for these rules (a heading may use an abbreviation the body defines).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from toolchain.check._glossary_forms import matcher
from toolchain.check._text import mask_non_prose, written_in_other_language
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import RuleContext, rule
from toolchain.load import Project
from toolchain.load.glossary import Term
from toolchain.load.source import Location, Span

NO_DEFINITION_NEEDED = ("DNA", "RNA", "mRNA", "PCR", "HIV", "WHO", "FDA", "CT", "MRI")
FORWARD_ZH = re.compile(r"[（(]([^（）()]*?)\s*[，,]\s*$")
ZH_NAME_END = re.compile(r"[^，。；：、（）()《》“”,;:\s]+$")
PARENTHESIS = re.compile(r"\s*[（(]([^（）()]+)[）)]")
WINDOW = 300  # characters read on either side of a mention
MANY_REDEFINITIONS = 3  # redefinitions of one abbreviation in a unit reported one by one; the rest are one finding


@dataclass(frozen=True, slots=True)
class Mention:
    """An abbreviation in a unit; ``problem`` is set when it defines it wrongly."""

    span: Span
    start: int
    end: int
    defines: bool
    problem: str = ""
    problem_at: int = 0  # offset in span.text the problem points at
    named: bool = False  # a reversed definition: the abbreviation is the name, explained after it

    @property
    def location(self) -> Location:
        """Where the abbreviation stands."""
        return self.span.location(self.start, self.end)


def scopes(project: Project) -> Iterator[tuple[str, list[Span]]]:
    """The four scopes of a first use (zh abstract, zh body, en abstract, en body), each with its units in order."""
    for document in project.documents:
        name = "Chinese" if document.lang == "zh" else "English"
        yield f"{name} abstract", list(document.abstract)
        yield f"{name} body", list(document.body_spans)


_LAST: list = [None, []]  # the last project read and its mentions: the four rules share them


def mentions(project: Project) -> list[tuple[str, Term, list[Mention]]]:
    """Every abbreviation used in each unit with its mentions, in order."""
    if _LAST[0] is not project:
        _LAST[:] = [project, list(read_mentions(project))]
    return _LAST[1]


def trial_names(project: Project) -> frozenset[str]:
    """Names the bibliography gives its works (``keywords``, ``shortname``, ``shorttitle``), casefolded."""
    names = set()
    for entry in project.bibliography.entries:
        for field in ("keywords", "shortname", "shorttitle"):
            names.update(part.strip().casefold() for part in re.split(r"[,;]", entry.fields.get(field, "")) if part.strip())
    return frozenset(names)


def in_trial_name(text: str, start: int, end: int, names: frozenset[str]) -> bool:
    """Whether text[start:end] is part of a hyphenated name the bibliography knows (HF in DAPA-HF).

    A trial's name is read as a name: DAPA-HF neither uses nor needs the abbreviation HF.
    """
    left, right = start, end
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] == "-") and text[left - 1].isascii():
        left -= 1
    while right < len(text) and (text[right].isalnum() or text[right] == "-") and text[right].isascii():
        right += 1
    return (left, right) != (start, end) and text[left:right].strip("-").casefold() in names


def name_character(char: str) -> bool:
    """Whether a character may continue a hyphenated name (see ``in_trial_name``)."""
    return (char.isalnum() or char == "-") and char.isascii()


def read_mentions(project: Project) -> Iterator[tuple[str, Term, list[Mention]]]:
    """Find the abbreviations of each scope and read each mention."""
    found = matcher(project.glossary)
    names = trial_names(project)
    readings: dict[tuple[int, str], Reading] = {}
    for unit, spans in scopes(project):
        lang = "zh" if unit.startswith("Chinese") else "en"
        by_term: dict[int, list[Mention]] = {}
        for span in spans:
            if written_in_other_language(span.text, lang):  # a paragraph left untranslated is SRC017's
                continue
            text = mask_non_prose(span.text)
            size = len(text)
            for o in found.find(text):
                if o.form.kind != "abbr":
                    continue
                start, end = o.start, o.end
                if names and ((start and name_character(text[start - 1])) or (end < size and name_character(text[end]))) \
                        and in_trial_name(text, start, end, names):
                    continue
                reading = readings.get((o.form.term, lang))
                if reading is None:
                    reading = readings[o.form.term, lang] = Reading.of(project.glossary.terms[o.form.term], lang)
                by_term.setdefault(o.form.term, []).append(read_mention(span, text, start, end, reading))
        for index, items in by_term.items():
            yield unit, project.glossary.terms[index], items


@dataclass(slots=True)
class Reading:
    """A term's forms in one language as the mentions are read against them (worked out once per term)."""

    term: Term
    lang: str
    forms: tuple[str, ...]  # preferred, variants, avoided
    tails: tuple[str, ...]  # what follows the abbreviation in a form beginning with it, longest first, "" last
    compared: tuple[str, ...]  # the forms normalised
    en_words: tuple[list[str], ...]  # the English forms as word lists (en_forms)
    similarity: dict[str, float]  # a parenthesis normalised → its best ratio against the forms

    @classmethod
    def of(cls, term: Term, lang: str) -> Reading:
        """Work out a term's forms in ``lang``."""
        forms = (term.preferred(lang), *term.variants.get(lang, ()), *term.avoid.get(lang, ()))
        tails = sorted({f[len(term.abbr):] for f in forms if f.startswith(term.abbr)} | {""}, key=len, reverse=True)
        return cls(term, lang, forms, tuple(tails), tuple(normalised(f, lang) for f in forms), tuple(en_forms(term)), {})

    def resemblance(self, given: str) -> float:
        """The best similarity of a normalised parenthesis to one of the forms."""
        if given not in self.similarity:
            self.similarity[given] = max(difflib.SequenceMatcher(None, given, f).ratio() for f in self.compared)
        return self.similarity[given]


def read_mention(span: Span, text: str, start: int, end: int, reading: Reading) -> Mention:
    """Decide whether an abbreviation at text[start:end] defines it, and whether correctly.

    Only a window of WINDOW characters on either side is read: a definition is short, and a scan
    of the whole paragraph per mention would be quadratic in a long one.
    """
    term, lang = reading.term, reading.lang
    lo = max(0, start - WINDOW)
    following = text[end:end + 1]
    if lang == "zh" and following in ("）", ")"):  # half-width parentheses are ZH001's, not a missing definition
        forward = FORWARD_ZH.search(text, lo, start)
        if forward or (start and text[start - 1] in "（("):
            opening = forward.start() if forward else start - 1
            runs_on = zh_name_runs_on(text[lo:opening], text[end + 1:end + WINDOW], term)
            if runs_on is None:
                name = ZH_NAME_END.search(text, lo, opening)
                at = name.start() if name else opening
                return Mention(span, start, end, True, f"“{text[at:opening]}” is not the glossary's Chinese name “{term.zh}”", at)
            if forward and not en_expansion_ok(forward.group(1), reading, prefix=runs_on):
                return Mention(span, start, end, True, f"“{forward.group(1)}” does not expand {term.abbr} as the glossary's “{term.en}”",
                               forward.start(1))
            return Mention(span, start, end, True)
    if lang == "en" and start and text[start - 1] == "(" and following == ")":
        if not en_name_ok(text[lo:start - 1], text[end + 1:end + WINDOW], reading):
            words = text[lo:start - 1].split()[-len(term.en.split()):]
            at = text.rfind(words[0], lo, start - 1) if words else start
            return Mention(span, start, end, True, f"“{' '.join(words)}” does not expand {term.abbr} as the glossary's “{term.en}”", at)
        return Mention(span, start, end, True)
    return reversed_definition(span, text, start, end, reading)


def reversed_definition(span: Span, text: str, start: int, end: int, reading: Reading) -> Mention:
    """``FLAG方案（…）`` or ``FLAG regimen (…)``: a definition if the parenthesis resembles the term."""
    term, lang = reading.term, reading.lang
    tail = next(t for t in reading.tails if text.startswith(t, end))
    match = PARENTHESIS.match(text, end + len(tail), end + len(tail) + WINDOW)
    if not match or term.abbr in match.group(1):
        return Mention(span, start, end, False)
    similarity = reading.resemblance(normalised(match.group(1), lang))
    if similarity < 0.6:
        return Mention(span, start, end, False)
    if similarity == 1:
        return Mention(span, start, end, True, named=True)
    return Mention(span, start, end, True, f"“{match.group(1)}” does not expand {term.abbr} as the glossary's “{term.preferred(lang)}”",
                   match.start(1), named=True)


def normalised(text: str, lang: str) -> str:
    """Compare expansions loosely: case, hyphens, quotes, ``+``/``,``/and, plural -s."""
    if lang == "zh":
        return re.sub(r"[\s“”‘’\"']", "", text).casefold().replace("＋", "+")
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """Lower-case words without list connectives, plural -s dropped."""
    found = re.findall(r"[a-z0-9]+", text.casefold().replace("'s", "").replace("’s", ""))
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in found if w not in ("and", "plus")]


def zh_name_runs_on(before: str, after: str, term: Term) -> bool | None:
    """Whether a Chinese form ends ``before`` (False) or runs on into ``after`` (True); None: neither."""
    for form in (term.zh, *term.variants.get("zh", ()), *term.avoid.get("zh", ())):
        name, head, tail = normalised(form, "zh"), normalised(before[-len(form) - 8:], "zh"), normalised(after[:len(form) + 8], "zh")
        for split in range(len(name), 0, -1):
            if head.endswith(name[:split]) and tail.startswith(name[split:]):
                return split < len(name)
    return None


def en_forms(term: Term) -> list[list[str]]:
    """The English forms (preferred, variants, avoided) as word lists."""
    return [words(f) for f in (term.en, *term.variants.get("en", ()), *term.avoid.get("en", ()))]


def en_expansion_ok(expansion: str, reading: Reading, prefix: bool) -> bool:
    """Whether an expansion is an English form (or, when the term runs on, a leading part of one)."""
    given = words(expansion)
    return any(given == f or (prefix and given and f[:len(given)] == given) for f in reading.en_words)


def en_name_ok(before: str, after: str, reading: Reading) -> bool:
    """Whether an English form ends ``before``, possibly running on into ``after``."""
    head, tail = words(before[-300:]), words(after[:100])
    for form in reading.en_words:
        for k in range(len(form), 0, -1):
            if head[len(head) - k:] == form[:k] and tail[:len(form) - k] == form[k:]:
                return True
    return False


def suggestion(term: Term, unit: str) -> str:
    """The definition to write."""
    return f"{term.zh}（{term.en}，{term.abbr}）" if unit.startswith("Chinese") else f"{term.en} ({term.abbr})"


@rule("ABBR001", "abbreviation-undefined", **{"no-definition-needed": NO_DEFINITION_NEEDED})
def abbreviation_undefined(ctx: RuleContext) -> Iterator[Finding]:
    """An abbreviation is used before its definition, or never defined, in a unit.

    Why: a reader must meet the full term first, in the abstract and again in the body
    (each is read on its own), in each language. Option ``no-definition-needed`` lists
    abbreviations every reader knows (DNA, FDA, …).
    Example: en.md body ``the ALLG cooperative group`` with no ``Australasian Leukaemia and
    Lymphoma Group (ALLG)`` before it.
    """
    project = ctx.project
    options = ctx.options
    exempt = set(options["no-definition-needed"])
    for unit, term, items in mentions(project):
        if term.abbr in exempt:
            continue
        first_definition = next((m for m in items if m.defines), None)
        first_use = next((m for m in items if not m.defines), None)
        if first_use is None or (first_definition and items.index(first_definition) < items.index(first_use)):
            continue
        if first_definition:
            where = first_definition.location
            message = f"“{term.abbr}” is used before its definition (line {where.line}) in the {unit}"
            related: tuple[Location, ...] = (where,)
        else:
            message, related = f"“{term.abbr}” is used but never defined in the {unit}", ()
        yield Finding(first_use.location, message, related, suggestion(term, unit))


@rule("ABBR002", "abbreviation-redefined", Severity.WARNING)
def abbreviation_redefined(ctx: RuleContext) -> Iterator[Finding]:
    """An abbreviation is defined more than once in one unit.

    Why: once defined, an abbreviation is simply used; a second definition suggests the text
    was assembled from pieces. Example: zh.md body defines AML in the introduction and again
    in a later section. Past three redefinitions in a unit (a text pasted more than once), the
    rest (two or more) are one finding at the first of them.
    """
    project = ctx.project
    for unit, term, items in mentions(project):
        definitions = [m for m in items if m.defines]
        if len(definitions) < 2:
            continue
        first = definitions[0].location
        shown = len(definitions) if len(definitions) <= MANY_REDEFINITIONS + 2 else MANY_REDEFINITIONS + 1
        for again in definitions[1:shown]:
            yield Finding(again.location, f"“{term.abbr}” is defined again in the {unit} (first at line {first.line})", (first,))
        rest = definitions[shown:]
        if rest:  # two or more
            lines = f"line {rest[0].location.line}" if rest[0].location.line == rest[-1].location.line else \
                f"lines {rest[0].location.line}–{rest[-1].location.line}"
            yield Finding(rest[0].location, f"“{term.abbr}” is defined {len(rest):,} more times in the {unit} from here ({lines}; "
                          f"first at line {first.line}): a text pasted more than once?", (first,))


@rule("ABBR003", "abbreviation-expansion-mismatch")
def abbreviation_expansion_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """An abbreviation's definition does not give the glossary's term.

    Why: the expansion is the glossary's to decide; another wording (or a wrong expansion)
    splits one concept into two. Accepted variants count, and so do case, hyphens and plurals.
    Example: zh.md ``美国国家综合癌症网络（National Comprehensive Cancer Network，NCCN）``
    when the glossary's Chinese name is 美国国立综合癌症网络.
    """
    project = ctx.project
    for unit, term, items in mentions(project):
        for m in items:
            if m.problem:
                where = m.span.location(min(m.problem_at, m.start), max(m.problem_at, m.start))  # name … abbreviation
                yield Finding(where, f"{m.problem} in this definition of “{term.abbr}”",
                              suggestion=suggestion(term, unit))


@rule("ABBR004", "abbreviation-unused", Severity.INFO)
def abbreviation_unused(ctx: RuleContext) -> Iterator[Finding]:
    """An abbreviation is defined but not used again in its unit.

    Why: an abbreviation earns its place by saving repetitions; one used once only makes the
    reader remember it for nothing. Write the full term (the English name may stay in the
    parentheses of a Chinese text). A name explained after it (FLAG方案（…）) is no such burden.
    Example: ``欧洲白血病网（European LeukemiaNet，ELN）`` and no further “ELN”.
    """
    project = ctx.project
    for unit, term, items in mentions(project):
        first = next((i for i, m in enumerate(items) if m.defines), None)
        if first is not None and not items[first].named and not any(not m.defines for m in items[first + 1:]):
            yield Finding(items[first].location, f"“{term.abbr}” is defined but not used again in the {unit}")
