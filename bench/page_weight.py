"""Page weight: what a first visit to each main page of the demo downloads, against the budget.

First load = the page's HTML as the server sends it gzip-compressed (through Django's
GZipMiddleware, Accept-Encoding: gzip) + the stylesheet gzip-compressed (as WhiteNoise
serves it). The budget (docs DESIGN.md): <= 30 KB, no web fonts, no external requests.
``praxis/core/tests/test_page_weight.py`` asserts the same on the same pages.
"""

import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlsplit

from django.contrib.staticfiles import finders
from django.db.models import Count
from django.test import Client
from django.urls import NoReverseMatch, reverse

BUDGET_BYTES = 30 * 1024
STYLESHEET = "praxis/praxis.css"

# Tags whose URL attributes the browser fetches on its own (links in <a> or <form> are only
# followed when the person asks).
_FETCHING = {
    "link": ("href",), "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
    "embed": ("src",), "object": ("data",), "input": ("src",), "track": ("src",),
}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def _is_external(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname not in ("testserver", None)


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in _FETCHING.get(tag, ()):
                urls = [part.split()[0] for part in value.split(",") if part.strip()] \
                    if name == "srcset" else [value]
                self.external += [f"<{tag} {name}={url}>" for url in urls if _is_external(url)]
            elif name == "style":
                self.external += [url for url in css_references(value) if _is_external(url)]

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style":
            self.external += [url for url in css_references(data) if _is_external(url)]


def css_references(css: str) -> list[str]:
    return [a or b for a, b in _CSS_URL.findall(css)]


def external_references(html: str) -> list[str]:
    """URLs on other hosts that the browser would fetch while loading the page."""
    parser = _References()
    parser.feed(html)
    return parser.external


def stylesheet() -> str:
    path = finders.find(STYLESHEET)
    assert path, STYLESHEET
    with open(path, encoding="utf-8") as css:
        return css.read()


def stylesheet_bytes() -> int:
    """The stylesheet as WhiteNoise serves it (gzip at level 9)."""
    return len(gzip.compress(stylesheet().encode(), compresslevel=9))


@dataclass
class Page:
    name: str
    url: str
    who: str  # "member", "steward", "researcher" or "anonymous"


def main_pages() -> list[Page]:
    """The main pages of the loaded demo, for the member (the steward's own pages for her)."""
    from praxis.demo.communities import MAIN_SLUG
    from praxis.discussions.models import Thread
    from praxis.topics.models import Topic

    slug = MAIN_SLUG
    topic = (Topic.objects.filter(community__slug=slug).annotate(n_threads=Count("threads"))
             .order_by("-n_threads", "-starts_at").first())
    thread = Thread.objects.filter(community__slug=slug).order_by("-post_count", "pk").first()
    assert topic is not None and thread is not None, "load the demo first (seed_demo)"
    from praxis.practice.models import SessionPlan

    plan = (SessionPlan.objects.filter(community__slug=slug).annotate(n=Count("versions"))
            .order_by("-n", "pk").first())
    pages: list[tuple[str, str, list[object], str]] = [
        ("home", "core:home", [], "member"),
        ("community home", "communities:detail", [slug], "member"),
        ("topic list", "topics:list", [slug], "member"),
        ("topic page", "topics:detail", [slug, topic.slug], "member"),
        (f"thread ({thread.post_count} posts)", "discussions:thread", [slug, thread.pk],
         "member"),
        ("unread", "discussions:unread", [slug], "member"),
        ("member directory", "communities:members", [slug], "member"),
        ("cohorts", "communities:cohorts", [slug], "member"),
        ("search results", "discussions:community_search", [slug], "member"),
        ("proposals", "topics:proposals", [slug], "member"),
        ("archive", "topics:archive", [slug], "member"),
        ("profile", "accounts:profile", [], "member"),
        ("email settings", "notifications:settings", [], "member"),
        ("diary", "practice:diary", [], "member"),
        ("new diary entry", "practice:entry_new", [], "member"),
        ("shared reflections", "practice:reflections", [slug], "member"),
        ("critical friends", "practice:friends", [slug], "member"),
        ("invitations", "communities:invitations", [slug], "steward"),
        ("join requests", "communities:join_requests", [slug], "steward"),
        ("log in", "accounts:login", [], "anonymous"),
        ("session plans", "practice:plans", [slug], "member"),
    ]
    from praxis.library.models import Resource

    resource = (Resource.objects.filter(community__slug=slug, seeded_topics__isnull=False)
                .order_by("pk").first())
    pages += [("library", "library:home", [slug], "member"),
              ("add a resource", "library:add", [slug], "member"),
              ("impact dashboard", "impact:dashboard", [slug], "steward"),
              ("import from Moodle", "interop:moodle_import", [slug], "steward"),
              ("my impact", "impact:my_dashboard", [slug], "member"),
              ("engagement", "analytics:engagement", [slug], "steward"),
              ("activity over time", "analytics:activity", [slug], "steward"),
              ("my engagement", "analytics:mine", [slug], "member"),
              ("cascade tree", "impact:cascade", [slug], "member"),
              ("cascade events", "impact:cascade_events", [slug], "member"),
              ("my promises", "impact:promises", [slug], "member"),
              ("impact stories", "impact:stories", [slug], "member"),
              ("tell a story", "impact:story_create", [slug], "member")]
    pages += [("report to leadership", "analytics:report", [slug], "steward"),
              ("report costs", "analytics:report_costs", [slug], "steward")]
    from praxis.credentials.models import Certificate, Programme

    pages += [("certificates", "credentials:programmes", [slug], "steward"),
              ("my certificates", "credentials:mine", [slug], "member"),
              ("check a certificate", "credentials:verify_form", [], "anonymous")]
    programme = Programme.objects.filter(community__slug=slug).order_by("pk").first()
    if programme is not None:
        pages += [("programme standings", "credentials:programme", [slug, programme.pk],
                   "steward")]
    certificate = Certificate.objects.filter(community__slug=slug).order_by("pk").first()
    if certificate is not None:
        pages += [("certificate verification", "credentials:verify",
                   [certificate.public_id], "anonymous")]
    from praxis.impact.models import ValueStory

    story = (ValueStory.objects.filter(community__slug=slug, status="told",
                                       visibility="community").order_by("pk").first())
    if story is not None:
        pages += [("value story", "impact:story", [slug, story.pk], "member")]
    from praxis.interop.models import MoodleImport

    moodle_run = MoodleImport.objects.filter(community__slug=slug).order_by("-pk").first()
    if moodle_run is not None:
        pages += [("Moodle import", "interop:moodle_run", [slug, moodle_run.pk], "steward")]
    from praxis.research.models import Source, Study

    study = Study.objects.filter(community__slug=slug).order_by("pk").first()
    if study is not None:
        pages += [("research", "research:home", [slug], "member"),
                  ("study participation", "research:participation", [slug, study.slug],
                   "member")]
        pages += [(name, f"research:{url_name}", [slug, study.slug], "researcher")
                  for name, url_name in (
                      ("study", "study"), ("sampling", "sample"),
                      ("instruments", "instruments"), ("sources", "sources"),
                      ("codebook", "codebook"), ("case-by-theme grid", "grid"),
                      ("agreement between coders", "agreement"), ("QDA exchange", "exchange"))]
        source = (Source.objects.filter(study=study, kind="interview").order_by("pk").first())
        if source is not None:
            pages += [("coding a source", "research:source", [slug, study.slug, source.pk],
                       "researcher")]
    if resource is not None:
        pages += [("resource page", "library:resource", [slug, resource.pk], "member")]
    if plan is not None:
        pages += [("session plan", "practice:plan", [slug, plan.pk], "member"),
                  ("plan versions compared", "practice:compare", [slug, plan.pk], "member")]
    found = []
    for name, url_name, args, who in pages:
        try:
            url = reverse(url_name, args=args)
        except NoReverseMatch:  # a page not built yet
            continue
        if name == "search results":
            url += "?q=" + "loop input".replace(" ", "+")
        found.append(Page(name, url, who))
    return found


def clients() -> dict[str, Client]:
    from praxis.accounts.models import User
    from praxis.demo.communities import MEMBER_EMAIL, RESEARCHER_EMAIL, STEWARD_EMAIL

    by_who = {"anonymous": Client(), "member": Client(), "steward": Client(),
              "researcher": Client()}
    by_who["member"].force_login(User.objects.get(email=MEMBER_EMAIL))
    by_who["steward"].force_login(User.objects.get(email=STEWARD_EMAIL))
    by_who["researcher"].force_login(User.objects.get(email=RESEARCHER_EMAIL))
    return by_who


@dataclass
class Weight:
    page: Page
    status: int
    html_bytes: int  # as sent, gzip-compressed
    raw_bytes: int
    css_bytes: int
    external: list[str]

    @property
    def first_load(self) -> int:
        return self.html_bytes + self.css_bytes


def weigh(client: Client, page: Page, css_bytes: int) -> Weight:
    response = client.get(page.url, HTTP_ACCEPT_ENCODING="gzip")
    body = response.content
    html = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
    return Weight(page, response.status_code, len(body), len(html), css_bytes,
                  external_references(html.decode("utf-8")))


def weigh_all() -> list[Weight]:
    by_who = clients()
    css = stylesheet_bytes()
    return [weigh(by_who[page.who], page, css) for page in main_pages()]


def run(report: Callable[[str], None]) -> None:
    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    css = stylesheet()
    report(f"budget {BUDGET_BYTES} bytes first load; stylesheet {stylesheet_bytes()} bytes "
           f"gzip, web fonts: {'yes' if '@font-face' in css else 'none'}")
    report(f"{'page':<26} {'as':<9} {'html':>7} {'gzip':>6} {'+css':>6} {'budget':>7} "
           f"{'external':>8}")
    over = 0
    for weight in weigh_all():
        share = weight.first_load / BUDGET_BYTES
        over += share > 1 or bool(weight.external) or weight.status != 200
        status = "" if weight.status == 200 else f"  HTTP {weight.status}"
        report(f"{weight.page.name:<26} {weight.page.who:<9} {weight.raw_bytes:>7} "
               f"{weight.html_bytes:>6} {weight.first_load:>6} {share:>7.0%} "
               f"{len(weight.external):>8}{status}")
    report("all pages within the budget" if not over else f"{over} page(s) over the budget")
