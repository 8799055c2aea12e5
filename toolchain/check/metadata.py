"""Metadata: bilingual fields present, author names match their pinyin, ids resolve."""
