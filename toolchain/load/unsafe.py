"""Constructs of a manuscript that act when an output is opened or built, found in Markdown text.

The checker reports them (SRC004, SRC005) and the renderers drop or refuse them: raw typst runs
as code when the PDF is compiled; a ``javascript:`` link runs in a reader that follows it; a
Word field such as ``INCLUDEPICTURE "http://…"`` fetches from the network when the DOCX opens.
"""

from __future__ import annotations

import re

# A fenced block ```{=typst} or an inline `…`{=typst}
RAW_TYPST = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*\{[ \t]*=typst[ \t]*\}|`[^`\n]+`\{=typst\}", re.MULTILINE)
# A link target, autolink or HTML attribute with a scheme that runs code
SCRIPT_SCHEME = re.compile(r"(?:vbscript|javascript|livescript)[ \t]*:", re.IGNORECASE)
SCRIPT_LINK = re.compile(r"(?:\]\([ \t]*<?|<|\b(?:href|src|action|formaction|xlink:href)[ \t]*=[ \t]*[\"']?)[ \t]*"
                         r"(?:vbscript|javascript|livescript)[ \t]*:", re.IGNORECASE)
# Word field codes that fetch or run something when the document opens or updates
FIELD_CODE = re.compile(r"\b(INCLUDEPICTURE|INCLUDETEXT|DDEAUTO|DDE|IMPORT|LINK)\b")
RAW_OPENXML = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*\{[ \t]*=openxml[ \t]*\}|`[^`\n]+`\{=openxml\}", re.MULTILINE)


def is_script_url(url: str) -> bool:
    """Whether a link target runs code (``javascript:`` and its kin, with any case or leading controls)."""
    cleaned = "".join(c for c in url if c > " ").lower()
    return SCRIPT_SCHEME.match(cleaned) is not None
