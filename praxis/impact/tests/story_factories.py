"""Stories for the tests, written through the service."""

from datetime import date

from praxis.impact import stories as services
from praxis.impact.stories import StoryDraft


def tell(community, author, *, tell: bool = True, **fields):
    values = {"title": "Loop input in my TTC course", "visibility": "community",
              "potential": "I saw how to model what I teach.",
              "applied": "I taught feedback by giving feedback, then named it.",
              "session_date": date(2026, 3, 14), "session_audience": "novice teachers",
              "trainee_count": 18}
    values.update(fields)
    return services.save_story(community=community, author=author, draft=StoryDraft(**values),
                               tell=tell)
