"""Text bound for a spreadsheet (CSV and XLSX exports) that must stay text."""

# What a spreadsheet may read as the start of a formula (OWASP's list: a tab or a carriage
# return can hide one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A text a spreadsheet never reads as a formula: a leading apostrophe when it could."""
    return "'" + value if value[:1] in FORMULA_STARTS else value
