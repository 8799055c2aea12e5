"""Chinese personal names in pinyin (GB/T 28039-2011): surname readings as data, the rest by pypinyin's dictionary.

A surname is read as a surname (单 Shan, 曾 Zeng, 解 Xie), not as the character's commonest
reading; compound surnames (欧阳, 尉迟) come first. Given-name characters accept every reading
pypinyin knows, since a polyphonic character's reading in a name is the bearer's choice.
ü (吕, 女) is accepted as YU, V, U or Ü: GB/T 28039-2011 allows YU where ü cannot be
typed (passports: LYU), while LV and LU are widespread in indexes; the suggestion uses YU.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from toolchain.cjk import CJK

COMPOUND_SURNAMES = {
    "欧阳": "ouyang", "司马": "sima", "诸葛": "zhuge", "上官": "shangguan", "东方": "dongfang", "皇甫": "huangfu",
    "令狐": "linghu", "澹台": "tantai", "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun", "夏侯": "xiahou",
    "公孙": "gongsun", "慕容": "murong", "宇文": "yuwen", "司徒": "situ", "司空": "sikong", "端木": "duanmu",
    "独孤": "dugu", "南宫": "nangong", "呼延": "huyan", "轩辕": "xuanyuan", "闻人": "wenren", "西门": "ximen",
    "百里": "baili", "东郭": "dongguo", "公羊": "gongyang", "钟离": "zhongli", "宗政": "zongzheng", "濮阳": "puyang",
    "淳于": "chunyu", "单于": "chanyu", "太叔": "taishu", "申屠": "shentu", "赫连": "helian", "拓跋": "tuoba",
    "第五": "diwu", "公冶": "gongye", "仲孙": "zhongsun", "叔孙": "shusun", "乐正": "yuezheng", "左丘": "zuoqiu",
    "谷梁": "guliang", "羊舌": "yangshe", "微生": "weisheng", "梁丘": "liangqiu", "公西": "gongxi", "巫马": "wuma",
    "鲜于": "xianyu", "闾丘": "lvqiu", "亓官": "qiguan", "司寇": "sikou", "颛孙": "zhuansun", "漆雕": "qidiao",
    "段干": "duangan", "公良": "gongliang", "夹谷": "jiagu", "宰父": "zaifu",
}
# Polyphonic characters read in a particular way as surnames; first reading = the suggestion.
SURNAME_READINGS = {
    "单": ("shan",), "曾": ("zeng",), "区": ("ou",), "仇": ("qiu",), "解": ("xie",), "查": ("zha",), "盖": ("ge", "gai"),
    "朴": ("piao",), "乐": ("yue", "le"), "尉": ("yu", "wei"), "召": ("shao",), "缪": ("miao",), "翟": ("zhai", "di"),
    "覃": ("qin", "tan"), "秘": ("bi",), "繁": ("po",), "种": ("chong",), "员": ("yun",), "句": ("gou",), "牟": ("mou", "mu"),
    "长": ("chang",), "重": ("chong",), "宿": ("su",), "折": ("she",), "那": ("na",), "华": ("hua",), "任": ("ren",),
    "沈": ("shen",), "柏": ("bai",), "万": ("wan",), "石": ("shi",), "车": ("che",), "纪": ("ji",), "隗": ("wei",),
    "冼": ("xian",), "相": ("xiang",), "阚": ("kan",), "眭": ("sui",), "粘": ("nian",), "藏": ("zang",), "贲": ("ben",),
    "郇": ("xun",), "逄": ("pang",), "薄": ("bo",), "祭": ("zhai",), "费": ("fei",), "角": ("jue",), "哈": ("ha",),
    "燕": ("yan",), "朝": ("chao",), "强": ("qiang",), "行": ("xing",), "卜": ("bu",), "曲": ("qu",), "都": ("du",),
    "过": ("guo",), "应": ("ying",), "严": ("yan",), "俞": ("yu",), "蔺": ("lin",), "奇": ("qi",), "阿": ("a",),
}
UMLAUT_FORMS = ("yu", "v", "u", "ü")  # how ü may be written; the first is suggested
MAX_READINGS = 512


@dataclass(frozen=True, slots=True)
class Romanisation:
    """Accepted pinyin spellings (lower case, one word each) of a name's family and given parts."""

    surname: str  # the Chinese characters of the surname
    given_name: str
    family: tuple[str, ...]
    given: tuple[str, ...]

    @property
    def suggestion(self) -> str:
        """The expected English form: FAMILY Given."""
        return f"{self.family[0].upper()} {self.given[0].capitalize()}".strip()


def split_name(name: str) -> tuple[str, str]:
    """Split a Chinese name into surname and given name (compound surnames first)."""
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def spellings(syllable: str) -> tuple[str, ...]:
    """A syllable with every accepted way of writing ü (pypinyin writes it v)."""
    if "v" not in syllable:
        return (syllable,)
    return tuple(syllable.replace("v", form) for form in UMLAUT_FORMS)


# pinyin_dict.json as pypinyin writes it: one character a line, ``"20013": "zhōng,zhòng",``
# (the code point in decimal), no escapes. A reading is looked up in that text where it stands.
LINE_LAYOUT = re.compile(r'\{\n"\d+": "[^"\\\n]*",\n')


@cache
def pinyin_file() -> Path | None:
    """Pypinyin's single-character dictionary file, found without importing the package (None without it).

    Importing ``pypinyin`` loads its phrase dictionary too (about 0.2 s); names need only the
    readings of single characters.
    """
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "pinyin_dict.json"
    return path if path.is_file() else None


@cache
def pinyin_text() -> str:
    """The dictionary file's text ('' without pypinyin)."""
    path = pinyin_file()
    return path.read_text(encoding="utf-8") if path else ""


@cache
def pinyin_lines() -> bool:
    """Whether the dictionary has pypinyin's one-character-a-line layout, so that a reading can be found in the text."""
    text = pinyin_text()
    return bool(LINE_LAYOUT.match(text)) and "\\" not in text


@cache
def pinyin_dictionary() -> dict[int, str]:
    """The whole dictionary: code point → readings with tones, the commonest first (“zhōng,zhòng”)."""
    text = pinyin_text()
    return {int(code): value for code, value in json.loads(text).items()} if text else {}


def pinyin_of(character: str) -> str | None:
    """A character's readings with tones as the dictionary gives them, comma-separated (None when it has none).

    Parsing the 0.8 MB dictionary costs more than a check of the whole article spends on names,
    which need a few characters: in pypinyin's own layout the line is found in the text instead.
    """
    if not pinyin_lines():
        return pinyin_dictionary().get(ord(character))
    text = pinyin_text()
    key = f'\n"{ord(character)}": "'
    at = text.find(key)
    if at < 0:
        return None
    start = at + len(key)
    return text[start:text.index('"', start)]


@cache
def pinyin_readings() -> frozenset[str]:
    """Every distinct readings value of the dictionary (“zhōng,zhòng”), a few thousand of its 40 000 lines."""
    if not pinyin_lines():
        return frozenset(pinyin_dictionary().values())
    return frozenset(re.findall(r'": "([^"\n]*)"', pinyin_text()))


@cache
def character_readings(character: str) -> tuple[str, ...]:
    """A character's readings without tones, the commonest first; ü written v as pypinyin does."""
    readings_ = []
    for reading in (pinyin_of(character) or character).split(","):
        plain = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
        readings_.append("".join(c for c in plain if not unicodedata.combining(c)))
    return tuple(dict.fromkeys(readings_))


@cache
def readings(characters: str) -> tuple[str, ...]:
    """Every pinyin reading of a run of characters, joined, the commonest first."""
    options = [tuple(dict.fromkeys(s for r in character_readings(c) for s in spellings(r))) for c in characters]
    return tuple(itertools.islice(("".join(p) for p in itertools.product(*options)), MAX_READINGS))


def romanise(name: str) -> Romanisation | None:
    """The accepted spellings of a Chinese name, or None when it is not written in Chinese characters."""
    name = name.strip()
    if not name or not all(CJK.match(c) for c in name) or len(name) > 6:
        return None  # a name in Latin letters, or with the middle dot of a transliterated name
    surname, given = split_name(name)
    if surname in COMPOUND_SURNAMES:
        family = (COMPOUND_SURNAMES[surname],)
    elif surname in SURNAME_READINGS:
        family = SURNAME_READINGS[surname]
    else:
        family = (character_readings(surname)[0],)  # not a polyphonic surname: its commonest reading
    family = tuple(dict.fromkeys(s for f in family for s in spellings(f)))
    return Romanisation(surname, given, family, readings(given) if given else ("",))


def normalise(text: str) -> str:
    """Lower case, without spaces, hyphens and apostrophes (Xi'an = Xian for comparison)."""
    return re.sub(r"[\s\-'’]", "", text).lower()
