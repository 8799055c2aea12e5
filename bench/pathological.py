"""Pathological manuscripts: one huge paragraph of a given shape, or a huge bibliography.

Shared by ``make bench`` (growth exponents) and tests/test_linear.py (every rule stays linear).
A shape is a function of a size in characters returning the zh and the en paragraph.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

FRONT = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", re.S)
# Marks that rules look through or around: half- and full-width punctuation, signs, brackets.
# No run of "[": the loader refuses brackets nested past toolchain.limits.MAX_INLINE_NESTING (exit 2),
# because Pandoc's reader takes exponential time on them; a run of "]" nests nothing.
MARKS = ",.;:!?()-~/+*'\"_#%&<>]@，。、；：（）“”…—～ \t"


def article_paragraph(repo: Path, lang: str) -> str:
    """Every paragraph of the article's body joined into one line (a paste from a PDF)."""
    text = (repo / "manuscript" / f"{lang}.md").read_text(encoding="utf-8")
    match = FRONT.match(text)
    body = text[match.end():] if match else text
    paragraphs = [p.replace("\n", " ") for p in body.split("\n\n") if p.strip() and not p.lstrip().startswith(("#", "|", ":", "!", "$", "<", "-", "["))]
    return ("" if lang == "zh" else " ").join(paragraphs)


def cut(unit: str, size: int) -> str:
    """``unit`` repeated to ``size`` characters."""
    return (unit * (size // max(1, len(unit)) + 1))[:size]


def runs(size: int, marks: str) -> str:
    """One run of each mark, the runs together ``size`` characters long."""
    each = max(1, size // len(marks))
    return "".join(mark * each for mark in marks)


def shapes(repo: Path) -> dict[str, Callable[[int], tuple[str, str]]]:
    """The pathological shapes: name → size → (zh paragraph, en paragraph)."""
    zh, en = article_paragraph(repo, "zh"), article_paragraph(repo, "en")
    return {
        "citations": lambda size: (cut(zh, size), cut(en, size)),
        "punctuation": lambda size: ("索拉非尼" + runs(size, MARKS) + "治疗。", "Sorafenib " + runs(size, MARKS) + " therapy."),
        "capitals": lambda size: ("索拉非尼" + cut("A", size // 2) + " " + cut("FLT3ITD", size // 2) + "。",
                                  "Sorafenib " + cut("A", size // 2) + " " + cut("FLT3ITD", size // 2) + "."),
        "names": lambda size: (cut("Xuan等[@xuan2020]和Smith et al.[@dohner2022]、SORMAIN研究[@xuan2020]（AML，", size),
                               cut("Xuan et al. [@xuan2020] and SORMAIN trial [@dohner2022] (acute myeloid leukemia, AML) ", size)),
    }


def write_paragraph_project(base: Path, target: Path, zh: str, en: str) -> Path:
    """A copy of the project at ``base`` whose bodies are one paragraph each (front matter kept)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(base / "manuscript", target / "manuscript")
    shutil.copytree(base / "bib", target / "bib")
    for lang, paragraph in (("zh", zh), ("en", en)):
        path = target / "manuscript" / f"{lang}.md"
        text = path.read_text(encoding="utf-8")
        match = FRONT.match(text)
        path.write_text((match.group() if match else "") + "\n" + paragraph + "\n", encoding="utf-8")
    return target


def bibliography(count: int) -> str:
    """``count`` distinct journal articles, every tenth a duplicate of its predecessor under a new key."""
    entries = []
    for i in range(count):
        work = i - 1 if i % 10 == 9 else i
        entries.append(f"@article{{work{i},\n  author = {{Author{work}, A. and Second, B.}},\n  title = {{A study of case {work}}},\n"
                       f"  journal = {{J Test}}, year = {{{2000 + work % 20}}}, volume = {{{work % 50 + 1}}}, pages = {{1--9}},\n"
                       f"  doi = {{10.1000/test.{work}}},\n}}\n")
    return "\n".join(entries)


def write_bib_project(base: Path, target: Path, count: int) -> Path:
    """A copy of the project at ``base`` with ``count`` more entries appended to its bibliography."""
    if target.exists():
        shutil.rmtree(target)
    for part in ("manuscript", "bib"):
        shutil.copytree(base / part, target / part)
    bib = target / "bib" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n" + bibliography(count), encoding="utf-8")
    return target
