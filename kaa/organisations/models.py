"""Organisations: municipalities (*kommuner*), teams (*arbetslag*) and school units (*skolenheter*)."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """Municipality (*kommun*), identified by its 4-digit SCB code. Holds its local settings."""

    code = models.CharField(
        _("municipality code"), max_length=4, unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Enter the 4-digit SCB municipality code."))],
    )
    name = models.CharField(_("name"), max_length=100)
    # Register settings (DOMAIN.md §2): local choices, not law.
    summer_gap_month = models.PositiveSmallIntegerField(
        _("summer gap ends (month)"), default=9,
        validators=[MinValueValidator(7), MaxValueValidator(12)])
    summer_gap_day = models.PositiveSmallIntegerField(
        _("summer gap ends (day)"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)])
    wait_for_degree_check = models.BooleanField(
        _("wait with older in-movers until their degree is checked"), default=False)
    extended_responsibility = models.BooleanField(
        _("extended responsibility 20–24 (UKAA)"), default=False)
    # Outreach settings (DOMAIN.md §4).
    evening_starts_at = models.TimeField(_("evening starts at"), default=datetime.time(17, 0))
    recontact_months = models.PositiveSmallIntegerField(
        _("months until re-contact after a refusal"), default=3)
    # Letters (DOMAIN.md §4): the KAA's own contact details, printed where a youth has no coach or the
    # coach has no phone number or e-mail address.
    kaa_phone = models.CharField(_("KAA phone number"), max_length=40, blank=True)
    kaa_email = models.EmailField(_("KAA e-mail address"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def summer_gap_end(self, year: int) -> datetime.date:
        return datetime.date(year, self.summer_gap_month, self.summer_gap_day)


class Team(models.Model):
    """Team (*arbetslag*): a group of staff sharing a caseload within one municipality."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="teams",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class SchoolUnit(models.Model):
    """School unit (*skolenhet*), identified by Skolverket's school-unit code."""

    code = models.CharField(_("school unit code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    municipality_code = models.CharField(_("municipality code"), max_length=4, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school unit")
        verbose_name_plural = _("school units")

    def __str__(self) -> str:
        return self.name or self.code
