"""Search: ranking, snippets, permissions, hidden posts, Persian, odd input; on SQLite (FTS5)
and PostgreSQL (run with DATABASE_URL set) alike."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from praxis.access import readable_communities, topic_access
from praxis.communities.models import Community
from praxis.communities.tests.cast import VISITORS
from praxis.discussions import moderation
from praxis.discussions.models import Post, Thread
from praxis.discussions.search import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    PER_PAGE,
    fts5_match,
    highlighted,
    plain_markdown,
    search_terms,
    snippet,
)
from praxis.discussions.search import search as search_readable
from praxis.discussions.tests.test_moderation_support import (
    make_discussion,
    make_thread,
    make_topic,
    reply,
)
from praxis.library.models import Resource


def search(person, query, **options):
    """Searches as ``person`` would: in the communities the door lets them read."""
    return search_readable(readable_communities(person), query, **options)


def found(person, query, **options):
    return [(result.kind, result.object_id)
            for result in search(person or AnonymousUser(), query, **options)]


@pytest.fixture
def discussion(cast):
    return make_discussion(cast)


def test_a_member_finds_a_post_by_a_word_in_it(discussion):
    page = search(discussion.cast.member, "loop")
    assert [(r.kind, r.object_id) for r in page] == [("post", discussion.post.pk)]
    result = page.results[0]
    assert "<mark>loop</mark>" in result.snippet_html
    assert result.url == f"/c/{discussion.slug}/posts/{discussion.post.pk}/"
    assert result.title_html == discussion.thread.title
    assert result.context == discussion.topic.title
    assert result.author == discussion.author.display_name
    assert result.community == discussion.cast.community


def test_a_post_with_the_word_twice_ranks_above_one_with_it_once(discussion):
    cast, thread = discussion.cast, discussion.thread
    once = reply(thread, cast.member, "Observation helps new trainers see their class.")
    twice = reply(thread, cast.steward, "Observation, then observation again, with notes.")
    assert found(cast.member, "observation") == [("post", twice.pk), ("post", once.pk)]


def test_a_title_weighs_more_than_a_body(discussion):
    cast = discussion.cast
    post = reply(discussion.thread, cast.member, "Reflection on reflection matters to us all.")
    thread = make_thread(discussion.topic, cast.steward, title="Reflection",
                         body="Write a few lines after each session.")
    assert found(cast.member, "reflection")[:2] == [("thread", thread.pk), ("post", post.pk)]


def test_longer_words_are_found_from_their_beginning(discussion):
    post = reply(discussion.thread, discussion.cast.member, "Training the trainers works.")
    assert ("post", post.pk) in found(discussion.cast.member, "train")


def test_every_word_must_be_there(discussion):
    cast = discussion.cast
    both = reply(discussion.thread, cast.member, "Peer observation with a checklist")
    reply(discussion.thread, cast.member, "Peer feedback only")
    assert found(cast.member, "peer checklist") == [("post", both.pk)]


def test_when_no_result_has_every_word_results_with_some_follow(discussion):
    cast = discussion.cast
    peer = reply(discussion.thread, cast.member, "Peer feedback only")
    page = search(cast.member, "zebra peer")
    assert page.any_word is True
    assert [(r.kind, r.object_id) for r in page] == [("post", peer.pk)]
    assert search(cast.member, "peer feedback").any_word is False
    assert search(cast.member, "zebra").any_word is False


def test_snippets_are_escaped_before_the_matches_are_marked(discussion):
    post = reply(discussion.thread, discussion.cast.member,
                 "When 3 < 4 and <script>alert('x')</script> <b>feedback</b> & more")
    result = search(discussion.cast.member, "feedback").results[0]
    assert result.object_id == post.pk
    html = str(result.snippet_html)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;<mark>feedback</mark>&lt;/b&gt;" in html
    assert "3 &lt; 4" in html and "&amp; more" in html


def test_titles_are_escaped_and_marked_too(discussion):
    thread = make_thread(discussion.topic, discussion.cast.member,
                         title="<img src=x onerror=alert(1)> Assessment", body="Body")
    result = next(r for r in search(discussion.cast.member, "assessment")
                  if r.kind == "thread")
    assert result.object_id == thread.pk
    assert "<img" not in str(result.title_html)
    assert "&lt;img" in str(result.title_html)
    assert "<mark>Assessment</mark>" in str(result.title_html)


def test_snippets_read_as_prose_not_markdown(discussion):
    reply(discussion.thread, discussion.cast.member,
          "## Heading\n\n**Bold** idea about [microteaching](https://example.org) here")
    html = str(search(discussion.cast.member, "microteaching").results[0].snippet_html)
    assert "**" not in html and "](" not in html and "##" not in html
    assert "<mark>microteaching</mark>" in html


# Who finds what -------------------------------------------------------------------------------

FINDS = {
    Community.Visibility.PUBLIC: (True, True, True, True, True),
    Community.Visibility.LISTED: (False, False, True, True, True),
    Community.Visibility.PRIVATE: (False, False, True, True, True),
}


@pytest.mark.parametrize("visibility", list(FINDS))
@pytest.mark.parametrize("visitor_index,visitor", list(enumerate(VISITORS)))
def test_only_those_who_may_read_a_community_find_its_content(
    make_cast, visibility, visitor_index, visitor
):
    cast = make_cast(visibility=visibility)
    discussion = make_discussion(cast)
    make_thread(discussion.topic, cast.member, title="Secret syllabus", body="syllabus")
    Resource.objects.create(community=cast.community, kind="link", title="Syllabus design",
                            url="https://example.org/s", citation="Nunan (1988) syllabus")
    discussion.topic.summary = "About the syllabus"
    discussion.topic.save()
    person = cast.person(visitor)
    expected = FINDS[visibility][visitor_index]
    results = found(person, "syllabus")
    kinds = {kind for kind, _id in results}
    assert (kinds == {"post", "thread", "topic", "resource"}) is expected, (visitor, results)
    assert bool(results) is expected
    # Naming the community does not open it either.
    assert bool(found(person, "syllabus", community=cast.community)) is expected


def test_a_site_admin_finds_everything(make_cast, django_user_model):
    cast = make_cast(visibility=Community.Visibility.PRIVATE)
    discussion = make_discussion(cast)
    admin = django_user_model.objects.create_superuser(
        email="root@example.org", password="x", display_name="Root")
    assert found(admin, "loop") == [("post", discussion.post.pk)]


def test_hidden_posts_are_never_found_not_even_by_moderators(discussion):
    cast = discussion.cast
    moderation.hide_post(access=topic_access(cast.steward, discussion.topic),
                         actor=cast.steward, post=discussion.post, reason="Personal data")
    for person in (cast.member, cast.facilitator, cast.steward, discussion.author):
        assert found(person, "loop") == []
    moderation.restore_post(access=topic_access(cast.steward, discussion.topic),
                            actor=cast.steward, post=discussion.post, reason="Fixed")
    assert found(cast.member, "loop") == [("post", discussion.post.pk)]


def test_posts_of_archived_topics_are_found(cast):
    discussion = make_discussion(cast, state="archived")
    assert found(cast.member, "loop") == [("post", discussion.post.pk)]


# Persian ------------------------------------------------------------------------------------

def test_a_persian_word_finds_persian_text(discussion):
    post = reply(discussion.thread, discussion.cast.member,
                 "ارزشیابی دوره‌های ضمن خدمت معلمان را چگونه انجام می‌دهید؟")
    page = search(discussion.cast.member, "ارزشیابی")
    assert [(r.kind, r.object_id) for r in page] == [("post", post.pk)]
    assert "<mark>ارزشیابی</mark>" in str(page.results[0].snippet_html)
    # A word written with a zero-width non-joiner is found by its parts.
    assert ("post", post.pk) in found(discussion.cast.member, "دوره‌های")


def test_arabic_and_persian_forms_of_yeh_and_kaf_find_each_other(discussion):
    cast = discussion.cast
    arabic = reply(discussion.thread, cast.member, "كلاس درس آموزشي")  # Arabic kaf and yeh
    persian = reply(discussion.thread, cast.steward, "کلاس‌های آموزشی")  # Persian letters
    assert set(found(cast.member, "آموزشی")) == {("post", arabic.pk), ("post", persian.pk)}
    assert set(found(cast.member, "كلاس")) == {("post", arabic.pk), ("post", persian.pk)}


def test_short_vowel_marks_do_not_split_a_word(discussion):
    post = reply(discussion.thread, discussion.cast.member, "مُعَلِّم خوب")
    assert found(discussion.cast.member, "معلم") == [("post", post.pk)]


def test_latin_accents_are_ignored_on_sqlite(discussion):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's simple configuration keeps accents")
    post = reply(discussion.thread, discussion.cast.member, "Un café pédagogique")
    assert found(discussion.cast.member, "pedagogique") == [("post", post.pk)]


# Odd input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    '"', "'", "AND(", "*", "NEAR(a b)", "a OR", "-x", "(((", "!", "&|", ":*", "\\",
    "title:loop", "loop*", '"loop', "loop AND NOT", "^loop", "{loop}", "\x00", "‌", "   ",
    "a" * 5000, " ".join(["loop"] * 100), "%", "_", "%s", "');DROP TABLE discussions_post;--",
])
def test_query_syntax_is_only_words_and_never_fails(discussion, query):
    page = search(discussion.cast.member, query)
    assert isinstance(page.results, list)
    assert Post.objects.filter(pk=discussion.post.pk).exists()


def test_syntax_around_a_word_still_finds_it(discussion):
    for query in ('"loop', "loop*", "(loop)", "loop!", "loop:", "[loop]"):
        assert ("post", discussion.post.pk) in found(discussion.cast.member, query), query


def test_search_terms_are_trimmed_folded_and_limited():
    assert search_terms("  Loop   INPUT loop ") == ["loop", "input"]
    assert search_terms("ك ي") == ["ک", "ی"]
    assert len(search_terms(" ".join(f"w{n}" for n in range(50)))) == MAX_TERMS
    assert search_terms("x" * (MAX_QUERY_LENGTH + 50)) == ["x" * MAX_QUERY_LENGTH]
    assert search_terms('"*():^-') == []


def test_fts5_queries_quote_every_word():
    assert fts5_match(["loop", "ab"]) == '"loop"* "ab"'
    assert fts5_match(['a"b']) == '"a""b"*'
    assert fts5_match(["loop", "ab"], any_word=True) == '"loop"* OR "ab"'


def test_highlighting_marks_whole_words_and_escapes_the_rest():
    assert highlighted("Loop <input> & looping", ["loop"]) == (
        "<mark>Loop</mark> &lt;input&gt; &amp; <mark>looping</mark>"
    )
    assert highlighted("a ab abc", ["ab"]) == "a <mark>ab</mark> abc"  # short: whole words
    assert highlighted("Café", ["cafe"]) == "<mark>Café</mark>"
    assert highlighted("مُعَلِّم كلاس", ["معلم", "کلاس"]) == (
        "<mark>مُعَلِّم</mark> <mark>كلاس</mark>"
    )
    assert highlighted("<b>", []) == "&lt;b&gt;"


def test_a_snippet_is_the_densest_window_with_ellipses():
    text = " ".join(f"w{n}" for n in range(100)) + " loop input loop " + "tail " * 50
    html = str(snippet(text, ["loop", "input"], size=10))
    assert html.startswith("… ") and html.endswith(" …")
    assert html.count("<mark>") == 3
    assert len(html.split()) < 20
    short = str(snippet("Only a little loop.", ["loop"]))
    assert short == "Only a little <mark>loop</mark>."
    assert str(snippet("No match here at all", ["zebra"], size=3)) == "No match here …"


def test_plain_markdown_keeps_the_words():
    assert plain_markdown("# Title\n> quote\n- item *em* `code`") == "Title quote item em code"


# Kinds, communities, pages -------------------------------------------------------------------

def test_topics_and_resources_are_found_by_their_words(discussion):
    cast = discussion.cast
    topic = make_topic(cast.community, title="Dealing with difficult participants",
                       summary="When a participant resists.")
    topic.synthesis = "Key points: listen first, then reframe."
    topic.save()
    resource = Resource.objects.create(
        community=cast.community, kind="link", title="Loop input", url="https://example.org",
        citation="Woodward, T. (2003). Loop input. ELT Journal 57/3.",
    )
    assert found(cast.member, "difficult") == [("topic", topic.pk)]
    assert found(cast.member, "reframe") == [("topic", topic.pk)]
    assert found(cast.member, "woodward") == [("resource", resource.pk)]
    assert ("resource", resource.pk) in found(cast.member, "loop input")


def test_a_resource_leads_to_its_library_page_and_names_the_topic_it_seeds(discussion):
    cast = discussion.cast
    seeded = Resource.objects.create(community=cast.community, kind="link",
                                     title="Seed on loop input", url="https://example.org/a")
    topic = make_topic(cast.community, title="Loop input topic", seed_resource=seeded)
    alone = Resource.objects.create(community=cast.community, kind="link",
                                    title="Loop input elsewhere", url="https://example.org/b")
    (found_seeded,) = search(cast.member, "seed", kinds=["resource"]).results
    assert found_seeded.url == f"/c/{cast.community.slug}/library/{seeded.pk}/"
    assert found_seeded.context == topic.title
    (found_alone,) = search(cast.member, "elsewhere", kinds=["resource"]).results
    assert found_alone.url == f"/c/{cast.community.slug}/library/{alone.pk}/"


def test_a_resource_is_found_by_its_authors_source_and_tags(discussion):
    from praxis.library import services as library

    cast = discussion.cast
    resource = library.add_link(
        community=cast.community, added_by=cast.member, title="Reflective practice",
        url="https://example.org/r", details={"authors": "Farrell, Thomas S. C.",
                                               "source": "RELC Journal", "year": 2012},
        tags=["critical friends", "تأمل"],
    )
    assert found(cast.member, "farrell") == [("resource", resource.pk)]
    assert found(cast.member, "relc") == [("resource", resource.pk)]
    assert found(cast.member, "critical friends") == [("resource", resource.pk)]
    assert found(cast.member, "تأمل") == [("resource", resource.pk)]
    library.update_resource(resource=resource, title="Reflective practice", citation="",
                            details={"authors": "Richards, Jack C."}, tags=["CLT"])
    assert found(cast.member, "farrell") == []
    assert found(cast.member, "critical") == []
    assert found(cast.member, "richards") == [("resource", resource.pk)]
    assert found(cast.member, "clt") == [("resource", resource.pk)]


def test_results_can_be_limited_to_kinds(discussion):
    cast = discussion.cast
    thread = make_thread(discussion.topic, cast.member, title="Loop input in practice")
    assert {kind for kind, _ in found(cast.member, "loop")} == {"thread", "post"}
    assert found(cast.member, "loop", kinds=["thread"]) == [("thread", thread.pk)]
    assert found(cast.member, "loop", kinds=["nonsense"]) == found(cast.member, "loop")


def test_results_can_be_limited_to_one_community(make_cast):
    first, second = make_cast(), make_cast()
    ours = make_discussion(first)
    make_discussion(second)
    second.community.memberships.create(user=first.member)
    assert len(found(first.member, "loop")) == 2
    assert found(first.member, "loop", community=first.community) == [("post", ours.post.pk)]


def test_results_come_in_pages(discussion):
    cast = discussion.cast
    for n in range(PER_PAGE + 4):
        reply(discussion.thread, cast.member, f"Microteaching round {n}")
    first = search(cast.member, "microteaching")
    second = search(cast.member, "microteaching", page=2)
    assert (len(first), first.has_next, first.has_previous) == (PER_PAGE, True, False)
    assert (len(second), second.has_next, second.has_previous) == (4, False, True)
    assert second.start == PER_PAGE + 1
    assert not {r.object_id for r in first} & {r.object_id for r in second}


def test_a_very_common_word_is_ranked_among_its_newest_matches(discussion, monkeypatch):
    from praxis.discussions import search as engine

    cast = discussion.cast
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    old = reply(discussion.thread, cast.member, "Portfolio portfolio portfolio")
    newer = [reply(discussion.thread, cast.member, f"A portfolio {n}") for n in range(4)]
    topic = make_topic(cast.community, title="Portfolio assessment")
    results = found(cast.member, "portfolio")
    # The three newest posts, and the topic, which is ranked with threads and resources.
    assert set(results) == {("topic", topic.pk)} | {("post", p.pk) for p in newer[1:]}
    assert ("post", old.pk) not in results


@pytest.mark.parametrize("windows", [(2, 5), (1000,)])
def test_post_matches_are_read_span_by_span_newest_first(discussion, monkeypatch, windows):
    from django.db import connection

    from praxis.discussions import search as engine

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's index reads its matches newest first itself")
    cast = discussion.cast
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    monkeypatch.setattr(engine, "POST_ID_WINDOWS", windows)
    rare = reply(discussion.thread, cast.member, "Lesson study with a colleague")
    for n in range(12):
        reply(discussion.thread, cast.steward, f"Microteaching round {n}")
    common = [reply(discussion.thread, cast.member, f"Portfolio {n}") for n in range(5)]
    # A match older than every span is found; a common word keeps its newest three.
    assert found(cast.member, "lesson study") == [("post", rare.pk)]
    assert set(found(cast.member, "portfolio")) == {("post", p.pk) for p in common[2:]}


def test_a_search_asks_a_constant_number_of_queries(discussion, django_assert_max_num_queries):
    cast = discussion.cast
    for n in range(10):
        thread = make_thread(discussion.topic, cast.member, title=f"Portfolio {n}",
                             body=f"Portfolio body {n}")
        reply(thread, cast.steward, "A portfolio reply")
    make_topic(cast.community, title="Portfolio assessment")
    Resource.objects.create(community=cast.community, kind="link", title="Portfolios",
                            url="https://example.org/p", citation="")
    # The readable communities, the search, then one query per kind (two for resources:
    # the topics they seed); on PostgreSQL one more, the newest post's id that the spans of
    # posts count back from.
    from django.db import connection

    with django_assert_max_num_queries(8 if connection.vendor == "postgresql" else 7):
        page = search(cast.member, "portfolio")
    assert {r.kind for r in page} == {"post", "thread", "topic", "resource"}


# The index follows the data ------------------------------------------------------------------

def test_the_index_follows_edits_moves_and_deletions(discussion):
    cast, post = discussion.cast, discussion.post
    Post.objects.filter(pk=post.pk).update(body="Now about scaffolding")
    assert found(cast.member, "loop") == []
    assert found(cast.member, "scaffolding") == [("post", post.pk)]
    post.refresh_from_db()
    post.body = "Now about modelling"
    post.save()
    assert found(cast.member, "modelling") == [("post", post.pk)]
    Thread.objects.filter(pk=discussion.thread.pk).update(title="Renamed curriculum thread")
    assert found(cast.member, "curriculum") == [("thread", discussion.thread.pk)]
    discussion.thread.delete()
    assert found(cast.member, "modelling") == []
    assert found(cast.member, "curriculum") == []


def test_a_thread_moved_to_another_community_takes_its_posts_along(discussion, make_cast):
    # Moderation keeps threads in their community; the index must still never disagree.
    other = make_cast()
    topic = make_topic(other.community)
    Thread.objects.filter(pk=discussion.thread.pk).update(community=other.community,
                                                          topic=topic)
    assert found(discussion.cast.member, "loop") == []
    assert found(other.member, "loop") == [("post", discussion.post.pk)]


def test_deleting_a_community_empties_its_part_of_the_index(discussion):
    discussion.cast.community.delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_entry")
            assert cursor.fetchone()[0] == 0
