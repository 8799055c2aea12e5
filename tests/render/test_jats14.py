"""``[tool.toolchain.build] jats = "1.4"``: article.xml in JATS 1.4, validated against the 1.4 DTD."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.render.jats.validate import find_dtd_dir, validate_file

from .conftest import BASE_PROJECT, configured_base
from .test_jats import build_jats, parse

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def jats14(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """article.xml of the base project with ``jats = "1.4"``."""
    root = configured_base(tmp_path_factory, "jats14", '[tool.toolchain.build]\njats = "1.4"\n')
    return build_jats(root, root.parent / "out")


def test_declares_jats_1_4(jats14: Path) -> None:
    tree = parse(jats14)
    assert tree.docinfo.public_id == "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 v1.4 20241031//EN"
    assert tree.docinfo.system_url == "JATS-journalpublishing1-4-mathml3.dtd"
    assert tree.getroot().get("dtd-version") == "1.4"


def test_the_english_abstract_is_a_second_abstract(jats14: Path) -> None:
    meta = parse(jats14).getroot().find("front/article-meta")
    assert meta.find("trans-abstract") is None
    abstracts = meta.findall("abstract")
    assert [a.get(XML_LANG) for a in abstracts] == [None, "en"]
    assert [a.get("lang-variant") for a in abstracts] == ["original", "translation"]  # JATS 1.4's multi-language attributes
    assert [a.findtext("title") for a in abstracts] == ["摘要", "Abstract"] and all(a.find("p") is not None for a in abstracts)


def test_valid_against_the_1_4_dtd(jats14: Path) -> None:
    directory = find_dtd_dir(version="1.4")
    if directory is None:
        pytest.skip("the JATS 1.4 DTD is not installed (../shared/jats/dtd/1.4 or @jats4r/dtds)")
    report = validate_file(jats14)
    assert any(check.startswith(f"DTD 1.4 ({directory})") for check in report.checks), report.checks
    assert report.count("DTD", "error") == 0 and report.count("PMC", "error") == 0 and report.ok, report.lines()
    # Style Checker 5.31 (JATS ≤ 1.3) asks a second abstract for an abstract-type: for 1.4 only a warning
    assert [p.message for p in report.problems if p.checker == "PMC"] == [
        next(p.message for p in report.problems if p.checker == "PMC" and p.message.startswith("abstract type check"))]


def test_default_stays_1_3(tmp_path: Path) -> None:
    tree = parse(build_jats(BASE_PROJECT, tmp_path))
    assert tree.getroot().get("dtd-version") == "1.3" and "v1.3 20210610" in tree.docinfo.public_id
    assert tree.getroot().find("front/article-meta/trans-abstract") is not None
