"""Session plans for the tests: a plan with its stages, shared through the service."""

from praxis.practice.services import plans as services

STAGES = [
    services.StageDraft(10, "Warm-up: trainees recall a lesson that went well", "pairs",
                        "cards"),
    services.StageDraft(20, "Watch a recorded lesson and note the feedback moves",
                        "individual", "video, worksheet"),
    services.StageDraft(15, "Share notes and agree three principles", "groups"),
]


def draft(title: str = "Giving feedback to trainee teachers", stages=None, **fields):
    values = {"title": title, "audience": "trainers", "level": "novice trainers",
              "duration_minutes": 45,
              "aims": "Trainers practise giving feedback that trainees can act on.",
              "stages": STAGES if stages is None else stages}
    values.update(fields)
    return services.PlanDraft(**values)


def share(community, author, **fields):
    return services.share_plan(community=community, author=author, draft=draft(**fields))
