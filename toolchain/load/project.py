"""The loaded project: both languages, metadata, glossary and bibliography."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from toolchain.load.bibliography import Bibliography
from toolchain.load.glossary import Glossary
from toolchain.load.lock import ReferenceLock
from toolchain.load.markdown import Document
from toolchain.load.metadata import Metadata
from toolchain.load.source import SourceFile


@dataclass(frozen=True, slots=True)
class Project:
    """A manuscript project laid out per the format contract."""

    root: Path
    zh: Document
    en: Document
    metadata: Metadata
    glossary: Glossary
    bibliography: Bibliography
    sources: tuple[SourceFile, ...]
    styles: tuple[str, ...]  # bib/*.csl, relative paths
    lock: ReferenceLock | None = None  # bib/references.lock.json, when the project has one

    def document(self, lang: str) -> Document:
        """The document in ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en

    def with_document(self, document: Document) -> Project:
        """This project with ``document`` in place of the one in its language (its source too)."""
        sources = tuple(document.source if s.path == document.path else s for s in self.sources)
        return replace(self, sources=sources, **{document.lang: document})

    @property
    def documents(self) -> tuple[Document, Document]:
        """Both documents, zh first."""
        return (self.zh, self.en)
