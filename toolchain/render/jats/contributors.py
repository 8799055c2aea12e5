"""Authors and affiliations: <contrib-group> with name-alternatives and aff-alternatives, author-notes.

Han names split into surname and given name (the pinyin name in metadata, ``ZHANG Yu``, decides
where); affiliations split into department and institution for <institution-wrap>.
"""

from __future__ import annotations

import re

from lxml import etree

from toolchain.load.metadata import Affiliation, Author, Metadata
from toolchain.render.jats.names import split_han, split_romanized
from toolchain.render.jats.xml import SUBSUP, XML_LANG, el, sub, sub_prose
from toolchain.render.manuscript import LABELS

# Country names as written in metadata.yaml → ISO 3166-1 alpha-2 (JATS4R wants @country).
COUNTRIES = {
    "中国": "CN", "china": "CN", "people's republic of china": "CN", "p. r. china": "CN", "pr china": "CN",
    "美国": "US", "usa": "US", "united states": "US", "united states of america": "US",
    "英国": "GB", "uk": "GB", "united kingdom": "GB", "日本": "JP", "japan": "JP", "德国": "DE", "germany": "DE",
    "法国": "FR", "france": "FR", "加拿大": "CA", "canada": "CA", "澳大利亚": "AU", "australia": "AU",
    "韩国": "KR", "korea": "KR", "south korea": "KR", "republic of korea": "KR", "新加坡": "SG", "singapore": "SG",
    "意大利": "IT", "italy": "IT", "荷兰": "NL", "netherlands": "NL", "瑞士": "CH", "switzerland": "CH",
}
# A zh affiliation "<institution><department>": the institution ends with one of these words.
ZH_INSTITUTION = re.compile(r"^(.*(?:大学|学院|医院|研究院|研究所|研究中心|中心|公司))(.+?(?:科|系|室|部|组|所|中心|病区))$")
EN_DEPARTMENT = re.compile(r"^(?:Department|Dept\.?|Division|Section|Unit|Laboratory|Lab|School|Faculty|Institute)\b", re.IGNORECASE)


def affiliation_parts(text: str, lang: str) -> tuple[str, str]:
    """(department, institution) of an affiliation line; department '' when it cannot be told."""
    if lang == "zh":
        match = ZH_INSTITUTION.match(text)
        return (match.group(2), match.group(1)) if match else ("", text)
    head, _, rest = text.partition(",")
    if rest.strip() and EN_DEPARTMENT.match(head.strip()):
        return head.strip(), rest.strip()
    return "", text


def aff(affiliation: Affiliation, number: int, lang: str) -> etree._Element:
    """One <aff xml:lang> with label, institution-wrap, city, postal code and country."""
    node = el("aff", {XML_LANG: lang})
    sub(node, "label", text=str(number))
    wrap = sub(node, "institution-wrap")
    department, institution = affiliation_parts(affiliation.name.get(lang), lang)
    if department:
        sub_prose(wrap, "institution", {"content-type": "dept"}, department, SUBSUP)
    sub_prose(wrap, "institution", {}, institution, SUBSUP)
    if affiliation.city and affiliation.city.get(lang):
        sub(node, "city", text=affiliation.city.get(lang))
    if affiliation.postcode:
        sub(node, "postal-code", text=affiliation.postcode)
    if affiliation.country and affiliation.country.get(lang):
        code = COUNTRIES.get(affiliation.country.zh.lower()) or COUNTRIES.get(affiliation.country.en.lower())
        sub(node, "country", {"country": code} if code else {}, text=affiliation.country.get(lang))
    return node


def contrib(md: Metadata, author: Author, corresp_id: str | None) -> etree._Element:
    """<contrib>: ORCID, Han + pinyin names, affiliation and corresp xrefs, biographies."""
    node = el("contrib", {"contrib-type": "author", "corresp": "yes" if corresp_id else None})
    if author.orcid:
        orcid = author.orcid if author.orcid.startswith("http") else f"https://orcid.org/{author.orcid}"
        sub(node, "contrib-id", {"contrib-id-type": "orcid"}, text=orcid)  # PMC wants the URL form
    names = sub(node, "name-alternatives")
    romanized = split_romanized(author.name.en)
    han = split_han(author.name.zh, romanized.surname)
    for name, style, lang in ((han, "eastern", "zh"), (romanized, "western", "en")):
        if name.surname:
            element = sub(names, "name", {"name-style": style, XML_LANG: lang})
            sub(element, "surname", text=name.surname)
            if name.given:
                sub(element, "given-names", text=name.given)
    order = [a.id for a in md.affiliations]
    for ident in (i for i in author.affiliations if i in order):  # an undefined id is META015's finding
        number = order.index(ident) + 1
        xref = sub(node, "xref", {"ref-type": "aff", "rid": f"aff{number}"})
        sub(xref, "sup", text=str(number))
    if corresp_id:
        sub(node, "xref", {"ref-type": "corresp", "rid": corresp_id}, text="*")
    for lang in ("zh", "en"):
        if author.bio and author.bio.get(lang):
            bio = sub(node, "bio", {XML_LANG: lang})
            sub(bio, "title", text=LABELS[lang]["bio"])
            sub_prose(bio, "p", {}, author.bio.get(lang))
    return node


def contrib_group(md: Metadata, corresp_ids: dict[int, str]) -> etree._Element:
    """<contrib-group> with the authors and one <aff-alternatives> per affiliation (an <aff> when it has one language)."""
    group = el("contrib-group")
    for index, author in enumerate(md.authors):
        group.append(contrib(md, author, corresp_ids.get(index)))
    for number, affiliation in enumerate(md.affiliations, 1):
        langs = [lang for lang in ("zh", "en") if affiliation.name.get(lang)] or ["zh"]
        if len(langs) == 1:  # named in one language only: a lone <aff> (<aff-alternatives> wants two)
            group.append(aff(affiliation, number, langs[0]))
            group[-1].set("id", f"aff{number}")
            continue
        alternatives = sub(group, "aff-alternatives", {"id": f"aff{number}"})
        for lang in langs:
            alternatives.append(aff(affiliation, number, lang))
    return group


def author_notes(md: Metadata, corresp_ids: dict[int, str]) -> etree._Element | None:
    """<author-notes>: corresponding authors with e-mail, bilingual COI statements."""
    notes = el("author-notes")
    for index, ident in corresp_ids.items():
        author = md.authors[index]
        for lang in ("zh", "en"):
            name = author.name.get(lang)
            if not name:
                continue
            corresp = sub(notes, "corresp", {"id": ident if lang == "zh" else f"{ident}-en", XML_LANG: None if lang == "zh" else "en"})
            sub(corresp, "label", text="*")
            colon, comma = ("：", "，") if lang == "zh" else (": ", ", ")
            corresp[-1].tail = f"{LABELS[lang]['corresp']}{colon}{name}" + (f"{comma}E-mail{colon}" if author.email else "")
            if author.email:
                sub(corresp, "email", text=author.email)
    if md.conflict_of_interest:
        for lang in ("zh", "en"):
            if md.conflict_of_interest.get(lang):
                fn = sub(notes, "fn", {"fn-type": "coi-statement", XML_LANG: "en" if lang == "en" else None})
                sub_prose(fn, "p", {}, md.conflict_of_interest.get(lang))
    return notes if len(notes) else None
