"""English typography: no CJK punctuation, dashes in ranges, number–unit spacing, italics."""
