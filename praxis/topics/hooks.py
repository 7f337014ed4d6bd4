"""Points in the topics' use cases where higher apps react (see ``core.hooks``)."""

from collections.abc import Sequence
from dataclasses import dataclass

from praxis.accounts.models import User
from praxis.core.hooks import Hook
from praxis.topics.models import Topic


@dataclass(frozen=True)
class QuestionDraft:
    """An open question as the facilitator writes it: the question, and an optional
    elaboration that opens its thread."""

    title: str
    body: str = ""


# Fired inside ``create_topic`` once the topic and its facilitators are saved: discussions
# opens one thread per open question, in order, and the apply thread, each with its opening
# post by the creator. A topic without its threads is not a topic, so this is required.
topic_created: Hook[[Topic, User, Sequence[QuestionDraft]]] = Hook("topic_created",
                                                                   required=True)
