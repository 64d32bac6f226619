"""Hand-over (*överlämning*, issue 14): the fraktsedel, transfers between municipalities, case ownership.

Domain terms, mapped once:
- ``Fraktsedel`` = *fraktsedel*: the hand-over document that follows the youth through a transition,
  chosen section by section with the youth, given with consent; a record of to whom and when.
- ``Transfer`` = *överflyttning*: the case offered by one municipality of the installation to another.
- ``CaseOwnership`` = *ärendeansvar*: which municipality holds the youth's case records, from when.
  The access policy reads it (by label) to decide who reads the case.

Free text never goes into YouthEvents or the audit log: events carry ids and codes only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Transition(models.TextChoices):
    """The transitions the fraktsedel follows the youth through (seed 000 "Övergångar")."""

    SCHOOL = "school", _("From compulsory school to upper-secondary school")
    PARTNER = "partner", _("From KAA to a partner (employment service, folk high school, adult education)")
    ADULT = "adult", _("At 20, to adult services or the municipality's adult responsibility")
    MUNICIPALITY = "municipality", _("To another municipality")


class FraktsedelSection(models.TextChoices):
    """The sections of a fraktsedel, chosen one by one with the youth. Never the journal."""

    ABOUT_ME = "about_me", _("About me: interests, wishes and strengths")
    SCHOOL = "school", _("School: what worked and what did not")
    SUPPORT = "support", _("Support that helps me and practical obstacles")
    PLAN = "plan", _("My goal and my plan")
    HISTORY = "history", _("What I have done: measures and occupation")


class Fraktsedel(models.Model):
    """The fraktsedel (*fraktsedel*): what was given, to whom, when and with whose consent.

    ``content`` keeps the text as given (section by section), so the record and its PDF say exactly what
    the recipient received, whatever the case says later. Recipients are names: partners are not users.
    """

    youth = models.ForeignKey(
        "register.Youth", on_delete=models.CASCADE, related_name="fraktsedlar", verbose_name=_("youth")
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given by the municipality"),
    )
    transition = models.CharField(_("transition"), max_length=14, choices=Transition.choices)
    recipient_organisation = models.CharField(_("receiving organisation"), max_length=200)
    recipient_name = models.CharField(_("receiving person"), max_length=200, blank=True)
    sections = models.JSONField(_("sections"), default=list)
    content = models.JSONField(_("content as given"), default=list)
    given_on = models.DateField(_("given on"))
    consent = models.ForeignKey(
        "casework.Consent", on_delete=models.PROTECT, related_name="+", verbose_name=_("consent")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("fraktsedel")
        verbose_name_plural = _("fraktsedlar")
        indexes = [models.Index(fields=["youth", "given_on"])]

    def __str__(self) -> str:
        return f"fraktsedel {self.pk}"


class TransferStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked by the sender")


class Transfer(models.Model):
    """A transfer (*överflyttning*) of a youth from one municipality of the installation to another.

    Until it is accepted the sending municipality keeps responsibility. ``with_case``: the case records
    go along (a valid consent naming the receiving municipality is required, ``consent``); otherwise only
    the register facts move. Confidential journal entries never move.
    """

    youth = models.ForeignKey(
        "register.Youth", on_delete=models.CASCADE, related_name="transfers", verbose_name=_("youth")
    )
    from_municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("from municipality")
    )
    to_municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("to municipality")
    )
    with_case = models.BooleanField(_("with the case"), default=False)
    consent = models.ForeignKey(
        "casework.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("consent")
    )
    note = models.TextField(_("note to the receiving coordinator"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.IN_PROGRESS
    )
    reason = models.TextField(_("reason for rejecting"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offered by"),
    )
    created_at = models.DateTimeField(_("offered at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        indexes = [
            models.Index(fields=["to_municipality", "status"]),
            models.Index(fields=["from_municipality", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["youth"], condition=models.Q(status="in_progress"), name="handover_one_open_transfer"
            ),
        ]

    def __str__(self) -> str:
        return f"transfer {self.pk} {self.status}"


class CaseOwnership(models.Model):
    """Which municipality holds the youth's case records (*ärendeansvar*), from ``since`` until ``until``.

    Written when a case opens (pinned to the youth's municipality then), when a transfer is offered and
    when one is accepted with the case. The access policy reads the open row: a population file that moves
    the youth to another municipality never hands it the case records. Rows are never deleted: they are
    the ownership history.
    """

    youth = models.ForeignKey(
        "register.Youth", on_delete=models.CASCADE, related_name="case_ownerships", verbose_name=_("youth")
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    since = models.DateTimeField(_("since"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    transfer = models.ForeignKey(
        Transfer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("through the transfer"),
    )

    class Meta:
        ordering = ["since", "pk"]
        verbose_name = _("case ownership")
        verbose_name_plural = _("case ownerships")
        constraints = [
            models.UniqueConstraint(
                fields=["youth"], condition=models.Q(until__isnull=True), name="handover_one_current_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"owner {self.youth_id} {self.municipality_id}"
