"""Bilingual review-document toolchain: load → check → render."""

__version__ = "0.1.0"
