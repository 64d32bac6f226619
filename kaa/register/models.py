"""The register (*registret*): youths, their facts, and their register history.

Domain terms (DOMAIN.md, INTERFACES.md), mapped once:
- ``Youth`` = *ungdom/person*: every person known to the installation from population or school data.
- ``Guardian`` = *vårdnadshavare*.
- ``Enrolment`` = *inskrivning* (a school enrolment, with interruption = *studieavbrott* and result).
- ``RegisterPeriod`` = a period of the register history (*i målgrupp / ej i målgrupp*, *orsak*).
- ``YouthEvent`` = *händelse*: the append-only timeline and change record of a youth.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Protection(models.TextChoices):
    """Protected personal data (*skyddade personuppgifter*): three levels, not one flag."""

    NONE = "", _("None")
    CONFIDENTIAL = "sekretessmarkering", _("Confidentiality marking")
    PROTECTED_REGISTRATION = "skyddad_folkbokforing", _("Protected population registration")
    FICTITIOUS = "fingerade", _("Fictitious identity")


class PopulationStatus(models.TextChoices):
    NORMAL = "normal", _("Registered")
    MOVED_OUT = "utflyttad", _("Moved out")
    EMIGRATED = "utvandrad", _("Emigrated")
    DECEASED = "avliden", _("Deceased")
    REMOVED = "avregistrerad", _("No longer in the population extract")


class Youth(models.Model):
    """Youth (*ungdom*): a person known from population or school data; the register's subject."""

    # No index of its own: the (municipality, in_target_group, register_reason) index starts with it.
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, db_index=False,
                                     related_name="youths", verbose_name=_("municipality"))
    personnummer = models.CharField(_("personal identity number"), max_length=12, unique=True)
    birth_date = models.DateField(_("date of birth"))
    is_coordination_number = models.BooleanField(_("coordination number"), default=False)
    given_name = models.CharField(_("first name"), max_length=100, blank=True)
    family_name = models.CharField(_("last name"), max_length=100, blank=True)

    # Population register facts (Navet through the municipality).
    in_population = models.BooleanField(_("known to the population register"), default=False)
    municipality_code = models.CharField(_("registered in municipality"), max_length=4, blank=True)
    registered_from = models.DateField(_("registered in the municipality from"), null=True, blank=True)
    immigration_date = models.DateField(_("immigration date"), null=True, blank=True)
    population_status = models.CharField(_("population status"), max_length=16,
                                         choices=PopulationStatus.choices, default=PopulationStatus.NORMAL)
    population_status_date = models.DateField(_("population status date"), null=True, blank=True)
    protection = models.CharField(_("protected identity"), max_length=24, choices=Protection.choices,
                                  default=Protection.NONE, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    # Who works with the youth.
    # No index of its own: the (coach, in_target_group) index starts with it.
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="youths", verbose_name=_("coach"), db_index=False)
    team = models.ForeignKey("organisations.Team", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="youths", verbose_name=_("team"))

    # Current register status: a cache of the open RegisterPeriod, for fast lists.
    in_target_group = models.BooleanField(_("in the target group"), default=False)
    register_reason = models.CharField(_("reason"), max_length=32, blank=True)
    register_since = models.DateField(_("since"), null=True, blank=True)
    register_extended = models.BooleanField(_("extended responsibility (20–24)"), default=False)
    # Re-evaluation bookkeeping: facts changed, or a date on which the status can change by itself.
    # Indexed only where set (partial indexes): every index costs each row the computation rewrites.
    needs_evaluation = models.BooleanField(default=True)
    next_evaluation_date = models.DateField(null=True, blank=True)
    facts_digest = models.CharField(max_length=64, blank=True)
    # Digest of the population file's line these facts were imported from (kaa.imports.services): a
    # re-import skips the lines it knows without parsing them. Empty: parse the person's line again.
    source_digest = models.CharField(max_length=32, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("youth")
        verbose_name_plural = _("youths")
        indexes = [
            models.Index(fields=["municipality", "in_target_group", "register_reason"]),
            # The lists' name order (register list, youth list), with the columns their filters read, so that a
            # later page's OFFSET walks the index alone (PostgreSQL; SQLite ignores INCLUDE).
            models.Index(fields=["family_name", "given_name", "id"], name="youth_name_order",
                         include=["municipality", "in_target_group", "protection"]),
            # Replaces the coach foreign key's own index: also counts each coach's register youths (the
            # load the assignment page shows) without reading the rows.
            models.Index(fields=["coach", "in_target_group"], name="youth_coach_in_register"),
            # The unassigned queue in its order: only register youths without a coach are in it (few,
            # where youths are assigned as they come), so it costs the rows it does not hold nothing.
            models.Index(fields=["register_since", "family_name", "given_name", "id"],
                         condition=models.Q(in_target_group=True, coach__isnull=True), name="youth_unassigned_queue"),
            models.Index(fields=["id"], condition=models.Q(needs_evaluation=True), name="youth_needs_evaluation"),
            models.Index(fields=["next_evaluation_date"], condition=models.Q(next_evaluation_date__isnull=False),
                         name="youth_next_evaluation"),
        ]

    def __str__(self) -> str:
        # Never the personnummer: str() can end up in a log line.
        return f"{self.given_name} {self.family_name}".strip() or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def is_protected(self) -> bool:
        return bool(self.protection)

    def age_on(self, day) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class Guardian(models.Model):
    """Guardian (*vårdnadshavare*) of a youth under 18."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="guardians")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [models.UniqueConstraint(fields=["youth", "position"], name="guardian_unique_position")]

    def __str__(self) -> str:
        return self.name


class SchoolType(models.TextChoices):
    """SS 12000 school-type codes (*skolformer*)."""

    GR = "GR", _("Compulsory school")
    GRS = "GRS", _("Adapted compulsory school")
    SP = "SP", _("Special school")
    SAM = "SAM", _("Sami school")
    GY = "GY", _("Upper-secondary school")
    GYS = "GYS", _("Adapted upper-secondary school")
    VUX = "VUX", _("Municipal adult education")
    FHS = "FHS", _("Folk high school")


COMPULSORY_SCHOOL_TYPES = frozenset({"GR", "GRS", "SP", "SAM"})


class Result(models.TextChoices):
    NONE = "", _("None")
    DEGREE = "gymnasieexamen", _("Upper-secondary degree")
    ADAPTED_CERTIFICATE = "gymnasiesarskolebevis", _("Adapted upper-secondary certificate")
    COURSE_CERTIFICATE = "studiebevis", _("Certificate of courses")
    FINAL_GRADES = "slutbetyg", _("Completed compulsory school")


class FactSource(models.TextChoices):
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Manual correction")
    SCHOOL_REPORT = "school_report", _("School report")


class Enrolment(models.Model):
    """Enrolment (*inskrivning*) in a school form, with its interruption and result."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="enrolments",
                              db_index=False)  # the unique (youth, source_key) constraint indexes it
    school_type = models.CharField(_("school type"), max_length=4, choices=SchoolType.choices)
    programme = models.CharField(_("programme"), max_length=12, blank=True)
    school_year = models.PositiveSmallIntegerField(_("school year"), null=True, blank=True)
    school_unit_code = models.CharField(_("school unit code"), max_length=16, blank=True)
    school_unit_name = models.CharField(_("school unit"), max_length=200, blank=True)
    equivalent = models.BooleanField(_("equivalent education"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    interruption_date = models.DateField(_("interrupted"), null=True, blank=True)
    # The interruption came from a school's leaving report, not from the school system: an import that
    # does not know of it yet (school systems lag) keeps it; an import with an interruption replaces it.
    interruption_reported = models.BooleanField(_("interruption reported by the school"), default=False)
    result = models.CharField(_("result"), max_length=24, choices=Result.choices, blank=True)
    result_date = models.DateField(_("result date"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    source = models.CharField(_("source"), max_length=16, choices=FactSource.choices,
                              default=FactSource.IMPORT)
    # Identifies the enrolment across imports (school type, unit, programme, start date).
    source_key = models.CharField(max_length=64)
    # Digest of the school file's line these facts were imported from (as Youth.source_digest).
    source_digest = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["youth", "source_key"], name="enrolment_unique_source_key")
        ]

    def __str__(self) -> str:
        return f"{self.school_type} {self.programme} {self.start_date}"


class RegisterPeriod(models.Model):
    """A period of a youth's register history: in or out, why, from (inclusive) to (exclusive)."""

    # No single-column indexes: the composite indexes below start with each foreign key.
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="register_periods", db_index=False)
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, db_index=False,
                                     related_name="register_periods")
    in_target_group = models.BooleanField(_("in the target group"))
    reason = models.CharField(_("reason"), max_length=32)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    # UKAA (*utökat kommunalt aktivitetsansvar*): out of the statutory group (reason fyllt_20) but
    # followed under the municipality's extended responsibility; statistics count these apart.
    extended = models.BooleanField(_("extended responsibility (20–24)"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("register period")
        verbose_name_plural = _("register periods")
        indexes = [
            models.Index(fields=["municipality", "valid_from", "valid_to"]),
            models.Index(fields=["youth", "valid_from"]),
        ]
        constraints = [
            # At most one open period per youth, whatever computations run at the same time: a second
            # one fails and is retried (kaa.register.compute).
            models.UniqueConstraint(fields=["youth"], condition=models.Q(valid_to__isnull=True),
                                    name="register_period_one_open_per_youth"),
        ]

    def __str__(self) -> str:
        return f"{'in' if self.in_target_group else 'out'} {self.reason} {self.valid_from}"


class YouthEvent(models.Model):
    """Event (*händelse*) on a youth's timeline: append-only, written by services only.

    ``kind`` is a dotted code owned by the app that writes it (``register.entered``,
    ``outreach.contact``, ``casework.plan_revised`` …); ``data`` holds its details.
    """

    # No single-column indexes: the composite indexes below start with youth and kind.
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=48)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["youth", "occurred_at"]), models.Index(fields=["kind", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("YouthEvent is append-only")
        super().save(*args, **kwargs)


class LeavingReason(models.TextChoices):
    CHANGE_OF_SCHOOL = "change_school", _("Change to another school")
    WORK = "work", _("Work")
    STUDY_BREAK = "study_break", _("Study break")
    OTHER = "other", _("Other reason")


class SchoolReport(models.Model):
    """Leaving report (*avgångsanmälan*, seed 001 Bilaga 1): a school tells KAA that a pupil leaves.

    Matched by personnummer to a youth of the reporter's municipality; an unknown number is kept
    on the report (``youth`` empty) for the coordinator to resolve after the next import.
    """

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT,
                                     related_name="school_reports", verbose_name=_("municipality"))
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="school_reports", verbose_name=_("youth"))
    personnummer = models.CharField(_("personal identity number"), max_length=12)
    given_name = models.CharField(_("first name"), max_length=100, blank=True)
    family_name = models.CharField(_("last name"), max_length=100, blank=True)
    class_name = models.CharField(_("class"), max_length=20, blank=True)
    school_unit_code = models.CharField(_("school unit code"), max_length=16, blank=True)
    school_unit_name = models.CharField(_("school unit"), max_length=200)
    leaving_date = models.DateField(_("leaving date"))
    reason = models.CharField(_("reason for leaving"), max_length=16, choices=LeavingReason.choices)
    new_school_name = models.CharField(_("name of the new school"), max_length=200, blank=True)
    other_reason = models.CharField(_("other reason"), max_length=300, blank=True)
    met_kaa = models.BooleanField(_("the pupil has met KAA"), default=False)
    met_kaa_date = models.DateField(_("date of the meeting with KAA"), null=True, blank=True)
    not_met_reason = models.CharField(_("why the pupil has not met KAA"), max_length=300, blank=True)
    protected = models.BooleanField(
        _("the pupil has protected personal data"), default=False,
        help_text=_("Marked by the school. Only staff with the grant for protected identities see the report."))
    # What the report did to the register facts: "interruption", "new_enrolment", "none".
    applied = models.CharField(_("effect on the register"), max_length=16, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("reported by"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("handled by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("leaving report")
        verbose_name_plural = _("leaving reports")
        indexes = [models.Index(fields=["municipality", "handled_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.leaving_date}"


class SignalStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    CLOSED = "closed", _("Closed")


class ConsentBy(models.TextChoices):
    PUPIL = "pupil", _("The pupil")
    GUARDIAN = "guardian", _("A guardian")


class EarlySignal(models.Model):
    """Early signal (*signal om risk för studieavbrott*): a consent-based list, NEVER the register.

    Only stored when the pupil or a guardian has consented; it never creates or changes a Youth.
    """

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT,
                                     related_name="early_signals", verbose_name=_("municipality"))
    personnummer = models.CharField(_("personal identity number"), max_length=12)
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    school_unit_name = models.CharField(_("school unit"), max_length=200)
    concern = models.TextField(_("the concern, in short"), max_length=600)
    consent = models.BooleanField(_("consent given"), default=False)
    consent_by = models.CharField(_("consent given by"), max_length=10, choices=ConsentBy.choices)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    protected = models.BooleanField(
        _("the pupil has protected personal data"), default=False,
        help_text=_("Marked by the school. Only staff with the grant for protected identities see the signal."))
    status = models.CharField(_("status"), max_length=10, choices=SignalStatus.choices, default=SignalStatus.NEW)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("reported by"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("early signal")
        verbose_name_plural = _("early signals")
        constraints = [models.CheckConstraint(condition=models.Q(consent=True), name="early_signal_needs_consent")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"
