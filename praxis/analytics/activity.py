"""The community's activity over a window, for the charts beside the engagement table:
posts, readers and active members per week; participation per topic; the reply network.
Each a fixed number of grouped queries, as ``engagement``; weeks start on Monday (UTC)."""

from dataclasses import dataclass
from datetime import date

from praxis.analytics.engagement import Scope


@dataclass(frozen=True)
class Week:
    monday: date
    posts: int
    readers: int  # members who opened a discussion that week
    active: int  # members who posted or opened a discussion that week


def weekly_activity(scope: Scope) -> list[Week]:
    """Every week touching the window, in order, weeks without activity included."""
    raise NotImplementedError


@dataclass(frozen=True)
class TopicParticipation:
    topic_id: int
    title: str
    slug: str
    posts: int
    posters: int  # distinct members who posted in it in the window
    readers: int  # distinct members who opened one of its discussions in the window


def topic_participation(scope: Scope) -> list[TopicParticipation]:
    """The topics with posts or readers in the window, most posts first."""
    raise NotImplementedError


@dataclass(frozen=True)
class Node:
    user_id: int
    name: str
    role: str
    replies_sent: int  # replies to others written in the window
    replies_received: int
    out_degree: int  # distinct people replied to
    in_degree: int  # distinct people who replied to them
    cluster: int  # index of the connected group of repliers they belong to, 0 = largest


@dataclass(frozen=True)
class Edge:
    source: int  # user id of the one replying
    target: int  # user id of the one replied to
    replies: int


@dataclass(frozen=True)
class ReplyNetwork:
    nodes: list[Node]  # members who sent or received a reply in the window
    edges: list[Edge]
    members: int  # members in the scope
    isolated: int  # members in the scope who neither sent nor received a reply
    reciprocity: float | None  # share of connected pairs that replied both ways
    clusters: list[int]  # sizes of the connected groups (undirected), largest first


def reply_network(scope: Scope) -> ReplyNetwork:
    """Who replies to whom (a reply to one's own post is no edge)."""
    raise NotImplementedError
