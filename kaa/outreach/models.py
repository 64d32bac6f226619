"""Outreach (*uppsökande verksamhet*): contact chains (*kontaktrutin*), contact attempts,
first meetings (*första möte*) and concern reports (*orosanmälan*).

Due dates are never stored: ``kaa.outreach.deadlines`` computes them from the youth's events
and the municipality's chain, so editing a chain moves every due date at once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a contact was tried (*kontaktväg*)."""

    LETTER = "letter", _("Letter")
    POSTCARD = "postcard", _("Postcard")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    SOCIAL_MEDIA = "social_media", _("Social media")
    HOME_VISIT = "home_visit", _("Home visit")
    PARTNER = "partner", _("Through a partner")
    YOUTH_INITIATED = "youth_initiated", _("The youth got in touch")
    SOCIAL_SERVICES_CHECK = "social_services_check", _("Check with social services")
    CONCERN_REPORT = "concern_report", _("Concern report")


class Outcome(models.TextChoices):
    """What came of an attempt (*utfall*)."""

    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    MESSAGE_LEFT = "message_left", _("Message left")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    DECLINED = "declined", _("Declined support")
    SENT = "sent", _("Sent")
    MOVED = "moved", _("Moved")
    FAILED = "failed", _("Delivery failed")


class Preset(models.TextChoices):
    ALMHULT = "almhult", _("Älmhult")
    NYKOPING = "nykoping", _("Nyköping")
    CUSTOM = "custom", _("Own chain")


class ContactChain(models.Model):
    """Contact chain (*kontaktrutin*): a municipality's steps for finding and reaching a youth."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE,
                                     related_name="contact_chains", verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=100)
    preset = models.CharField(_("based on"), max_length=16, choices=Preset.choices, default=Preset.CUSTOM)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["municipality", "-is_active", "name"]
        verbose_name = _("contact chain")
        verbose_name_plural = _("contact chains")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], condition=models.Q(is_active=True),
                                    name="contact_chain_one_active"),
        ]

    def __str__(self) -> str:
        return self.name


class Anchor(models.TextChoices):
    """What a step's due date counts from."""

    START = "start", _("The youth entered the register")
    ASSIGNED = "assigned", _("A coach was assigned")
    STEP = "step", _("An earlier step was done")
    REACHED = "reached", _("The youth was reached")
    DECLINED = "declined", _("The youth declined support")


class Applies(models.TextChoices):
    ALWAYS = "always", _("Every youth")
    UNDER_18 = "under_18", _("Only youths under 18")
    ADULT = "adult", _("Only youths 18 or older")


class Completion(models.TextChoices):
    ATTEMPTS = "attempts", _("By contact attempts")
    MEETING = "meeting", _("When a first meeting is booked")
    MANUAL = "manual", _("Marked done by hand")


class ChainStep(models.Model):
    """A step of a contact chain (*steg*): what to do, by which channel, and when."""

    chain = models.ForeignKey(ContactChain, on_delete=models.CASCADE, related_name="steps",
                              verbose_name=_("contact chain"))
    order = models.PositiveSmallIntegerField(_("order"), default=10)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    # Space-separated Channel codes; the first is the one the worklist suggests.
    channels = models.CharField(_("channels"), max_length=200, blank=True)
    completion = models.CharField(_("done"), max_length=12, choices=Completion.choices,
                                  default=Completion.ATTEMPTS)
    anchor = models.CharField(_("due counted from"), max_length=12, choices=Anchor.choices, default=Anchor.START)
    anchor_step = models.SlugField(_("earlier step"), max_length=40, blank=True,
                                   help_text=_("The code of the earlier step, when counting from a step."))
    offset_days = models.PositiveSmallIntegerField(_("days after"), default=0)
    offset_months = models.PositiveSmallIntegerField(
        _("months after"), null=True, blank=True,
        help_text=_("Empty on a step counted from a refusal: the municipality's re-contact setting."))
    applies_to = models.CharField(_("applies to"), max_length=12, choices=Applies.choices, default=Applies.ALWAYS)
    until_contact = models.BooleanField(_("only until the youth is reached"), default=True)
    guardian_if_minor = models.BooleanField(_("contact the guardian when under 18"), default=False)
    repetitions = models.PositiveSmallIntegerField(_("attempts needed"), default=1)
    min_evening = models.PositiveSmallIntegerField(_("of which in the evening"), default=0)
    letter_template = models.CharField(_("letter template left behind"), max_length=60, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)

    class Meta:
        ordering = ["chain", "order", "pk"]
        verbose_name = _("chain step")
        verbose_name_plural = _("chain steps")
        constraints = [models.UniqueConstraint(fields=["chain", "code"], name="chain_step_unique_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def channel_list(self) -> list[str]:
        return self.channels.split()


class ContactAttempt(models.Model):
    """Contact attempt (*kontaktförsök*): one try to reach a youth or their guardian."""

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="contact_attempts",
                              verbose_name=_("youth"))
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    to_guardian = models.BooleanField(_("to the guardian"), default=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=16, default="ui")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        indexes = [models.Index(fields=["youth", "at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.outcome} {self.at:%Y-%m-%d}"


class MeetingPlace(models.TextChoices):
    OFFICE = "office", _("Our office")
    SCHOOL = "school", _("School")
    CAFE = "cafe", _("Café or public place")
    HOME = "home", _("The youth's home")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class FirstMeeting(models.Model):
    """First meeting (*första möte*) at a place the youth chose; a colleague comes along to a home."""

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="first_meetings",
                              verbose_name=_("youth"))
    at = models.DateTimeField(_("when"))
    place = models.CharField(_("place"), max_length=12, choices=MeetingPlace.choices)
    place_note = models.CharField(_("place details"), max_length=200, blank=True)
    colleague = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("colleague along"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("booked by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("first meeting")
        verbose_name_plural = _("first meetings")

    def __str__(self) -> str:
        return f"{self.place} {self.at:%Y-%m-%d}"


class ConcernReport(models.Model):
    """Concern report (*orosanmälan*) to social services, with their feedback and a follow-up date."""

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="concern_reports",
                              verbose_name=_("youth"))
    sent_on = models.DateField(_("sent on"))
    feedback = models.TextField(_("feedback from social services"), blank=True)
    feedback_on = models.DateField(_("feedback received on"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-sent_on"]
        verbose_name = _("concern report")
        verbose_name_plural = _("concern reports")

    def __str__(self) -> str:
        return f"{self.sent_on}"


class OutreachSnapshot(models.Model):
    """A memo of the contact chain's computed state for one youth (*kontaktkedjans läge*).

    Never a source of truth and never edited by hand: ``kaa.outreach.deadlines.compute`` stays the one place
    the due dates are computed, and a row holds only its result (status, next step, its due date, a reply
    waiting). A row is current while

    - ``stale`` is false: a database trigger (migration 0004) marks the row stale, and bumps ``generation``,
      whenever an event the due dates are computed from (``deadlines.EVENT_KINDS``) is written, changed or
      removed, by whatever path: a service, a bulk ``COPY``, an import, thinning;
    - ``chain`` is the digest of the youth's municipality's chain (and of the rules' own source), and
      ``birth_date`` and ``start`` are the youth's, as they were when the row was computed.

    ``selectors`` compares these in the lists' own queries and recomputes the rows that are not current; a
    row computed meanwhile is written only if its ``generation`` is still the one read before the events
    were read (``selectors._snapshots_write``), so an event written during a computation is never lost. It
    lets the worklist and the coordinator's overview sort and count thousands of youths with one query.

    The row also carries a copy of the youth's fields the access policy's record scope reads
    (``municipality``, ``coach``, ``team``, ``protection``) and ``in_target_group``, kept equal to the
    youth's by a trigger on the youth table (migration 0005: every insert or update, by any path), which
    also marks the row stale when the computation's own inputs change (``birth_date``, ``register_since``,
    ``in_target_group``, ``municipality``). So the overview counts the register from these rows alone, with
    the scope of ``kaa.accounts.policy.visible_youths`` applied to them as it is to youths. Every youth in the
    target group has a row (the trigger makes one, stale, when a youth enters it).
    """

    youth = models.OneToOneField("register.Youth", on_delete=models.CASCADE, primary_key=True,
                                 related_name="outreach_snapshot")
    stale = models.BooleanField(default=True)
    generation = models.PositiveIntegerField(default=0)
    chain = models.CharField(max_length=40, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    start = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, blank=True)
    next_step = models.CharField(max_length=40, blank=True)
    next_due = models.DateField(null=True, blank=True)
    reply_waiting = models.BooleanField(default=False)
    computed_at = models.DateTimeField(null=True, blank=True)
    # The youth's own, copied by the database (never written by Python): what the record scope reads.
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.DO_NOTHING, null=True,
                                     db_constraint=False, db_index=False, related_name="+")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                              db_constraint=False, db_index=False, related_name="+")
    team = models.ForeignKey("organisations.Team", on_delete=models.DO_NOTHING, null=True, db_constraint=False,
                             db_index=False, related_name="+")
    protection = models.CharField(max_length=24, blank=True, default="")
    in_target_group = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("outreach snapshot")
        verbose_name_plural = _("outreach snapshots")
        indexes = [
            # The overview: a municipality's register, grouped by coach (and the stage, from the row).
            models.Index(fields=["municipality", "coach"], condition=models.Q(in_target_group=True),
                         name="snapshot_register_by_coach"),
        ]

    def __str__(self) -> str:
        return f"{self.youth_id}: {self.status} {self.next_step} {self.next_due}"
