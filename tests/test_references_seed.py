"""The seed review's 51 references through the checker: the duplicate [13]/[21], a key defined
twice, and the formatted reference lists (citeproc-py in the project's CSL style)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolchain.cite import Citations
from toolchain.config import Settings, load_settings
from toolchain.load import load_project

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "projects" / "seed-bib"
BIB = "bib/references.bib"


def entry_line(bib: str, key: str) -> int:
    """The 1-based line of ``@type{key,`` in a .bib text."""
    match = re.search(r"^@\w+\{" + re.escape(key) + ",", bib, re.MULTILINE)
    assert match, key
    return bib.count("\n", 0, match.start()) + 1


def run_check(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``python -m toolchain check PROJECT …`` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "toolchain", "check", str(project), *extra],
                          capture_output=True, text=True, check=False, cwd=REPO)


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A fresh copy of the seed-bib project."""
    target = tmp_path / "seed-bib"
    shutil.copytree(SEED, target)
    return target


def test_duplicate_rule_reports_exactly_the_seed_pair() -> None:
    """[13] and [21] of the published list are one work: REF003 says so once, at the second."""
    bib = (SEED / BIB).read_text(encoding="utf-8")
    assert len(re.findall(r"^@\w+\{", bib, re.MULTILINE)) == 51
    done = run_check(SEED, "--format", "json", "--select", "REF")
    assert done.returncode == 1, done.stderr
    duplicates = [d for d in json.loads(done.stdout) if d["rule"] == "REF003"]
    assert len(duplicates) == 1, duplicates
    found = duplicates[0]
    first, second = entry_line(bib, "xuan2019"), entry_line(bib, "xuan2019b")
    assert (found["file"], found["line"], found["severity"]) == (BIB, second, "error")
    assert [(r["file"], r["line"]) for r in found["related"]] == [(BIB, first)]
    assert "“xuan2019b”" in found["message"] and "“xuan2019”" in found["message"]
    assert f"(line {first})" in found["message"]
    assert "[21] Xuan L" in found["message"]  # the formatted reference, numbered as in the list


def test_key_defined_twice_is_an_input_error(seed_copy: Path) -> None:
    """Giving [21] the key of [13] makes the bib unusable: exit 2 naming both lines."""
    path = seed_copy / BIB
    bib = path.read_text(encoding="utf-8")
    first, second = entry_line(bib, "xuan2019"), entry_line(bib, "xuan2019b")
    path.write_text(bib.replace("@article{xuan2019b,", "@article{xuan2019,"), encoding="utf-8")
    done = run_check(seed_copy, "--format", "json")
    assert done.returncode == 2
    output = done.stdout + done.stderr
    assert f"{BIB}:{second}" in output and f"line {first}" in output, output
    assert "Traceback" not in output


def test_seed_reference_list_is_formatted_in_citation_order() -> None:
    """Citations.references numbers as the PDF does and keeps GB/T's type mark and et-al terms."""
    project = load_project(SEED)
    zh = Citations(project, Settings()).references("zh")
    assert len(zh) == 51
    assert zh["dohner2022"].startswith("[1] ")
    assert zh["xuan2019"].startswith("[13] ") and zh["xuan2019b"].startswith("[21] ")
    assert all("[J]" in zh[e.key] for e in project.bibliography.entries if e.type == "article")
    assert "et al." in zh["xuan2020"] and "等" not in zh["xuan2020"]  # an English work in the zh list
    assert "等" in zh["zhangyu2016"] and "et al." not in zh["zhangyu2016"]
    assert "[EB/OL]" in zh["nccn2023"]


def test_english_list_prints_the_english_version_in_chinese(seed_copy: Path) -> None:
    """A Chinese work with ``*-en`` fields is printed in English and marked "(in Chinese)"."""
    path = seed_copy / BIB
    bib = path.read_text(encoding="utf-8")
    english = ("  author-en  = {Zhang, Y. and Xuan, L. and Fan, Z. P. and others},\n"
               "  title-en   = {Clinical application of sorafenib as salvage therapy in relapsed/refractory "
               "{FLT3} mutation-positive acute myeloid leukemia},\n"
               "  journal-en = {Chinese Journal of Hematology},\n")
    start = bib.index("@article{zhangyu2016,")
    end = bib.index("\n}", start)
    path.write_text(bib[:end + 1] + english + bib[end + 1:], encoding="utf-8")
    project = load_project(seed_copy)
    assert project.bibliography.by_key["zhangyu2016"].english("title")
    en = Citations(project, load_settings(seed_copy)).references("en")
    translated = en["zhangyu2016"]
    assert translated.endswith("(in Chinese)") and "Clinical application of sorafenib" in translated
    assert "et al." in translated and "等" not in translated and "Zhang Y" in translated
    assert not en["zhangyu2023"].endswith("(in Chinese)")  # no English version: printed as it is


def test_hand_typed_range_suggests_the_seed_keys(seed_copy: Path) -> None:
    """The published text's “[12-16]” maps to the works numbered 12–16 by first citation."""
    from dataclasses import replace

    from toolchain.check import run_checks
    from toolchain.config import load_settings

    path = seed_copy / "manuscript" / "zh.md"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "FLT3抑制剂维持治疗可延长生存[12-16]。\n", encoding="utf-8")
    result = run_checks(load_project(seed_copy), replace(load_settings(seed_copy), select=("REF012",)))
    assert [d.suggestion for d in result.diagnostics] == ["[@chen2014; @xuan2019; @burchert2020; @xuan2020; @xuan2023]"]
    assert "“[12-16]”" in result.diagnostics[0].message
