"""The segmentation and matching layer of the terminology rules: jieba on demand, forms in text."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from toolchain import segment
from toolchain.check._glossary_forms import Matcher
from toolchain.load.glossary import Term
from toolchain.segment import USER_WORD_FREQ, Dictionary, _jieba, read_dictionary, segmenter

PARAGRAPH = (
    "本中心的基础研究也发现，骨髓微环境或获得性耐药基因突变可增强FLT3-ITD细胞的自噬，从而诱发其对FLT3抑制剂耐药；"
    "而靶向布鲁顿酪氨酸激酶以抑制自噬，可克服耐药。来自噬菌体的蛋白与维奈克拉无关，索拉非尼联合阿扎胞苷治疗患者。"
)
USER_WORDS = ("自噬", "维奈克拉", "索拉非尼", "阿扎胞苷", "布鲁顿酪氨酸激酶", "FLT3抑制剂", "骨髓微环境")
FAKE = ({"急性": 10, "急": 5, "性": 3, "白血病": 20, "白": 4, "白血": 0, "血": 2, "病": 2}, {"急性": "a", "白血病": "n"}, 46)


def term(zh: str, en: str, abbr: str = "", variants: dict | None = None) -> Term:
    """A glossary term for the matcher."""
    return Term(zh, en, abbr, variants or {}, {}, 1)


def test_cut_equals_jieba_with_the_full_dictionary() -> None:
    """The on-demand dictionary gives exactly jieba's cut (same DAG, same frequencies)."""
    reference = _jieba().Tokenizer()
    reference.FREQ, _, reference.total = read_dictionary()
    reference.initialized = True
    for word in USER_WORDS:
        reference.add_word(word, freq=max(USER_WORD_FREQ, reference.FREQ.get(word, 0)))
    expected = [w for run in _jieba().re_han_default.findall(PARAGRAPH) for w in reference.cut(run, HMM=True)]
    cut = segmenter(USER_WORDS)
    found = []
    for run in _jieba().re_han_default.finditer(PARAGRAPH):
        found += [PARAGRAPH[s:e] for s, e in cut.words(PARAGRAPH, run.start())]
    assert found == expected
    assert "维奈克拉" in found and "自噬" in found


def test_short_terms_count_only_as_whole_words() -> None:
    """自噬 is a word in 抑制自噬 but only a piece of 来自噬菌体."""
    cut = segmenter(USER_WORDS)
    at = PARAGRAPH.index("抑制自噬") + 2
    assert cut.aligned(PARAGRAPH, at, at + 2)
    at = PARAGRAPH.index("来自噬菌体") + 1
    assert not cut.aligned(PARAGRAPH, at, at + 2)
    assert segmenter(USER_WORDS) is cut  # set up once per process and glossary


def test_cache_is_built_once_in_the_cache_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SQLite copy goes to $XDG_CACHE_HOME/toolchain and is reused, not rebuilt."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(segment, "read_dictionary", lambda: FAKE)
    first = Dictionary()
    files = list((tmp_path / "toolchain").glob("jieba-*.sqlite3"))
    assert len(files) == 1 and first.total == 46
    monkeypatch.setattr(segment, "read_dictionary", lambda: pytest.fail("cache rebuilt"))
    second = Dictionary()
    second.fetch({"白血病", "白血", "骨髓"})
    assert second.freq == {"白血病": 20, "白血": 0} and second.tags == {"白血病": "n"}
    with sqlite3.connect(files[0]) as database:
        assert database.execute("SELECT count(*) FROM freq").fetchone()[0] == len(FAKE[0])


def test_unwritable_cache_falls_back_silently(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture) -> None:
    """When the cache directory cannot be made, the dictionary is read into memory."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(segment, "read_dictionary", lambda: FAKE)
    fallback = Dictionary()
    assert fallback.database is None and fallback.freq["白血病"] == 20
    assert capfd.readouterr() == ("", "")


def test_jieba_is_quiet_and_leaves_pkg_resources_alone(capfd: pytest.CaptureFixture) -> None:
    """Cutting prints nothing, and hiding pkg_resources during the import leaves no trace."""
    segmenter(("伊布替尼",)).words("患者接受伊布替尼治疗", 4)
    assert capfd.readouterr() == ("", "")
    assert sys.modules.get("pkg_resources", "absent") is not None


@pytest.mark.parametrize(("text", "found"), [
    ("CR/CRi率为71.8%", ["CR", "CRi"]),
    ("the CRc rate", ["CRc"]),
    ("FLT3-ITD^+^ AML", ["FLT3", "ITD", "AML"]),
    ("aml is lower case", []),
    ("Acute Myeloid Leukemias and RCTs", ["Acute Myeloid Leukemias", "RCTs"]),
    ("hematologic malignancies", ["hematologic malignancies"]),
    ("the “7+3” regimen", ["“7+3” regimen"]),
    ("first-line and salvage therapy", ["first-line and salvage therapy"]),
    ("FLT3抑制剂耐药", ["FLT3抑制剂"]),
    ("抑制自噬，来自噬菌体", ["自噬"]),
    ("Allo-HSCT and allo-HSCT", ["Allo-HSCT", "allo-HSCT"]),
])
def test_matcher_finds_forms_on_boundaries(text: str, found: list[str]) -> None:
    """Boundaries, case, plurals, quotes, coordination, the longest match and jieba alignment."""
    matcher = Matcher((
        term("急性髓系白血病", "acute myeloid leukemia", "AML"),
        term("完全缓解", "complete remission", "CR"),
        term("完全缓解伴血液学计数不完全恢复", "complete remission with incomplete hematologic recovery", "CRi"),
        term("复合完全缓解", "composite complete remission", "CRc"),
        term("FMS样酪氨酸激酶3", "FMS-like tyrosine kinase 3", "FLT3"),
        term("内部串联重复", "internal tandem duplication", "ITD"),
        term("FLT3抑制剂", "FLT3 inhibitor"),
        term("随机对照试验", "randomized controlled trial", "RCT"),
        term("血液系统恶性疾病", "hematologic malignancy"),
        term("7+3方案", "7+3 regimen"),
        term("一线治疗", "first-line therapy"),
        term("自噬", "autophagy"),
        term("异基因造血干细胞移植", "allogeneic hematopoietic stem cell transplantation", "allo-HSCT"),
    ))
    assert [text[o.start:o.end] for o in matcher.find(text) if o.top] == found


def test_shadowed_occurrences_are_kept() -> None:
    """FLT3 inside FLT3抑制剂 is found, but not as a top-level occurrence."""
    matcher = Matcher((term("FMS样酪氨酸激酶3", "FMS-like tyrosine kinase 3", "FLT3"), term("FLT3抑制剂", "FLT3 inhibitor")))
    occurrences = matcher.find("FLT3抑制剂")
    assert [(o.form.text, o.top) for o in occurrences] == [("FLT3", False), ("FLT3抑制剂", True)]
