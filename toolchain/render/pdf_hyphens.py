"""The hyphens typst sets at line breaks, marked as standing for no text.

Run by the typst child (typst_run.py) with runpy after the compilation, in that process: it
imports nothing of the toolchain, and the two PDFs of a build are rewritten in parallel, each in
its own process, instead of in turn under the build's one interpreter lock.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

SOFT_HYPHEN_TEXT = b"/ActualText<FEFF00AD>"


def unmark_hyphens(pdf: bytes) -> bytes:
    """The PDF with the hyphens typst adds at line breaks standing for no text (an empty ActualText).

    Typst marks each such hyphen as a soft hyphen (U+00AD, PDF 32000 14.8.2.2.3), which text
    extraction and copying leave inside the words; the hyphen is layout, as a line break is.
    """
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    changed = False
    for page in writer.pages:
        contents = page.get("/Contents")
        streams = contents.get_object() if contents is not None else []
        for stream in streams if isinstance(streams, list) else [streams]:
            stream = stream.get_object()
            data = stream.get_data()
            if SOFT_HYPHEN_TEXT in data:
                stream.set_data(data.replace(SOFT_HYPHEN_TEXT, b"/ActualText()"))
                changed = True
    if not changed:
        return pdf
    writer.pdf_header = reader.pdf_header
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
