"""Cross references to tables, figures, sections and equations, resolved once for every writer.

Authors write them as Quarto and pandoc-crossref do: ``@tbl-x``, ``@fig-x``, ``@sec-x``,
``@eq-x`` (``[-@fig-x]`` gives the number alone), against ``{#tbl-x}`` on a table caption,
``{#fig-x}`` on a figure, ``{#sec-x}`` on a heading and ``$$…$$ {#eq-x}`` after a displayed
equation. Pandoc reads such a reference as a citation (citeproc prints "???"), and not at all
after a Chinese character (``见@tbl-x``: pandoc's citation must follow a non-word character).
Both become an internal link whose text is the label the outputs print (``表1``, ``Figure 2``,
``2.1节``), numbered as typst, Word and JATS number them: captioned tables and figures in
document order, headings as ``--number-sections`` does (``{.unnumbered}`` ones skipped).
A caption that starts with a hand-typed label (``表1 …``, ``Figure 2. …``) loses it: every
output numbers its captions itself. Links to an id the document lacks are unlinked (typst
refuses to compile a link to a missing label).
"""

from __future__ import annotations

import re

from toolchain.render.ast import walk

KINDS = ("tbl", "fig", "sec", "eq")
FORMS = {
    "zh": {"tbl": "表{n}", "fig": "图{n}", "sec": "{n}节", "eq": "式({n})"},
    "en": {"tbl": "Table\u00a0{n}", "fig": "Figure\u00a0{n}", "sec": "Section\u00a0{n}", "eq": "Equation\u00a0({n})"},
}
JOIN = {"zh": "、", "en": ", "}
# A reference written inside a word, where pandoc saw no citation; the id is ASCII (Quarto's rule).
INLINE_REFERENCE = re.compile(r"(?<![A-Za-z0-9_])(-?)@((?:tbl|fig|sec|eq)[-:][A-Za-z0-9_:.\-]*[A-Za-z0-9_])")
EQUATION_LABEL = re.compile(r"^\{#((?:eq)[-:][A-Za-z0-9_:.\-]+)\}")
TYPED_LABEL = re.compile(r"^\s*(?:表|图|Table|Tab\.|Figure|Fig\.?)\s*\d+[A-Za-z]?(?:[.:：。]\s*|\s+|\u3000+)")


def kind_of(identifier: str) -> str | None:
    """``tbl``, ``fig``, ``sec`` or ``eq`` for an id that names one by its prefix."""
    prefix = re.split(r"[-:]", identifier, maxsplit=1)[0]
    return prefix if prefix in KINDS else None


def label_equations(ast: dict) -> None:
    """``$$…$$ {#eq-x}``: wrap the equation in a Span with that id (typst labels it, Word bookmarks it)."""
    def visit(node: dict) -> None:
        """Rewrite the inline lists of ``node``."""
        content = node.get("c")
        if not isinstance(content, list) or not content or not isinstance(content[0], dict) or node.get("t") in ("Table",):
            return
        result: list = []
        index = 0
        while index < len(content):
            item = content[index]
            if isinstance(item, dict) and item.get("t") == "Math" and item["c"][0]["t"] == "DisplayMath":
                after = index + 1
                if after < len(content) and content[after].get("t") in ("Space", "SoftBreak"):
                    after += 1
                match = EQUATION_LABEL.match(content[after]["c"]) if after < len(content) and content[after].get("t") == "Str" else None
                if match:
                    result.append({"t": "Span", "c": [[match.group(1), ["equation"], []], [item]]})
                    rest = content[after]["c"][match.end():]
                    if rest:
                        result.append({"t": "Str", "c": rest})
                    index = after + 1
                    continue
            result.append(item)
            index += 1
        content[:] = result

    walk(ast["blocks"], visit)


def strip_typed_label(caption: list) -> None:
    """Remove a hand-typed ``表1``/``Figure 2.`` from the start of a caption's first block."""
    if not caption or not caption[0].get("c"):
        return
    inlines = caption[0]["c"]
    text = ""
    for count, item in enumerate(inlines):
        text += item["c"] if item.get("t") == "Str" else " " if item.get("t") in ("Space", "SoftBreak") else "\0"
        match = TYPED_LABEL.match(text)
        if match and "\0" not in match.group(0):
            remainder = text[match.end():]
            del inlines[: count + 1]
            if remainder:
                inlines.insert(0, {"t": "Str", "c": remainder})
            while inlines and inlines[0].get("t") in ("Space", "SoftBreak"):
                del inlines[0]
            return
        if len(text) > 16:
            return


def number_targets(ast: dict) -> dict[str, str]:
    """The printed number of every table, figure, numbered heading and labelled equation, by id."""
    numbers: dict[str, str] = {}
    counts = {"tbl": 0, "fig": 0, "eq": 0}
    levels: list[int] = []

    def visit(node: dict) -> None:
        """Number ``node`` if it is a target."""
        kind = node.get("t")
        if kind == "Header":
            level, (identifier, classes, _), _ = node["c"]
            if "unnumbered" in classes:
                return
            del levels[level:]
            levels.extend([0] * (level - len(levels)))
            levels[level - 1] += 1
            if identifier:
                numbers[identifier] = ".".join(str(n) for n in levels)
        elif kind in ("Table", "Figure"):
            caption = node["c"][1][1]
            strip_typed_label(caption)
            if kind == "Figure" or caption:
                key = "tbl" if kind == "Table" else "fig"
                counts[key] += 1
                if node["c"][0][0]:
                    numbers[node["c"][0][0]] = str(counts[key])
        elif kind == "Span" and "equation" in node["c"][0][1]:
            counts["eq"] += 1
            numbers[node["c"][0][0]] = str(counts["eq"])
            node["c"][0][2].append(["number", str(counts["eq"])])

    walk(ast["blocks"], visit)
    return numbers


def reference_text(identifier: str, number: str, lang: str, bare: bool) -> str:
    """“表1”, “Figure 2”, “2.1节” — or the number alone for ``-@id``."""
    if bare:
        return f"({number})" if kind_of(identifier) == "eq" else number
    return FORMS[lang][kind_of(identifier) or "sec"].format(n=number)


def link(identifier: str, text: str) -> dict:
    """An internal link to ``identifier``."""
    return {"t": "Link", "c": [["", ["cross-ref"], []], [{"t": "Str", "c": text}], [f"#{identifier}", ""]]}


def replace_citations(inlines: list, numbers: dict[str, str], lang: str) -> None:
    """Turn the citations and in-word references to known targets in one inline list into links."""
    result: list = []
    for item in inlines:
        if not isinstance(item, dict):
            result.append(item)
        elif item.get("t") == "Cite" and all(c["citationId"] in numbers and kind_of(c["citationId"]) for c in item["c"][0]):
            parts: list = []
            for i, citation in enumerate(item["c"][0]):
                identifier = citation["citationId"]
                bare = citation["citationMode"]["t"] == "SuppressAuthor"
                parts += ([{"t": "Str", "c": JOIN[lang]}] if i else []) + citation["citationPrefix"]
                parts += [link(identifier, reference_text(identifier, numbers[identifier], lang, bare)), *citation["citationSuffix"]]
            result += parts
        elif item.get("t") == "Str" and "@" in item["c"]:
            result += split_references(item["c"], numbers, lang)
        else:
            result.append(item)
    inlines[:] = result


def split_references(text: str, numbers: dict[str, str], lang: str) -> list[dict]:
    """A Str holding ``@tbl-x`` inside a word, split around links to the known targets."""
    parts: list[dict] = []
    position = 0
    for match in INLINE_REFERENCE.finditer(text):
        written = match.group(2)
        identifier = max((i for i in numbers if written.startswith(i)), key=len, default=None)
        if identifier is None or not kind_of(identifier):
            continue
        if match.start() > position:
            parts.append({"t": "Str", "c": text[position : match.start()]})
        parts.append(link(identifier, reference_text(identifier, numbers[identifier], lang, bool(match.group(1)))))
        position = match.start(2) + len(identifier)
    if position < len(text):
        parts.append({"t": "Str", "c": text[position:]})
    return parts


def identifiers(ast: dict) -> set[str]:
    """Every id the document defines (blocks, spans, citeproc's ``ref-KEY`` entries)."""
    found: set[str] = set()

    def visit(node: dict) -> None:
        """Collect the id of ``node``."""
        content = node.get("c")
        kind = node.get("t")
        if kind == "Header":
            found.add(content[1][0])
        elif kind in ("Div", "Span", "Table", "Figure", "CodeBlock", "Code", "Image", "Link") and content and isinstance(content[0], list) \
                and content[0] and isinstance(content[0][0], str):
            found.add(content[0][0])

    walk(ast["blocks"], visit)
    found.discard("")
    return found


def unlink_dangling(ast: dict) -> None:
    """Replace every internal link whose target the document lacks by its text."""
    known = identifiers(ast)

    def visit(node: dict) -> None:
        """Unlink the dangling links among the inlines of ``node``."""
        content = node.get("c")
        if not isinstance(content, list):
            return
        for part in (content, *[c for c in content if isinstance(c, list)]):
            for index, item in enumerate(part):
                if isinstance(item, dict) and item.get("t") == "Link":
                    target = item["c"][2][0]
                    if target.startswith("#") and target[1:] not in known:
                        part[index] = {"t": "Span", "c": [["", [], []], item["c"][1]]}

    walk(ast["blocks"], visit)


def resolve_cross_references(ast: dict, lang: str) -> None:
    """Label equations, number every target, link every reference to one; unlink dangling links."""
    label_equations(ast)
    numbers = number_targets(ast)

    def visit(node: dict) -> None:
        """Resolve the references among the inlines of ``node``."""
        content = node.get("c")
        if not isinstance(content, list):
            return
        for part in (content, *[c for c in content if isinstance(c, list)]):
            if part and isinstance(part[0], dict) and any(isinstance(i, dict) and i.get("t") in ("Cite", "Str") for i in part):
                replace_citations(part, numbers, lang)

    if numbers:
        walk(ast["blocks"], visit)
    unlink_dangling(ast)
