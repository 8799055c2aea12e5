"""The reference list in the outputs' AST: each reference in its own language after citeproc.

Pandoc's citeproc localises the whole list in the document's language, so a zh document prints
"等" after English author lists and an en document "et al." after Chinese ones. GB/T 7714-2015
(8.1.2) wants each reference in its own language: the fix is applied to the AST after citeproc.
Items, style and terms come from ``toolchain.cite``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from toolchain.cite.items import printed_items, without_doi
from toolchain.cite.terms import ET_AL, IN_CHINESE, ordinal
from toolchain.errors import ContentError
from toolchain.load import Project
from toolchain.render.ast import divs, inlines, walk
from toolchain.render.crossref import kind_of


def cited_keys(ast: dict) -> list[str]:
    """Every key Pandoc read as a citation (cross references ``@tbl-x`` included), in order."""
    found: list[str] = []
    walk(ast["blocks"], lambda node: found.extend(c["citationId"] for c in node["c"][0]) if node.get("t") == "Cite" else None)
    return found


def require_resolved(ast: dict, project: Project, lang: str, items: list[dict]) -> None:
    """Stop the build at a citation no entry answers (citeproc would print “key?” into the text).

    The message names the key's file and line; a key Pandoc cut short (``@徐光宪2010--`` is read as
    ``@徐光宪2010`` followed by “--”) is told how to write it whole: ``@{徐光宪2010--}``.
    """
    known = {str(item.get("id")) for item in items}
    document = project.document(lang)
    for key in dict.fromkeys(cited_keys(ast)):
        if key in known or kind_of(key):
            continue
        where = next((c.location for c in document.citations if c.key == key), None)
        longer = sorted(k for k in known if k.startswith(key) and not k[len(key):].strip("-.:;,?!/"))
        hint = f"; write @{{{longer[0]}}} for the entry “{longer[0]}”" if longer else ""
        raise ContentError(where.file if where else document.source.path, where.line if where else None,
                           f"citation “@{key}” has no entry in references.bib{hint}; no output was written")


def write_items(items: list[dict], directory: Path, lang: str, doi: bool = True) -> Path:
    """Write CSL JSON for pandoc's --bibliography (with ``and others`` as the et-al term; without DOIs unless ``doi``)."""
    printed = printed_items(items if doi else without_doi(items))
    path = directory / f"references-{lang}.json"
    path.write_text(json.dumps(printed, ensure_ascii=False), encoding="utf-8")
    return path


def localise_edition(node: dict, entry_lang: str) -> None:
    """The edition in the work's own language (GB/T 7714-2015, 8.3).

    Citeproc's zh-CN locale prints “7 版” for an English book in zh.pdf (“7th ed.” wanted), its
    en-US locale “2nd ed.” for a Chinese book in en.pdf (“2 版” wanted).
    """
    nodes = [sequence[index] for sequence, index in inline_leaves([node], [])]
    for number, gap, term in zip(nodes, nodes[1:], nodes[2:], strict=False):
        if number["t"] != "Str" or gap["t"] != "Space" or term["t"] != "Str":
            continue
        if entry_lang == "en" and number["c"].isdigit() and term["c"].startswith("版"):
            number["c"], term["c"] = ordinal(int(number["c"])), "ed." + term["c"][1:].removeprefix(".")
        elif entry_lang == "zh" and re.fullmatch(r"\d+(st|nd|rd|th)", number["c"]) and term["c"].startswith("ed."):
            number["c"], term["c"] = number["c"][:-2], "版" + term["c"][2:]


TRANSLATED = {"zh": "译", "en": "trans."}  # the translator's term after the names (GB/T 7714-2025, 7.1.2)


def localise_terms(node: dict, entry_lang: str) -> None:
    """The translator's term and a container's volume in the work's own language.

    A Chinese work in en.pdf keeps “谢远涛, 译” and “第 35 卷” (not “trans.”, “Vol. 35”), an
    English one in zh.pdf prints “Jones K, trans.” and “Vol. 2”.
    """
    other = TRANSLATED["en" if entry_lang == "zh" else "zh"]
    nodes = [sequence[index] for sequence, index in inline_leaves([node], [])]
    for before, gap, term in zip(nodes, nodes[1:], nodes[2:], strict=False):
        if before["t"] == "Str" and before["c"].endswith(",") and gap["t"] == "Space" and term["t"] == "Str" \
                and term["c"].removesuffix(".").removesuffix("/") == other.removesuffix("."):
            # citeproc merges the period after the names into “trans.”: “译” needs it back, “trans.” takes it
            rest = term["c"][len(other.removesuffix(".")):].removeprefix(".")
            term["c"] = ("译." if entry_lang == "zh" else "trans.") + rest
    if entry_lang != "en":
        return
    for first, gap, number, gap2, unit in zip(nodes, nodes[1:], nodes[2:], nodes[3:], nodes[4:], strict=False):
        if first["t"] == "Str" and first["c"] == "第" and number["t"] == "Str" and number["c"].isdigit() \
                and gap["t"] == gap2["t"] == "Space" and unit["t"] == "Str" and unit["c"].startswith("卷"):
            first["c"], unit["c"] = "Vol.", unit["c"][1:]
            gap2["t"] = "Str"
            gap2["c"] = ""


def restore_organisations(node: dict, item: dict) -> None:
    """An organisation named as it is written, not in capitals.

    Styles that capitalise family names (GB/T 7714) capitalise a literal name too, “WORLD HEALTH
    ORGANIZATION”; GB/T 7714-2015 (8.1.1) capitalises the surnames of persons only.
    """
    for role in ("author", "editor"):
        for name in item.get(role, []):
            literal = name.get("literal", "")
            if literal and literal not in (*ET_AL.values(), "others") and literal.upper() != literal:
                replace_term(node, literal.upper(), literal, glued=True)


def fix_reference_languages(ast: dict, project: Project, lang: str, items: list[dict]) -> None:
    """Give each reference its own language's "et al." and edition, organisations their case; mark translations."""
    entries = project.bibliography.by_key
    by_key = {i.get("id"): i for i in items}
    translated = {i["id"] for i in items if i.get("translated-from-chinese")}
    wrong = {"zh": ET_AL["en"], "en": ET_AL["zh"]}
    for div in divs(ast["blocks"], "csl-entry"):
        key = div["c"][0][0].removeprefix("ref-")
        entry = entries.get(key)
        if entry is None:
            continue
        entry_lang = "en" if key in translated else entry.langid
        replace_term(div, ET_AL["en"].upper(), ET_AL["en"])  # a style that upper-cases names catches the literal term too
        if entry_lang != lang:
            replace_term(div, wrong[entry_lang], ET_AL[entry_lang])
            localise_edition(div, entry_lang)
        for conjunction in ("&", "and"):  # an author-date style joins the last name: not “…, & et al.”
            replace_term(div, f"{conjunction} {ET_AL[entry_lang]}", ET_AL[entry_lang])
        localise_terms(div, entry_lang)
        restore_organisations(div, by_key.get(key, {}))
        if key in translated:
            paragraph = div["c"][1][-1]
            paragraph["c"].extend([{"t": "Space"}, *inlines(IN_CHINESE)])


def inline_leaves(sequence: list, found: list[tuple[list, int]]) -> list[tuple[list, int]]:
    """Every Str/Space/break inline under ``sequence`` in reading order, as (its list, its index)."""
    for index, item in enumerate(sequence):
        if not isinstance(item, dict):
            continue
        if item.get("t") in ("Str", "Space", "SoftBreak", "LineBreak"):
            found.append((sequence, index))
            continue
        content = item.get("c")
        if not isinstance(content, list):
            continue
        if content and isinstance(content[0], dict):  # Para, Emph, …: the content is the inline list
            inline_leaves(content, found)
            continue
        for part in content:
            # Inline or block lists only: attributes and link targets start with a string, not a node.
            if isinstance(part, list) and part and isinstance(part[0], dict):
                inline_leaves(part, found)
    return found


def find_term(leaves: list[tuple[list, int]], words: list[str], glued: bool = False) -> int | None:
    """Index in ``leaves`` where the words of a term start (the last may carry punctuation).

    ``glued``: the first word may end a longer string (“//AMERICAN”, after a mark without a space).
    """
    texts = [seq[i]["c"] if seq[i]["t"] == "Str" else " " for seq, i in leaves]
    pattern = [w for word in words for w in (word, " ")][:-1]
    for start in range(len(texts) - len(pattern) + 1):
        window = texts[start : start + len(pattern)]
        first = len(pattern) == 1 or (window[0].endswith(pattern[0]) if glued else window[0] == pattern[0])
        if first and window[1:-1] == pattern[1:-1] and window[-1].startswith(pattern[-1]) \
                and not window[-1][len(pattern[-1]):].strip(".,;:"):
            return start
    return None


def replace_term(node: dict, old: str, new: str, glued: bool = False) -> None:
    """Replace the locale term ``old`` ("等" or "et al.") by ``new`` in a reference's inlines.

    Citeproc merges the period ending the author list into "et al." ("et al." + "." → "et al."),
    so "等" needs its period back, and "et al." in place of "等." must not double it ("et al..").
    """
    words = old.split(" ")
    for _ in range(4):  # a reference holds at most an author and an editor list
        leaves = inline_leaves([node], [])
        start = find_term(leaves, words, glued)
        if start is None:
            return
        matched = leaves[start : start + 2 * len(words) - 1]
        first_text = matched[0][0][matched[0][1]]["c"]
        prefix = first_text[: len(first_text) - len(words[0])] if len(words) > 1 else ""
        last_seq, last_index = matched[-1]
        remainder = last_seq[last_index]["c"][len(words[-1]):]
        text = new + remainder[1:] if new.endswith(".") and remainder.startswith(".") else new + remainder
        rest = [seq[i] for seq, i in leaves[start + len(matched):] if not (seq[i]["t"] == "Str" and not seq[i]["c"])]
        next_str = rest[0] if rest and rest[0]["t"] == "Str" else None  # citeproc leaves empty Str where it ate a period
        if new.endswith(".") and not remainder and next_str is not None and next_str["c"].startswith("."):
            next_str["c"] = next_str["c"][1:]
        elif old.endswith(".") and not new.endswith(".") and not remainder \
                and not (next_str is not None and next_str["c"][0] in ".,;:"):
            text += "."
        for seq, index in sorted(matched[1:], key=lambda leaf: leaf[1], reverse=True):
            del seq[index]
        first_seq, first_index = matched[0]
        first_seq[first_index : first_index + 1] = inlines(prefix + text)
