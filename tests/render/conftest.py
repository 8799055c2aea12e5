"""Session fixtures for renderer tests: the base project and our article, each built once.

``built_base`` and ``built_article`` return the output directory holding zh.pdf, en.pdf,
zh.docx, en.docx and article.xml. The JATS output is built in a separate pass so that a
JATS failure leaves the PDF and DOCX tests running (the JATS tests then fail on their own).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolchain.config import load_settings
from toolchain.errors import RenderError
from toolchain.load import load_project
from toolchain.render import build

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
BASE_PROJECT = TESTS / "rules" / "base_project"


def build_project(root: Path, out: Path) -> Path:
    """Build every output of the project at ``root`` into ``out`` and return ``out``."""
    project = load_project(root)
    settings = load_settings(root)
    build(project, settings, ("pdf", "docx"), ("zh", "en"), out, jobs=2)
    try:
        build(project, settings, ("jats",), ("zh", "en"), out, jobs=1)
    except RenderError:
        pass  # reported by the JATS tests, which find article.xml missing
    return out


def configured_base(tmp_path_factory: pytest.TempPathFactory, name: str, config: str) -> Path:
    """A copy of the base project whose pyproject.toml holds ``config``."""
    root = tmp_path_factory.mktemp(name) / "project"
    shutil.copytree(BASE_PROJECT, root)
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    return root


def build_with_metadata(tmp_path_factory: pytest.TempPathFactory, name: str, replacements: tuple[tuple[str, str], ...]) -> Path:
    """The base project with each (old, new) text replaced in its metadata.yaml, every output built."""
    root = tmp_path_factory.mktemp(name) / "project"
    shutil.copytree(BASE_PROJECT, root)
    meta = root / "manuscript" / "metadata.yaml"
    text = meta.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    meta.write_text(text, encoding="utf-8")
    return build_project(root, root.parent / "out")


@pytest.fixture(scope="session")
def built_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of tests/rules/base_project (a small article with two English references)."""
    return build_project(BASE_PROJECT, tmp_path_factory.mktemp("built-base"))


@pytest.fixture(scope="session")
def built_article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of our own article (manuscript/ and bib/ at the repository root)."""
    return build_project(REPO, tmp_path_factory.mktemp("built-article"))
