"""What analytics keeps: the costs a steward enters for the report to leadership. Every
figure of engagement is computed from the other apps' rows when asked (``engagement``)."""

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
