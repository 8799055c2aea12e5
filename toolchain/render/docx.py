"""zh.docx / en.docx: Pandoc's docx writer with a reference document made by our code.

The reference document (Pandoc's own, restyled here) carries the journal's styles: A4, Times New
Roman with SimSun (宋体) as the East Asian font of the text and SimHei (黑体) for titles and
headings, so Word shows Chinese in a Chinese font. The front matter (journal line, title,
authors, affiliations, abstracts, keywords, DOI and classification, first-page notes) is
prepended to the AST as paragraphs in custom styles (``custom-style`` Divs, Pandoc's docx
convention); the package is then rewritten with our core properties and fixed timestamps.
"""

from __future__ import annotations

import copy
import datetime
import io
import os
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from toolchain.load import Project
from toolchain.pandoc import ast_to_file, default_data_file
from toolchain.render import docx_submission as submission_docx
from toolchain.render.ast import copied, text_of
from toolchain.render.docx_blocks import prepare_blocks
from toolchain.render.docx_styles import restyle
from toolchain.render.docx_xml import repair
from toolchain.render.fonts import font_paths

CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
KEEP_META = ("lang",)  # everything else would land in docProps/custom.xml
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CAPTION_STYLES = ("ImageCaption", "TableCaption")


@cache
def reference_docx(lang: str) -> bytes:
    """Pandoc's reference.docx with the journal's styles and fonts for ``lang``."""
    source = zipfile.ZipFile(io.BytesIO(default_data_file("reference.docx")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in ("word/styles.xml", "word/document.xml"):
                data = restyle(item.filename, data, lang)
            target.writestr(item, data)
    return buffer.getvalue()


def inlines_of(value: dict | None) -> list:
    """The inlines of a metadata value (the first paragraph of MetaBlocks)."""
    if not value:
        return []
    if value["t"] == "MetaInlines":
        return list(value["c"])
    if value["t"] == "MetaString":
        return [{"t": "Str", "c": value["c"]}]
    if value["t"] == "MetaBlocks":
        return [i for block in value["c"][:1] for i in block.get("c", [])]
    return []


def blocks_of(value: dict | None) -> list:
    """The paragraphs of a metadata value."""
    if value and value["t"] == "MetaBlocks":
        return copy.deepcopy(value["c"])
    content = inlines_of(value)
    return [{"t": "Para", "c": content}] if content else []


def styled(style: str, *paragraphs: list) -> dict:
    """A Div giving its paragraphs a named Word style."""
    return {"t": "Div", "c": [["", [], [["custom-style", style]]], [{"t": "Para", "c": p} for p in paragraphs if p]]}


def strong(text: str) -> dict:
    """Bold text."""
    return {"t": "Strong", "c": [{"t": "Str", "c": text}]}


def sup(content: list) -> dict:
    """Superscript inlines."""
    return {"t": "Superscript", "c": content}


def space(text: str = " ") -> dict:
    """A literal space run (em space between authors)."""
    return {"t": "Str", "c": text}


def joined(items: list[list], separator: list) -> list:
    """Inline lists joined by ``separator``."""
    result: list = []
    for i, item in enumerate(items):
        result += (copy.deepcopy(separator) if i else []) + item
    return result


def labelled(label: str, body: list, zh: bool) -> list:
    """“［摘要］text” in Chinese, “Abstract text” in English."""
    return [strong(f"［{label}］" if zh else label), space(), *body]


def title_block(meta: dict, prefix: str, zh: bool, title_style: str) -> list[dict]:
    """Title, authors, affiliations, abstract and keywords of one language (prefix "" or "trans-")."""
    def get(key: str) -> Any:
        return meta.get(prefix + key)
    labels = {k: text_of(v) for k, v in (get("labels") or {"c": {}})["c"].items()}
    title = inlines_of(get("title")) + ([sup(inlines_of(meta["title-mark"]))] if "title-mark" in meta and not prefix else [])
    authors = [inlines_of(a["c"]["name"]) + [sup(inlines_of(a["c"]["marks"]))] for a in (get("authors") or {"c": []})["c"]]
    affiliations = [[sup(inlines_of(a["c"]["mark"])), *inlines_of(a["c"]["text"])] for a in (get("affiliations") or {"c": []})["c"]]
    blocks = [styled(title_style, title), styled("Author", joined(authors, [space("\u2003")])), styled("Affiliation", *affiliations)]
    if prefix and get("corresp-line"):
        blocks.append(styled("Affiliation", inlines_of(get("corresp-line"))))
    abstract = blocks_of(get("abstract"))
    if abstract:
        abstract[0]["c"] = labelled(labels.get("abstract", "Abstract"), abstract[0]["c"], zh)
        blocks.append({"t": "Div", "c": [["", [], [["custom-style", "Abstract"]]], abstract]})
    keywords = [inlines_of(k) for k in (get("keywords") or {"c": []})["c"]]
    if keywords:
        keys = labelled(labels.get("keywords", "Key words"), joined(keywords, [space("；" if zh else "; ")]), zh)
        blocks.append(styled("Keywords", keys))
    return blocks


def front_matter(meta: dict, lang: str, submission: bool = False) -> list[dict]:
    """The first page as blocks: journal line, title block(s), classification and notes.

    For a submission the journal line goes to the page header and the notes become a footnote.
    """
    zh = lang == "zh"
    if submission:  # the funding mark on the title: the footnote's own number takes its place
        meta = {key: value for key, value in meta.items() if key != "title-mark"}
    labels = {k: text_of(v) for k, v in meta["labels"]["c"].items()}
    header = [*inlines_of(meta.get("journal-title")), space("\u2003"), *inlines_of(meta.get("journal-issue"))]
    if "doi" in meta:  # right-aligned on the style's tab stop
        header += [{"t": "RawInline", "c": ["openxml", "<w:r><w:tab/></w:r>"]}, {"t": "Str", "c": f"DOI: {text_of(meta['doi'])}"}]
    blocks = [] if submission else [styled("Journal Header", header)]
    if "heading" in meta:
        blocks.append(styled("Column Heading", [space("·"), *inlines_of(meta["heading"]), space("·")] if zh else inlines_of(meta["heading"])))
    blocks += title_block(meta, "", zh, "Title")
    codes = []
    for key in ("clc", "document-code"):
        if key in meta:
            codes += labelled(labels[key] if zh else labels[key] + ":", inlines_of(meta[key]), zh) + [space("\u2003")]
    if codes:
        blocks.append(styled("Keywords", codes[:-1]))
    if "trans-title" in meta:
        blocks += title_block(meta, "trans-", False, "Translated Title")
    notes = [([sup(inlines_of(n["c"]["mark"]))] if "mark" in n["c"] else []) + inlines_of(n["c"]["label"]) + inlines_of(n["c"]["punct"])
             + inlines_of(n["c"]["text"]) for n in meta.get("footnotes", {"c": []})["c"] + meta.get("bios", {"c": []})["c"]]
    if "received" in meta:
        notes.append([space(f"{labels['received']}{'：' if zh else ': '}"), *inlines_of(meta["received"])])
    notes.append(inlines_of(meta.get("cite-as")))
    if submission:
        return submission_docx.title_notes(blocks, notes)
    blocks.append(styled("First Page Note", *notes))
    return blocks


def build_time() -> str:
    """The build's time in W3CDTF: ``SOURCE_DATE_EPOCH`` (reproducible builds) when set, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch.isdigit() else datetime.datetime.now(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def core_properties(meta: dict, lang: str) -> bytes:
    """docProps/core.xml: title, authors, keywords, language, and the build's date (``SOURCE_DATE_EPOCH`` when set)."""
    ns = CORE_NS
    root = etree.Element(f"{{{ns['cp']}}}coreProperties", nsmap=ns)
    authors = [text_of(a["c"]["name"]) for a in meta.get("authors", {"c": []})["c"]]
    date = build_time()
    for tag, value in (("dc:title", text_of(meta.get("title", {}))), ("dc:creator", "; ".join(authors)),
                       ("dc:language", "zh-CN" if lang == "zh" else "en"),
                       ("cp:keywords", "; ".join(text_of(k) for k in meta.get("keywords", {"c": []})["c"])),
                       ("dcterms:created", date), ("dcterms:modified", date)):
        prefix, name = tag.split(":")
        element = etree.SubElement(root, f"{{{ns[prefix]}}}{name}")
        element.text = value
        if prefix == "dcterms":
            element.set(f"{{{ns['xsi']}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def journal_captions(data: bytes, lang: str) -> bytes:
    """document.xml with captions as the journal prints them (“图1　…” / “Figure 1 …”, not “图 1: …”), repaired (docx_xml.py)."""
    document = etree.fromstring(data)
    w = f"{{{W}}}"
    for paragraph in document.iter(f"{w}p"):
        style = paragraph.find(f"{w}pPr/{w}pStyle")
        field = paragraph.find(f"{w}fldSimple")
        if style is None or style.get(f"{w}val") not in CAPTION_STYLES or field is None:
            continue
        runs = list(paragraph)
        at = runs.index(field)
        before = next((r for r in reversed(runs[:at]) if r.tag == f"{w}r"), None)
        after = next((r for r in runs[at + 1:] if r.tag == f"{w}r"), None)
        label = before.find(f"{w}t") if before is not None else None
        if lang == "zh" and label is not None and label.text:  # 图1, not 图 1 (Pandoc puts a no-break space)
            label.text = label.text.rstrip(" \u00a0")
            if not label.text:
                paragraph.remove(before)
        text = after.find(f"{w}t") if after is not None else None
        if text is not None and text.text and text.text.startswith(": "):  # Pandoc's separator, alone or merged
            text.text = ("\u3000" if lang == "zh" else "\u2003") + text.text[2:]
    repair(document)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)


def east_asian_language(data: bytes) -> bytes:
    """styles.xml with ``w:eastAsia="zh-CN"``: Pandoc copies the "zh-Hans" we give it for its caption terms."""
    return data.replace(b'w:eastAsia="zh-Hans"', b'w:eastAsia="zh-CN"')


def finish_package(path: Path, meta: dict, lang: str, submission: list[bool] | None = None) -> None:
    """Rewrite the docx: our core properties and captions, fixed timestamps (same sources, same bytes).

    ``submission`` (the numbered flag of each heading) turns the package into the submission layout.
    """
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    fixes: dict[str, Callable[[bytes], bytes]] = {
        "docProps/core.xml": lambda data: core_properties(meta, lang), "word/document.xml": lambda data: journal_captions(data, lang),
        "word/styles.xml": east_asian_language}
    added: dict[str, bytes] = {}
    if submission is not None:
        header = submission_docx.journal_line(meta)
        names = set(source.namelist())
        fixes = {**fixes,
                 "word/document.xml": lambda data: submission_docx.rewrite_document(journal_captions(data, lang), submission, bool(header)),
                 "word/styles.xml": lambda data: submission_docx.rewrite_styles(east_asian_language(data)),
                 "word/numbering.xml": submission_docx.rewrite_numbering,
                 "word/_rels/document.xml.rels": lambda data: submission_docx.rewrite_relationships(data, bool(header)),
                 "[Content_Types].xml": lambda data: submission_docx.rewrite_content_types(data, bool(header), "word/numbering.xml" not in names)}
        added["word/footer-submission.xml"] = submission_docx.footer_part()
        if header:
            added["word/header-submission.xml"] = submission_docx.header_part(header)
        if "word/numbering.xml" not in names:
            added["word/numbering.xml"] = submission_docx.rewrite_numbering(None)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in [(item.filename, source.read(item.filename)) for item in source.infolist()] + list(added.items()):
            if name in fixes:
                data = fixes[name](data)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    path.write_bytes(buffer.getvalue())


def render_docx(project: Project, ast: dict, lang: str, target: Path, workdir: Path, mode: str = "journal", floats: str = "inline") -> None:
    """Write the DOCX for ``lang``: the journal's layout, or (``mode="submission"``) the manuscript to submit."""
    reference = workdir / f"reference-{lang}.docx"
    reference.write_bytes(reference_docx(lang))
    meta = ast["meta"]
    kept = {k: v for k, v in meta.items() if k in KEEP_META}
    if lang == "zh":  # Pandoc's caption terms (图, 表) live in translations/zh-Hans.yaml; "zh-CN" finds none
        kept["lang"] = {"t": "MetaString", "c": "zh-Hans"}
    submission = mode == "submission"
    body = prepare_blocks(copied(ast["blocks"]), project.root / "manuscript", font_paths(), workdir)
    if submission and floats == "end":
        body = submission_docx.floats_at_end(body)
    document = {**ast, "meta": kept, "blocks": front_matter(meta, lang, submission) + body}
    # native_numbering: Word SEQ fields number the captions, labelled in the document language (图 1, Figure 1).
    # A submission numbers its headings with Word's own list (docx_submission.py), not typed numbers.
    numbering = [] if submission else ["--number-sections"]
    ast_to_file(document, "docx+native_numbering", [f"--reference-doc={reference}", *numbering], target, f"{lang}.docx",
                cwd=project.root / "manuscript")
    finish_package(target, meta, lang, submission_docx.heading_flags(body) if submission else None)

