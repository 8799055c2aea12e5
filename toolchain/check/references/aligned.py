"""References in the aligned zh/en pairs: each unit cites the works its counterpart cites.

A family of its own because it reads the alignment, which the processes that compare pairs share.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolchain.check.diagnostic import Finding
from toolchain.check.references._text import citation_gaps
from toolchain.check.registry import RuleContext, rule


@rule("REF007", "citations-differ-between-languages")
def citations_differ_between_languages(ctx: RuleContext) -> Iterator[Finding]:
    """Aligned zh and en paragraphs cite different works.

    Why: a translation cites what the original cites; a key on one side only is a lost or
    misplaced citation. Example: zh ``……长期获益[@xuan2020; @xuan2023]`` but en ``… [@xuan2020]``.
    """
    project = ctx.project
    for gap in citation_gaps(project):
        lang = "en" if gap.other_lang == "zh" else "zh"
        yield Finding(gap.citation.location,
                      f"“@{gap.citation.key}” is cited in this {lang} paragraph but not in the aligned "
                      f"{gap.other_lang} paragraph ({gap.other.start})", related=(gap.other.start,))
