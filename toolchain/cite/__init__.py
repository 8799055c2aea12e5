"""Citations: the project's references as CSL items, in the style the settings choose.

One ``Citations`` object per run answers every stage that needs a reference: the checker,
the report and the renderers. Its answers are cached for the life of the object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
        from toolchain.render.citations import style_path

        return self._cached(("style",), lambda: style_path(self.project, self.settings))

    def items(self, lang: str) -> list[dict]:
        """The CSL JSON items of ``lang``'s reference list (a fresh list each call)."""
        from toolchain.render.citations import csl_items

        return csl_items(self.project, lang)
