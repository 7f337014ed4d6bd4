"""The prompt models a diary entry may follow: each structures the entry as headed parts.

An entry keeps its text as ``{part key: Markdown}`` (``JournalEntry.parts``); an entry
without prompts has the one part ``text``. The keys are stored, so they never change; the
headings and hints are words for people, translated when shown.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from praxis.practice.models.diary import ReflectionModel

FREE_KEY = "text"


@dataclass(frozen=True)
class Prompt:
    key: str
    heading: str | Promise
    hint: str | Promise = ""


PROMPTS: dict[str, tuple[Prompt, ...]] = {
    ReflectionModel.FREE: (
        Prompt(FREE_KEY, _("Reflection"), _("What happened, and what you make of it.")),
    ),
    ReflectionModel.WHAT_SO_WHAT: (
        Prompt("what", _("What?"), _("What happened in the session? Describe it.")),
        Prompt("so_what", _("So what?"), _("Why does it matter? What did you learn?")),
        Prompt("now_what", _("Now what?"), _("What will you do next time?")),
    ),
    ReflectionModel.GIBBS: (
        Prompt("description", pgettext_lazy("the first stage of Gibbs' cycle", "Description"),
               _("What happened?")),
        Prompt("feelings", _("Feelings"), _("What were you thinking and feeling?")),
        Prompt("evaluation", _("Evaluation"), _("What was good and bad about it?")),
        Prompt("analysis", _("Analysis"), _("What sense can you make of it?")),
        Prompt("conclusion", _("Conclusion"), _("What else could you have done?")),
        Prompt("action_plan", _("Action plan"), _("If it arose again, what would you do?")),
    ),
    ReflectionModel.KOLB: (
        Prompt("experience", _("Concrete experience"), _("What did you do, and what happened?")),
        Prompt("observation", _("Reflective observation"),
               _("Looking back, what do you notice?")),
        Prompt("conceptualisation", _("Abstract conceptualisation"),
               _("What ideas or readings explain it?")),
        Prompt("experimentation", _("Active experimentation"),
               _("What will you try in your next session?")),
    ),
}


def prompts_of(model: str) -> tuple[Prompt, ...]:
    """The prompts of a model; an unknown model (never stored) reads as no prompts."""
    return PROMPTS.get(model, PROMPTS[ReflectionModel.FREE])


def headed_parts(model: str, parts: dict[str, str]) -> list[tuple[Prompt, str]]:
    """The entry's parts in its model's order, with their prompts; parts left empty are
    left out. Text kept under a key the model does not name (it cannot happen through the
    services) is shown last, under the free heading, rather than lost."""
    prompts = prompts_of(model)
    shown = [(prompt, parts.get(prompt.key, "")) for prompt in prompts]
    known = {prompt.key for prompt in prompts}
    extra = "\n\n".join(text for key, text in parts.items() if key not in known and text)
    if extra:
        shown.append((PROMPTS[ReflectionModel.FREE][0], extra))
    return [(prompt, text) for prompt, text in shown if text.strip()]


def carried_over(from_model: str, to_model: str, parts: dict[str, str]) -> dict[str, str]:
    """The parts of an entry moving to another model: parts of the same key stay; the rest
    is kept in the new model's first part, each under its old heading, so nothing written is
    lost."""
    if from_model == to_model:
        return dict(parts)
    prompts = prompts_of(to_model)
    keys = {prompt.key for prompt in prompts}
    moved = {key: text for key, text in parts.items() if key in keys and text}
    rest = [f"**{prompt.heading}**\n\n{text}" for prompt, text in headed_parts(from_model, parts)
            if prompt.key not in keys]
    if rest:
        first = prompts[0].key
        moved[first] = "\n\n".join([moved.get(first, ""), *rest]).strip()
    return moved
