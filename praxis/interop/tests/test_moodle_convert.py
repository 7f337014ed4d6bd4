"""Moodle's text formats into Praxis Markdown, checked through Praxis's own renderer."""

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from praxis.core.markdown import render_markdown
from praxis.interop.moodle.convert import (
    FORMAT_HTML,
    FORMAT_MARKDOWN,
    FORMAT_MOODLE,
    FORMAT_PLAIN,
    plain_subject,
    to_markdown,
)


def resolve(path):
    return None if "missing" in path else "/media/imported" + path.replace(" ", "%20")


def rendered(text, text_format):
    return render_markdown(to_markdown(text, text_format, resolve_file=resolve))


def visible_text(rendered_html):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered_html)).split())


def test_html_keeps_structure_and_drops_what_could_run():
    text = ("<h2>Plan</h2><p onclick='steal()' style='color:red'>Loop <b>input</b> and "
            "<i>feedback</i></p><ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
            "<blockquote>quoted</blockquote><script>alert(1)</script><style>p{}</style>"
            "<iframe src='https://evil.example'><p>frame</p></iframe>"
            "<a href='javascript:alert(1)'>bad link</a>")

    result = rendered(text, FORMAT_HTML)

    assert "<h4>Plan</h4>" in result  # h2 is # #, shifted by two like any post's heading
    assert "<strong>input</strong>" in result and "<em>feedback</em>" in result
    assert "<li>one</li>" in result and "<ol>" in result and "<blockquote>" in result
    for gone in ("alert", "steal", "color", "evil", "frame", "javascript", "p{}"):
        assert gone not in result
    assert "bad link" in result


def test_tables_and_links_survive():
    text = ("<table><thead><tr><th>Week</th><th>Topic</th></tr></thead><tbody><tr><td>1</td>"
            "<td>Loop | input</td></tr></tbody></table>"
            "<p><a href='https://moodle.example/mod/forum/discuss.php?d=12' title='old'>the "
            "old thread</a></p>")

    result = rendered(text, FORMAT_HTML)

    assert "<th>Week</th>" in result and "<td>Loop | input</td>" in result
    assert 'href="https://moodle.example/mod/forum/discuss.php?d=12"' in result
    assert ">the old thread</a>" in result


def test_persian_text_survives_untouched_and_nbsp_becomes_a_space():
    text = "<p dir='rtl'>سلام&nbsp;دوستان، «بازخورد» درباره‌ی درس ۳</p>"

    markdown = to_markdown(text, FORMAT_HTML, resolve_file=resolve)

    assert markdown == "سلام دوستان، «بازخورد» درباره‌ی درس ۳"


def test_pluginfile_links_and_images_are_resolved():
    text = ("<p><a href='@@PLUGINFILE@@/plans/week%201.pdf?forcedownload=1'>the plan</a>"
            "</p><p><img src='@@PLUGINFILE@@/photo%201.png' alt='Board'></p>")

    markdown = to_markdown(text, FORMAT_HTML, resolve_file=resolve)

    assert "[the plan](/media/imported/plans/week%201.pdf)" in markdown
    assert "![Board](/media/imported/photo%201.png)" in markdown


def test_missing_files_leave_their_text_and_a_note():
    text = ("<p><a href='@@PLUGINFILE@@/missing%20plan.pdf'>the plan</a></p>"
            "<p><img src='@@PLUGINFILE@@/missing%201.png' alt='Board photo'></p>")

    result = visible_text(rendered(text, FORMAT_HTML))

    assert "the plan (file not in the backup: missing plan.pdf)" in result
    assert "Board photo (file not in the backup: missing 1.png)" in result
    assert "PLUGINFILE" not in result


def test_resolver_sees_the_decoded_path_and_name():
    asked = []
    to_markdown("<img src='@@PLUGINFILE@@/photo%201.png' alt=''>", FORMAT_HTML,
                resolve_file=lambda path: asked.append(path))

    assert asked == ["/photo 1.png"]


def test_moodle_auto_format_keeps_line_breaks_allows_html_and_links_urls():
    text = "First line\nsecond <b>bold</b> line\nsee www.moodle.org or https://example.org/a_b."

    result = rendered(text, FORMAT_MOODLE)

    assert "First line<br>" in result and "<strong>bold</strong>" in result
    assert '<a href="http://www.moodle.org"' in result
    assert '<a href="https://example.org/a_b"' in result and "</a>." in result


def test_plain_text_shows_literally_with_its_line_breaks():
    text = ("# not a heading\n1. not a list\n- nor this\n<b>not bold</b> & *stars* _under_ "
            "[x](y) `tick`\n    indented\n---\n\nnew paragraph https://example.org/x")

    result = rendered(text, FORMAT_PLAIN)

    assert "<h" not in result and "<li>" not in result and "<strong>" not in result
    assert "<hr>" not in result and "<code>" not in result and "<pre>" not in result
    assert "# not a heading<br>" in result and "1. not a list<br>" in result
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; *stars* _under_ [x](y) `tick`" in result
    assert result.count("<p>") == 2
    assert '<a href="https://example.org/x"' in result


def test_markdown_is_kept_with_its_files_resolved():
    text = ("**Bold** text\n\n![board](@@PLUGINFILE@@/b%201.png) and "
            "[doc](@@PLUGINFILE@@/missing.pdf)")

    markdown = to_markdown(text, FORMAT_MARKDOWN, resolve_file=resolve)

    assert markdown.startswith("**Bold** text\n\n")
    assert "![board](/media/imported/b%201.png)" in markdown
    assert "doc (file not in the backup: missing.pdf)" in markdown


def test_plain_subject():
    subject = "  Re: <b>Loop</b> &amp; input&nbsp;\n  ideas "
    assert plain_subject(subject) == "Re: Loop & input ideas"
    assert plain_subject("بازخورد &lt;درس&gt;") == "بازخورد <درس>"
    assert plain_subject("a" * 300, 10) == "a" * 10
    assert plain_subject("<script>alert(1)</script>Hi") == "Hi"


@settings(max_examples=300, deadline=None)
@given(text=st.text(), text_format=st.sampled_from([0, 1, 2, 3, 4, 99]))
def test_any_input_becomes_markdown_without_script(text, text_format):
    markdown = to_markdown(text, text_format, resolve_file=resolve)

    assert isinstance(markdown, str)
    assert "<script" not in render_markdown(markdown).lower()


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")))
       .map(lambda text: text.replace("\r", "")))
def test_plain_text_renders_as_the_same_words(text):
    result = visible_text(render_markdown(to_markdown(text, FORMAT_PLAIN, resolve_file=resolve)))

    assert result == " ".join(text.split())


@settings(max_examples=200, deadline=None)
@given(html_text=st.lists(st.sampled_from(
    ["<p>", "</p>", "<b>", "<script>", "</script>", "<a href='", "javascript:", "'>", "</a>",
     "<img src=x onerror=alert(1)>", "@@PLUGINFILE@@/", "missing", "&nbsp;", "سلام", " ", "\n",
     "<iframe>", "<table><tr><td>", "*", "_", "#", "x"])).map("".join))
def test_hostile_html_never_renders_script(html_text):
    result = render_markdown(to_markdown(html_text, FORMAT_HTML, resolve_file=resolve)).lower()

    assert "<script" not in result and "<img" not in result and "<iframe" not in result
    # No event handler attribute, and no link that runs script (words inside an attribute's
    # value, percent-encoded in a relative address, are harmless).
    assert not re.search(r"<[^>]*\son\w+\s*=", result)
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", result)
