"""Concepts with one home: CJK ranges are spelled in toolchain/cjk.py alone, files are moved into place by toolchain/files.py alone.

The sources are read as text, so a range in a regex class, a comparison of a character with
two bounds and a code point written as a number are all seen, whatever builds the pattern.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import unicodedata
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "toolchain"
SOURCES = sorted(PACKAGE.rglob("*.py"))
CHAR = r"\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|[^\x00-\x7f]"
RANGE = re.compile(f"({CHAR})-({CHAR})")
COMPARED = re.compile(rf"""["']({CHAR})["']\s*<=|<=\s*["']({CHAR})["']""")
CODE_POINT = re.compile(r"\b0x([0-9a-fA-F]{4,5})\b")


def code_point(text: str) -> int:
    """The code point of one character as written in a source: ``\\u4e00`` or ``一``."""
    return int(text[2:], 16) if text.startswith("\\") else ord(text)


def is_wide(code: int) -> bool:
    """Whether a code point is an East Asian wide or full-width character (Han, kana, ，（）…)."""
    return unicodedata.east_asian_width(chr(code)) in "WF"


def is_cjk_range(low: str, high: str) -> bool:
    """Whether ``low-high`` is a CJK range: an escaped bound is wide, or both characters are (not α-干扰素)."""
    wide = [is_wide(code_point(bound)) for bound in (low, high)]
    return all(wide) if not (low + high).startswith("\\") and "\\" not in high else any(wide)


def without_comments(text: str) -> list[str]:
    """The lines of a source with its comments cut off (a comment may mention α-干扰素)."""
    lines = text.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            lines[row - 1] = lines[row - 1][:column]
    return lines


def cjk_ranges(text: str) -> list[tuple[int, str]]:
    """(line, text) of every CJK range, bound or code point written in a source's code."""
    found = []
    for number, line in enumerate(without_comments(text), 1):
        written = [m.group() for m in RANGE.finditer(line) if is_cjk_range(*m.groups())]
        written += [m.group() for m in COMPARED.finditer(line) if is_wide(code_point(m.group(1) or m.group(2)))]
        written += [m.group() for m in CODE_POINT.finditer(line) if is_wide(int(m.group(1), 16))]
        found += [(number, w) for w in written]
    return found


def test_the_detector_sees_each_way_of_spelling_a_range() -> None:
    """The scan finds a range however it is written, and not a Latin or Greek one."""
    source = '\n'.join([r'A = "[\u4e00-\u9fff]"', 'B = "[０-９]"', r'c = "\u3400" <= ch', "D = 0x4E00",
                        r'E = "[A-Za-z\u0370-\u03ff]"', "F = 0xFEE0", r'G = "[\u2160-\u216b]"',
                        "H = 1  # α-干扰素", 'I = "α-干扰素"', r'J = "[\u0370-\u4dbf]"'])
    assert [line for line, _ in cjk_ranges(source)] == [1, 2, 3, 4, 10]


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name != "cjk.py" or p.parent != PACKAGE],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_but_cjk_spells_a_cjk_range(path: Path) -> None:
    """CJK classes are built from toolchain.cjk, so that there is one definition to correct."""
    assert cjk_ranges(path.read_text(encoding="utf-8")) == []


def test_cjk_module_holds_the_ranges() -> None:
    """The home of the classes is where the scan does find them."""
    assert cjk_ranges((PACKAGE / "cjk.py").read_text(encoding="utf-8"))


def renames(path: Path) -> list[int]:
    """Lines where a source moves a file into place: ``os.replace``/``os.rename``, ``shutil.move``, ``Path.rename``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module, name = node.value.id, node.attr
            if (module, name) in {("os", "replace"), ("os", "rename"), ("os", "renames"), ("shutil", "move")}:
                lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("rename", "replace") \
                and isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name) and node.func.value.func.id == "Path":
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "rename":
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module in ("os", "shutil") and {a.name for a in node.names} & {"replace", "rename", "move"}:
            lines.append(node.lineno)
    return sorted(set(lines))


def test_the_rename_detector_sees_each_spelling(tmp_path: Path) -> None:
    """``os.replace``, a bare ``rename`` and ``from os import replace`` are found; ``str.replace`` is not."""
    source = 'import os\nos.replace(a, b)\np.rename(q)\nfrom os import replace\ntext.replace("a", "b")\nPath(a).replace(b)\n'
    path = tmp_path / "sample.py"
    path.write_text(source, encoding="utf-8")
    assert renames(path) == [2, 3, 4, 6]


@pytest.mark.parametrize("path", [p for p in SOURCES if p != PACKAGE / "files.py"], ids=lambda p: str(p.relative_to(PACKAGE)))
def test_files_are_moved_into_place_only_by_the_one_writer(path: Path) -> None:
    """Every file is replaced through toolchain.files (whole, with its mode, never through a planted link)."""
    assert renames(path) == []


def test_every_reader_of_units_starts_from_document_body_units() -> None:
    """The language rules, the aligner, the terminology rules and the abbreviation scopes read the same units."""
    from toolchain.check import _align, abbreviations, terminology
    from toolchain.check._typography import prose_units
    from toolchain.load import load_project

    project = load_project(PACKAGE.parent / "tests" / "projects" / "other-cardiology")  # footnotes, tables, figures
    for document in project.documents:
        blocks = document.body_units()
        assert {b.kind for b in blocks} == {"heading", "paragraph", "list", "table", "figure", "caption"} & {b.kind for b in document.blocks}
        assert any(b.footnote_label for b in blocks) and any(b.kind == "table" for b in blocks)
        assert list(document.text_spans) == [*document.front_spans, *(b.span for b in blocks)]
        assert [span for span, _ in prose_units(document)] == list(document.text_spans)
        assert [span for span, _ in prose_units(document, tables=False)] == [s for s in document.text_spans
                                                                          if all(b.span is not s for b in blocks if b.kind == "table")]
        assert [span for span, _ in terminology.prose(project, document, metadata=False)] == list(document.text_spans)
        assert [u.span for u in _align.body_units(document, None)] == [b.span for b in blocks if not b.footnote_label]
        scopes = dict(abbreviations.scopes(project))
        body = scopes["Chinese body" if document.lang == "zh" else "English body"]
        assert body == [b.span for b in blocks if b.kind != "heading"]
