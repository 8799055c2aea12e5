"""In-text citations as a numeric style prints them: author names, page locators, spacing.

Pandoc's citeproc (3.9) with a numeric style such as GB/T 7714-2015:

- prints ``@key`` (an author-in-text citation) as the bare number ``[4]``, so “@smith2020
  showed” loses its subject; GB/T 7714-2015 (10.1.2) writes the name before the number:
  “Smith[4]”, “Smith等[4]”, “张三等[4]”;
- drops a page locator (``[@key, p. 3]``) that its locale parses, or prints it inside the
  brackets when it does not (“[3, p. 3]” in Chinese); GB/T 7714-2015 (10.1.3) sets the page
  outside the brackets, in the superscript: “[3]3”;
- removes the space before every citation of a superscript style, also before an
  author-in-text citation and before ``@tbl-x`` (which is no citation), giving “seeTable 2”.
"""

from __future__ import annotations

import re

from toolchain.cite.terms import ET_AL
from toolchain.render.ast import text_of, walk

NUMERIC = re.compile(r"\[?\s*\d+(?:\s*[,，\-–~～]\s*\d+)*(?P<rest>[^\]]*)\]?")
LOCATOR = re.compile(r"[,，]?\s*(?:pp?\.|pages?|第)?\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?)\s*页?")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
OPENING = "([{“‘\"'/-—–"
JOIN = {"zh": ("和", ET_AL["zh"]), "en": (" and ", " " + ET_AL["en"])}


def author_names(item: dict) -> list[str]:
    """How each author (else editor) of a CSL item is named in running text: family name or literal."""
    names = item.get("author") or item.get("editor") or []
    result = []
    for name in names:
        if name.get("literal") == "others":
            result.append("")  # BibTeX's ``and others``: more authors than listed
        elif name.get("literal") or name.get("family"):
            result.append(name.get("literal") or name["family"])
    return result


def named(item: dict, lang: str) -> str:
    """“Smith”, “Smith and Jones”, “Smith et al.” (en); “张三”, “张三和李四”, “Smith等” (zh)."""
    names = author_names(item)
    if not names or not names[0]:
        return ""
    conjunction, et_al = JOIN[lang]
    if len(names) == 1:
        return names[0]
    if len(names) == 2 and names[1]:
        return f"{names[0]}{conjunction}{names[1]}"
    return f"{names[0]}{et_al}"


def needs_space(before: dict | None) -> bool:
    """Whether the inline before a citation asks for a space: Latin text, not an opening mark or CJK."""
    if before is None or before.get("t") != "Str" or not before["c"]:
        return False
    last = before["c"][-1]
    return not CJK.match(last) and last not in OPENING


def superscript_of(cite: dict) -> list | None:
    """The inlines inside the Superscript citeproc rendered for ``cite``, if it is one."""
    content = cite["c"][1]
    if len(content) == 1 and content[0].get("t") == "Superscript":
        return content[0]["c"]
    return None


def move_locator(cite: dict) -> None:
    """“[3, p. 3]” or “[3]” without its page → “[3]3” (GB/T 7714-2015, 10.1.3)."""
    citations = cite["c"][0]
    inner = superscript_of(cite)
    if len(citations) != 1 or inner is None or not citations[0]["citationSuffix"]:
        return
    locator = LOCATOR.fullmatch(text_of(citations[0]["citationSuffix"]).strip())
    rendered = NUMERIC.fullmatch(text_of(inner).strip())
    if not locator or not rendered:
        return
    last_link = max((i for i, node in enumerate(inner) if node.get("t") == "Link"), default=None)
    if last_link is None:
        return
    tail = text_of(inner[last_link + 1:]).strip()
    if not tail.endswith("]") or (tail[:-1].strip() and not LOCATOR.fullmatch(tail[:-1].strip())):
        return
    pages = re.sub(r"\s*[-–]\s*", "-", locator.group("pages"))
    inner[last_link + 1:] = [{"t": "Str", "c": "]" + pages}]


def fix_in_text_citations(ast: dict, items: list[dict], lang: str) -> None:
    """Names before author-in-text numbers, GB/T page locators, and the spaces citeproc removed."""
    by_key = {item.get("id"): item for item in items}

    def visit(node: dict) -> None:
        """Fix the citations among the inlines of ``node``."""
        content = node.get("c")
        if not isinstance(content, list) or not content or not isinstance(content[0], dict):
            return
        result: list = []
        for item in content:
            if isinstance(item, dict) and item.get("t") == "Cite":
                citations = item["c"][0]
                in_text = citations[0]["citationMode"]["t"] == "AuthorInText"
                if (in_text or any(c["citationId"] not in by_key for c in citations)) and needs_space(result[-1] if result else None):
                    result.append({"t": "Space"})
                numeric = NUMERIC.fullmatch(text_of(item["c"][1]).strip()) is not None
                move_locator(item)
                if in_text and numeric and citations[0]["citationId"] in by_key:
                    name = named(by_key[citations[0]["citationId"]], lang)
                    if name:
                        item["c"][1][:0] = [{"t": "Str", "c": name}]
            result.append(item)
        content[:] = result

    walk(ast["blocks"], visit)
