"""Meetings (*möten*, issue 14 items 5–7, seeds 002 and 004).

Domain terms, mapped once:
- ``CaseReview`` = *elevgenomgång*: a team's weekly (Friday) review of its youths, with its minutes.
- ``ReviewDecision`` = *beslut vid elevgenomgång*: the team's short decision on one youth; its text is a
  journal entry (``casework.JournalEntry``), and a next step with a date becomes a due item.
- ``Meeting`` = *nätverksmöte* (every 6 weeks, with the partners) or *styrgruppsmöte* (at least three a
  term): an agenda, the people present as names (partners are not users) and minutes.
- ``MeetingYouth`` = *ungdom som tas upp*: only with a valid consent naming every partner present.
- ``FollowUp`` = *uppföljningspunkt*: who does what by when, from a meeting's minutes.

Free text stays here and in the journal; events and the audit log carry ids only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseReview(models.Model):
    """The team's case review (*elevgenomgång*) on a day: who was present and the decisions (minutes)."""

    team = models.ForeignKey(
        "organisations.Team", on_delete=models.CASCADE, related_name="case_reviews", verbose_name=_("team")
    )
    held_on = models.DateField(_("date"))
    present = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("present"))
    present_others = models.CharField(
        _("others present"),
        max_length=300,
        blank=True,
        help_text=_("Names of others who took part, separated by commas."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("case review")
        verbose_name_plural = _("case reviews")
        constraints = [models.UniqueConstraint(fields=["team", "held_on"], name="meetings_one_review_a_day")]

    def __str__(self) -> str:
        return f"review {self.team_id} {self.held_on}"


class ReviewDecision(models.Model):
    """The team's decision on one youth at a review. The text is the journal entry's (one source);
    ``reasons`` are the codes the review proposed the youth for; ``next_step_on`` the agreed date."""

    review = models.ForeignKey(
        CaseReview, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("case review")
    )
    youth = models.ForeignKey(
        "register.Youth", on_delete=models.CASCADE, related_name="review_decisions", verbose_name=_("youth")
    )
    entry = models.ForeignKey(
        "casework.JournalEntry", on_delete=models.PROTECT, related_name="+", verbose_name=_("journal entry")
    )
    reasons = models.JSONField(_("why the youth was discussed"), default=list, blank=True)
    next_step_on = models.DateField(_("next step by"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [models.UniqueConstraint(fields=["review", "youth"], name="meetings_one_decision_a_review")]

    def __str__(self) -> str:
        return f"decision {self.review_id} {self.youth_id}"


class MeetingKind(models.TextChoices):
    NETWORK = "network", _("Network meeting")
    STEERING = "steering", _("Steering group")


class Meeting(models.Model):
    """A network meeting (*nätverksmöte*) or a steering-group meeting (*styrgruppsmöte*) of a municipality.

    ``partners`` are the partner organisations taking part; ``attendees`` the people present, as names.
    """

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="meetings", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.NETWORK)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    partners = models.ManyToManyField(
        "casework.Partner", blank=True, related_name="meetings", verbose_name=_("partner organisations")
    )
    attendees = models.TextField(
        _("people present"),
        blank=True,
        help_text=_("One person a line: name and organisation. Partners are not users."),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes: decisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["municipality", "kind", "held_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on}"

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class MeetingYouth(models.Model):
    """A youth discussed at a meeting, with the consents it relied on (one for each partner present)
    and, once recorded, the decision written in the youth's journal."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="youths", verbose_name=_("meeting"))
    youth = models.ForeignKey(
        "register.Youth", on_delete=models.CASCADE, related_name="meeting_items", verbose_name=_("youth")
    )
    consents = models.ManyToManyField("casework.Consent", related_name="+", verbose_name=_("consents"))
    entry = models.ForeignKey(
        "casework.JournalEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision (journal entry)"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("youth discussed")
        verbose_name_plural = _("youths discussed")
        constraints = [models.UniqueConstraint(fields=["meeting", "youth"], name="meetings_youth_once")]

    def __str__(self) -> str:
        return f"meeting {self.meeting_id} youth {self.youth_id}"


class FollowUp(models.Model):
    """A follow-up (*uppföljningspunkt*) from a meeting's minutes: what, who is responsible, by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("meeting"))
    text = models.CharField(_("what"), max_length=300)
    responsible = models.CharField(
        _("responsible"), max_length=200, help_text=_("A name: a staff member or a partner's contact person.")
    )
    due_on = models.DateField(_("by"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"follow-up {self.meeting_id} {self.due_on}"
