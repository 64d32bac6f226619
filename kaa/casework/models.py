"""Case work (*arbetet med den enskilda ungdomen*, DOMAIN.md §5, §8, §10).

Domain terms, mapped once:
- ``Code`` = *kodtabell*: the administrator's code table (occupation, measure, end reason, closing …).
- ``Case`` = *ärende*: the youth's case with KAA: open, declined (re-contact planned) or closed.
- ``Closing`` = *utskrivning*: a closing with its reason code, and its reopening.
- ``Occupation`` = *sysselsättning*: a dated history; each entry holds until the next one's date.
- ``Mapping`` = *kartläggning*: one version of the mapping conversation; every version is kept.
- ``ActionPlan`` = *individuell handlingsplan*; ``PlanRevision`` = a kept version of it (*revidering*).
- ``Activity`` = *aktivitet i aktivitetsbanken*: the municipality's offers.
- ``Measure`` = *åtgärd*: an item of the action plan, possibly an activity of the bank.
- ``Evaluation`` = *uppföljning/utvärdering* of a measure, during and after.
- ``JournalEntry`` = *journalanteckning*: append-only; a correction is a new entry.
- ``Consent`` = *samtycke*: to share information with a named partner for a purpose.
- ``Partner`` = *samverkanspart*: the municipality's partners (Arbetsförmedlingen, social services …).
- ``Referral`` = *remiss*: the youth referred to a partner, and its answer; the case stays with the coach.

Free text never goes into YouthEvents or the audit log: events carry ids and codes only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class CodeKind(models.TextChoices):
    """The code lists of DOMAIN.md §10."""

    OCCUPATION = "occupation", _("Occupation")
    MEASURE = "measure", _("Measure")
    REGISTRATION_REASON = "registration_reason", _("Reason for registration")
    DEREGISTRATION = "deregistration", _("Reason for de-registration")
    END_REASON = "end_reason", _("Reason a measure ended")
    RESPONSIBILITY = "responsibility", _("Responsible for a measure")
    CLOSING = "closing", _("Reason for closing a case")


class Code(models.Model):
    """A row of the code table (*kodtabell*): SCB changes its code lists, so these are data, not constants.

    ``maps_from`` lists (space-separated) the register's reasons that map to this code, e.g. the
    de-registration code ``paborjat_utbildning`` ← ``nationellt_program introduktionsprogram …``.
    """

    kind = models.CharField(_("list"), max_length=24, choices=CodeKind.choices)
    code = models.SlugField(_("code"), max_length=40)
    label_sv = models.CharField(_("label (Swedish)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    scb_code = models.CharField(_("code written to SCB"), max_length=40, blank=True)
    maps_from = models.CharField(_("register reasons mapped to it"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["kind", "order", "code"]
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="casework_code_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def label(self) -> str:
        if (get_language() or "sv").startswith("en") and self.label_en:
            return self.label_en
        return self.label_sv

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECLINED = "declined", _("Declined support, re-contact planned")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    """The youth's case (*ärende*): opened by the first act of case work; closed and reopened.

    ``status`` caches the latest ``Closing`` (and refusal) so lists need no history.
    """

    youth = models.OneToOneField("register.Youth", on_delete=models.CASCADE, related_name="case",
                                 verbose_name=_("youth"))
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(_("opened on"))
    status_since = models.DateField(_("status since"))
    # When the status last changed: a register change recorded later proposes closing (kaa.casework.due).
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    recontact_on = models.DateField(_("re-contact on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["status", "recontact_on"])]

    def __str__(self) -> str:
        return f"case {self.youth_id} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class Closing(models.Model):
    """Closing (*utskrivning*) of a case with a reason code (closing list) and date; and its reopening."""

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="closings",
                              verbose_name=_("youth"))
    reason = models.CharField(_("reason"), max_length=40)
    closed_on = models.DateField(_("closed on"))
    recontact_on = models.DateField(_("re-contact on"), null=True, blank=True)
    from_proposal = models.BooleanField(_("confirmed from the register's proposal"), default=False)
    register_reason = models.CharField(_("the register's reason"), max_length=32, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reopened by"))
    reopened_at = models.DateTimeField(_("reopening recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["-closed_on", "-pk"]
        verbose_name = _("closing")
        verbose_name_plural = _("closings")
        indexes = [models.Index(fields=["youth", "closed_on"])]

    def __str__(self) -> str:
        return f"{self.reason} {self.closed_on}"


class Source(models.TextChoices):
    UI = "ui", _("Web")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class Occupation(models.Model):
    """Occupation (*sysselsättning*) from a date: holds until the next entry's date (never typed twice)."""

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="occupations",
                              verbose_name=_("youth"), db_index=False)
    code = models.CharField(_("occupation"), max_length=40)
    start = models.DateField(_("from"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.UI)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [models.UniqueConstraint(fields=["youth", "start"], name="casework_occupation_one_per_day")]

    def __str__(self) -> str:
        return f"{self.code} {self.start}"


MAPPING_FIELDS = ("school_worked", "school_not_worked", "interests", "wishes", "strengths", "support_needs",
                  "obstacles", "participants", "place")


class Mapping(models.Model):
    """One version of the mapping conversation (*kartläggning*), from the youth's own perspective.

    Never edited: a revision is a new version, so the page can show what changed.
    No diagnoses: needs of support and practical obstacles only.
    """

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="mappings",
                              verbose_name=_("youth"), db_index=False)
    version = models.PositiveIntegerField(_("version"))
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("where (the place the youth chose)"), max_length=200, blank=True)
    participants = models.CharField(_("who took part"), max_length=300, blank=True)
    school_worked = models.TextField(_("school: what worked"), blank=True)
    school_not_worked = models.TextField(_("school: what did not work"), blank=True)
    interests = models.TextField(_("interests"), blank=True)
    wishes = models.TextField(_("wishes"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    support_needs = models.TextField(_("needs of support"), blank=True)
    obstacles = models.TextField(_("practical obstacles"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("mapping")
        verbose_name_plural = _("mappings")
        constraints = [models.UniqueConstraint(fields=["youth", "version"], name="casework_mapping_version")]

    def __str__(self) -> str:
        return f"mapping {self.youth_id} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("A mapping version is never changed: save a new version")
        super().save(*args, **kwargs)


class PlanAcceptance(models.TextChoices):
    SCREEN = "screen", _("Accepted on screen in a meeting")
    PAPER = "paper", _("Signed on paper")


class ActionPlan(models.Model):
    """Individual action plan (*individuell handlingsplan*): the youth's goal and its measures.

    Revised when its goal or measures change; every revision is kept as a ``PlanRevision``.
    """

    youth = models.OneToOneField("register.Youth", on_delete=models.CASCADE, related_name="action_plan",
                                 verbose_name=_("youth"))
    goal = models.TextField(_("the youth's goal"), blank=True)
    review_on = models.DateField(_("review the plan on"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    accepted_revision = models.PositiveIntegerField(_("accepted revision"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_how = models.CharField(_("accepted how"), max_length=8, choices=PlanAcceptance.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return f"plan {self.youth_id} r{self.revision}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_revision == self.revision


class PlanRevision(models.Model):
    """A kept version of the action plan (*revidering*): the goal and a snapshot of every measure."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="revisions",
                             verbose_name=_("action plan"))
    number = models.PositiveIntegerField(_("revision"))
    change = models.CharField(_("what changed"), max_length=24)
    goal = models.TextField(_("the youth's goal"), blank=True)
    review_on = models.DateField(_("review the plan on"), null=True, blank=True)
    measures = models.JSONField(_("measures"), default=list, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="casework_plan_revision_unique")]

    def __str__(self) -> str:
        return f"plan {self.plan_id} r{self.number}"


class Activity(models.Model):
    """An offer of the activity bank (*aktivitetsbank*, seed 000), kept current by the coordinator.

    Places taken = the linked measures that run (not declined, not waiting) plus ``places_taken_other``
    (participants from outside KAA); a measure on a full activity waits (waiting list).
    """

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE,
                                     related_name="activities", verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    measure_code = models.CharField(_("measure code"), max_length=40)
    provider = models.CharField(_("provider"), max_length=200, blank=True,
                                help_text=_("A partner or a municipal unit."))
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True,
                                           help_text=_("Empty: no limit."))
    places_taken_other = models.PositiveIntegerField(_("places taken by others than KAA's youths"), default=0)
    active = models.BooleanField(_("active"), default=True)
    next_start = models.DateField(_("next start"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["municipality", "active"])]

    def __str__(self) -> str:
        return self.title


class Responsible(models.TextChoices):
    """Who is responsible for a measure (förordning 2006:39)."""

    YOUTH = "youth", _("The youth")
    MUNICIPALITY = "municipality", _("The municipality")
    OTHER = "other", _("Another actor")


class Measure(models.Model):
    """Measure (*åtgärd*): an item of the individual action plan (DOMAIN.md §8).

    ``declined``: offered on ``start`` and turned down (counts for "declined the first measure").
    ``waiting``: on the waiting list of a full activity.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures",
                             verbose_name=_("action plan"))
    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="measures",
                              verbose_name=_("youth"), db_index=False)
    code = models.CharField(_("measure"), max_length=40)
    other_which = models.CharField(_("which other measure"), max_length=200, blank=True)
    goal = models.TextField(_("goal and purpose"), blank=True)
    place = models.CharField(_("where"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    responsible = models.CharField(_("responsible"), max_length=12, choices=Responsible.choices,
                                   default=Responsible.MUNICIPALITY)
    responsible_other = models.CharField(_("the other actor"), max_length=200, blank=True)
    responsible_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                          blank=True, related_name="+", verbose_name=_("staff member responsible"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    evaluate_on = models.DateField(_("evaluate on"), null=True, blank=True)
    end_reason = models.CharField(_("reason it ended"), max_length=40, blank=True)
    declined = models.BooleanField(_("offered and declined"), default=False)
    waiting = models.BooleanField(_("on the waiting list"), default=False)
    activity = models.ForeignKey(Activity, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="measures", verbose_name=_("activity"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [models.Index(fields=["youth", "start"]), models.Index(fields=["activity", "start"])]

    def __str__(self) -> str:
        return f"{self.code} {self.start}"

    def is_ongoing(self, on: datetime.date) -> bool:
        return (not self.declined and not self.waiting and not self.end_reason and self.start <= on
                and (self.end is None or self.end >= on))

    def has_ended(self, on: datetime.date) -> bool:
        return not self.declined and (bool(self.end_reason) or (self.end is not None and self.end < on))

    def snapshot(self) -> dict:
        """What a plan revision keeps of the measure (codes, dates, who; the free text too)."""
        return {
            "id": self.pk, "code": self.code, "other_which": self.other_which, "goal": self.goal,
            "place": self.place, "start": self.start.isoformat(), "end": self.end.isoformat() if self.end else None,
            "responsible": self.responsible, "responsible_other": self.responsible_other,
            "responsible_staff": self.responsible_staff_id,
            "follow_up_on": self.follow_up_on.isoformat() if self.follow_up_on else None,
            "evaluate_on": self.evaluate_on.isoformat() if self.evaluate_on else None,
            "end_reason": self.end_reason, "declined": self.declined, "waiting": self.waiting,
            "activity": self.activity_id,
        }


class EvaluationKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    DURING = "during", _("Evaluation during the measure")
    AFTER = "after", _("Evaluation after the measure")


class Happened(models.TextChoices):
    YES = "yes", _("Yes, as planned")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Evaluation(models.Model):
    """Follow-up or evaluation (*uppföljning, utvärdering*) of a measure, during and after it."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evaluations",
                                verbose_name=_("measure"))
    kind = models.CharField(_("kind"), max_length=10, choices=EvaluationKind.choices)
    on = models.DateField(_("date"))
    happened = models.CharField(_("did it happen"), max_length=8, choices=Happened.choices, blank=True)
    how_it_went = models.TextField(_("how it went"), blank=True)
    youth_view = models.TextField(_("the youth's own view"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class JournalKind(models.TextChoices):
    """The kind of entry; the first three have templates."""

    MEETING = "meeting", _("Meeting")
    PHONE = "phone", _("Phone call")
    NETWORK = "network", _("Network contact")
    NOTE = "note", _("Note")


CONTACT_JOURNAL_KINDS = frozenset({JournalKind.MEETING, JournalKind.PHONE})


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise RuntimeError("The journal is append-only")

    def non_confidential(self) -> JournalQuerySet:
        return self.filter(confidential=False)


class JournalEntry(models.Model):
    """Journal entry (*journalanteckning*). Append-only: a correction is a new entry pointing at the
    one it corrects, which stays readable.

    ``confidential`` (health, social services; OSL 21 kap.): shown only on the youth page to those
    working with the youth who hold the grant; never in a list, search, export, statistics or PDF.
    """

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="journal_entries",
                              verbose_name=_("youth"), db_index=False)
    kind = models.CharField(_("kind"), max_length=10, choices=JournalKind.choices, default=JournalKind.NOTE)
    occurred_on = models.DateField(_("date"))
    text = models.TextField(_("text"), max_length=10000)
    confidential = models.BooleanField(_("confidential"), default=False)
    corrects = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="corrections", verbose_name=_("corrects"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["youth", "occurred_on"])]

    def __str__(self) -> str:
        return f"journal {self.pk} {self.occurred_on}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("The journal is append-only: write a correcting entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("The journal is append-only")


class PartnerKind(models.TextChoices):
    EMPLOYMENT_SERVICE = "employment_service", _("Public employment service")
    SOCIAL_SERVICES = "social_services", _("Social services")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance agency")
    HEALTH_CARE = "health_care", _("Health care")
    FOLK_HIGH_SCHOOL = "folk_high_school", _("Folk high school")
    LABOUR_MARKET = "labour_market", _("Labour-market unit")
    ADULT_EDUCATION = "adult_education", _("Adult education")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """A partner of the municipality (*samverkanspart*), kept by the coordinator like the activity bank.

    Consents may name one (``Consent.partner_org``) and referrals go to one.
    """

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE,
                                     related_name="partners", verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices, default=PartnerKind.OTHER)
    contact = models.CharField(_("contact"), max_length=200, blank=True,
                               help_text=_("A contact person, phone number or e-mail address."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="partner_unique_name")]

    def __str__(self) -> str:
        return self.name


class GivenBy(models.TextChoices):
    YOUTH = "youth", _("The youth")
    GUARDIAN = "guardian", _("A guardian")


class Consent(models.Model):
    """Consent (*samtycke*) to share information with a named partner for a purpose, from and until.

    ``partner`` is a partner's name or another municipality's SCB code; ``partner_org`` the partner of the
    municipality's list when one was picked (a referral to a partner needs a consent that names it).
    Withdrawn any time.
    """

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="consents",
                              verbose_name=_("youth"))
    partner = models.CharField(_("partner"), max_length=200)
    # The partner picked from the municipality's list; ``partner`` then holds its name as consented to.
    partner_org = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="consents", verbose_name=_("partner from the list"))
    purpose = models.CharField(_("purpose"), max_length=300)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("withdrawal recorded by"))

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"consent {self.pk}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
                and (self.withdrawn_on is None or day < self.withdrawn_on))


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, no answer yet")
    ACCEPTED = "accepted", pgettext_lazy("referral answer", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral answer", "Declined")
    DONE = "done", pgettext_lazy("referral answer", "Done")


ANSWERS = (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.DONE)


class Referral(models.Model):
    """A referral (*remiss*) of the youth to a partner, with the purpose and date, and the partner's
    answer. The case stays with the coach. Made only with a valid consent naming the partner
    (``consent`` is the one it relied on)."""

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="referrals",
                              verbose_name=_("youth"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals",
                                verbose_name=_("partner"))
    purpose = models.CharField(_("purpose"), max_length=300)
    referred_on = models.DateField(_("referred on"))
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals",
                                verbose_name=_("consent"))
    status = models.CharField(_("answer"), max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_note = models.TextField(_("note on the answer"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("referred by"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answer recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"referral {self.pk}"
