"""The loaded project: both languages, metadata, glossary and bibliography."""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def documents(self) -> tuple[Document, Document]:
        """Both documents, zh first."""
        return (self.zh, self.en)
