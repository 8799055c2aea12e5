"""The standard's own examples rendered through the built-in GB/T 7714 styles, string for string.

GB/T 7714-2015: the 44 examples of chapter 4 with the package's bibliography
(../shared/external/biblatex-gb7714-2015, read from there). The expected strings were taken from a
PDF with pdftotext, which sets a space wherever xeCJK widens the gap between Chinese and Latin
text ("第 1 卷" for the bib's "第1卷"): spaces next to a Chinese character are not compared.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.cli import main
from toolchain.config import Settings
from toolchain.load import load_project
from toolchain.render.ast import divs, text_of
from toolchain.render.manuscript import prepare_ast

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_2015 = REPO.parent / "shared" / "external" / "biblatex-gb7714-2015"
CJK_GAP = re.compile(r"\s+(?=[\u3000-\u9fff\uff00-\uffef])|(?<=[\u3000-\u9fff\uff00-\uffef])\s+")


def comparable(text: str) -> str:
    """A reference without its number, spaces next to Chinese characters removed, runs of spaces as one."""
    text = re.sub(r"^\[\d+\]\s*", "", text)
    return CJK_GAP.sub("", " ".join(text.split()))


def bib_entries(bib: str, keys: list[str]) -> str:
    """The entries of ``keys`` cut from a bibliography text (the package's file holds 458)."""
    starts = {m.group(1): m.start() for m in re.finditer(r"^@\w+\{([^,\n]+),", bib, re.M)}
    ends = sorted(starts.values()) + [len(bib)]
    blocks = []
    for key in keys:
        start = starts[key]
        blocks.append(bib[start : next(end for end in ends if end > start)])
    return "\n".join(blocks)


def example_project(tmp: Path, bib: str, keys: list[str]) -> Path:
    """The base project with ``bib`` as its bibliography, citing ``keys`` (in that order)."""
    root = tmp / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    (root / "bib" / "references.bib").write_text(bib, encoding="utf-8")
    cites = "; ".join("@{" + key + "}" for key in keys)
    (root / "manuscript" / "zh.md").write_text(f"---\ntitle: 例\nlang: zh\n---\n\n示例[{cites}]。\n", encoding="utf-8")
    (root / "manuscript" / "en.md").write_text(f"---\ntitle: Examples\nlang: en\n---\n\nExamples [{cites}].\n", encoding="utf-8")
    return root


def render(tmp: Path, bib: str, keys: list[str], csl: str, lang: str = "zh") -> dict[str, str]:
    """The reference list of a project citing ``keys`` (in that order), key → text."""
    root = example_project(tmp, bib, keys)
    ast, _ = prepare_ast(load_project(root), replace(Settings(), csl=csl), lang, tmp)
    return {div["c"][0][0].removeprefix("ref-"): text_of(div["c"][1]) for div in divs(ast["blocks"], "csl-entry")}


@pytest.fixture(scope="module")
def rendered_2015(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict[str, str]]:
    """The 44 examples and their rendering through the built-in 2015 style."""
    if not (EXAMPLES_2015 / "gbt-examples.json").is_file():
        pytest.skip(f"GB/T 7714-2015 examples not found in {EXAMPLES_2015} (public test data kept outside the project)")
    examples = json.loads((EXAMPLES_2015 / "gbt-examples.json").read_text(encoding="utf-8"))["examples"]
    keys = [example["key"] for example in examples]
    bib = bib_entries((EXAMPLES_2015 / "example.bib").read_text(encoding="utf-8"), keys)
    return examples, render(tmp_path_factory.mktemp("gbt2015"), bib, keys, "gb-t-7714-2015-numeric")


@pytest.mark.parametrize("csl", ["gb-t-7714-2015", "gb-t-7714-2025"])
def test_ref011_finds_nothing_lost_in_the_2015_examples(tmp_path: Path, csl: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The standard's own examples, in either built-in style: no lost field, no wrong mark, no case change."""
    if not (EXAMPLES_2015 / "gbt-examples.json").is_file():
        pytest.skip(f"GB/T 7714-2015 examples not found in {EXAMPLES_2015} (public test data kept outside the project)")
    examples = json.loads((EXAMPLES_2015 / "gbt-examples.json").read_text(encoding="utf-8"))["examples"]
    keys = [example["key"] for example in examples]
    root = example_project(tmp_path, bib_entries((EXAMPLES_2015 / "example.bib").read_text(encoding="utf-8"), keys), keys)
    (root / "pyproject.toml").write_text(f'[tool.toolchain.build]\ncsl = "{csl}"\n', encoding="utf-8")
    assert main(["check", str(root), "--select", "REF011", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_2015_examples_render_as_printed(rendered_2015: tuple[list[dict], dict[str, str]]) -> None:
    examples, refs = rendered_2015
    wrong = []
    for example in examples:
        got = comparable(refs.get(example["key"], ""))
        if got != comparable(example["expected"]):
            wrong.append(f"{example['section']}-{example['n']}: {got!r} != {example['expected']!r}")
    assert not wrong, "\n".join(wrong)
    assert len(examples) == 44


EXAMPLES_2025 = Path(__file__).parent / "data" / "gbt7714-2025-examples.yaml"
# Appendix B is set with full-width commas, colons and parentheses and with en dashes in ranges and
# dates; clause 6.2 names the marks half-width, with "-" between first and last page, as the
# built-in style prints them. Compared after mapping those.
HALF_WIDTH = str.maketrans({"，": ", ", "：": ": ", "（": "(", "）": ")", "－": "-"})


def half_width(text: str) -> str:
    """The standard's punctuation as the half-width style prints it."""
    text = text.translate(HALF_WIDTH)
    text = re.sub(r"(?<=[\dA-Za-z])–(?=\d)", "-", text)
    return re.sub(r"\s+-(?=[.\s]|$)", "-", comparable(text))


def test_2025_examples_render_as_printed(tmp_path: Path) -> None:
    import yaml

    examples = yaml.safe_load(EXAMPLES_2025.read_text(encoding="utf-8"))
    keys = [re.match(r"@\w+\{([^,]+),", example["bib"]).group(1) for example in examples]
    refs = render(tmp_path, "\n".join(example["bib"] for example in examples), keys, "gb-t-7714-2025-numeric")
    wrong = [f"{example['section']}: {half_width(refs.get(key, ''))!r} != {half_width(example['expected'])!r}"
             for key, example in zip(keys, examples, strict=True)
             if half_width(refs.get(key, "")) != half_width(example["expected"])]
    assert not wrong, f"{len(examples) - len(wrong)}/{len(examples)} as printed\n" + "\n".join(wrong)


TERMS_BIB = """
@book{hl2012, author = {哈里森·沃尔德伦}, title = {经济数学与金融数学}, year = {2012}, translator = {谢远涛},
  publisher = {中国人民大学出版社}, pages = {235--236}, address = {北京}}
@incollection{mk2013, author = {马克思}, title = {政治经济学批判}, booktitle = {马克思恩格斯全集}, year = {2013},
  editor = {马克思 and 恩格斯}, volume = {35}, publisher = {人民出版社}, pages = {302}, address = {北京}}
@incollection{en2011, author = {Roberson, J. A.}, title = {Drinking water standards}, booktitle = {Water quality and treatment},
  year = {2011}, editor = {Smith, J.}, volume = {2}, translator = {Jones, K.}, publisher = {McGraw-Hill}, pages = {1--36},
  address = {New York}}
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_translator_and_volume_in_each_works_language(tmp_path: Path, lang: str) -> None:
    """GB/T 7714: each reference in its own language, in either list ("谢远涛, 译", "第 35 卷"; "Jones K, trans.", "Vol. 2")."""
    refs = render(tmp_path, TERMS_BIB, ["hl2012", "mk2013", "en2011"], "gb-t-7714-2025-numeric", lang)
    assert "[M]. 谢远涛, 译. 北京" in refs["hl2012"]
    assert "马克思恩格斯全集: 第 35 卷. 北京" in refs["mk2013"]
    assert "Water quality and treatment: Vol. 2. Jones K, trans. New York" in refs["en2011"]
