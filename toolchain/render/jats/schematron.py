"""JATS4R schematrons (advisory): transpiled with SchXslt2 and run by Saxon-HE (``saxonche``).

The JATS4R rules use ``queryBinding="xslt2"``, beyond lxml's XSLT 1.0; Saxon comes from the
optional extra ``pip install -e '.[jats4r]'``. Their findings never make a file invalid: some
are editorial choices (a JATS4R article must carry <permissions>, which our metadata may not give).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA = Path("jats4r") / "1.0" / "jats4r.sch"
TRANSPILER = Path("schxslt2") / "transpile.xsl"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
# The JATS4R rules use the xs:/xsd: prefixes without declaring them (../shared/jats/README.md).
XS_DECLARATIONS = ('<ns prefix="xs" uri="http://www.w3.org/2001/XMLSchema"/>'
                   '<ns prefix="xsd" uri="http://www.w3.org/2001/XMLSchema"/>')


def available(shared: Path) -> str | None:
    """None when JATS4R can run with ``shared`` (../shared/jats); else the reason it cannot."""
    if not (shared / SCHEMA).is_file() or not (shared / TRANSPILER).is_file():
        return f"JATS4R: {SCHEMA.as_posix()} or {TRANSPILER.as_posix()} not found"
    if importlib.util.find_spec("saxonche") is None:
        return "JATS4R: saxonche is not installed (pip install -e '.[jats4r]')"
    return None


@cache
def processor() -> object:
    """One Saxon processor for the process (saxonche dislikes being created and released repeatedly)."""
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@cache
def compiled(shared: Path) -> object:
    """The JATS4R schematron turned into an XSLT 3.0 executable."""
    proc = processor()
    schema_path = shared / SCHEMA
    text = schema_path.read_text(encoding="utf-8")
    text = re.sub(r"(<ns\s)", XS_DECLARATIONS + r"\1", text, count=1)
    builder = proc.new_document_builder()
    builder.set_base_uri(schema_path.resolve().as_uri())  # its <include>s are relative
    xslt = proc.new_xslt30_processor()
    transpiler = xslt.compile_stylesheet(stylesheet_file=str((shared / TRANSPILER).resolve()))
    stylesheet = transpiler.transform_to_string(xdm_node=builder.parse_xml(xml_text=text))
    builder = proc.new_document_builder()
    builder.set_base_uri(schema_path.resolve().as_uri())  # the code lists (*.xml) sit beside it
    return xslt.compile_stylesheet(stylesheet_node=builder.parse_xml(xml_text=stylesheet))


class SchematronError(Exception):
    """Saxon could not compile the schematron or run it on the file."""


def findings(path: Path, shared: Path) -> list[tuple[str, str, str]]:
    """(role, location, message) of every failed assert and successful report."""
    from saxonche import PySaxonApiError

    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, count=1)  # Saxon would fetch the DTD
    try:
        report = compiled(shared).transform_to_string(xdm_node=processor().parse_xml(xml_text=text))
    except PySaxonApiError as exc:
        raise SchematronError(str(exc).strip()) from None
    svrl = etree.fromstring(report.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    out = []
    for node in svrl.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
        role = (node.get("role") or "error").lower()
        location = re.sub(r"Q\{[^}]*\}", "", node.get("location") or "")
        out.append((role if role in ("error", "warning") else "warning", location, " ".join("".join(node.itertext()).split())))
    return out
