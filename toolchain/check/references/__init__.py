"""References: citations resolve, entries are complete and unique, names and numbers match the works."""

from __future__ import annotations

from collections.abc import Iterator

from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.references import _names as names
from toolchain.check.references import aligned, consistency, record  # noqa: F401  (the family's modules register their rules)
from toolchain.check.references._bib import duplicate_pairs, field_location, literal_et_al
from toolchain.check.references._data import EDITIONS, identifier_rules, reference_table
from toolchain.check.references._render import rendering_gaps, rendering_losses
from toolchain.check.references._text import close_keys, cross_references, first_citation_order, hand_numbers, identifiers, is_cross_reference
from toolchain.check.registry import Option, RuleContext, rule
from toolchain.cite.text import style_edition
from toolchain.errors import RenderError
from toolchain.load import Project
from toolchain.load.bibliography import CJK, unreadable_key_character
from toolchain.load.source import Location

NAME_FIELDS = ("author", "editor", "author-en", "editor-en")
# Fields the English output prints from the "-en" version of a Chinese work (README extension).
TRANSLATED_FIELDS = ("author", "title", "journal", "journaltitle", "booktitle", "publisher", "school", "institution")


def entry_location(project: Project, key: str) -> Location:
    """The line of an entry's ``@type{key,`` in references.bib."""
    entry = project.bibliography.by_key[key]
    return Location(project.bibliography.path, entry.line, 1)


@rule("REF001", "unresolved-citation")
def unresolved_citation(ctx: RuleContext) -> Iterator[Finding]:
    """A citation key has no entry in references.bib.

    Why: Pandoc prints the bare key and a warning nobody reads; the reference is lost. A cross
    reference (``@tbl-x``, ``@fig-x``, ``@sec-x``, ``@eq-x``) must name an ``{#id}`` of the manuscript.
    Example: zh.md ``……疗效显著[@xuan2002]。`` when the bib defines only ``xuan2020``.
    """
    project = ctx.project
    keys = project.bibliography.by_key
    defined = {i for d in project.documents for i in identifiers(d)}
    meant = close_keys(project)
    for document in project.documents:
        for span, start, end, key in cross_references(document):
            if key not in defined and key not in keys:
                yield Finding(span.location(start, end), f"cross reference “@{key}” names no {{#{key}}} in zh.md or en.md")
        for citation in document.citations:
            if is_cross_reference(citation.key, project):
                continue
            if citation.key not in keys:
                close = meant.get(citation.key, ())
                hint = f"; did you mean {' or '.join(f'“{key}”' for key in close)}?" if close else ""
                yield Finding(citation.location, f"citation “@{citation.key}” has no entry in references.bib{hint}",
                              suggestion=close[0] if len(close) == 1 else None)


@rule("REF002", "unused-entry", Severity.WARNING)
def unused_entry(ctx: RuleContext) -> Iterator[Finding]:
    """An entry in references.bib is cited in neither language.

    Why: a reference list holds only works the text cites (GB/T 7714-2015, 8.1). An entry that
    duplicates another (REF003) is that rule's one finding.
    """
    project = ctx.project
    cited = {c.key for d in project.documents for c in d.citations}
    path = project.bibliography.path
    duplicated = {position for pair in duplicate_pairs(project.bibliography.entries)[1] for position in pair}
    for position, entry in enumerate(project.bibliography.entries):
        if entry.key not in cited and position not in duplicated:
            yield Finding(Location(path, entry.line, 1), f"entry “{entry.key}” is cited in neither zh.md nor en.md")


@rule("REF003", "duplicate-work")
def duplicate_work(ctx: RuleContext) -> Iterator[Finding]:
    """Two entries describe the same work (same DOI, PMID, or author, year and title).

    Why: the list then numbers one work twice (the seed review's [13] and [21]); GB/T 7714
    lists each work once. Titles compare case-, accent-, brace- and punctuation-insensitively.
    Example: ``xuan2019`` and ``xuan2019b`` both “Sorafenib Therapy Is Associated with …”, 2019.
    """
    project = ctx.project
    entries = project.bibliography.entries
    identities, pairs = duplicate_pairs(entries)
    try:  # only the duplicates are formatted: a bibliography of thousands costs nothing more
        formatted = ctx.cite.references_of("zh", {entries[position].key for position, _ in pairs}) if pairs else {}
    except Exception:  # the formatted text is an aid: the finding stands without it
        formatted = {}
    for position, earlier in pairs:
        entry, first = entries[position], entries[earlier]
        text = formatted.get(entry.key, "")
        yield Finding(entry_location(project, entry.key),
                      f"“{entry.key}” duplicates “{first.key}” (line {first.line}): {identities[position].same_work(identities[earlier])}; "
                      f"keep one key and cite it everywhere" + (f" — “{text}”" if text else ""),
                      related=(entry_location(project, first.key),), suggestion=first.key)


@rule("REF004", "missing-required-field", edition=Option("style", ("style", *EDITIONS)))
def missing_required_field(ctx: RuleContext) -> Iterator[Finding]:
    """An entry lacks an element GB/T 7714 requires for its document type.

    Why: the standard fixes the elements of each type (2015, journal article: author, title,
    journal, year, volume or issue, pages; 2025 requires fewer, 有则必备 elements only when the
    work has them); the tables are toolchain/data/gbt7714-required.yaml. Option ``edition``:
    ``"2025"``, ``"2015"``, or ``"style"`` (default): the edition of the citation style in use
    (2015 for a style whose title or summary names GB/T 7714-2015 or older, else 2025).
    Example: ``@article{chen2014, … journal = {Biol Blood Marrow Transplant}, year = {2014}}`` without pages (2015).
    """
    project = ctx.project
    edition = str(ctx.options.get("edition", "style"))
    if edition == "style":
        edition = style_edition(ctx.cite.style())
    table = reference_table(edition)
    for entry in project.bibliography.entries:
        kind = table.for_entry(entry.type, entry.fields.get("type", ""))
        for requirement in kind.require:
            if not requirement.satisfied(entry.fields):
                yield Finding(entry_location(project, entry.key),
                              f"“{entry.key}” (@{entry.type}) has no {requirement.describe()}, "
                              f"required by GB/T 7714-{edition} for type [{kind.code}] ({kind.name})")


@rule("REF005", "literal-et-al")
def literal_et_al_in_names(ctx: RuleContext) -> Iterator[Finding]:
    """A name list ends with a typed “et al.” or “等” instead of ``and others``.

    Why: BibTeX reads “et al.” as a person's name; ``and others`` lets the style print
    “et al.” or “等” in each reference's own language (GB/T 7714-2015, 8.1.2).
    Example: ``author = {Xuan, L. and Wang, Y. and Huang, F. et al.}``.
    """
    project = ctx.project
    for entry in project.bibliography.entries:
        for field in NAME_FIELDS:
            typed = literal_et_al(entry.fields.get(field, ""))
            if typed:
                yield Finding(field_location(project, entry, field, typed),
                              f"“{entry.key}”: {field} ends with the text “{typed}”; end the list with “and others”",
                              suggestion="and others")


@rule("REF006", "malformed-identifier")
def malformed_identifier(ctx: RuleContext) -> Iterator[Finding]:
    """A DOI, PMID, ISSN, ISBN, URL, year or date field is malformed.

    Why: resolvers and indexers need the bare identifier (``10.1182/…``, not ``https://doi.org/…``);
    the patterns are toolchain/data/bib-identifiers.yaml (ISSN and ISBN check digits included).
    Example: ``doi = {https://doi.org/10.1182/blood.2022016867}``, ``year = {20222}``.
    """
    project = ctx.project
    rows = identifier_rules()
    for entry in project.bibliography.entries:
        for field in dict.fromkeys(row.field for row in rows):
            value = entry.fields.get(field, "").strip("{} ")
            if not value:
                continue
            failing = next((row for row in rows if row.field == field and row.fails(value)), None)
            if failing is not None:
                fixed = failing.forbid.sub("", value) if failing.forbid is not None else None
                yield Finding(field_location(project, entry, field, value), f"“{entry.key}”: {field} “{value}”: {failing.message}",
                              suggestion=fixed)


@rule("REF008", "missing-english-version", Severity.WARNING, **{"require-english": True})
def missing_english_version(ctx: RuleContext) -> Iterator[Finding]:
    """A Chinese-language entry has no English version (``title-en``, ``author-en`` …).

    Why: journals print Chinese references with their English version, and the English
    outputs need it (README, "English version of a Chinese reference"); option
    ``require-english = false`` turns the rule off for journals that do not.
    Example: ``@article{zhangyu2016, langid = {chinese}, title = {索拉非尼……}}`` without ``title-en``.
    """
    project = ctx.project
    options = ctx.options
    if not options["require-english"]:
        return
    for entry in project.bibliography.entries:
        if entry.langid != "zh":
            continue
        lacking = [f"{field}-en" for field in TRANSLATED_FIELDS
                   if CJK.search(entry.fields.get(field, "")) and not entry.english(field)]
        if lacking:
            yield Finding(entry_location(project, entry.key),
                          f"Chinese-language entry “{entry.key}” has no {', '.join(lacking)}: the English "
                          f"reference list would print it in Chinese")


@rule("REF009", "author-name-mismatch")
def author_name_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A name before a citation (“Ravandi 等[@k]”) is not the cited work's first author.

    Why: “X et al.” attributes the cited work to X's group. With several keys in the group,
    X must be the first author of each work (a name before a range of works by different
    first authors misattributes some of them); “Liu and Wang” must be the first two authors.
    Names compare accent- and case-insensitively; a Chinese work matches by its Chinese name
    or by the pinyin family name of ``author-en``.
    Example: en ``Ravandi et al. [@borthakur2011]`` (first author Borthakur).
    """
    project = ctx.project
    for document in project.documents:
        shown_authors: dict[tuple[str, bool], str] = {}  # entry key, pair → the authors as this language names them
        for named in names.named_citations(project, document):
            for entry in named.entries:
                if named.pair:
                    verdicts = [names.matches_author(named.names[p], entry, p) for p in (0, 1)]
                    fine = all(verdicts)
                else:
                    verdicts = [names.matches_author(written, entry) for written in named.names]
                    fine = any(verdicts)
                if fine or None in verdicts:
                    continue  # None: the work has no personal author to compare (an organisation)
                positions = (0, 1) if named.pair else (0,)
                if (entry.key, named.pair) not in shown_authors:
                    shown_authors[entry.key, named.pair] = " and ".join(
                        filter(None, (names.display_name(entry, p, document.lang) for p in positions)))
                actual = shown_authors[entry.key, named.pair]
                shown = (" and " if named.pair else " / ").join(named.names)
                role = "first two authors" if named.pair else "first author"
                yield Finding(named.span.location(named.start, named.end),
                              f"“{shown}” does not name the {role} of “@{entry.key}” ({actual or 'unknown'})",
                              related=(entry_location(project, entry.key),), suggestion=actual or None)


@rule("REF010", "trial-name-mismatch")
def trial_name_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A trial name before a citation (“SORMAIN 研究[@k]”) is not in the cited work.

    Why: a trial name next to the wrong key sends the reader to another trial. The name must
    occur in the title, ``shorttitle``, ``shortname``, ``note`` or ``keywords`` of at least one
    cited work (case- and hyphen-insensitive); glossary abbreviations (FLT3, AML) are no trials.
    Example: zh ``SORMAIN研究[@xuan2020]`` (the title names no SORMAIN); add ``keywords = {RATIFY}``
    to an entry whose title does not carry its trial's name.
    """
    project = ctx.project
    for document in project.documents:
        for token, span, start, entries in names.trial_names(project, document):
            if not any(names.mentions(entry, token) for entry in entries):
                keys = "; ".join(f"@{e.key}" for e in entries)
                yield Finding(span.location(start, start + len(token)),
                              f"“{token}” stands before [{keys}], but no cited work names it in its title, "
                              f"shorttitle, note or keywords", related=(entry_location(project, entries[0].key),))


@rule("REF011", "incomplete-rendering", Severity.WARNING)
def incomplete_rendering(ctx: RuleContext) -> Iterator[Finding]:
    """A rendered reference lost an element of its entry, or shows a gap.

    Why: citeproc leaves the gap visible (“[J]. , 2022”, “Blood, , 140”) or drops a date or a
    journal the reader needs (citeproc-py's probe, in the project's CSL style); and the printed
    reference (Pandoc's, as the outputs print it) may show a type mark that is not the entry
    type's ([A] for a @standard), lack a field the bib gives (a year “1865(清同治四年)”, a
    publisher, a DOI), or change a title's case (“gleevec” for “Gleevec”). GB/T 7714 changes no case.
    Example: ``@article{…}`` without ``journal``: “…[J]. 2022, 140(12):1345-1377.”
    """
    project = ctx.project
    if any(unreadable_key_character(e.key) for e in project.bibliography.entries):
        return  # Pandoc cannot read the bibliography: REF024 names the key
    try:
        gaps = list(rendering_gaps(ctx.cite))
        losses = list(rendering_losses(ctx.cite, reference_table(style_edition(ctx.cite.style()))))
    except RenderError as exc:  # pandoc could not read the bibliography: say so, run the other rules
        yield Finding(Location(project.bibliography.path, 1, 1), f"the references could not be rendered: {exc.cause}")
        return
    found: dict[tuple[str, str], list[str]] = {}  # (key, lang) → what is wrong; one finding per reference
    texts: dict[tuple[str, str], str] = {}
    for gap in gaps:
        what = found.setdefault((gap.key, gap.lang), [])
        texts[gap.key, gap.lang] = gap.text
        if gap.missing:
            what.append(f"the style prints {' and '.join(gap.missing)} for this type, which the entry lacks")
        if gap.hole:
            what.append(f"the rendering shows a gap or doubled punctuation (“{gap.hole}”)")
    for loss in losses:
        what = found.setdefault((loss.key, "zh"), [])
        texts.setdefault((loss.key, "zh"), loss.text)
        if loss.wrong_mark:
            what.append(f"printed as [{loss.wrong_mark}], but a @{project.bibliography.by_key[loss.key].type} is [{loss.mark}]")
        if loss.lost:
            what.append(f"the printed reference lacks its {', '.join(loss.lost)}")
        if loss.recased:
            what.append(f"its {', '.join(loss.recased)} is printed in another case than the bib writes it")
    for (key, lang), what in found.items():
        yield Finding(entry_location(project, key), f"“{key}” in the {lang} reference list: {'; '.join(what)} — “{texts[key, lang]}”")


@rule("REF012", "hand-typed-citation-number")
def hand_typed_citation_number(ctx: RuleContext) -> Iterator[Finding]:
    """A citation number is typed by hand (“[12-16]”, “^[5]^”) instead of a key.

    Why: hand numbers do not follow the list when it changes and are not links; the keys
    suggested are the works that number in first-citation order, as the numeric style numbers.
    Example: zh ``维持治疗可降低复发[12-16]。`` → ``[@chen2014; @xuan2019; …]``.
    """
    project = ctx.project
    for document in project.documents:
        order = first_citation_order(document)
        for found in hand_numbers(document):
            keys = [order[n - 1] if 0 < n <= len(order) else None for n in found.numbers]
            known = [f"@{k}" for k in keys if k]
            hint = f"; by first-citation order these are [{'; '.join(known)}]" if known else ""
            if None in keys:
                hint += f" ({len(keys) - len(known)} number(s) beyond the {len(order)} works cited)"
            yield Finding(found.location, f"hand-typed citation “{found.text}”: cite with Pandoc keys{hint}",
                          suggestion=f"[{'; '.join(known)}]" if known and None not in keys else None)


@rule("REF025", "hand-typed-author-year")
def hand_typed_author_year(ctx: RuleContext) -> Iterator[Finding]:
    """An author–year citation is typed as text (“(Xuan et al., 2020)”), not a key.

    Why: a typed citation is no link, is not numbered by the style, and its work is not in the
    reference list unless cited elsewhere. The keys suggested are the entries of that year whose
    first author is the name written. Example: ``（Xuan等，2020）`` → ``[@xuan2020]``.
    """
    project = ctx.project
    for document in project.documents:
        for typed in names.typed_citations(project, document):
            where = typed.span.location(typed.start, typed.end)
            if typed.keys:
                cite = f"[{'; '.join('@' + k for k in typed.keys)}]"
                yield Finding(where, f"citation “{typed.text}” is typed as text: cite with {cite}", suggestion=cite)
            else:
                yield Finding(where, f"citation “{typed.text}” is typed as text, and no entry of references.bib has that first "
                              "author and year: add the work and cite it with its key")


@rule("REF024", "unreadable-citation-key")
def unreadable_citation_key(ctx: RuleContext) -> Iterator[Finding]:
    """An entry key holds a mark Pandoc cannot read (a full-width comma “，”, “、”, “#”).

    Why: Pandoc's BibLaTeX reader then refuses the whole references.bib and nothing is built;
    Chinese reference managers export keys such as ``易仕和，2013``.
    Example: ``@article{易仕和，2013, …}`` → ``@article{易仕和2013, …}``.
    """
    project = ctx.project
    lines = next((s.text for s in project.sources if s.path == project.bibliography.path), "").splitlines()
    for entry in project.bibliography.entries:
        bad = unreadable_key_character(entry.key)
        if not bad:
            continue
        text = lines[entry.line - 1] if 0 < entry.line <= len(lines) else ""
        column = text.find(entry.key) + entry.key.index(bad) + 1 if entry.key in text else 1
        fixed = "".join(c for c in entry.key if not unreadable_key_character(c))
        yield Finding(Location(project.bibliography.path, entry.line, column),
                      f"the key “{entry.key}” holds “{bad}”, which Pandoc cannot read in a bib key: rename it (“{fixed}”) here and where it is cited",
                      suggestion=fixed)
