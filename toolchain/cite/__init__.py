"""Citations: the project's references as CSL items, in the style the settings choose.

The neutral layer between ``load`` and the stages that print references: the checker, the
report and the renderers all ask it, so a reference reads the same everywhere. One
``Citations`` object per run; its answers are cached for the life of the object.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolchain.cite.items import csl_items, without_doi
from toolchain.cite.style import style_path
from toolchain.cite.terms import ET_AL, IN_CHINESE, SECTION_TITLE, et_al
from toolchain.cite.text import format_items, render_items
from toolchain.config import Settings
from toolchain.load import Project


@dataclass(frozen=True)
class Citations:
    """The references of one project under one set of settings."""

    project: Project
    settings: Settings
    _memo: dict[tuple, Any] = field(default_factory=dict, compare=False, repr=False)

    def _cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def style(self) -> Path:
        """The CSL file the outputs are rendered in."""
        return self._cached(("style",), lambda: style_path(self.project, self.settings))

    def items(self, lang: str) -> list[dict]:
        """The CSL JSON items of ``lang``'s reference list (a fresh list each call: callers may edit it)."""
        return csl_items(self.project, lang, self.style())

    def references(self, lang: str) -> dict[str, str]:
        """Key → each entry as ``lang``'s reference list prints it, numbered by first citation."""
        items = self.items if self.settings.reference_doi else lambda lang: without_doi(self.items(lang))  # reference-doi = false
        return dict(self._cached(("references", lang), lambda: self.format(lang, items(lang))))

    def references_of(self, lang: str, keys: Collection[str]) -> dict[str, str]:
        """The texts ``references(lang)`` holds for ``keys``, without formatting the rest of the list."""
        if ("references", lang) in self._memo:
            whole = self.references(lang)
            return {key: whole[key] for key in keys if key in whole}
        items = self.items(lang) if self.settings.reference_doi else without_doi(self.items(lang))
        return format_items(self.project, self.style(), lang, items, only=keys)

    def format(self, lang: str, items: list[dict]) -> dict[str, str]:
        """Some of ``lang``'s items as the list prints them (numbered among themselves)."""
        return format_items(self.project, self.style(), lang, items)

    def render(self, lang: str, item: dict) -> str:
        """One item alone as the style renders it, without the outputs' corrections (a probe)."""
        key = str(item["id"])
        return render_items(self.style(), lang, [item], [key]).get(key, "")


__all__ = ["ET_AL", "IN_CHINESE", "SECTION_TITLE", "Citations", "csl_items", "et_al", "style_path"]
