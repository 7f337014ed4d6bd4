"""Search across the posts, threads, topics and resources of the communities a person may read.

One function, ``search``, on two engines:

- SQLite (the embedded default): the FTS5 table ``search_entry``, filled and kept in step by
  triggers on the four tables (migration 0003_search_index), ranked with bm25.
- PostgreSQL: a stored generated ``tsvector`` column on each table (same migration), with
  the ``simple`` configuration (no stemming, so Persian and English are treated alike) and
  a GIN index, ranked with ``ts_rank``.

Either way the database keeps the index: no service has to call anything when a post is
written, edited, hidden or deleted. Hidden posts are never indexed (PostgreSQL: filtered).
Private replies are never found: filtered on PostgreSQL, left out of the results on SQLite.

What the searcher types is only ever words: it is cut to letters and digits, each word
quoted, so no query syntax (``"``, ``AND(``, ``*``, ``NEAR``) reaches the engine.

Snippets and highlighted titles are made here, the same way on both engines, from the
page's rows only: the text is cut into words, the matching ones are wrapped in ``<mark>``,
and every piece of text is escaped (``highlighted``). Stored HTML is never used.
"""

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Expression, Prefetch, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from praxis.communities.models import Community
from praxis.discussions.models import Post, Thread
from praxis.library.models import Resource
from praxis.topics.models import Topic

PER_PAGE = 20
MAX_PAGE = 100
# Each sort of result (posts; the rest) is ranked among this many of its newest matches
# (25 pages): a very common word never makes the database rank every post of the archive.
CANDIDATES = 500
# PostgreSQL looks for a word's newest posts in these spans of the newest post ids, one after
# the other, and stops as soon as it has its candidates: a common word is found among the
# latest posts alone, a rare one reads its few matches; neither reads every match.
POST_ID_WINDOWS = (25_000, 250_000, 2_500_000, 25_000_000)
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Terms this long or longer also find longer words ("train" finds "training", "کتاب" finds
# "کتابها"); shorter ones match whole words only, or "a" would match everything.
PREFIX_FROM = 3
SNIPPET_WORDS = 32
# Snippets look for the words in this much of a text (posts may be 50,000 characters).
SNIPPET_SCAN = 20000

POST, THREAD, TOPIC, RESOURCE = "post", "thread", "topic", "resource"
KINDS = (POST, THREAD, TOPIC, RESOURCE)
KIND_LABELS = {
    POST: _("Posts"),
    THREAD: _("Threads"),
    TOPIC: _("Topics"),
    RESOURCE: _("Resources"),
}

# The same folding as the index (see the migration): Arabic yeh and kaf to their Persian
# forms, short vowels, shadda, superscript alef and tatweel removed. Persian keyboards and
# texts mix both forms; a reader must not have to guess which one a writer used.
FOLD_FROM = "\u064a\u0643"  # Arabic yeh, Arabic kaf
FOLD_TO = "\u06cc\u06a9"  # Persian yeh, keheh
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
    title_html: SafeString  # escaped, with the matching words marked
    snippet_html: SafeString
    context: str = ""  # the topic of a thread or post; the topic a resource seeds
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


def search(readable: QuerySet[Community], query: str, *, community: Community | None = None,
           kinds: Iterable[str] | None = None, page: int = 1,
           any_word: bool = False) -> SearchPage:
    """One page of results for ``query``, best first, from the ``readable`` communities (the
    door's ``readable_communities`` for the reader; only ``community`` when given, and only
    if readable). Hidden posts are never found.

    Results have every word; when none has, they have any of them (``any_word`` on the
    page says so; pass it back for the following pages). A word found in very many places
    is ranked among its CANDIDATES newest matches of each sort (posts; threads, topics and
    resources), which keeps a search fast whatever the size of the archive.

    A constant number of queries: the readable communities, the search itself (twice when
    falling back to any word; on PostgreSQL each after the newest post's id), then at most
    one per kind of result found, and one for the topics that resources seed.
    """
    terms = search_terms(query)
    page = max(1, min(page, MAX_PAGE))
    if not terms:
        return SearchPage(query=query, terms=terms, number=page)
    chosen = [kind for kind in KINDS if kinds is None or kind in set(kinds)] or list(KINDS)
    if community is not None:
        readable = readable.filter(pk=community.pk)
    community_ids = list(readable.order_by().values_list("id", flat=True))
    if not community_ids:
        return SearchPage(query=query, terms=terms, number=page)
    offset = (page - 1) * PER_PAGE
    find = _postgresql_hits if connection.vendor == "postgresql" else _sqlite_hits
    any_word = any_word and len(terms) > 1
    hits = find(terms, any_word, community_ids, chosen, offset, PER_PAGE + 1)
    if not hits and not any_word and page == 1 and len(terms) > 1:
        any_word = True
        hits = find(terms, any_word, community_ids, chosen, offset, PER_PAGE + 1)
    results = _results(hits[:PER_PAGE], terms)
    return SearchPage(query=query, terms=terms, results=results, number=page,
                      has_next=len(hits) > PER_PAGE, any_word=any_word)


# SQLite FTS5 ---------------------------------------------------------------------------------

# search_entry's rowid (migration 0005): a post's id * 4; for the rest -(id * 4 + code).
KIND_CODES = {POST: 0, THREAD: 1, TOPIC: 2, RESOURCE: 3}
_KIND_OF_CODE = {code: kind for kind, code in KIND_CODES.items()}
# Columns: community_id (not indexed), title, body. Titles weigh more.
_BM25 = "bm25(search_entry, 0, 4.0, 1.0)"


def fts5_match(terms: Sequence[str], any_word: bool = False) -> str:
    """The FTS5 query for these words: each quoted (a phrase of one or more tokens, never
    syntax), all required (or any one), the longer ones also as prefixes."""
    return (" OR " if any_word else " ").join(
        '"{}"{}'.format(term.replace('"', '""'), "*" if len(term) >= PREFIX_FROM else "")
        for term in terms
    )


def _entry(rowid: int) -> tuple[str, int]:
    if rowid > 0:
        return POST, rowid // 4
    return _KIND_OF_CODE[-rowid % 4], -rowid // 4


def _sqlite_hits(terms: list[str], any_word: bool, community_ids: list[int],
                 kinds: list[str], offset: int, limit: int) -> list[tuple[str, int]]:
    match = fts5_match(terms, any_word)
    # Posts (rowid > 0) and the rest (rowid < 0), each read newest first and ranked among
    # its first CANDIDATES readable matches: bm25 only for the rows kept.
    branches: list[tuple[str, list[Any]]] = []
    if POST in kinds:
        branches.append(("rowid > 0 ORDER BY rowid DESC", []))
    others = [KIND_CODES[kind] for kind in kinds if kind != POST]
    if len(others) == len(KINDS) - 1:
        branches.append(("rowid < 0 ORDER BY rowid", []))
    elif others:
        branches.append((
            f"rowid < 0 AND -rowid %% 4 IN ({', '.join(['%s'] * len(others))})"
            " ORDER BY rowid", others,
        ))
    branch_sql = (  # only placeholders and fixed SQL are formatted in
        "SELECT * FROM (SELECT rowid AS entry, " + _BM25 + " AS score FROM search_entry"  # noqa: S608
        " WHERE search_entry MATCH %s AND community_id IN (SELECT value FROM json_each(%s))"
        " AND {} LIMIT %s)"
    )
    candidates = " UNION ALL ".join(
        branch_sql.format(condition) for condition, _params in branches
    )
    sql = f"SELECT entry FROM ({candidates}) ORDER BY score, entry LIMIT %s OFFSET %s"  # noqa: S608
    params: list[Any] = []
    communities = json.dumps(community_ids)
    for _condition, condition_params in branches:
        params += [match, communities, *condition_params, CANDIDATES]
    params += [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_entry(rowid) for (rowid,) in rows]


# PostgreSQL ----------------------------------------------------------------------------------

class StoredDocument(Expression):
    """The ``search_document`` column migration 0003 adds on PostgreSQL (a stored generated
    ``tsvector``): Django's models do not know it, so it is named here."""

    def __init__(self) -> None:
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_document", []


def postgresql_query(terms: Sequence[str], any_word: bool = False) -> Any:
    from django.contrib.postgres.search import SearchQuery

    # Terms are letters and digits only (search_terms), so quoting them is enough.
    text = (" | " if any_word else " & ").join(
        "'{}'{}".format(term, ":*" if len(term) >= PREFIX_FROM else "") for term in terms
    )
    return SearchQuery(text, config="simple", search_type="raw")


def postgresql_matches(kind: str, query: Any, community_ids: list[int]) -> QuerySet[Any]:
    """The ids of one kind's readable matches, newest first (GIN index on the document)."""
    sources: dict[str, QuerySet[Any]] = {
        POST: Post.objects.filter(is_hidden=False, private_to=None,
                                  thread__community_id__in=community_ids),
        THREAD: Thread.objects.filter(community_id__in=community_ids),
        TOPIC: Topic.objects.filter(community_id__in=community_ids),
        RESOURCE: Resource.objects.filter(community_id__in=community_ids),
    }
    return (
        sources[kind].annotate(document=StoredDocument()).filter(document=query)
        .order_by("-id").values("id")
    )


def newest_post_matches(query: Any, community_ids: list[int]) -> RawSQL:
    """The ids of the CANDIDATES newest readable posts that match, for ``pk__in``: one
    statement whose parts each search a span of older post ids (``POST_ID_WINDOWS``), so
    PostgreSQL's LIMIT over the UNION ALL stops reading after the part that fills it."""
    matches = postgresql_matches(POST, query, community_ids)
    # A number, not a subquery: the planner sizes each span only from literal bounds.
    newest = Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    parts: list[str] = []
    params: list[Any] = []
    nearer = 0
    for width in (*POST_ID_WINDOWS, None):
        span = matches.filter(pk__lte=newest - nearer)
        if width is not None:
            span = span.filter(pk__gt=newest - width)
        sql, span_params = span.order_by().query.sql_with_params()
        # OFFSET 0 keeps the span's matches a query of their own: asked for all of them,
        # PostgreSQL takes them from the word's index. Given the ORDER BY and LIMIT instead,
        # it may walk every post backwards hoping to meet the word soon, which for a word
        # no post has reads the whole table (1.2 s at a million posts).
        parts.append(f"(SELECT id FROM ({sql} OFFSET 0) span ORDER BY id DESC LIMIT %s)")  # noqa: S608
        span_params = (*span_params, CANDIDATES)
        params.extend(span_params)
        nearer = width or 0
    union = " UNION ALL ".join(parts)
    # The SQL is Django's own compilation of the spans; every value stays a parameter.
    return RawSQL(f"SELECT id FROM ({union}) newest LIMIT %s",  # noqa: S608, S611
                  (*params, CANDIDATES))


def _postgresql_hits(terms: list[str], any_word: bool, community_ids: list[int],
                     kinds: list[str], offset: int, limit: int) -> list[tuple[str, int]]:
    from django.contrib.postgres.search import SearchRank

    query = postgresql_query(terms, any_word)
    models: dict[str, Any] = {POST: Post, THREAD: Thread, TOPIC: Topic, RESOURCE: Resource}

    def candidates(kind: str) -> Any:
        if kind == POST:
            return newest_post_matches(query, community_ids)
        return Subquery(postgresql_matches(kind, query, community_ids)[:CANDIDATES])

    # Threads, topics and resources share one allowance of candidates, as on SQLite.
    ranked = [
        models[kind].objects
        .filter(pk__in=candidates(kind))
        # normalization 1: divided by 1 + log(length), so a long post does not win by size.
        .annotate(kind_name=Value(kind),
                  rank=SearchRank(StoredDocument(), query, normalization=Value(1)))
        .order_by()
        .values_list("kind_name", "id", "rank")
        for kind in kinds
    ]
    first, *others = ranked
    union = first.union(*others, all=True) if others else first
    rows = union.order_by("-rank", "kind_name", "id")[offset:offset + limit]
    return [(kind, int(object_id)) for kind, object_id, _rank in rows]


# Results -------------------------------------------------------------------------------------

def _results(hits: list[tuple[str, int]], terms: list[str]) -> list[SearchResult]:
    ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for kind, object_id in hits:
        ids[kind].append(object_id)
    found: dict[tuple[str, int], SearchResult] = {}
    if ids[POST]:
        # Private replies are never found, by anyone: SQLite's index holds them, so they are
        # left out here (a page may then show fewer results, never theirs).
        posts = Post.objects.filter(pk__in=ids[POST], private_to=None).select_related(
            "author", "thread__community", "thread__topic"
        ).only("body", "created_at", "author__display_name", "thread__title",
               "thread__community__slug", "thread__community__name",
               "thread__topic__title")
        for post in posts:
            found[(POST, post.pk)] = SearchResult(
                kind=POST, object_id=post.pk, community=post.thread.community,
                url=Post.address(post.thread.community.slug, post.pk),
                # A post has no title: its thread's, unmarked, says where it is.
                title_html=highlighted(post.thread.title, []),
                snippet_html=snippet(plain_markdown(post.body), terms),
                context=post.thread.topic.title, author=str(post.author),
                when=post.created_at,
            )
    if ids[THREAD]:
        threads = Thread.objects.filter(pk__in=ids[THREAD]).select_related(
            "community", "topic", "created_by"
        ).only("title", "created_at", "community__slug", "community__name",
               "topic__title", "created_by__display_name")
        for thread in threads:
            found[(THREAD, thread.pk)] = SearchResult(
                kind=THREAD, object_id=thread.pk, community=thread.community,
                url=Thread.address(thread.community.slug, thread.pk),
                title_html=highlighted(thread.title, terms), snippet_html=mark_safe(""),
                context=thread.topic.title,
                author=str(thread.created_by) if thread.created_by else "",
                when=thread.created_at,
            )
    if ids[TOPIC]:
        topics = Topic.objects.filter(pk__in=ids[TOPIC]).select_related("community").only(
            "title", "slug", "summary", "synthesis", "starts_at", "community__slug",
            "community__name",
        )
        for topic in topics:
            text = plain_markdown(f"{topic.summary}\n{topic.synthesis}")
            found[(TOPIC, topic.pk)] = SearchResult(
                kind=TOPIC, object_id=topic.pk, community=topic.community,
                url=topic.get_absolute_url(),
                title_html=highlighted(topic.title, terms),
                snippet_html=snippet(text, terms), when=topic.starts_at,
            )
    if ids[RESOURCE]:
        resources = Resource.objects.filter(pk__in=ids[RESOURCE]).select_related(
            "community", "added_by"
        ).only("title", "citation", "authors", "year", "source", "tag_names", "kind", "url",
               "created_at", "community__slug", "community__name",
               "added_by__display_name").prefetch_related(
            Prefetch("seeded_topics", queryset=Topic.objects.only(
                "id", "slug", "title", "seed_resource_id").order_by("-starts_at"))
        )
        for resource in resources:
            seeded = list(resource.seeded_topics.all())  # type: ignore[attr-defined]
            found[(RESOURCE, resource.pk)] = SearchResult(
                kind=RESOURCE, object_id=resource.pk, community=resource.community,
                url=resource_path(resource),
                title_html=highlighted(resource.title, terms),
                snippet_html=snippet(resource_text(resource), terms),
                context=seeded[0].title if seeded else "",
                author=str(resource.added_by) if resource.added_by else "",
                when=resource.created_at,
            )
    # The ranking's order; a row deleted between the two queries is simply left out.
    return [found[hit] for hit in hits if hit in found]


def resource_path(resource: Resource) -> str:
    """Where a resource is read: its page in the library, with its citation, its topics and
    the link or file to open."""
    return reverse("library:resource", args=[resource.community.slug, resource.pk])


def resource_text(resource: Resource) -> str:
    """What a resource's snippet is cut from: its authors, year and source, its free-text
    citation and its tags, as the index holds them."""
    authors = "; ".join(line.strip() for line in resource.authors.splitlines() if line.strip())
    cited = ", ".join(part for part in (
        authors, str(resource.year or ""), resource.source) if part)
    return " · ".join(part for part in (cited, resource.citation, resource.tag_names) if part)


# Snippets ------------------------------------------------------------------------------------

# A word as the text shows it: letters and digits with their combining marks (Persian short
# vowels, Latin accents), so "مُعَلِّم" stays one word.
_TEXT_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u064b-\u0652\u0670\u0640])+")

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


def _key(word: str) -> str:
    """A word as the index compares it: folded, lower case, without accents."""
    decomposed = unicodedata.normalize("NFKD", fold(word.lower()))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _matcher(terms: Sequence[str]):  # type: ignore[no-untyped-def]
    keys = [(_key(term), len(term) >= PREFIX_FROM) for term in terms]

    def matches(word: str) -> bool:
        key = _key(word)
        return any(key.startswith(term) if prefix else key == term for term, prefix in keys)

    return matches


def _marked(text: str, words: list[re.Match[str]], hits: set[int], start: int,
            end: int) -> str:
    """``text`` from word ``start`` to word ``end`` (exclusive), escaped, hits marked."""
    parts: list[str] = []
    position = words[start].start() if start else 0
    stop = words[end - 1].end() if end < len(words) else len(text)
    for index in range(start, end):
        word = words[index]
        if index in hits:
            parts.append(str(escape(text[position:word.start()])))
            parts.append(f"<mark>{escape(word.group())}</mark>")
            position = word.end()
    parts.append(str(escape(text[position:stop])))
    return "".join(parts)


def highlighted(text: str, terms: Sequence[str]) -> SafeString:
    """All of ``text``, escaped, with the words that match ``terms`` marked."""
    words = list(_TEXT_WORD.finditer(text))
    if not words:
        return mark_safe(str(escape(text)))  # noqa: S308 (escaped)
    matches = _matcher(terms)
    hits = {index for index, word in enumerate(words) if terms and matches(word.group())}
    return mark_safe(_marked(text, words, hits, 0, len(words)))  # noqa: S308 (escaped)


def snippet(text: str, terms: Sequence[str], size: int = SNIPPET_WORDS) -> SafeString:
    """About ``size`` words of ``text`` around the densest run of matches, escaped, with the
    matches marked and an ellipsis where text is left out."""
    words = list(_TEXT_WORD.finditer(text[:SNIPPET_SCAN]))
    if not words:
        return mark_safe(str(escape(text[:200])))  # noqa: S308 (escaped)
    matches = _matcher(terms)
    hit_list = [index for index, word in enumerate(words) if matches(word.group())]
    start = 0
    if hit_list:
        # The window of ``size`` words holding the most matches, with a little before it.
        best, first = 0, 0
        for right, index in enumerate(hit_list):
            while index - hit_list[first] >= size:
                first += 1
            if right - first + 1 > best:
                best, start = right - first + 1, hit_list[first]
        start = max(0, start - 4)
    end = min(len(words), start + size)
    start = max(0, min(start, end - size))
    body = _marked(text, words, set(hit_list), start, end)
    before = "… " if start > 0 else ""
    after = " …" if end < len(words) or len(text) > SNIPPET_SCAN else ""
    return mark_safe(before + body + after)  # noqa: S308 (escaped in _marked)
