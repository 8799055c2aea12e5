"""Property tests: random Markdown, YAML and BibTeX never crash the loader or the checker.

Each example overlays one or two files of the base project with a fragment built from the
pieces that trouble Markdown and CJK parsers (stray ``[@``, unbalanced braces, ``---`` lines,
unclosed ``<!--``, headings with attributes, full-width punctuation, zero-width characters).
Only InputError may leave ``load_project``; every rule must finish (``crashed`` is empty) and
every diagnostic must point inside its file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolchain.check import run_checks
from toolchain.errors import InputError
from toolchain.load import FILES, load_project
from toolchain.load.source import Location

BASE = Path(__file__).resolve().parent / "rules" / "base_project"
BASE_FILES = {name: (BASE / path).read_text(encoding="utf-8") for name, path in FILES.items()}
FRONT_END = {name: BASE_FILES[name].index("\n---\n", 3) + 5 for name in ("zh", "en")}

# Deterministic in CI: the same examples on every run, no example database.
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PIECES = [
    "急性髓系白血病", "索拉非尼", "维持治疗", "AML", "FLT3-ITD", "sorafenib", "acute myeloid leukemia",
    "，", "。", "、", "；", "：", "（", "）", "“", "”", "《", "》", "……", "——", "～", "％", "１２",
    "[@", "@", "[@xuan2020]", "[@dohner2022; @xuan2020, p. 3]", "@xuan2020", "[@nokey]", "[-@xuan2020]",
    "{", "}", "{#sec-x}", "{.unnumbered}", "{#}", "[", "]", "(", ")", "](", "![图](figures/a.png)",
    "\n---\n", "\n...\n", "---", "<!--", "-->", "<!-- check-disable-next-line ZH -->",
    "<!-- check-disable REF001 -->", "<!-- check-enable REF001 -->", "<!-- check-disable-line NUM: 原文 -->",
    "\n# ", "\n## ", "\n###### ", "#", "\n\n", "\n", "\t", "    ", " ", "```", "~~~", ":::", "|", "|---|",
    "^+^", "~2~", "*P*", "**", "_", "\\", "`code`", "$x^2$", "<b>", "&amp;", "%", "202", "3.5×10^9^/L",
    "1,000", "二", "两", "P<0.05", "≥", "±", "\u200b", "\ufeff", "\u3000", "\u00a0", "\u0301", "😀", "\r",
    "https://doi.org/10.1182/blood", "10.1016/S1470", "a@b.org", "e.g.", "i.e.", "\"", "'", "’",
]
CHARS = st.characters(blacklist_categories=("Cs",))  # surrogates cannot be written as UTF-8
MARKDOWN = st.lists(st.one_of(st.sampled_from(PIECES), st.text(CHARS, max_size=8)), max_size=40).map("".join)

YAML_PIECES = [
    "title: ", "abstract: |\n  ", "keywords: ", "lang: ", "[", "]", "{", "}", ", ", ": ", "- ", "\n", "\n  ",
    "索拉非尼", "AML", "'", "\"", "&a ", "*a", "!!int ", "!!str ", "2024-13-45", "2024-03-20", "null", "~",
    "true", "12", "1e999", "? ", "|", ">", "#", "\t", "---", "...", "<<: ", "zh: ", "en: ", "id: ", "name: ",
]
YAML = st.lists(st.one_of(st.sampled_from(YAML_PIECES), st.text(CHARS, max_size=6)), max_size=30).map("".join)

BIB_PIECES = [
    "@article{", "@book{", "@string{", "@comment{", "@", "xuan2020", "dohner2022", "newkey", ",", "\n", " = ",
    "{", "}", "\"", "title", "author", "year", "langid", "chinese", "索拉非尼", "Döhner, H. and others",
    " and ", "2020", "#", "%", "title-en", "=", "  ",
]
BIB = st.lists(st.one_of(st.sampled_from(BIB_PIECES), st.text(CHARS, max_size=6)), max_size=40).map("".join)


def write_project(root: Path, overrides: dict[str, str]) -> None:
    """Write the base project into ``root`` with some files replaced."""
    for name, path in FILES.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(overrides.get(name, BASE_FILES[name]), encoding="utf-8", newline="")


def assert_inside(location: Location, texts: dict[str, str]) -> None:
    """A location lies inside its file: 1 ≤ line ≤ lines, 1 ≤ column ≤ len(line) + 1."""
    assert location.file in texts, f"{location} names a file outside the project"
    lines = texts[location.file].replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    assert 1 <= location.line <= len(lines), f"{location}: line outside 1..{len(lines)}"
    assert 1 <= location.column <= len(lines[location.line - 1]) + 1, f"{location}: column beyond the line"
    if location.end_line is not None:
        assert location.line <= location.end_line <= len(lines), f"{location}: end line {location.end_line}"
        assert 1 <= (location.end_column or 1) <= len(lines[location.end_line - 1]) + 1, f"{location}: end column"


def load_and_check(overrides: dict[str, str]) -> None:
    """The property: only InputError escapes loading; checking crashes no rule; positions are valid."""
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        write_project(root, overrides)
        texts = {path: (root / path).read_text(encoding="utf-8") for path in FILES.values()}
        try:
            project = load_project(root)
        except InputError as exc:
            assert exc.file in texts, exc
            if exc.line is not None:
                assert 1 <= exc.line <= texts[exc.file].count("\n") + 1, exc
            return
        result = run_checks(project)
        assert not result.crashed, [d.message for d in result.diagnostics if d.rule in result.crashed]
        for diagnostic in result.diagnostics:
            assert_inside(diagnostic.location, texts)
            for related in diagnostic.related:
                assert_inside(related, texts)


@FUZZ
@given(zh=MARKDOWN, en=MARKDOWN)
def test_random_bodies(zh: str, en: str) -> None:
    """Random bodies under the base front matter, in both languages."""
    load_and_check({"zh": BASE_FILES["zh"][: FRONT_END["zh"]] + zh, "en": BASE_FILES["en"][: FRONT_END["en"]] + en})


@FUZZ
@given(body=MARKDOWN, lang=st.sampled_from(["zh", "en"]))
def test_random_whole_markdown(body: str, lang: str) -> None:
    """A whole random file: front matter may be missing, unclosed or odd."""
    load_and_check({lang: body})


@FUZZ
@given(front=YAML, lang=st.sampled_from(["zh", "en"]))
def test_random_front_matter(front: str, lang: str) -> None:
    """Random YAML between the front-matter fences, base body after it."""
    body = BASE_FILES[lang][FRONT_END[lang]:]
    load_and_check({lang: f"---\n{front}\n---\n{body}"})


@FUZZ
@given(text=YAML, name=st.sampled_from(["metadata", "glossary"]), keep=st.booleans())
def test_random_yaml_files(text: str, name: str, keep: bool) -> None:
    """Random YAML appended to (or replacing) metadata.yaml or glossary.yaml."""
    load_and_check({name: (BASE_FILES[name] + "\n" if keep else "") + text})


@FUZZ
@given(text=BIB, keep=st.booleans())
def test_random_bibtex(text: str, keep: bool) -> None:
    """Random BibTeX appended to (or replacing) references.bib."""
    load_and_check({"bibliography": (BASE_FILES["bibliography"] + "\n" if keep else "") + text})


@FUZZ
@given(paragraph=MARKDOWN, section=st.integers(0, 2))
def test_inserted_paragraph_stays_located(paragraph: str, section: int) -> None:
    """A random paragraph inserted into a real section of zh.md: positions stay inside the file."""
    text = BASE_FILES["zh"]
    marks = [i for i in range(len(text)) if text.startswith("\n\n", i)]
    at = marks[min(section, len(marks) - 1)]
    load_and_check({"zh": text[:at] + "\n\n" + paragraph + text[at:]})
