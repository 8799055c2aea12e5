"""The submission package: build/submission.zip (outputs, figures, SHA-256 manifest) and build/meca.zip.

meca.zip follows the NISO MECA recommendation (RP-30): a ZIP whose root holds ``manifest.xml``
(namespace https://manuscriptexchange.org/schema/manifest, DTD “-//MECA//DTD Manifest v1.0//en”)
listing every file as an ``item`` with an ``item-type`` and an ``instance`` giving its
``media-type`` and ``xlink:href``; the JATS file is the ``article-metadata`` item.
Both archives are deterministic (fixed timestamps, sorted figures): the same outputs give the
same bytes, so a package can be verified by recomputing its hashes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from toolchain.errors import RenderError
from toolchain.files import write_atomically
from toolchain.render.files import figure_files, output_lock, refuse_source_directories, safe_target

OUTPUTS = ("zh.pdf", "en.pdf", "zh.docx", "en.docx", "article.xml")
MANIFEST_NAME = "manifest.json"
MECA_NS = "https://manuscriptexchange.org/schema/manifest"
XLINK_NS = "http://www.w3.org/1999/xlink"
MECA_DOCTYPE = ('<!DOCTYPE manifest PUBLIC "-//MECA//DTD Manifest v1.0//en" '
                '"https://www.manuscriptexchange.org/schema/manifest-1.0.dtd">')
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xml": "application/xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".svg": "image/svg+xml",
    ".eps": "application/postscript",
}
DESCRIPTIONS = {
    "zh.pdf": "Article, Chinese (typeset PDF)",
    "en.pdf": "Article, English (typeset PDF)",
    "zh.docx": "Article, Chinese (Word)",
    "en.docx": "Article, English (Word)",
    "article.xml": "Article metadata and full text (JATS 1.3, bilingual)",
}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest ZIP date: no build time in the archive


@dataclass(frozen=True, slots=True)
class PackagedFile:
    """One file of the package: its path inside the archive, bytes, hash and media type."""

    name: str
    data: bytes
    sha256: str
    media_type: str
    item_type: str


def packaged(name: str, data: bytes, item_type: str) -> PackagedFile:
    """A PackagedFile with its SHA-256 and the media type its extension implies."""
    suffix = Path(name).suffix.lower()
    return PackagedFile(name, data, hashlib.sha256(data).hexdigest(), MEDIA_TYPES.get(suffix, "application/octet-stream"), item_type)


def collect(project_root: Path, out: Path) -> list[PackagedFile]:
    """The five outputs in ``out`` and the figures in manuscript/figures; missing outputs are an error."""
    missing = [name for name in OUTPUTS if not (out / name).is_file()]
    if missing:
        raise RenderError("submission", f"missing {', '.join(missing)} in {out}: run `python -m toolchain build` first")
    files = []
    for name in OUTPUTS:
        if (out / name).is_symlink():
            raise RenderError("submission", f"{out / name} is a symbolic link, not an output the build wrote; run the build again")
        item_type = "article-metadata" if name == "article.xml" else "manuscript"
        files.append(packaged(name, (out / name).read_bytes(), item_type))
    for relative, path in figure_files(project_root):
        files.append(packaged(f"figures/{relative}", path.read_bytes(), "figure"))
    return files


def manifest_json(files: list[PackagedFile]) -> bytes:
    """manifest.json: every packaged file with its size, media type and SHA-256."""
    entries = [{"path": f.name, "bytes": len(f.data), "media-type": f.media_type, "sha256": f.sha256} for f in files]
    return (json.dumps({"algorithm": "SHA-256", "files": entries}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def meca_manifest(files: list[PackagedFile]) -> bytes:
    """MECA manifest.xml: one ``item`` per file, with its SHA-256 as item metadata."""
    root = etree.Element(f"{{{MECA_NS}}}manifest", {"manifest-version": "1"}, nsmap={None: MECA_NS, "xlink": XLINK_NS})
    for order, f in enumerate(files, 1):
        ident = "item-" + "".join(c if c.isalnum() else "-" for c in f.name)
        item = etree.SubElement(root, f"{{{MECA_NS}}}item", {"id": ident, "item-type": f.item_type, "item-version": "0"})
        description = DESCRIPTIONS.get(f.name, f"Figure file {Path(f.name).name}")
        etree.SubElement(item, f"{{{MECA_NS}}}item-description").text = description
        etree.SubElement(item, f"{{{MECA_NS}}}file-order").text = str(order)
        metadata = etree.SubElement(item, f"{{{MECA_NS}}}item-metadata")
        etree.SubElement(metadata, f"{{{MECA_NS}}}metadata", {"metadata-name": "SHA-256"}).text = f.sha256
        instance = etree.SubElement(item, f"{{{MECA_NS}}}instance", {"media-type": f.media_type})
        instance.set(f"{{{XLINK_NS}}}href", f.name)
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True).decode("utf-8")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{MECA_DOCTYPE}\n{body}'.encode()


def write_zip(target: Path, members: list[tuple[str, bytes]]) -> None:
    """Write a deterministic ZIP: fixed timestamps and permissions, members in the given order."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


def build_submission(project_root: Path, out: Path) -> list[Path]:
    """Write ``out``/submission.zip and ``out``/meca.zip from the outputs already built in ``out``."""
    refuse_source_directories(project_root, out)
    if not out.is_dir():
        files = collect(project_root, out)  # raises: the outputs are missing
    with output_lock(out):  # a build into ``out`` finishes first: the package holds one build's outputs
        files = collect(project_root, out)
    members = [(f.name, f.data) for f in files]
    written = []
    for name, content in (("submission.zip", [*members, (MANIFEST_NAME, manifest_json(files))]),
                          ("meca.zip", [("manifest.xml", meca_manifest(files)), *members])):
        target = safe_target(out, name)
        write_atomically(target, lambda path, content=content: write_zip(path, content))
        written.append(target)
    return written
