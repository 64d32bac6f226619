"""Preventive work (*tidiga förebyggande insatser*, seed 000; seed 001 §3): NOT the register.

Domain terms, mapped once:
- ``PreventiveCase`` = *förebyggande ärende*: a pupil in year 8–9 or upper-secondary school whom the
  school reports at risk, worked with KAA before any register period, with consent. Never in the
  register nor the SCB file; thinned (deleted) when the pupil never enters KAA (``thinning.py``).
- ``CaseWorker`` = a person working with the pupil (*de som arbetar med eleven*): only they see the case.
- ``PreventiveMeeting`` = *möte*: the autumn meeting in year 9, the spring meeting with teacher, pupil and
  parents, follow-ups.
- ``PreventiveMapping`` = *kartläggning utifrån elevens perspektiv med stöd av föräldrarna*: kept
  versions; the latest becomes the case work's first mapping when the pupil enters the register.
- ``AttendanceWeek`` = *närvaro per vecka*: absence and unexcused absence of a pupil in one ISO week.
- ``AttendanceSignal`` = *närvarosignal*: a pupil whose unexcused absence crossed the municipality's
  threshold in its N latest weeks (``AttendanceSettings``). A signal, never a case by itself.
- ``AttendanceImport`` = one attendance file imported (or refused).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.register.models import ConsentBy


class SchoolStage(models.TextChoices):
    YEAR_8 = "year_8", _("Year 8")
    YEAR_9 = "year_9", _("Year 9")
    UPPER_SECONDARY = "upper_secondary", _("Upper-secondary school")


class Origin(models.TextChoices):
    EARLY_SIGNAL = "early_signal", _("Signal from the school")
    ATTENDANCE = "attendance", _("Attendance signal")


class PreventiveStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CARRIED = "carried", _("Carried into KAA's case work")


class PreventiveCase(models.Model):
    """Preventive case (*förebyggande ärende*): the pupil's early contact with KAA, with consent."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="preventive_cases",
        verbose_name=_("municipality"),
    )
    personnummer = models.CharField(_("personal identity number"), max_length=12, db_index=True)
    birth_date = models.DateField(_("date of birth"))
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    school_unit_name = models.CharField(_("school"), max_length=200, blank=True)
    stage = models.CharField(_("school year"), max_length=16, choices=SchoolStage.choices)
    protected = models.BooleanField(_("protected identity"), default=False)
    origin = models.CharField(_("opened from"), max_length=16, choices=Origin.choices)
    early_signal = models.ForeignKey(
        "register.EarlySignal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("early signal"),
    )
    attendance_signal = models.ForeignKey(
        "prevention.AttendanceSignal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance signal"),
    )
    consent_by = models.CharField(_("consent given by"), max_length=10, choices=ConsentBy.choices)
    consent_on = models.DateField(_("consent given on"))
    status = models.CharField(
        _("status"), max_length=10, choices=PreventiveStatus.choices, default=PreventiveStatus.OPEN
    )
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    last_activity_on = models.DateField(_("last activity"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    # Set when the pupil entered the register and the mapping was carried into the case work.
    youth = models.ForeignKey(
        "register.Youth", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("youth")
    )
    carried_at = models.DateTimeField(_("carried into KAA at"), null=True, blank=True)
    carried_mapping_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        verbose_name = _("preventive case")
        verbose_name_plural = _("preventive cases")
        indexes = [models.Index(fields=["municipality", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "personnummer"],
                condition=models.Q(status="open"),
                name="prevention_one_open_case",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class CaseWorker(models.Model):
    """A person working with the pupil: the only people who see the preventive case."""

    case = models.ForeignKey(PreventiveCase, on_delete=models.CASCADE, related_name="workers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("staff member")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("person working with the pupil")
        verbose_name_plural = _("people working with the pupil")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="prevention_worker_once")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"


class MeetingKind(models.TextChoices):
    AUTUMN = "autumn_year_9", _("Autumn meeting in year 9 (KAA and the pupil)")
    SPRING = "spring_year_9", _("Spring meeting in year 9 (teacher, pupil and parents)")
    FOLLOW_UP = "follow_up", _("Follow-up")
    OTHER = "other", _("Other meeting")


class PreventiveMeeting(models.Model):
    """A meeting of the preventive work, with who took part and notes."""

    case = models.ForeignKey(PreventiveCase, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("meeting"), max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField(_("held on"))
    participants = models.CharField(_("who took part"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on}"


class PreventiveMapping(models.Model):
    """One version of the mapping from the pupil's perspective, with the parents' support. Never edited."""

    case = models.ForeignKey(PreventiveCase, on_delete=models.CASCADE, related_name="mappings")
    version = models.PositiveIntegerField(_("version"))
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    participants = models.CharField(_("who took part"), max_length=300, blank=True)
    school_worked = models.TextField(_("school: what works"), blank=True)
    school_not_worked = models.TextField(_("school: what does not work"), blank=True)
    interests = models.TextField(_("interests"), blank=True)
    wishes = models.TextField(_("wishes"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    support_needs = models.TextField(_("needs of support"), blank=True)
    obstacles = models.TextField(_("practical obstacles"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("preventive mapping")
        verbose_name_plural = _("preventive mappings")
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="prevention_mapping_version")]

    def __str__(self) -> str:
        return f"preventive mapping {self.case_id} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("A mapping version is never changed: save a new version")
        super().save(*args, **kwargs)


class AttendanceSettings(models.Model):
    """The municipality's rules of preventive work: the attendance threshold and the thinning period."""

    municipality = models.OneToOneField(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="attendance_settings",
        verbose_name=_("municipality"),
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("unexcused absence at or above (%)"),
        default=15,
        help_text=_("A week counts when the pupil's unexcused absence is at least this share of the scheduled time."),
    )
    weeks = models.PositiveSmallIntegerField(
        _("weeks in a row"),
        default=3,
        help_text=_("A pupil becomes a signal when the latest weeks imported, this many in a row, all count."),
    )
    keep_weeks = models.PositiveSmallIntegerField(
        _("keep attendance data (weeks)"), default=26, help_text=_("Older weekly attendance is deleted every night.")
    )
    thinning_months = models.PositiveSmallIntegerField(
        _("thin preventive cases after (months)"),
        default=12,
        help_text=_(
            "A preventive case of a pupil who never entered KAA is deleted this many months after the "
            "end of compulsory school and after its last activity, and at the latest at 20."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("preventive work settings")
        verbose_name_plural = _("preventive work settings")

    def __str__(self) -> str:
        return f"attendance settings {self.municipality_id}"


class AttendanceImport(models.Model):
    """One attendance file: imported whole, or refused whole with its errors (row and column named)."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="attendance_imports",
        verbose_name=_("municipality"),
    )
    filename = models.CharField(_("file"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=10, blank=True)
    ok = models.BooleanField(_("imported"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    weeks = models.JSONField(_("weeks"), default=list, blank=True)
    signals = models.PositiveIntegerField(_("signals after the import"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")

    def __str__(self) -> str:
        return f"attendance import #{self.pk}"


class AttendanceWeek(models.Model):
    """A pupil's absence in one ISO week (``week`` is its Monday). Never a register fact."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the composite index starts with it
    personnummer = models.CharField(max_length=12)
    week = models.DateField()
    # Floats, one decimal: written 100,000 at a time without a per-value conversion (kaa.core.bulk).
    absence_percent = models.FloatField()
    unexcused_percent = models.FloatField()
    protected = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("attendance week")
        verbose_name_plural = _("attendance weeks")
        indexes = [models.Index(fields=["municipality", "week", "unexcused_percent"])]

    def __str__(self) -> str:
        return f"{self.week} {self.unexcused_percent}"


class SignalState(models.TextChoices):
    NEW = "new", _("New")
    DISMISSED = "dismissed", _("No action")
    CASE_OPENED = "case_opened", _("Preventive case opened")


class AttendanceSignal(models.Model):
    """A pupil whose unexcused absence crossed the threshold in the N latest weeks. Only a signal."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique constraint starts with it
    personnummer = models.CharField(_("personal identity number"), max_length=12)
    protected = models.BooleanField(_("protected identity"), default=False)
    first_week = models.DateField(_("from week"))
    last_week = models.DateField(_("to week"))
    weeks = models.PositiveSmallIntegerField(_("weeks"))
    average_unexcused = models.DecimalField(_("unexcused absence (average %)"), max_digits=4, decimal_places=1)
    status = models.CharField(_("status"), max_length=12, choices=SignalState.choices, default=SignalState.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-average_unexcused", "pk"]
        verbose_name = _("attendance signal")
        verbose_name_plural = _("attendance signals")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "personnummer"], name="prevention_one_signal_per_pupil")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"
