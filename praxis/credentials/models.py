"""Participation credentials: a programme's criteria, the certificates issued under it,
and the key each community signs them with.

A certificate is issued once per programme and person (issuing again changes nothing), is
public by an unguessable id (``public_id``: the verification page, the PDF's QR code, the
Open Badges documents), and is revoked with a reason, never deleted: a revoked one still
answers its verification address, saying so. Each certificate holds a place in its
community's status list (``status_index``): the bit a verifier reads to learn of a
revocation without asking about one certificate in particular.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class IssuerKey(models.Model):
    """The key a community signs its credentials with (RS256, as Open Badges 3.0 requires
    verifiers to support). The private half never leaves the database; the public half is
    published with every credential and at the community's key address."""

    community = models.OneToOneField("communities.Community", on_delete=models.CASCADE,
                                     related_name="issuer_key")
    # The issuer's address names it by this (never by the community's slug, which would
    # tell a stranger whether a private community exists).
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id,
                                 editable=False)
    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")

    def __str__(self) -> str:
        return self.kid


class Programme(models.Model):
    """What a certificate attests: taking part in a programme or over a period, measured
    by criteria a steward sets (a criterion at zero is not asked). Its badge documents are
    addressed by an unguessable ``public_id``, never by its sequential primary key."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="programmes", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=200)
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id,
                                 editable=False)
    description = models.TextField(_("what it recognises"), blank=True, max_length=4000)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    hours = models.DecimalField(_("hours credited"), max_digits=6, decimal_places=1,
                                default=Decimal(0), validators=[MinValueValidator(Decimal(0))])
    min_posts = models.PositiveIntegerField(_("at least this many posts"), default=0)
    min_replies = models.PositiveIntegerField(_("at least this many replies to others"),
                                              default=0)
    min_topics = models.PositiveIntegerField(_("taking part in at least this many topics"),
                                             default=0)
    needs_applied_story = models.BooleanField(
        _("a story of value applied in practice"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                   name="programme_period_in_order"),
        ]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """One person's certificate for one programme. What it states is kept as issued (name,
    hours, topics, the figures met), so it reads the same whatever happens later."""

    # RESTRICT: a programme with certificates cannot be deleted alone, but deleting its
    # community deletes both (PROTECT would refuse that too).
    programme = models.ForeignKey(Programme, on_delete=models.RESTRICT,
                                  related_name="certificates", verbose_name=_("programme"))
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="certificates")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="certificates")
    recipient_name = models.CharField(_("name"), max_length=200)
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id,
                                 editable=False)
    status_index = models.PositiveIntegerField(editable=False)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1,
                                default=Decimal(0))
    topics = models.JSONField(_("topics"), default=list, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    revocation_reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "recipient"],
                                    condition=models.Q(recipient__isnull=False),
                                    name="one_certificate_per_programme_and_person"),
            models.UniqueConstraint(fields=["community", "status_index"],
                                    name="one_status_bit_per_certificate"),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.recipient_name}"

    def get_absolute_url(self) -> str:
        """The public verification page."""
        return reverse("credentials:verify", args=[self.public_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
