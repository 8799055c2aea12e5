"""Shared fixtures: the base project, a factory for variants of it, the repository root."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BASE_PROJECT = TESTS / "rules" / "base_project"


@pytest.fixture
def base_copy(tmp_path: Path) -> Path:
    """A fresh copy of the clean base project."""
    target = tmp_path / "project"
    shutil.copytree(BASE_PROJECT, target)
    return target
