"""Numbers: the numbers of aligned zh/en units agree after normalisation."""
