"""Practice: session plans with their versions and feedback (``plans``), critical friends and
the reflection diary (``diary``)."""

from praxis.practice.models.diary import Friendship, JournalEntry
from praxis.practice.models.plans import (
    Feedback,
    FeedbackRequest,
    PlanStage,
    PlanVersion,
    SessionPlan,
)

__all__ = ["Feedback", "FeedbackRequest", "Friendship", "JournalEntry", "PlanStage",
           "PlanVersion", "SessionPlan"]
