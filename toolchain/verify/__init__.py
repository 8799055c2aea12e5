"""Looking works up in Crossref, DataCite and PubMed, and comparing entries with their records."""
