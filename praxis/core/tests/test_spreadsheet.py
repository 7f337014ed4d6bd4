"""Text for spreadsheets stays text."""

import pytest

from praxis.core.spreadsheet import safe_text


@pytest.mark.parametrize(("text", "kept"), [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+98 912", "'+98 912"), ("-1", "'-1"),
    ("@Sara", "'@Sara"), ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"),
    ("Sara Rahimi", "Sara Rahimi"), ("", ""), ("سارا", "سارا"),
])
def test_what_a_spreadsheet_could_read_as_a_formula_starts_with_an_apostrophe(text, kept):
    assert safe_text(text) == kept
