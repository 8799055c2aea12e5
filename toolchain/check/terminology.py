"""Terminology: glossary terms aligned between zh and en, avoided variants, abbreviations."""
