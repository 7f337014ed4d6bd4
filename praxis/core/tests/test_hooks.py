"""Hooks: how lower apps' use cases let higher apps react (decision 30)."""

import pytest

from praxis.communities.hooks import membership_ended
from praxis.core.email import notice_owed
from praxis.core.hooks import Hook
from praxis.discussions import services as discussion_services
from praxis.discussions.hooks import post_published
from praxis.notifications import services as notification_services
from praxis.research import personal_data as research_data
from praxis.topics.hooks import topic_created


def test_receivers_run_once_each_in_the_order_registered():
    heard = []
    hook: Hook[[str]] = Hook("example")

    def first(word: str) -> None:
        heard.append(("first", word))

    def second(word: str) -> None:
        heard.append(("second", word))

    hook.register(first)
    hook.register(second)
    hook.register(first)  # ready() may run twice
    hook.fire("posted")
    assert heard == [("first", "posted"), ("second", "posted")]


def test_a_required_hook_with_no_receiver_fails_loudly():
    with pytest.raises(RuntimeError, match="outbox"):
        Hook("outbox", required=True).fire()
    Hook("optional").fire()  # nothing to do, nothing said


def test_every_hook_has_its_receiver_once_the_apps_are_ready():
    assert notice_owed.receivers == [notification_services.queue_notice]
    assert post_published.receivers == [notification_services.post_published]
    assert membership_ended.receivers == [notification_services.forget_departed_member,
                                          research_data.forget_role]
    assert topic_created.receivers == [discussion_services.open_topic_threads]
