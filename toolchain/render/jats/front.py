"""<front>: journal-meta and article-meta from metadata.yaml and both languages' front matter.

Markup per guide/jats.md §4–5 (JATS 1.3, PMC Style Checker 5.31, JATS4R): bilingual titles as
trans-title-group, names as name-alternatives, affiliations as aff-alternatives, one
award-group per grant number, no empty placeholder elements (pandoc's template writes them).
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from toolchain.load import Project
from toolchain.load.metadata import Metadata
from toolchain.render.jats.body import Parts
from toolchain.render.jats.contributors import author_notes, contrib_group
from toolchain.render.jats.xml import ALI, SUBSUP, XLINK, XML_LANG, el, sub, sub_prose
from toolchain.render.manuscript import LABELS, column_heading

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def bilingual_title(group_tag: str, tag: str, zh: etree._Element | str, en: etree._Element | str | None) -> etree._Element:
    """<title-group>/<journal-title-group> with the English <trans-title-group>."""
    group = el(group_tag)
    group.append(inline_copy(tag, zh))
    if en is not None and (not isinstance(en, str) or en):
        trans = sub(group, "trans-title-group", {XML_LANG: "en"})
        trans.append(inline_copy("trans-title", en))
    return group


def inline_copy(tag: str, source: etree._Element | str) -> etree._Element:
    """A new element ``tag`` holding the text and inline children of ``source`` (or plain text)."""
    if isinstance(source, str):
        return el(tag, text=source)
    node = copy.deepcopy(source)
    node.tag = tag
    node.attrib.clear()
    return node


def journal_meta(md: Metadata) -> etree._Element:
    """<journal-meta>: journal-id (required by the DTD), titles, ISSN, publisher."""
    j = md.journal
    meta = el("journal-meta")
    journal_ids = [(kind, j.get(key)) for key, kind in (("nlm-ta", "nlm-ta"), ("id", "publisher-id"), ("publisher-id", "publisher-id")) if j.get(key)]
    if not any(kind == "publisher-id" for kind, _ in journal_ids) and (j.issn or j.eissn):
        journal_ids.append(("publisher-id", j.issn or j.eissn))  # the DTD requires one journal-id
    for kind, value in journal_ids:
        sub(meta, "journal-id", {"journal-id-type": kind}, text=value)
    meta.append(bilingual_title("journal-title-group", "journal-title", md.journal_title.zh, md.journal_title.en or None))
    if j.issn:
        sub(meta, "issn", {"pub-type": "ppub", "publication-format": "print"}, text=j.issn)
    if j.eissn:
        sub(meta, "issn", {"pub-type": "epub", "publication-format": "electronic"}, text=j.eissn)
    if j.publisher:  # optional in JATS: never made up
        sub(sub(meta, "publisher"), "publisher-name", text=j.publisher)
    return meta


def date(tag: str, iso: str, attrs: dict[str, str]) -> etree._Element:
    """A <date>/<pub-date> from YYYY[-MM[-DD]] with day, month, year children (JATS order)."""
    node = el(tag, {**attrs, "iso-8601-date": iso})
    year, month, day = ([*iso.split("-"), None, None])[:3]
    if day:
        sub(node, "day", text=day)
    if month:
        sub(node, "month", text=month)
    sub(node, "year", text=year)
    return node


def issue_fields(meta: etree._Element, md: Metadata) -> None:
    """pub-date (print; electronic when article.published), volume, issue, pages, history."""
    j, a = md.journal, md.article
    if j.year:
        month = f"-{int(j.month):02d}" if j.month.isdigit() else ""
        meta.append(date("pub-date", f"{j.year}{month}", {"publication-format": "print", "date-type": "pub"}))
    if DATE.match(a.published):
        meta.append(date("pub-date", a.published, {"publication-format": "electronic", "date-type": "pub"}))
    for key in ("volume", "issue", "fpage", "lpage"):
        if j.get(key):
            sub(meta, key, text=j.get(key))
    dated = [(kind, a.get(key)) for key, kind in (("received", "received"), ("revised", "rev-recd"), ("accepted", "accepted"))
             if DATE.match(a.get(key))]
    if dated:
        history = sub(meta, "history")
        for kind, value in dated:
            history.append(date("date", value, {"date-type": kind}))


def permissions(md: Metadata) -> etree._Element | None:
    """<permissions> only when metadata gives a copyright holder or a license."""
    a = md.article
    holder, license_url = a.copyright, a.license
    if not holder and not license_url:
        return None
    node = el("permissions")
    year = a.copyright_year or md.journal.year
    if holder:
        sub(node, "copyright-statement", text=f"© {year} {holder}".replace("  ", " "))
        if year:
            sub(node, "copyright-year", text=year)
        sub(node, "copyright-holder", text=holder)
    if license_url:
        license_node = sub(node, "license", {f"{{{XLINK}}}href": license_url} if license_url.startswith("http") else {})
        sub(license_node, f"{{{ALI}}}license_ref", text=license_url)
        if a.license_text:
            sub(license_node, "license-p", text=a.license_text)
    return node


def abstract(tag: str, source: etree._Element | None, attrs: dict[str, str], title: str | None) -> etree._Element | None:
    """<abstract>/<trans-abstract> holding pandoc's paragraphs."""
    if source is None or not len(source):
        return None
    node = el(tag, attrs)
    if title:
        sub(node, "title", text=title)
    node.extend(copy.deepcopy(child) for child in source)
    return node


def kwd_group(keywords: tuple[etree._Element, ...], lang: str, with_lang: bool) -> etree._Element | None:
    """One <kwd-group kwd-group-type="author"> (xml:lang only where it differs from the article's)."""
    if not keywords:
        return None
    group = el("kwd-group", {"kwd-group-type": "author", XML_LANG: lang if with_lang else None})
    sub(group, "title", text=LABELS[lang]["keywords"])
    group.extend(copy.deepcopy(k) for k in keywords)
    return group


def funding_group(md: Metadata) -> etree._Element | None:
    """One <award-group> per grant number; a funding statement per language."""
    if not md.funding:
        return None
    group = el("funding-group")
    number = 0
    for funding in md.funding:
        for award in funding.awards or ("",):
            number += 1
            award_group = sub(group, "award-group", {"id": f"fund{number}"})
            wrap = sub(sub(award_group, "funding-source"), "institution-wrap")
            for lang in ("zh", "en"):
                if funding.name.get(lang):
                    sub_prose(wrap, "institution", {XML_LANG: lang}, funding.name.get(lang), SUBSUP)
            if award:
                sub(award_group, "award-id", text=award)
    if all(f.name.zh for f in md.funding):
        zh = "；".join(f"{f.name.zh}（No.{'，'.join(f.awards)}）" if f.awards else f.name.zh for f in md.funding)
        sub_prose(group, "funding-statement", {}, f"{LABELS['zh']['funding']}：{zh}")
    if all(f.name.en for f in md.funding):
        en = "; ".join(f"{f.name.en} (No. {', '.join(f.awards)})" if f.awards else f.name.en for f in md.funding)
        sub_prose(group, "funding-statement", {XML_LANG: "en"}, f"{LABELS['en']['funding']}: {en}")
    return group


def custom_meta(md: Metadata) -> etree._Element | None:
    """中图分类号 and 文献标志码 as custom-meta (no public JATS convention: project decision)."""
    group = el("custom-meta-group")
    for key in ("clc", "document-code"):
        if md.article.get(key):
            meta = sub(group, "custom-meta", {"specific-use": key})
            sub(meta, "meta-name", text=LABELS["zh"][key])
            sub(meta, "meta-value", text=md.article.get(key))
    return group if len(group) else None


def categories(md: Metadata, lang: str, with_clc: bool) -> etree._Element:
    """<article-categories>: the column heading (栏目) and, in the parent, the CLC code.

    PMC requires the element and a ``heading`` subj-group in it: without ``article.heading`` the
    column is named after the article type (a review is a 综述).
    """
    heading = column_heading(md, lang)
    node = el("article-categories")
    subject = sub(node, "subj-group", {"subj-group-type": "heading"})
    sub(subject, "subject", text=heading)
    if with_clc and md.article.clc:
        subject = sub(node, "subj-group", {"subj-group-type": "clc", "vocab": "CLC"})
        sub(subject, "subject", text=md.article.clc)
    return node


def front(project: Project, zh: Parts, en: Parts | None, en_title: str, version: str = "1.3") -> etree._Element:
    """The parent article's <front>; in JATS 1.4 the English abstract is a second <abstract xml:lang="en">, not <trans-abstract>."""
    md = project.metadata
    node = el("front")
    node.append(journal_meta(md))
    meta = sub(node, "article-meta")
    if md.article.doi:
        sub(meta, "article-id", {"pub-id-type": "doi"}, text=md.article.doi)
    meta.append(categories(md, "zh", True))
    zh_title = zh.title if zh.title is not None else project.zh.title.text if project.zh.title else ""
    en_source = en.title if en is not None and en.title is not None else en_title
    meta.append(bilingual_title("title-group", "article-title", zh_title, en_source))
    corresp_ids = {i: f"cor{n}" for n, i in enumerate((i for i, a in enumerate(md.authors) if a.corresponding), 1)}
    meta.append(contrib_group(md, corresp_ids))
    notes = author_notes(md, corresp_ids)
    if notes is not None:
        meta.append(notes)
    issue_fields(meta, md)
    for child in (
        permissions(md),
        abstract("abstract", zh.abstract, {} if version == "1.3" else {"lang-variant": "original"}, LABELS["zh"]["abstract"]),
        abstract("trans-abstract", en.abstract if en else None, {XML_LANG: "en"}, LABELS["en"]["abstract"]) if version == "1.3" else
        abstract("abstract", en.abstract if en else None, {XML_LANG: "en", "lang-variant": "translation"}, LABELS["en"]["abstract"]),
        kwd_group(zh.keywords, "zh", False),
        kwd_group(en.keywords if en else (), "en", True),
        funding_group(md),
        custom_meta(md),
    ):
        if child is not None:
            meta.append(child)
    return node


def front_stub(md: Metadata, en: Parts) -> etree._Element:
    """The English sub-article's <front-stub>: heading, title, keywords.

    The English abstract is the parent's <trans-abstract>; it is not repeated here.
    """
    stub = el("front-stub")
    stub.append(categories(md, "en", False))
    if en.title is not None:
        group = sub(stub, "title-group")
        group.append(inline_copy("article-title", en.title))
    keywords = kwd_group(en.keywords, "en", False)
    if keywords is not None:
        stub.append(keywords)
    return stub
