"""The cache directory: Pandoc's CSL JSON and citeproc's renderings are computed once per input across runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import toolchain.cite.text as cite_text
import toolchain.pandoc as pandoc
from toolchain.files import cached_text

BIB = "@article{lee2020,\n  author = {Lee, Ann and Wang, Shanshan},\n  title = {A trial},\n  journal = {Blood},\n  year = {2020}\n}\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory, and the in-process caches emptied."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    pandoc._csl_json.cache_clear()
    cite_text._render.cache_clear()
    yield tmp_path / "cache" / "toolchain"
    pandoc._csl_json.cache_clear()
    cite_text._render.cache_clear()


def test_a_result_is_computed_once_per_key(cache: Path) -> None:
    """The same key reads the stored text; another key computes; only the newest entries are kept."""
    calls = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    assert cached_text("kind", "a", lambda: compute("one")) == "one"
    assert cached_text("kind", "a", lambda: compute("two")) == "one"
    assert cached_text("kind", "b", lambda: compute("three")) == "three"
    assert calls == ["one", "three"] and len(list((cache / "kind").glob("*.txt"))) == 2


def test_an_unwritable_cache_is_skipped(cache: Path) -> None:
    """A cache directory that cannot be created: the value is computed every time, no error."""
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the directory should be", encoding="utf-8")
    assert cached_text("kind", "a", lambda: "value") == "value"
    assert cached_text("kind", "a", lambda: "again") == "again"


def test_pandoc_runs_once_per_bibliography_across_runs(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second run (the process cache emptied) reads the CSL JSON without starting pandoc; a damaged file is converted again."""
    first = pandoc.bibtex_to_csl(BIB, "bib/references.bib")
    assert first[0]["id"] == "lee2020"
    pandoc._csl_json.cache_clear()
    real = pandoc.run_pandoc

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("pandoc ran although its result was cached")

    monkeypatch.setattr(pandoc, "run_pandoc", refuse)
    assert pandoc.bibtex_to_csl(BIB, "bib/references.bib") == first
    stored = next((cache / "pandoc").glob("*.txt"))
    stored.write_text("[{damaged", encoding="utf-8")
    pandoc._csl_json.cache_clear()
    monkeypatch.setattr(pandoc, "run_pandoc", real)
    assert pandoc.bibtex_to_csl(BIB, "bib/references.bib") == first
    assert pandoc.bibtex_to_csl(BIB.replace("A trial", "Another trial"), "bib/references.bib")[0]["title"] == "Another trial"


def test_citeproc_rendering_is_reused_and_follows_the_style(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rendering read back equals citeproc's; a changed style file renders anew."""
    from toolchain.cite.style import DEFAULT_STYLE, STYLES

    style = tmp_path / "style.csl"
    style.write_bytes((STYLES / f"{DEFAULT_STYLE}.csl").read_bytes())
    items = pandoc.bibtex_to_csl(BIB, "bib/references.bib")
    rendered = cite_text.render_items(style, "en", items, ["lee2020"])
    assert "Blood" in rendered["lee2020"]
    cite_text._render.cache_clear()
    real = cite_text._render_now
    monkeypatch.setattr(cite_text, "_render_now", lambda *args: (_ for _ in ()).throw(AssertionError("citeproc ran")))
    assert cite_text.render_items(style, "en", items, ["lee2020"]) == rendered
    monkeypatch.setattr(cite_text, "_render_now", real)
    style.write_text(style.read_text(encoding="utf-8").replace("</style>", "<!-- edited --></style>"), encoding="utf-8")
    os.utime(style, (1, 1))
    cite_text._render.cache_clear()
    assert cite_text.render_items(style, "en", items, ["lee2020"]) == rendered
    assert len(list((cache / "citeproc").glob("*.txt"))) == 2
    assert json.loads(next((cache / "citeproc").glob("*.txt")).read_text(encoding="utf-8"))
