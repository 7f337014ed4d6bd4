"""Several app servers (docs/operations.md, "Several app servers"): two gunicorn processes on
one PostgreSQL and one Redis, with two workers beside them, driven over real HTTP like a
browser behind a load balancer would drive them (see conftest.py for the set-up).

They show that a post made through one server is seen through the other, that a session
made on one is signed in on the other (and ended there for both), that a task queued by one
runs once, on one of the two workers, and that posting and reading through both at once
keeps the thread's counters and every reader's read mark exact.

Runs only in the CI's PostgreSQL and Redis pass (DATABASE_URL=postgres://..., REDIS_URL
set); skipped on SQLite. It uses no pytest-django database: the servers have their own.
"""

import copy
import http.cookiejar
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

POSTERS = 4
REPLIES_EACH = 25
TASKS = "praxis.notifications.tasks"
POST_ID = re.compile(r'<article class="post[^"]*" id="post-(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Page:
    status: int
    url: str
    text: str

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    def csrf_token(self) -> str:
        found = CSRF.search(self.text)
        assert found, f"no CSRF token on {self.url} ({self.status}): {self.text[:300]}"
        return found[1]


class Visitor:
    """One person's browser: its own cookies (which, like a browser's, ignore the port, so
    both servers see them as behind one proxy would), redirects followed, no JavaScript."""

    def __init__(self, site: Any) -> None:
        self.site = site
        self.thread_path = site.seed["thread_path"]
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        # Every thread page shown: the posts on it, and whether it was a new visit (the
        # thread's address as such, not a later page or a permalink's page).
        self.thread_views: list[tuple[list[int], bool]] = []

    def open(self, url: str, form: dict[str, str] | None = None) -> Page:
        data = urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data, timeout=60) as response:
                page = Page(response.status, response.geturl(), response.read().decode())
        except urllib.error.HTTPError as error:
            page = Page(error.code, error.geturl(), error.read().decode(errors="replace"))
        query = urlsplit(page.url).query
        if page.status == 200 and page.path == self.thread_path:
            self.thread_views.append(([int(pk) for pk in POST_ID.findall(page.text)],
                                      "after=" not in query and "before=" not in query))
        return page

    def log_in(self, server: str, who: str) -> None:
        """Through the login form, with its CSRF token."""
        form = self.open(f"{server}/accounts/login/")
        page = self.open(f"{server}/accounts/login/", {
            "csrfmiddlewaretoken": form.csrf_token(),
            "username": self.site.user(who)["email"], "password": self.site.seed["password"],
        })
        assert page.status == 200 and page.path != "/accounts/login/", page.text[:500]
        assert "Log out" in page.text

    def reply(self, *, read_on: str, post_on: str, body: str) -> Page:
        """Opens the thread on one server and sends its reply form to another."""
        thread = self.open(f"{read_on}{self.thread_path}")
        assert thread.status == 200, thread.text[:500]
        return self.open(f"{post_on}{self.site.seed['reply_path']}",
                         {"csrfmiddlewaretoken": thread.csrf_token(), "body": body})

    def cookie(self, name: str) -> http.cookiejar.Cookie:
        return next(cookie for cookie in self.jar if cookie.name == name)


def _post_id(site: Any, marker: str) -> int:
    rows = site.sql("SELECT id FROM discussions_post WHERE body LIKE %s", [f"%{marker}%"])
    assert len(rows) == 1, rows
    return int(rows[0][0])


def _ran_once(site: Any, calls: list[str]) -> None:
    """Each task call was taken from the queue as one job, by one worker, which ran it."""
    def all_done() -> bool:
        jobs, _taken_by, done_by = site.jobs()
        return all(len(jobs[call]) == 1 and all(done_by[job] for job in jobs[call])
                   for call in calls)

    site.wait_for("the workers to report the jobs done", all_done)
    jobs, taken_by, done_by = site.jobs()
    for call in calls:
        (job,) = jobs[call]
        assert len(taken_by[job]) == 1, f"{call} was taken by {taken_by[job]}"
        assert done_by[job] == taken_by[job], f"{call}: taken by {taken_by[job]}, done by "\
            f"{done_by[job]}"


def test_a_post_made_through_one_server_is_seen_through_the_other(site):
    a, b = site.servers
    alice, bob = Visitor(site), Visitor(site)
    alice.log_in(a, "alice")
    bob.log_in(b, "bob")
    marker = f"through-A-{uuid.uuid4().hex}"

    posted = alice.reply(read_on=a, post_on=a, body=f"Posted through server A. {marker}")

    assert posted.status == 200 and marker in posted.text, posted.text[:500]
    post_id = _post_id(site, marker)
    seen = bob.open(f"{b}/c/{site.seed['community']}/posts/{post_id}/")
    assert seen.status == 200 and seen.path == site.seed["thread_path"]
    assert f'id="post-{post_id}"' in seen.text and marker in seen.text


def test_a_session_made_on_one_server_is_signed_in_on_the_other(site):
    a, b = site.servers
    alice = Visitor(site)
    alice.log_in(a, "alice")
    # A browser that has nothing but the session cookie A gave.
    same_browser = Visitor(site)
    same_browser.jar.set_cookie(copy.copy(alice.cookie("sessionid")))

    profile = same_browser.open(f"{b}/accounts/profile/")

    assert profile.status == 200 and profile.path == "/accounts/profile/"
    assert site.user("alice")["email"] in profile.text
    assert Visitor(site).open(f"{b}/accounts/profile/").path == "/accounts/login/"
    # Logging out on B ends the session on A too.
    same_browser.open(f"{b}/accounts/logout/", {"csrfmiddlewaretoken": profile.csrf_token()})
    assert alice.open(f"{a}/accounts/profile/").path == "/accounts/login/"


def test_a_task_queued_through_one_server_runs_once(site):
    a, _b = site.servers
    alice = Visitor(site)
    alice.log_in(a, "alice")
    marker = f"queued-through-A-{uuid.uuid4().hex}"
    watcher = site.user("watcher")

    posted = alice.reply(read_on=a, post_on=a, body=f"A post the watcher hears of. {marker}")

    assert posted.status == 200, posted.text[:500]
    post_id = _post_id(site, marker)
    site.wait_for("the watcher's email to be sent", lambda: site.sql(
        "SELECT status FROM notifications_outboundemail WHERE post_id = %s", [post_id],
    ) == [("sent",)])
    [(email_id, user_id, attempts)] = site.sql(
        "SELECT id, user_id, attempts FROM notifications_outboundemail WHERE post_id = %s",
        [post_id])
    assert (user_id, attempts) == (watcher["id"], 1)
    sent = [mid for mid in site.smtp.message_ids() if mid.startswith(f"<post-{post_id}.")]
    assert len(sent) == 1 and sent[0].startswith(f"<post-{post_id}.{watcher['id']}@")
    # The fan-out queued by server A, and the delivery it queued: one job each, one worker.
    _ran_once(site, [f"{TASKS}.fan_out_post({post_id})", f"{TASKS}.deliver_email({email_id})"])


def test_posting_through_both_servers_at_once_keeps_counters_and_read_marks_exact(site):
    servers = site.servers
    seed = site.seed
    run = uuid.uuid4().hex[:12]
    posters = [Visitor(site) for _ in range(POSTERS)]
    for number, poster in enumerate(posters):
        poster.log_in(servers[number % 2], f"poster{number}")
    [(posts_before,)] = site.sql("SELECT count(*) FROM discussions_post WHERE thread_id = %s",
                                 [seed["thread_id"]])
    start = threading.Barrier(POSTERS)
    failures: list[str] = []

    def post_replies(number: int, poster: Visitor) -> None:
        try:
            start.wait(timeout=30)
            for reply in range(REPLIES_EACH):
                # Read on one server, post through the other; the next reply the other way.
                read_on, post_on = servers[(number + reply) % 2], servers[(number + reply + 1) % 2]
                marker = f"m-{run}-{number}-{reply}-"
                page = poster.reply(read_on=read_on, post_on=post_on,
                                    body=f"Reply {reply} of poster {number}. {marker}")
                if page.status != 200 or marker not in page.text:
                    failures.append(f"poster {number}, reply {reply}: {page.status} {page.url}"
                                    f"\n{page.text[:500]}")
                    return
        except Exception as error:  # reported below, with the others
            failures.append(f"poster {number}: {error!r}")

    threads = [threading.Thread(target=post_replies, args=(number, poster))
               for number, poster in enumerate(posters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, "\n".join(failures)

    # Exactly the replies sent, each once.
    bodies = site.sql("SELECT id, author_id, body FROM discussions_post WHERE thread_id = %s "
                      "AND body LIKE %s", [seed["thread_id"], f"%m-{run}-%"])
    markers = Counter(re.search(rf"m-{run}-\d+-\d+-", body)[0] for _id, _author, body in bodies)
    assert len(bodies) == POSTERS * REPLIES_EACH
    assert set(markers.values()) == {1}
    [(posts_after,)] = site.sql("SELECT count(*) FROM discussions_post WHERE thread_id = %s",
                                [seed["thread_id"]])
    assert posts_after - posts_before == POSTERS * REPLIES_EACH

    # The thread's counters against what is there.
    [(post_count, latest_post_id, last_post_at)] = site.sql(
        "SELECT post_count, latest_post_id, last_post_at FROM discussions_thread WHERE id = %s",
        [seed["thread_id"]])
    [(real_count, real_latest, real_last_at)] = site.sql(
        "SELECT count(*), max(id), max(created_at) FROM discussions_post WHERE thread_id = %s",
        [seed["thread_id"]])
    assert (post_count, latest_post_id, last_post_at) == (real_count, real_latest, real_last_at)
    _counters_match(site, "topics_topic", seed["topic_id"], "topic_id")
    _counters_match(site, "communities_community", seed["community_id"], "community_id")

    # Each poster's read mark: the furthest post any page showed them, never moved back by a
    # page of older posts shown later. It is written only when a page moves it, and then
    # counts a visit if that page opened the thread itself (a reload or a page of older posts
    # within the same sitting writes nothing).
    for number, poster in enumerate(posters):
        user_id = site.user(f"poster{number}")["id"]
        own = max(pk for pk, author, _body in bodies if author == user_id)
        furthest = max(pk for shown, _visit in poster.thread_views for pk in shown)
        mark, visits = 0, 0
        for shown, visit in poster.thread_views:
            if shown and max(shown) > mark:
                mark, visits = max(shown), visits + visit
        assert furthest >= own
        assert site.sql("SELECT last_read_post_id, visits FROM discussions_threadread "
                        "WHERE user_id = %s AND thread_id = %s", [user_id, seed["thread_id"]],
                        ) == [(furthest, visits)], f"poster {number}"

    # Every reply owed the watcher one email, sent once, by a job run once.
    post_ids = sorted(pk for pk, _author, _body in bodies)
    site.wait_for("the watcher's emails to be sent", lambda: site.sql(
        "SELECT count(*) FROM notifications_outboundemail WHERE post_id = ANY(%s) "
        "AND status = 'sent'", [post_ids]) == [(len(post_ids),)], timeout=60)
    emails = site.sql("SELECT id, post_id, user_id, attempts FROM notifications_outboundemail "
                      "WHERE post_id = ANY(%s)", [post_ids])
    assert sorted(post_id for _id, post_id, _user, _attempts in emails) == post_ids
    assert {(user, attempts) for _id, _post, user, attempts in emails} == {
        (site.user("watcher")["id"], 1)}
    sent = Counter(mid.split(".")[0] for mid in site.smtp.message_ids())
    assert all(sent[f"<post-{post_id}"] == 1 for post_id in post_ids)
    _ran_once(site, [f"{TASKS}.fan_out_post({post_id})" for post_id in post_ids]
              + [f"{TASKS}.deliver_email({email_id})" for email_id, *_rest in emails])


def _counters_match(site: Any, table: str, pk: int, key: str) -> None:
    """Counters a topic or a community keeps, if it keeps any, against what is there."""
    where = {"topic_id": "t.topic_id = %s", "community_id": "t.community_id = %s"}[key]
    [(threads, posts, latest, last_at)] = site.sql(
        f"SELECT count(DISTINCT t.id), count(p.id), max(p.id), max(p.created_at) "  # noqa: S608 (one of the two clauses above)
        "FROM discussions_thread t JOIN discussions_post p ON p.thread_id = t.id "
        f"WHERE {where}", [pk])
    real = {"thread_count": threads, "post_count": posts, "latest_post_id": latest,
            "last_post_at": last_at}
    kept = site.columns(table) & real.keys()
    for column in sorted(kept):
        [(value,)] = site.sql(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        assert value == real[column], f"{table}.{column} is {value}, there are {real[column]}"
