"""Figures: every image of zh.md and en.md is a file the outputs can embed."""

from __future__ import annotations

from collections.abc import Iterator

from toolchain.check.diagnostic import Finding
from toolchain.check.registry import RuleContext, rule
from toolchain.load.figures import figure_problem, figures, unprintable_format


@rule("FIG001", "figure-missing")
def figure_missing(ctx: RuleContext) -> Iterator[Finding]:
    """An image names no file in manuscript/figures/ (missing, elsewhere, or a URL).

    Why: the build reads images from manuscript/figures/ only and fetches nothing, so it refuses
    to start; the finding says which image, where. Example: ``![](figures/fig1.png)`` with no such file.
    """
    for document in ctx.project.documents:
        for figure in figures(document):
            problem = figure_problem(ctx.project.root, figure.target)
            if problem is not None:
                yield Finding(figure.location, problem)


@rule("FIG002", "figure-format")
def figure_format(ctx: RuleContext) -> Iterator[Finding]:
    """An image is in a format the PDF cannot embed (TIFF, EPS, PDF, BMP …).

    Why: typst embeds PNG, JPEG, GIF, SVG and WebP; journals often ask for TIFF at submission,
    but the typeset outputs need a copy in one of those. Example: ``![](figures/fig1.tif)``.
    """
    for document in ctx.project.documents:
        for figure in figures(document):
            suffix = unprintable_format(figure.target)
            if suffix is not None and figure_problem(ctx.project.root, figure.target) is None:
                yield Finding(figure.location, f"figure “{figure.target}” is a {suffix} file, which the PDF cannot embed: "
                              "save a PNG, JPEG or SVG copy in manuscript/figures/ and name that one")
