"""Names replaced by codes in a transcript: whole words, any case, longest first,
Persian-safe."""

import pytest

from praxis.research.pseudonyms import PseudonymError, parse_replacements, pseudonymise


def test_whole_words_in_any_case_are_replaced():
    text = "Maryam said MARYAM's idea worked; Maryamabad is a village."
    assert pseudonymise(text, {"Maryam": "TT3"}) == \
        "TT3 said TT3's idea worked; Maryamabad is a village."


def test_longest_names_are_replaced_first_and_codes_are_not_replaced_again():
    text = "Maryam Ahmadi met Maryam. Then TT1 spoke."
    assert pseudonymise(text, {"Maryam": "TT1", "Maryam Ahmadi": "TT3", "TT1": "X"}) == \
        "TT3 met TT1. Then X spoke."


def test_a_name_split_over_a_line_break_is_still_found():
    assert pseudonymise("Maryam\nAhmadi said", {"Maryam Ahmadi": "TT3"}) == "TT3 said"


def test_persian_names_are_replaced_as_whole_words_only():
    text = "مریم گفت که مریم‌ها و مریمی آمدند. رضا هم بود."
    assert pseudonymise(text, {"مریم": "TT3", "رضا": "TT4"}) == \
        "TT3 گفت که مریم‌ها و مریمی آمدند. TT4 هم بود."


def test_persian_name_with_vowel_mark_is_not_cut():
    # A kasra after the name continues the word (ezafe): not a separate name.
    assert pseudonymise("رضاِ ما", {"رضا": "TT4"}) == "رضاِ ما"


def test_arabic_and_persian_yeh_and_kaf_are_one_letter():
    # The name typed with Persian yeh and keheh; the transcript has the Arabic forms.
    assert pseudonymise("علي و كريمي", {"علی": "TT1", "کریمی": "TT2"}) == "TT1 و TT2"


def test_names_next_to_punctuation_and_digits():
    assert pseudonymise("(Reza), Reza2, «رضا»", {"Reza": "TT4", "رضا": "TT4"}) == \
        "(TT4), Reza2, «TT4»"


def test_replacement_lines_are_read_and_bad_lines_named():
    assert parse_replacements("Mr  Karimi = Trainer A\n\nرضا = TT4\n") == {
        "Mr Karimi": "Trainer A", "رضا": "TT4"}
    with pytest.raises(PseudonymError, match="Line 2"):
        parse_replacements("Reza = TT4\nJust a name")
    with pytest.raises(PseudonymError):
        parse_replacements("= TT4")
