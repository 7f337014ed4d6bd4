"""Every main page of the demo, as a steward and signed out, at phone (320 and 390 px) and
desktop (1366 px) widths, in English and Persian: nothing scrolls sideways, tables of people
keep every column in view on a phone, on a Persian page no English words from members stand
unisolated (where they would be reordered among the Persian ones), and nothing is refused by
the Content-Security-Policy."""

from django.db.models import Count

from praxis.communities.models import Cohort, Membership
from praxis.demo.communities import DEMO_PASSWORD, MAIN_SLUG, OPEN_SLUG, STEWARD_EMAIL
from praxis.discussions.models import Post, Thread
from praxis.topics.models import Topic, TopicProposal

WIDTHS = {"small phone": 320, "phone": 390, "desktop": 1366}
SIGNED_OUT_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password-reset/",
                    f"/c/{OPEN_SLUG}/"]

# Text nodes in <main> with Latin letters and no Persian ones, outside any element that sets
# its own direction (dir, bdi) or shows code or a form's own value.
UNISOLATED_LATIN = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    if (!/[A-Za-z]/.test(text) || /[\\u0600-\\u06FF]/.test(text)) continue;
    let element = walker.currentNode.parentElement, isolated = false;
    while (element && element.tagName !== 'MAIN') {
      if (element.tagName === 'BDI' || element.hasAttribute('dir')
          || ['CODE', 'PRE', 'OPTION', 'TEXTAREA', 'SCRIPT', 'STYLE'].includes(element.tagName)) {
        isolated = true;
        break;
      }
      element = element.parentElement;
    }
    if (!isolated) found.push(text.slice(0, 60));
  }
  return found;
}"""

OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth - window.innerWidth,
  tables: [...document.querySelectorAll('table.reflow')]
    .filter(table => table.scrollWidth > table.parentElement.clientWidth + 1)
    .map(table => table.className),
})"""


def main_pages() -> list[str]:
    slug = MAIN_SLUG
    running = (Topic.objects.filter(community__slug=slug, archived_at=None)
               .annotate(n=Count("threads")).order_by("-n").first())
    closed = Topic.objects.filter(community__slug=slug).order_by("ends_at").first()
    thread = Thread.objects.filter(community__slug=slug).order_by("-post_count").first()
    edited = Post.objects.filter(thread__community__slug=slug, edited_at__isnull=False).first()
    proposal = TopicProposal.objects.filter(community__slug=slug, status="pending").first()
    member = Membership.objects.filter(community__slug=slug, cohorts__isnull=False).first()
    cohort = Cohort.objects.filter(community__slug=slug).first()
    open_thread = Thread.objects.filter(topic=running).order_by("-post_count").first()
    answered = Post.objects.filter(thread=open_thread).order_by("-path").first()
    assert running and closed and thread and edited and proposal and member and cohort
    assert open_thread and answered
    topic = f"/c/{slug}/t/{running.slug}/"
    return [
        "/", "/accounts/profile/", "/notifications/", "/feeds/", "/search/?q=loop",
        f"/c/{slug}/", f"/c/{slug}/members/", f"/c/{slug}/invitations/", f"/c/{slug}/requests/",
        f"/c/{slug}/cohorts/", f"/c/{slug}/settings/", f"/c/{slug}/topics/",
        f"/c/{slug}/topics/archive/", f"/c/{slug}/topics/new/", f"/c/{slug}/proposals/",
        f"/c/{slug}/proposals/{proposal.pk}/", f"/c/{slug}/proposals/{proposal.pk}/approve/",
        topic, topic + "edit/", topic + "questions/", topic + "run/", topic + "synthesis/",
        topic + "participation/", f"/c/{slug}/t/{closed.slug}/",
        f"/c/{slug}/threads/{thread.pk}/", f"/c/{slug}/threads/{thread.pk}/moderate/",
        f"/c/{slug}/posts/{edited.pk}/revisions/", f"/c/{slug}/unread/",
        f"/c/{slug}/moderation/", f"/c/{slug}/search/?q=loop",
        # Forms: people's names as choices, members' words in the fields.
        f"/c/{slug}/members/{member.pk}/", f"/c/{slug}/cohorts/{cohort.pk}/",
        f"/c/{slug}/cohorts/new/", f"/c/{slug}/posts/{answered.pk}/edit/",
        f"/c/{slug}/posts/{edited.pk}/flag/", f"/c/{slug}/posts/{edited.pk}/hide/",
        f"/c/{slug}/threads/{open_thread.pk}/reply/?quote={answered.pk}",
        topic + "threads/new/", f"/c/{slug}/proposals/new/", "/communities/new/",
    ]


def _check_pages(new_context, log_in, screenshot, pages: list[str], language: str,
                 width: str, *, signed_in: bool = True) -> list[str]:
    page = new_context(javascript=True,
                       viewport={"width": WIDTHS[width], "height": 900}).new_page()
    if signed_in:
        log_in(page, STEWARD_EMAIL, DEMO_PASSWORD)
    else:
        page.goto("/")
    switch = page.locator(f".lang-switch button[value={language}]")
    if switch.count():
        switch.click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language
    problems = []
    # The Content-Security-Policy forbids inline style and script: the pages need none.
    page.on("console", lambda message: problems.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    for path in pages:
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response)
        who = "" if signed_in else "anonymous-"
        name = f"layout-{who}{language}-{width}-" + path.strip("/").replace("/", "-")
        screenshot(page, name[:120])
        overflow = page.evaluate(OVERFLOW)
        where = f"{language} {width} {path}"
        if overflow["page"] > 0:
            problems.append(f"{where}: scrolls sideways by {overflow['page']} px")
        if width != "desktop" and overflow["tables"]:
            problems.append(f"{where}: a table hides columns: {overflow['tables']}")
        if language == "fa":
            latin = page.evaluate(UNISOLATED_LATIN)
            if latin:
                problems.append(f"{where}: English text not isolated: {latin[:5]}")
    return problems


# One test for the four ways of looking: the demo loads once, and a transactional test
# empties the database when it ends.
def test_every_main_page_fits_and_keeps_each_direction(demo, transactional_db, new_context,
                                                       log_in, screenshot):
    pages = main_pages()
    problems = []
    for language in ("en", "fa"):
        for width in WIDTHS:
            problems += _check_pages(new_context, log_in, screenshot, pages, language, width)
            problems += _check_pages(new_context, log_in, screenshot, SIGNED_OUT_PAGES,
                                     language, width, signed_in=False)
    assert not problems, "\n".join(problems)

    # The post a link lands on is marked (a reply lands on its own post the same way).
    post = Post.objects.filter(thread__community__slug=MAIN_SLUG, parent__isnull=False).first()
    page = new_context(javascript=True).new_page()
    log_in(page, STEWARD_EMAIL, DEMO_PASSWORD)
    page.goto(post.get_absolute_url())
    assert page.url.endswith(f"#post-{post.pk}")
    marked = page.eval_on_selector(f"#post-{post.pk}",
                                   "element => getComputedStyle(element).backgroundColor")
    plain = page.eval_on_selector("article.post:not(:target)",
                                  "element => getComputedStyle(element).backgroundColor")
    assert marked != plain
