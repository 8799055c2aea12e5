"""Personal names for JATS: Han names split into surname and given name, pinyin names, initials."""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolchain import cjk
from toolchain.names import COMPOUND_SURNAMES, readings

HAN = re.compile(f"^[{cjk.HAN}·]+$")
INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.[\s-]*|[A-Z](?:[\s-]+|$))+$")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name split as JATS wants it: ``surname`` and ``given`` (either may be empty)."""

    surname: str
    given: str


def is_han(name: str) -> bool:
    """True for a name written in Han characters only (张钰, 欧阳修)."""
    return bool(HAN.match(name.replace(" ", "")))




def split_han(name: str, romanized_surname: str = "") -> PersonName:
    """Split a Han name; the romanized surname (``ZHANG``), when known, decides the length."""
    name = name.replace(" ", "")
    if len(name) < 2:
        return PersonName(name, "")
    wanted = re.sub(r"[^a-z]", "", romanized_surname.lower())
    if wanted:
        for length in (1, 2, 3):
            if length < len(name) and wanted in set(readings(name[:length])):
                return PersonName(name[:length], name[length:])
    length = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return PersonName(name[:length], name[length:])


def split_romanized(name: str) -> PersonName:
    """``ZHANG Yu`` → Zhang / Yu: the word in capitals is the surname (else the first word)."""
    words = name.split()
    if not words:
        return PersonName("", "")
    capitals = [i for i, w in enumerate(words) if len(w) > 1 and w.isupper()]
    index = capitals[0] if capitals else 0
    surname = words[index]
    if surname.isupper():
        surname = "-".join(part.capitalize() for part in surname.split("-"))
    return PersonName(surname, " ".join(words[:index] + words[index + 1 :]))


def given_initials(given: str) -> str:
    """Initials as PubMed writes them: ``A. H.`` → ``AH``; a spelled-out name is kept."""
    given = given.strip()
    if given and INITIALS.match(given):
        return re.sub(r"[.\s]", "", given)
    return given
