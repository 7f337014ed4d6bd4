"""``manage.py sample_participants --community SLUG --measure posts --since YYYY-MM-DD
--until YYYY-MM-DD --top 10 --pick 5 --seed 42 [--stratify tier|cohort] [--study SLUG
--save]``: the top N members of the community by the measure in the window and the K picked
at random with the seed (the rules: ``praxis.research.sampling``). The same arguments over
the same data print the same list; with ``--study`` and ``--save`` the draw is kept with the
study, as the study's sampling page keeps it."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from praxis.communities.models import Community
from praxis.core.management.options import day
from praxis.research import sampling
from praxis.research.models import Study


class Command(BaseCommand):
    help = ("Prints the top N members of a community by an engagement measure in a window "
            "(both days included, UTC days; ties by user id), and the K of them picked at "
            "random with the seed. The same arguments print the same list.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", required=True, help="The community's slug.")
        parser.add_argument("--measure", default="posts",
                            help=f"What members are ranked by: {', '.join(sampling.MEASURES)}.")
        parser.add_argument("--since", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--until", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--top", type=int, required=True, help="How many are ranked.")
        parser.add_argument("--pick", type=int, required=True,
                            help="How many of those are picked at random.")
        parser.add_argument("--seed", type=int, required=True, help="The random seed.")
        parser.add_argument("--stratify", default="", help="tier or cohort: a draw in each.")
        parser.add_argument("--study", default="",
                            help="The study (its slug) the draw is for; with --save.")
        parser.add_argument("--save", action="store_true",
                            help="Keep the draw with the study given by --study.")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("en")
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"No community has the slug “{options['community']}”.")
        study = None
        if options["study"]:
            study = Study.objects.filter(community=community, slug=options["study"]).first()
            if study is None:
                raise CommandError(f"{community.slug} has no study with the slug "
                                   f"“{options['study']}”.")
        if options["save"] and study is None:
            raise CommandError("--save keeps the draw with a study: give --study SLUG.")
        if options["stratify"] not in ("tier", "cohort", ""):
            raise CommandError(f"--stratify {options['stratify']}: give tier or cohort.")
        criteria = {"measure": options["measure"],
                    "since": day(options["since"], "--since"),
                    "until": day(options["until"], "--until"), "top": options["top"],
                    "pick": options["pick"], "seed": options["seed"],
                    "stratify_by": options["stratify"]}
        try:
            if options["save"]:
                assert study is not None
                sample = sampling.draw_for_study(study, **criteria, drawn_by=None)
            made = sampling.draw(community, **criteria)
        except sampling.SamplingError as error:
            raise CommandError(str(error)) from None
        self._print(made)
        if options["save"]:
            assert study is not None
            self.stdout.write(f"saved: draw {sample.pk} of the study {study.slug}")
        elif study is not None:
            self.stdout.write("not saved: add --save to keep the draw with the study")

    def _print(self, made: sampling.Draw) -> None:
        criteria = made.criteria
        self.stdout.write(
            f"{criteria.measure} from {criteria.since} to {criteria.until} (both days "
            f"included, UTC): the top {criteria.top}, {criteria.pick} picked with the seed "
            f"{criteria.seed}" + (f", in each {criteria.stratify_by}"
                                  if criteria.stratify_by else ""))
        stratum = None
        for row in made.ranking:
            if criteria.stratify_by and row.stratum != stratum:
                stratum = row.stratum
                self.stdout.write(f"\n{criteria.stratify_by}: {stratum or '(none)'}")
            self.stdout.write(f"{row.rank:>4}  {row.value:>8}  {'picked' if row.picked else '':6}"
                              f"  {row.name}")
        if not made.ranking:
            self.stdout.write("No member has any in the window.")
