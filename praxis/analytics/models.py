"""What analytics keeps: the costs a steward enters for the report to leadership, and the
engagement figures of months that are over (``months``); every other figure is computed from
the other apps' rows when asked (``engagement``)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CostSheet(models.Model):
    """What a community's work cost over a period, as its steward entered it: facilitation
    hours at a rate, and other costs (``CostItem``). One sheet per community and period."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="cost_sheets", verbose_name=_("community"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    currency = models.CharField(_("currency"), max_length=12, blank=True,
                                help_text=_("As leadership reads it, e.g. EUR or ریال."))
    facilitation_hours = models.DecimalField(
        _("facilitation hours"), max_digits=8, decimal_places=1, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))])
    hourly_rate = models.DecimalField(
        _("rate per facilitation hour"), max_digits=14, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cost sheet")
        verbose_name_plural = _("cost sheets")
        constraints = [
            models.UniqueConstraint(fields=["community", "start", "end"],
                                    name="one_cost_sheet_per_period"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                   name="cost_sheet_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.start} to {self.end}"


class CostItem(models.Model):
    """One other cost of the period: licences, a venue, printed materials."""

    sheet = models.ForeignKey(CostSheet, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(_("what"), max_length=160)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal(0))])

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


class SettledMonth(models.Model):
    """The engagement figures of one month that is over, per person, read once from the
    activity rows and kept (``analytics.months``): a window of a year reads twelve of these
    instead of every post of the year. ``read_at`` is when they were read; a change to the
    month's activity after that (``MonthChange``) makes them stale."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    month = models.DateField()  # its first day (UTC)
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "month"],
                                               name="one_settled_month")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m}"


class MemberMonth(models.Model):
    """One person's figures in a settled month (the columns of ``MemberEngagement``)."""

    settled = models.ForeignKey(SettledMonth, on_delete=models.CASCADE, related_name="rows")
    user_id = models.IntegerField()  # kept as a number: only ever summed by person
    posts = models.PositiveIntegerField(default=0)
    replies_to_others = models.PositiveIntegerField(default=0)
    threads_started = models.PositiveIntegerField(default=0)
    words = models.PositiveBigIntegerField(default=0)
    active_days = models.PositiveSmallIntegerField(default=0)
    thread_reads = models.PositiveIntegerField(default=0)
    resource_reads = models.PositiveIntegerField(default=0)
    feedback_given = models.PositiveIntegerField(default=0)
    stories = models.PositiveIntegerField(default=0)
    cascade_events = models.PositiveIntegerField(default=0)
    first_activity = models.DateTimeField(null=True)
    last_activity = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["settled", "user_id"], name="member_month")]


class MemberMonthTopic(models.Model):
    """A topic a person posted in or read during a settled month, with their posts and
    visits there: topics taken part in, and a topic's posters and readers, are counted once
    however many months they span."""

    settled = models.ForeignKey(SettledMonth, on_delete=models.CASCADE, related_name="topics")
    user_id = models.IntegerField()
    topic_id = models.IntegerField()
    posts = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        # Covering: the pairs a window needs are read from the index alone.
        indexes = [models.Index(fields=["settled", "user_id", "topic_id", "posts", "visits"],
                                name="member_month_topic_figures")]


class MonthChange(models.Model):
    """The last time a month's activity was written after the fact (``core.history``);
    ``month`` None: the community's whole history."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    month = models.DateField(null=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="one_month_change"),
            models.UniqueConstraint(fields=["community"], condition=models.Q(month=None),
                                    name="one_history_change"),
        ]


class SettledWeek(models.Model):
    """A whole week that is over, community-wide, as the activity chart counts it: posts,
    readers and active members (people are counted once a week, so weeks are kept whole
    rather than summed from months). Stale as its months are (``MonthChange``)."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    monday = models.DateField()
    # The months its Monday and its Sunday fall in, which a change marks.
    month = models.DateField()
    last_month = models.DateField()
    read_at = models.DateTimeField()
    posts = models.PositiveIntegerField(default=0)
    readers = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "monday"],
                                               name="one_settled_week")]


class MonthReply(models.Model):
    """Replies from one person to another in a settled month: the reply network of a
    window sums them."""

    settled = models.ForeignKey(SettledMonth, on_delete=models.CASCADE, related_name="replies")
    source_id = models.IntegerField()  # the one replying
    target_id = models.IntegerField()  # the one replied to
    replies = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["settled", "source_id", "target_id", "replies"],
                                name="month_reply")]
