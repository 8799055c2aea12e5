"""The hyphens typst sets at line breaks, marked as standing for no text.

Run by the typst child (typst_run.py) with runpy after the compilation, in that process: it
imports nothing of the toolchain, and the two PDFs of a build are rewritten in parallel, each in
its own process, instead of in turn under the build's one interpreter lock.

The changed page contents are appended to the PDF as an incremental update (PDF 32000 7.5.6):
the original bytes stay as they are and only the rewritten content streams, a cross-reference
section for them and a trailer pointing back to the original one follow. pypdf reads the
streams (a few of the file's objects); rewriting the whole file through pypdf's writer parsed
every object and took ten times as long.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterable, Iterator

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, IndirectObject, NameObject, NumberObject

SOFT_HYPHEN_TEXT = b"/ActualText<FEFF00AD>"
NO_TEXT = b"/ActualText()"
START_XREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def unmark_hyphens(pdf: bytes) -> bytes:
    """The PDF with the hyphens typst adds at line breaks standing for no text (an empty ActualText).

    Typst marks each such hyphen as a soft hyphen (U+00AD, PDF 32000 14.8.2.2.3), which text
    extraction and copying leave inside the words; the hyphen is layout, as a line break is.
    """
    reader = PdfReader(io.BytesIO(pdf))
    marked = list(marked_streams(reader.pages))
    if not marked:
        return pdf
    previous = START_XREF.search(pdf[-64:])
    if (previous is None or not pdf[int(previous.group(1)):].startswith(b"xref")  # a cross-reference stream
            or not all(isinstance(ref, IndirectObject) for ref, _, _ in marked)):  # a direct stream cannot be replaced on its own
        return rewritten(reader)
    return updated(pdf, reader.trailer, int(previous.group(1)), {(ref.idnum, ref.generation): (stream, data) for ref, stream, data in marked})


def marked_streams(pages: Iterable[PageObject]) -> Iterator[tuple[object, DictionaryObject, bytes]]:
    """Each content stream of ``pages`` marking a hyphen as a soft hyphen: (its reference, the stream, its data unmarked)."""
    for page in pages:
        contents = page.get("/Contents")
        if contents is None:
            continue
        listed = contents.get_object()
        for ref in listed if isinstance(listed, list) else [contents]:
            stream = ref.get_object()
            data = stream.get_data()
            if SOFT_HYPHEN_TEXT in data:
                yield ref, stream, data.replace(SOFT_HYPHEN_TEXT, NO_TEXT)


def updated(pdf: bytes, trailer: DictionaryObject, previous: int, changed: dict[tuple[int, int], tuple[DictionaryObject, bytes]]) -> bytes:
    """``pdf`` with an incremental update replacing the ``changed`` streams (object number, generation → stream, new data)."""
    out = io.BytesIO()
    out.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets = {}
    for (number, generation), (stream, data) in sorted(changed.items()):
        packed = zlib.compress(data)
        head = DictionaryObject({key: value for key, value in stream.items() if key not in ("/Length", "/Filter", "/DecodeParms")})
        head[NameObject("/Filter")] = NameObject("/FlateDecode")
        head[NameObject("/Length")] = NumberObject(len(packed))
        offsets[(number, generation)] = out.tell()
        out.write(f"{number} {generation} obj\n".encode())
        head.write_to_stream(out)
        out.write(b"\nstream\n" + packed + b"\nendstream\nendobj\n")
    start = out.tell()
    out.write(b"xref\n0 1\n0000000000 65535 f \n")  # the free list's head, as the original table has it
    for (number, generation), offset in offsets.items():  # one subsection per object: they need not be contiguous
        out.write(f"{number} 1\n{offset:010d} {generation:05d} n \n".encode())
    tail = DictionaryObject({key: value for key, value in trailer.items() if key not in ("/Prev", "/XRefStm")})
    tail[NameObject("/Size")] = NumberObject(max(int(trailer.get("/Size", 0)), *(n + 1 for n, _ in offsets)))
    tail[NameObject("/Prev")] = NumberObject(previous)
    out.write(b"trailer\n")
    tail.write_to_stream(out)
    out.write(f"\nstartxref\n{start}\n%%EOF\n".encode())
    return out.getvalue()


def rewritten(reader: PdfReader) -> bytes:
    """The whole PDF rewritten by pypdf with the hyphens unmarked (a file the incremental update does not fit)."""
    writer = PdfWriter(clone_from=reader)
    for _, stream, data in marked_streams(writer.pages):
        stream.set_data(data)
    writer.pdf_header = reader.pdf_header
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
