"""Personal names for JATS: Han names split into surname and given name, pinyin names, initials."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

from pypinyin import Style, pinyin

HAN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff·]+$")
# Two-character (compound) surnames of the Hundred Family Surnames (百家姓 复姓) still in use;
# a table of data, not of people: "欧阳修" is 欧阳 + 修, not 欧 + 阳修.
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "司空", "夏侯", "轩辕", "令狐", "钟离", "闻人", "澹台", "申屠", "太史", "端木", "南宫", "西门",
    "百里", "呼延", "万俟", "独孤", "赫连", "拓跋", "东郭", "公羊", "公冶", "濮阳", "淳于", "单于",
    "仲孙", "羊舌", "微生", "梁丘", "左丘", "东门", "谷梁", "第五", "乐正", "鲜于", "闾丘", "亓官",
    "司寇", "巫马", "子车", "颛孙", "壤驷", "公良", "漆雕", "太叔", "宗政", "公西", "南门", "呼衍",
    "东里", "叱干",
})
INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.[\s-]*|[A-Z](?:[\s-]+|$))+$")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name split as JATS wants it: ``surname`` and ``given`` (either may be empty)."""

    surname: str
    given: str


def is_han(name: str) -> bool:
    """True for a name written in Han characters only (张钰, 欧阳修)."""
    return bool(HAN.match(name.replace(" ", "")))


def _readings(chars: str) -> set[str]:
    """Every toneless pinyin spelling of ``chars`` (heteronyms included: 曾 → ceng, zeng)."""
    return {"".join(p) for p in product(*pinyin(chars, style=Style.NORMAL, heteronym=True))}


def split_han(name: str, romanized_surname: str = "") -> PersonName:
    """Split a Han name; the romanized surname (``ZHANG``), when known, decides the length."""
    name = name.replace(" ", "")
    if len(name) < 2:
        return PersonName(name, "")
    wanted = re.sub(r"[^a-z]", "", romanized_surname.lower())
    if wanted:
        for length in (1, 2, 3):
            if length < len(name) and wanted in _readings(name[:length]):
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
