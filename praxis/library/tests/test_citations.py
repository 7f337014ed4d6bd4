"""A resource's citation in APA 7th, BibTeX and RIS, from its structured fields."""

import pytest

from praxis.library import citations
from praxis.library.models import Resource


def _resource(**fields) -> Resource:
    defaults = {"pk": 7, "kind": Resource.Kind.LINK, "title": "Reflective practice in ELT",
                "url": "", "work_type": Resource.WorkType.ARTICLE}
    return Resource(**{**defaults, **fields})


FARRELL = _resource(
    authors="Farrell, Thomas S. C.", year=2012,
    title="Reflecting on reflective practice: (Re)visiting Dewey and Schön",
    source="TESOL Journal", volume="3", issue="1", pages="7-16", doi="10.1002/tesj.10",
)


def test_an_article_in_apa_has_its_journal_and_volume_in_italics_and_its_doi():
    assert str(citations.apa_html(FARRELL)) == (
        "Farrell, T. S. C. (2012). Reflecting on reflective practice: (Re)visiting Dewey and "
        "Schön. <i>TESOL Journal</i>, <i>3</i>(1), 7\u201316. https://doi.org/10.1002/tesj.10"
    )


@pytest.mark.parametrize("authors,expected", [
    ("Schön, Donald A.", "Schön, D. A."),
    ("Richards, Jack C.\nFarrell, Thomas S. C.", "Richards, J. C., & Farrell, T. S. C."),
    ("Bailey, Kathleen M.\nCurtis, Andy\nNunan, David",
     "Bailey, K. M., Curtis, A., & Nunan, D."),
    ("Dupont, Jean-Paul", "Dupont, J.-P."),
    ("British Council", "British Council"),
    ("حیدری, محمد", "حیدری, م."),
])
def test_apa_shortens_given_names_and_joins_authors_with_an_ampersand(authors, expected):
    assert citations.apa_authors(authors.splitlines()) == expected


def test_apa_lists_nineteen_authors_then_an_ellipsis_and_the_last_of_many():
    names = [f"Author{number}, A." for number in range(1, 26)]
    text = citations.apa_authors(names)
    assert text.startswith("Author1, A., Author2, A.,")
    assert ", Author19, A., . . . Author25, A." in text
    assert "Author20," not in text


def test_without_authors_the_title_comes_first_and_without_a_year_n_d():
    book = _resource(work_type=Resource.WorkType.BOOK, title="Teacher research",
                     publisher="Routledge")
    assert str(citations.apa_html(book)) == "<i>Teacher research</i>. (n.d.). Routledge."


def test_a_chapter_names_the_book_it_is_in_and_its_pages():
    chapter = _resource(work_type=Resource.WorkType.CHAPTER, authors="Wallace, Michael J.",
                        year=1991, title="The reflective model", source="Training foreign "
                        "language teachers", pages="48-59", publisher="Cambridge University Press")
    assert str(citations.apa_html(chapter)) == (
        "Wallace, M. J. (1991). The reflective model. In <i>Training foreign language "
        "teachers</i> (pp. 48\u201359). Cambridge University Press.")


def test_apa_escapes_what_members_typed():
    sneaky = _resource(authors="<script>x</script>", year=2020, title="A & B <b>",
                       source="J")
    html = str(citations.apa_html(sneaky))
    assert "<script>" not in html and "&lt;script&gt;" in html and "A &amp; B &lt;b&gt;" in html
    assert citations.apa_text(sneaky).startswith("<script>x</script>. (2020). A & B <b>.")


def test_a_persian_title_is_kept_as_written_and_ends_with_one_full_stop():
    persian = _resource(authors="فرهانی, شیوا", year=1401, title="تأمل در آموزش معلمان؟",
                        source="مجله آموزش زبان")
    text = citations.apa_text(persian)
    assert text == "فرهانی, ش. (1401). تأمل در آموزش معلمان؟ مجله آموزش زبان."


def test_a_resource_from_before_structured_citations_keeps_its_free_text():
    old = _resource(citation="Woodward, T. (2003). Loop input. ELT Journal 57/3.",
                    work_type=Resource.WorkType.ARTICLE)
    assert citations.apa_text(old) == "Woodward, T. (2003). Loop input. ELT Journal 57/3."
    assert "note = {Woodward, T. (2003). Loop input. ELT Journal 57/3.}" in citations.bibtex(old)
    assert citations.bibtex(old).startswith("@misc{")
    assert "N1  - Woodward" in citations.ris(old)


def test_a_doi_is_kept_alone_whatever_was_pasted():
    assert citations.clean_doi("https://doi.org/10.1093/elt/ccn056") == "10.1093/elt/ccn056"
    assert citations.clean_doi("doi: 10.1093/elt/ccn056") == "10.1093/elt/ccn056"
    assert citations.doi_url("") == ""


def test_bibtex_of_an_article():
    assert citations.bibtex(FARRELL) == (
        "@article{farrell2012reflecting,\n"
        "  author = {Farrell, Thomas S. C.},\n"
        "  title = {{Reflecting on reflective practice: (Re)visiting Dewey and Schön}},\n"
        "  journal = {TESOL Journal},\n"
        "  year = {2012},\n"
        "  volume = {3},\n"
        "  number = {1},\n"
        "  pages = {7--16},\n"
        "  doi = {10.1002/tesj.10}\n"
        "}\n"
    )


def test_bibtex_escapes_its_special_characters_and_braces_single_names():
    tricky = _resource(authors="British Council\nSmith, Ann", year=2019,
                       title="50% of {teachers} & $costs_", url="https://example.org/a}b")
    text = citations.bibtex(tricky)
    assert "author = {{British Council} and Smith, Ann}" in text
    assert r"title = {{50\% of \{teachers\} \& \$costs\_}}" in text
    assert "url = {https://example.org/a%7Db}" in text


def test_bibtex_key_of_a_persian_resource_falls_back_to_its_id():
    persian = _resource(authors="فرهانی, شیوا", title="تأمل", year=1401)
    assert citations.bibtex_key(persian) == "resource7"


def test_ris_has_one_line_per_author_and_pages_split():
    text = citations.ris(_resource(
        authors="Richards, Jack C.\nFarrell, Thomas S. C.", year=2005,
        work_type=Resource.WorkType.BOOK, title="Professional development for language "
        "teachers", publisher="Cambridge University Press", tag_names="CLT, reflection"))
    lines = text.split("\r\n")
    assert lines[0] == "TY  - BOOK"
    assert lines[1:3] == ["AU  - Richards, Jack C.", "AU  - Farrell, Thomas S. C."]
    assert "PB  - Cambridge University Press" in lines
    assert [line for line in lines if line[:2] == "KW"] == ["KW  - CLT", "KW  - reflection"]
    assert lines[-2:] == ["ER  - ", ""]
    article = citations.ris(FARRELL).split("\r\n")
    assert {"JO  - TESOL Journal", "SP  - 7", "EP  - 16", "DO  - 10.1002/tesj.10"} <= set(article)


def test_ris_keeps_a_field_on_one_line():
    text = citations.ris(_resource(title="Two\nlines", authors="A, B"))
    assert "TI  - Two lines\r\n" in text
