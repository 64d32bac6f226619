"""Reporting's own records: each statistics file produced, and the municipality's planning figures.

- ``StatisticsFile`` = a file handed to SCB (*inlämnad statistikfil*): SCB replaces the earlier
  upload with each new one, so the municipality keeps which file it produced, when and by whom.
- ``PlanningSettings`` = *resursplanering* (seed 000): the fixed share of a post, hours per youth
  and working hours per year.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatisticsFile(models.Model):
    """A record of one SCB file produced: never the file itself (it holds personnummer)."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT,
                                     related_name="statistics_files", verbose_name=_("municipality"))
    period = models.CharField(_("half-year"), max_length=6)
    file_format = models.CharField(_("format"), max_length=4)
    created_at = models.DateTimeField(_("produced at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("produced by"))
    via = models.CharField(_("produced from"), max_length=8, default="web")
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64)
    youths = models.PositiveIntegerField(_("youths"))
    rows = models.PositiveIntegerField(_("rows"))
    errors = models.PositiveIntegerField(_("errors in the check"))
    warnings = models.PositiveIntegerField(_("warnings in the check"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("statistics file")
        verbose_name_plural = _("statistics files")
        indexes = [models.Index(fields=["municipality", "period", "created_at"])]

    def __str__(self) -> str:
        return f"{self.period} {self.checksum[:12]}"


class PlanningSettings(models.Model):
    """The municipality's resource-planning figures (seed 000); defaults 25 %, 9 hours, 1,760 hours."""

    municipality = models.OneToOneField("organisations.Municipality", on_delete=models.CASCADE,
                                        related_name="planning_settings", verbose_name=_("municipality"))
    fixed_percent = models.DecimalField(
        _("fixed share of a full-time post (%)"), max_digits=5, decimal_places=2, default=Decimal("25"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    hours_per_youth = models.DecimalField(
        _("hours per youth and year"), max_digits=6, decimal_places=2, default=Decimal("9"),
        validators=[MinValueValidator(Decimal("0"))])
    hours_per_year = models.PositiveIntegerField(
        _("working hours of a full-time post per year"), default=1760,
        validators=[MinValueValidator(1), MaxValueValidator(8760)])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("resource-planning settings")
        verbose_name_plural = _("resource-planning settings")

    def __str__(self) -> str:
        return f"planning {self.municipality_id}"


class BoardReport(models.Model):
    """A board report prepared for a month or half-year (*månadsstatistik*, *rapport till nämnden*).

    Prepared by the scheduled job at the start of each month (``created_by`` empty) so the coordinator
    finds it ready. Holds aggregates only, small numbers hidden: never a youth's name or personnummer.
    """

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE,
                                     related_name="board_reports", verbose_name=_("municipality"))
    kind = models.CharField(_("kind"), max_length=10)
    period = models.CharField(_("period"), max_length=7)
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("prepared by"))
    pdf = models.BinaryField(_("PDF"))
    xlsx = models.BinaryField(_("XLSX"))
    checksum = models.CharField(_("SHA-256 checksum of the PDF"), max_length=64)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("board report")
        verbose_name_plural = _("board reports")
        constraints = [models.UniqueConstraint(fields=["municipality", "kind", "period"],
                                               name="reporting_board_report_once_per_period")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period}"


class FollowUpGoals(models.Model):
    """The municipality's goals for KAA in a year and how it works towards them (*mål för KAA* and
    *hur arbetar vi för att nå målet*, seed 001 §7): written by the coordinator, kept with the June
    follow-up of that year (page, PDF and XLSX)."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE,
                                     related_name="follow_up_goals", verbose_name=_("municipality"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2099)])
    goals_text = models.TextField(_("our goals"), blank=True, max_length=5000)
    work_text = models.TextField(_("how we work towards them"), blank=True, max_length=5000)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("goals of the follow-up")
        verbose_name_plural = _("goals of the follow-up")
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="follow_up_goals_one_per_year")]

    def __str__(self) -> str:
        return f"goals {self.municipality_id} {self.year}"
class WheelTask(models.Model):
    """A recurring administrative task of the yearly wheel (*årshjul*, seed 001 Bilaga 5).

    Its dates are computed from the rule (kaa/reporting/wheel.py), never stored; ``preset`` names the
    default it was installed from, so installing the defaults again adds nothing.
    """

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Every few weeks")
        MONTHLY = "monthly", _("On a day of chosen months")

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE,
                                     related_name="wheel_tasks", verbose_name=_("municipality"))
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    kind = models.CharField(_("recurs"), max_length=8, choices=Kind.choices)
    anchor = models.DateField(_("first time"), help_text=_("No date of the task falls before this day."))
    interval_weeks = models.PositiveSmallIntegerField(
        _("every how many weeks"), default=1, validators=[MinValueValidator(1), MaxValueValidator(52)])
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("31 means the last day of a shorter month."))
    months = models.CharField(_("months"), max_length=40, default="1,2,3,4,5,6,7,8,9,10,11,12")
    remind_days = models.PositiveSmallIntegerField(
        _("remind this many days before"), default=7, validators=[MaxValueValidator(90)])
    active = models.BooleanField(_("active"), default=True)
    preset = models.CharField(_("installed from the default"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("task of the yearly wheel")
        verbose_name_plural = _("tasks of the yearly wheel")
        indexes = [models.Index(fields=["municipality", "active"])]

    def __str__(self) -> str:
        return self.title


class WheelDone(models.Model):
    """One occurrence of a wheel task marked done (*utförd*): by whom and when."""

    task = models.ForeignKey(WheelTask, on_delete=models.CASCADE, related_name="done",
                             verbose_name=_("task"))
    on = models.DateField(_("date of the occurrence"))
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("done by"))
    done_at = models.DateTimeField(_("marked done at"), auto_now_add=True)

    class Meta:
        ordering = ["task", "on"]
        verbose_name = _("task done")
        verbose_name_plural = _("tasks done")
        constraints = [models.UniqueConstraint(fields=["task", "on"], name="reporting_wheel_done_once")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.on}"


class WheelReminder(models.Model):
    """A reminder e-mail sent about one occurrence: at most one of each kind (the job is idempotent)."""

    class Kind(models.TextChoices):
        DUE = "due", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    task = models.ForeignKey(WheelTask, on_delete=models.CASCADE, related_name="reminders",
                             verbose_name=_("task"))
    on = models.DateField(_("date of the occurrence"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("reminder of the yearly wheel")
        verbose_name_plural = _("reminders of the yearly wheel")
        constraints = [models.UniqueConstraint(fields=["task", "on", "kind"], name="reporting_wheel_reminder_once")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.on} {self.kind}"
