"""Keeping and thinning data (*gallring*, DOMAIN.md §11).

Domain terms, mapped once:
- ``RetentionRule`` = *gallringsregel*: for one kind of data in one municipality, how long it is kept
  and from which event the period counts, under the municipality's decision (*gallringsbeslut* /
  *dokumenthanteringsplan*), whose reference the rule carries. Nothing is thinned until an
  administrator switches the rule on; a rule may also say the data is kept (archived).
- ``RetentionRun`` = *gallringskörning*: one run of the thinning job for a municipality, with how many
  records of each kind it removed (the record ids are in the audit log, never personal data).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKind(models.TextChoices):
    """The kinds of data a rule governs. The first six are a youth's; the last three are records of
    the installation (counted from the day they were made)."""

    CONTACT_DETAILS = "contact_details", _("Contact details (address, phone, e-mail, guardians)")
    REGISTER_FACTS = "register_facts", _("School enrolments and leaving reports")
    REGISTER_HISTORY = "register_history", _("Register history and timeline")
    OUTREACH = "outreach", _("Contact attempts, first meetings and concern reports")
    LETTERS = "letters", _("Letters sent and reply codes")
    CASEWORK = "casework", _("Case work: journal, mapping, action plan, measures, consents, referrals, occupation")
    IMPORT_RUNS = "import_runs", _("Import runs")
    LETTER_BATCHES = "letter_batches", _("Printed letter batches (the PDF files)")
    AUDIT = "audit", _("Audit log (who read or changed a record)")


YOUTH_KINDS = (
    DataKind.CONTACT_DETAILS,
    DataKind.REGISTER_FACTS,
    DataKind.REGISTER_HISTORY,
    DataKind.OUTREACH,
    DataKind.LETTERS,
    DataKind.CASEWORK,
)
RECORD_KINDS = (DataKind.IMPORT_RUNS, DataKind.LETTER_BATCHES, DataKind.AUDIT)


class CountedFrom(models.TextChoices):
    LEFT_TARGET_GROUP = "left_target_group", _("The youth left the target group")
    CASE_CLOSED = "case_closed", _("The case was closed (and the youth had left the target group)")
    CREATED = "created", _("The record was made")


class RetentionRule(models.Model):
    """Thinning rule (*gallringsregel*) of one kind of data in one municipality."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="retention_rules",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind of data"), max_length=24, choices=DataKind.choices)
    keep = models.BooleanField(
        _("kept (archived), never thinned"),
        default=False,
        help_text=_("The decision says this kind of data is kept, e.g. as the basis of reported statistics."),
    )
    months = models.PositiveSmallIntegerField(
        _("kept for (months)"), default=36, help_text=_("0: thinned as soon as the event has happened.")
    )
    counted_from = models.CharField(_("counted from"), max_length=20, choices=CountedFrom.choices)
    from_year_end = models.BooleanField(
        _("counted from the end of that year"),
        default=False,
        help_text=_("E.g. three years after the end of the year the case was closed."),
    )
    decision = models.CharField(
        _("the municipality's decision"),
        max_length=200,
        blank=True,
        help_text=_("The reference of the thinning decision or the records management plan (dokumenthanteringsplan)."),
    )
    enabled = models.BooleanField(
        _("thinning switched on"),
        default=False,
        help_text=_("Until it is switched on, the rule is only previewed: nothing is removed."),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        ordering = ["municipality", "kind"]
        verbose_name = _("thinning rule")
        verbose_name_plural = _("thinning rules")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="retention_rule_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}:{self.kind}"

    @property
    def is_youth_kind(self) -> bool:
        return self.kind in YOUTH_KINDS


class RetentionRun(models.Model):
    """A run of the thinning job (*gallringskörning*) for one municipality: counts per kind of data."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="retention_runs",
        verbose_name=_("municipality"),
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    removed = models.JSONField(_("removed"), default=dict, blank=True)  # {kind: records removed}

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("thinning run")
        verbose_name_plural = _("thinning runs")
        indexes = [models.Index(fields=["municipality", "started_at"])]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.started_at:%Y-%m-%d}"

    @property
    def total(self) -> int:
        return sum(self.removed.values())
