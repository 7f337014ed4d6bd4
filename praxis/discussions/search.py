"""Search across the posts, threads, topics and resources of the communities a person may read.

One function, ``search``, on two engines:

- SQLite (the embedded default): the FTS5 table ``search_entry``, filled and kept in step by
  triggers on the four tables (migration 0003_search_index). Ranked with bm25, snippets from
  FTS5's ``snippet()``.
- PostgreSQL: ``tsvector`` expressions over the tables themselves with the ``simple``
  configuration (no stemming, so Persian and English are treated alike), served by GIN
  expression indexes from the same migration. Ranked with ``ts_rank``, snippets from
  ``ts_headline``.

Either way the database keeps the index: no service has to call anything when a post is
written, edited, hidden or deleted. Hidden posts are never indexed (PostgreSQL: filtered).

What the searcher types is only ever words: it is cut to letters and digits, each word
quoted, so no query syntax (``"``, ``AND(``, ``*``, ``NEAR``) reaches the engine.
Snippets come back with marker characters around the matches; ``marked_html`` escapes
everything and only then turns the markers into ``<mark>``.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F, Func, Prefetch, QuerySet, TextField, Value
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from praxis.communities.models import Community
from praxis.communities.permissions import AnyUser, readable_communities
from praxis.discussions.models import Post, Thread
from praxis.library.models import Resource
from praxis.topics.models import Topic

PER_PAGE = 20
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Terms this long or longer also find longer words ("train" finds "training", "کتاب" finds
# "کتابها"); shorter ones match whole words only, or "a" would match everything.
PREFIX_FROM = 3

POST, THREAD, TOPIC, RESOURCE = "post", "thread", "topic", "resource"
KINDS = (POST, THREAD, TOPIC, RESOURCE)
KIND_LABELS = {
    POST: _("Posts"),
    THREAD: _("Threads"),
    TOPIC: _("Topics"),
    RESOURCE: _("Resources"),
}

# Marks around the matched words in snippets: control characters nobody types.
START, STOP = "\x02", "\x03"

# The same folding as the index (see the migration): Arabic yeh and kaf to their Persian
# forms, short vowels, shadda, superscript alef and tatweel removed. Persian keyboards and
# texts mix both forms; a reader must not have to guess which one a writer used.
FOLD_FROM = "يك"
FOLD_TO = "یک"
FOLD_REMOVE = "".join(chr(code) for code in range(0x064B, 0x0653)) + "\u0670\u0640"
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO, FOLD_REMOVE)
# Letters and digits: underscores, punctuation and every bit of query syntax separate words.
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    return text.translate(_FOLD)


def search_terms(query: str) -> list[str]:
    """The words of what someone typed: trimmed, cut to length, folded, deduplicated."""
    words = _WORD.findall(fold(query.strip()[:MAX_QUERY_LENGTH]).lower())
    return list(dict.fromkeys(words))[:MAX_TERMS]


@dataclass(frozen=True)
class SearchResult:
    kind: str
    object_id: int
    community: Community
    url: str
    title: str  # plain text; escaped by the template
    title_html: SafeString | None  # highlighted title, when the title itself is searched
    snippet_html: SafeString
    context: str = ""  # the thread of a post, the topic of a thread
    author: str = ""
    when: datetime | None = None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass(frozen=True)
class SearchPage:
    query: str
    terms: list[str]
    results: list[SearchResult] = field(default_factory=list)
    number: int = 1
    has_next: bool = False
    # No result had every word, so these have some of them.
    any_word: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start(self) -> int:
        """The position of the page's first result in the whole list."""
        return (self.number - 1) * PER_PAGE + 1

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


@dataclass(frozen=True)
class _Hit:
    kind: str
    object_id: int
    title_marked: str | None = None
    body_marked: str | None = None


def search(user: AnyUser, query: str, *, community: Community | None = None,
           kinds: Iterable[str] | None = None, page: int = 1,
           any_word: bool = False) -> SearchPage:
    """One page of results for ``query``, best first, from the communities ``user`` may read
    (only ``community`` when given, and only if readable). Hidden posts are never found.

    Results have every word; when none has, they have any of them (``any_word`` on the
    page says so; pass it back for the following pages).

    A constant number of queries whatever the size of the index: the search itself (twice
    when falling back to any word), then at most one per kind of result found, and one for
    the topics that resources seed.
    """
    terms = search_terms(query)
    page = max(1, min(page, 500))
    if not terms:
        return SearchPage(query=query, terms=terms, number=page)
    chosen = [kind for kind in KINDS if kinds is None or kind in set(kinds)] or list(KINDS)
    readable = readable_communities(user)
    if community is not None:
        readable = readable.filter(pk=community.pk)
    offset = (page - 1) * PER_PAGE
    find = _postgresql_hits if connection.vendor == "postgresql" else _sqlite_hits
    any_word = any_word and len(terms) > 1
    hits = find(terms, any_word, readable, chosen, offset, PER_PAGE + 1)
    if not hits and not any_word and page == 1 and len(terms) > 1:
        any_word = True
        hits = find(terms, any_word, readable, chosen, offset, PER_PAGE + 1)
    results = _results(hits[:PER_PAGE], terms, any_word)
    return SearchPage(query=query, terms=terms, results=results, number=page,
                      has_next=len(hits) > PER_PAGE, any_word=any_word)


# SQLite FTS5 ---------------------------------------------------------------------------------

# Columns: kind, object_id, community_id (unindexed), title, body. Titles weigh more.
_BM25 = "bm25(search_entry, 0, 0, 0, 4.0, 1.0)"
_SNIPPET_TOKENS = 24


def fts5_match(terms: Sequence[str], any_word: bool = False) -> str:
    """The FTS5 query for these words: each quoted (a phrase of one or more tokens, never
    syntax), all required (or any one), the longer ones also as prefixes."""
    return (" OR " if any_word else " ").join(
        '"{}"{}'.format(term.replace('"', '""'), "*" if len(term) >= PREFIX_FROM else "")
        for term in terms
    )


def _sqlite_hits(terms: list[str], any_word: bool, readable: QuerySet[Community],
                 kinds: list[str], offset: int, limit: int) -> list[_Hit]:
    match = fts5_match(terms, any_word)
    communities_sql, communities_params = (
        readable.order_by().values("id").query.sql_with_params()
    )
    kinds_sql = ", ".join(["%s"] * len(kinds))
    # The inner query ranks every match but returns only ids; snippets are made for the
    # page's rows alone.
    sql = f"""
        SELECT kind, object_id, highlight(search_entry, 3, char(2), char(3)),
               snippet(search_entry, 4, char(2), char(3), '…', {_SNIPPET_TOKENS})
        FROM search_entry
        WHERE search_entry MATCH %s AND rowid IN (
            SELECT rowid FROM search_entry
            WHERE search_entry MATCH %s
              AND community_id IN ({communities_sql})
              AND kind IN ({kinds_sql})
            ORDER BY {_BM25}, rowid LIMIT %s OFFSET %s
        )
        ORDER BY {_BM25}, rowid
    """  # noqa: S608 (only placeholders and fixed SQL are formatted in)
    params = [match, match, *communities_params, *kinds, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_Hit(kind=kind, object_id=int(object_id), title_marked=title, body_marked=body)
            for kind, object_id, title, body in rows]


# PostgreSQL ----------------------------------------------------------------------------------

def _pg_fold(field_name: str) -> Func:
    # translate() drops the characters of its second argument that have no counterpart in
    # the third: the folding above in one call.
    return Func(F(field_name), Value(FOLD_FROM + FOLD_REMOVE), Value(FOLD_TO),
                function="translate", output_field=TextField())


def postgresql_vectors() -> dict[str, Any]:
    """The ``tsvector`` of each kind; the GIN indexes of migration 0003 are built on exactly
    these expressions (a test checks that the planner uses them)."""
    from django.contrib.postgres.search import SearchVector

    def vector(*fields: str, weight: str) -> SearchVector:
        return SearchVector(*(_pg_fold(name) for name in fields), config="simple",
                            weight=weight)

    return {
        POST: vector("body", weight="B"),
        THREAD: vector("title", weight="A"),
        TOPIC: vector("title", weight="A") + vector("summary", "synthesis", weight="B"),
        RESOURCE: vector("title", weight="A") + vector("citation", weight="B"),
    }


def postgresql_query(terms: Sequence[str], any_word: bool = False) -> Any:
    from django.contrib.postgres.search import SearchQuery

    # Terms are letters and digits only (search_terms), so quoting them is enough.
    text = (" | " if any_word else " & ").join(
        "'{}'{}".format(term, ":*" if len(term) >= PREFIX_FROM else "") for term in terms
    )
    return SearchQuery(text, config="simple", search_type="raw")


def _postgresql_hits(terms: list[str], any_word: bool, readable: QuerySet[Community],
                     kinds: list[str], offset: int, limit: int) -> list[_Hit]:
    from django.contrib.postgres.search import SearchRank

    query = postgresql_query(terms, any_word)
    vectors = postgresql_vectors()
    sources: dict[str, QuerySet[Any]] = {
        POST: Post.objects.filter(is_hidden=False, thread__community__in=readable)
        .annotate(community_ref=F("thread__community_id")),
        THREAD: Thread.objects.filter(community__in=readable)
        .annotate(community_ref=F("community_id")),
        TOPIC: Topic.objects.filter(community__in=readable)
        .annotate(community_ref=F("community_id")),
        RESOURCE: Resource.objects.filter(community__in=readable)
        .annotate(community_ref=F("community_id")),
    }
    ranked = [
        sources[kind]
        .annotate(document=vectors[kind])
        .filter(document=query)
        # normalization 1: divided by 1 + log(length), so a long post does not win by size.
        .annotate(kind_name=Value(kind), rank=SearchRank(vectors[kind], query,
                                                         normalization=Value(1)))
        .order_by()
        .values_list("kind_name", "id", "rank")
        for kind in kinds
    ]
    first, *others = ranked
    union = first.union(*others, all=True) if others else first
    rows = union.order_by("-rank", "kind_name", "id")[offset:offset + limit]
    return [_Hit(kind=kind, object_id=int(object_id)) for kind, object_id, _rank in rows]


def _headlines(queryset: QuerySet[Any], query: Any, *, title: str | None,
               body: Sequence[str]) -> QuerySet[Any]:
    """PostgreSQL: the marked title and snippet, computed for the page's rows only."""
    from django.contrib.postgres.search import SearchHeadline

    options: dict[str, Any] = {"config": "simple", "start_sel": START, "stop_sel": STOP}
    annotations: dict[str, Any] = {}
    if title:
        annotations["title_marked"] = SearchHeadline(_pg_fold(title), query,
                                                     highlight_all=True, **options)
    document: Any = _pg_fold(body[0])
    for name in body[1:]:
        document = Func(document, Value("\n"), _pg_fold(name), function="concat",
                        output_field=TextField())
    annotations["body_marked"] = SearchHeadline(
        document, query, max_words=30, min_words=12, max_fragments=2,
        fragment_delimiter=" … ", **options,
    )
    return queryset.annotate(**annotations)


# Results -------------------------------------------------------------------------------------

def _results(hits: list[_Hit], terms: list[str], any_word: bool) -> list[SearchResult]:
    ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for hit in hits:
        ids[hit.kind].append(hit.object_id)
    on_postgresql = connection.vendor == "postgresql"
    query = postgresql_query(terms, any_word) if on_postgresql else None
    found: dict[tuple[str, int], SearchResult] = {}
    marked = {(hit.kind, hit.object_id): hit for hit in hits}

    def marks(kind: str, obj: Any) -> tuple[str | None, str]:
        if on_postgresql:
            return getattr(obj, "title_marked", None), obj.body_marked or ""
        hit = marked[(kind, obj.pk)]
        return hit.title_marked, hit.body_marked or ""

    if ids[POST]:
        posts = Post.objects.filter(pk__in=ids[POST]).select_related(
            "author", "thread__community", "thread__topic"
        ).only("body", "created_at", "author__display_name", "thread__title",
               "thread__community__slug", "thread__community__name",
               "thread__topic__title")
        if on_postgresql:
            posts = _headlines(posts, query, title=None, body=["body"])
        for post in posts:
            _title, body = marks(POST, post)
            found[(POST, post.pk)] = SearchResult(
                kind=POST, object_id=post.pk, community=post.thread.community,
                url=post_path(post.thread.community.slug, post.pk),
                title=post.thread.title, title_html=None,
                snippet_html=marked_html(plain_markdown(body)),
                context=post.thread.topic.title, author=post.author.display_name,
                when=post.created_at,
            )
    if ids[THREAD]:
        threads = Thread.objects.filter(pk__in=ids[THREAD]).select_related(
            "community", "topic", "created_by"
        ).only("title", "created_at", "post_count", "community__slug", "community__name",
               "topic__title", "created_by__display_name")
        if on_postgresql:
            threads = _headlines(threads, query, title="title", body=["title"])
        for thread in threads:
            title, _body = marks(THREAD, thread)
            found[(THREAD, thread.pk)] = SearchResult(
                kind=THREAD, object_id=thread.pk, community=thread.community,
                url=thread_path(thread.community.slug, thread.pk),
                title=thread.title, title_html=marked_html(title or thread.title),
                snippet_html=mark_safe(""),
                context=thread.topic.title,
                author=thread.created_by.display_name if thread.created_by else "",
                when=thread.created_at,
            )
    if ids[TOPIC]:
        topics = Topic.objects.filter(pk__in=ids[TOPIC]).select_related("community").only(
            "title", "slug", "summary", "synthesis", "starts_at", "community__slug",
            "community__name",
        )
        if on_postgresql:
            topics = _headlines(topics, query, title="title", body=["summary", "synthesis"])
        for topic in topics:
            title, body = marks(TOPIC, topic)
            found[(TOPIC, topic.pk)] = SearchResult(
                kind=TOPIC, object_id=topic.pk, community=topic.community,
                url=_path("topics:detail", [topic.community.slug, topic.slug],
                          f"/c/{topic.community.slug}/t/{topic.slug}/"),
                title=topic.title, title_html=marked_html(title or topic.title),
                snippet_html=marked_html(plain_markdown(body)), when=topic.starts_at,
            )
    if ids[RESOURCE]:
        resources = Resource.objects.filter(pk__in=ids[RESOURCE]).select_related(
            "community"
        ).only("title", "citation", "kind", "url", "created_at", "community__slug",
               "community__name").prefetch_related(
            Prefetch("seeded_topics", queryset=Topic.objects.only(
                "id", "slug", "title", "seed_resource_id").order_by("-starts_at"))
        )
        if on_postgresql:
            resources = _headlines(resources, query, title="title", body=["citation"])
        for resource in resources:
            title, body = marks(RESOURCE, resource)
            seeded = list(resource.seeded_topics.all())  # type: ignore[attr-defined]
            found[(RESOURCE, resource.pk)] = SearchResult(
                kind=RESOURCE, object_id=resource.pk, community=resource.community,
                url=resource_path(resource, seeded[0] if seeded else None),
                title=resource.title, title_html=marked_html(title or resource.title),
                snippet_html=marked_html(body),
                context=seeded[0].title if seeded else "", when=resource.created_at,
            )
    # The ranking's order; a row deleted between the two queries is simply left out.
    return [found[key] for key in ((hit.kind, hit.object_id) for hit in hits) if key in found]


def post_path(slug: str, post_id: int) -> str:
    """A post's permalink (served by the thread pages as ``discussions:post``)."""
    return _path("discussions:post", [slug, post_id], f"/c/{slug}/posts/{post_id}/")


def resource_path(resource: Resource, topic: Topic | None) -> str:
    """Where a resource is read: the page of the (latest) topic it seeds, else its own web
    address for a link; a file seeding no topic has no page yet (empty)."""
    slug = resource.community.slug
    if topic is not None:
        return _path("topics:detail", [slug, topic.slug], f"/c/{slug}/t/{topic.slug}/")
    return resource.url if resource.kind == Resource.Kind.LINK else ""


def thread_path(slug: str, thread_id: int) -> str:
    return _path("discussions:thread", [slug, thread_id], f"/c/{slug}/threads/{thread_id}/")


def _path(name: str, args: list[Any], fallback: str) -> str:
    # The pages of threads, topics and resources are built beside this module; until their
    # routes exist the agreed paths stand in.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


# Snippets ------------------------------------------------------------------------------------

_MARKDOWN_NOISE = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE), ""),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.MULTILINE), ""),  # quotes
    (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE), ""),  # list items
    (re.compile(r"\*\*|__|~~|`+|\*"), ""),  # emphasis and code marks
    (re.compile(r"\s+"), " "),
]


def plain_markdown(text: str) -> str:
    """Markdown's punctuation taken out of a snippet, so it reads as prose."""
    for pattern, replacement in _MARKDOWN_NOISE:
        text = pattern.sub(replacement, text)
    return text.strip()


def marked_html(text: str) -> SafeString:
    """Escapes everything, then turns the START/STOP markers into ``<mark>`` elements.

    Stray or unbalanced markers (a writer could type them) never produce unbalanced HTML.
    """
    parts: list[str] = []
    inside = False
    for piece in re.split(f"([{START}{STOP}])", text):
        if piece == START:
            if not inside:
                parts.append("<mark>")
                inside = True
        elif piece == STOP:
            if inside:
                parts.append("</mark>")
                inside = False
        else:
            parts.append(str(escape(piece)))
    if inside:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)
