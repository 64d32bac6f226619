"""People who use KAA: users, their roles per municipality (*roller*) and API tokens."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles of DOMAIN.md §6."""

    COORDINATOR = "coordinator", _("Coordinator")
    COACH = "coach", _("Youth coach")
    STUDY_COUNSELLOR = "study_counsellor", _("Study counsellor")
    TEACHER = "teacher", _("Teacher")
    HEAD = "head", _("Head")
    SCHOOL_STAFF = "school_staff", _("School staff")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    """A member of staff (*användare*). Roles come from memberships, one per municipality and role."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The identity provider's stable subject (``sub``) once the user has logged in with single sign-on.
    oidc_subject = models.CharField(_("single sign-on subject"), max_length=255, blank=True, db_index=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["oidc_subject"], condition=~models.Q(oidc_subject=""),
                                    name="user_oidc_subject_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A user's role in one municipality (*behörighet*), optionally in a team."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships", verbose_name=_("user"))
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE,
                                     related_name="memberships", verbose_name=_("municipality"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    team = models.ForeignKey("organisations.Team", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="memberships", verbose_name=_("team"))
    may_see_protected = models.BooleanField(
        _("may see records with protected identity"), default=False,
        help_text=_("Explicit grant: records with protected personal data are hidden without it."))
    # Case work (issue 12): confidential journal entries (health, social services) need this grant too.
    may_see_confidential = models.BooleanField(
        _("may read confidential journal entries"), default=False,
        help_text=_("Explicit grant: confidential journal entries of the youths one works with are hidden "
                    "without it."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.municipality}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AccessRequest(models.Model):
    """A change of a user's roles in one municipality that gives access to youth data
    (*behörighetsbeställning*): a role that sees youth records, the protected-identity grant or the
    confidential-entry grant.

    It takes effect only when a second person approves: an administrator or coordinator of the
    municipality who is neither the one who asked nor the one who gets the access. ``roles``, ``team``,
    ``may_see_protected`` and ``may_see_confidential`` are the user's roles in the municipality as they will be.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests",
                             verbose_name=_("user"))
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE,
                                     related_name="access_requests", verbose_name=_("municipality"))
    roles = models.JSONField(_("roles"), default=list)
    team = models.ForeignKey("organisations.Team", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("team"))
    may_see_protected = models.BooleanField(_("may see records with protected identity"), default=False)
    may_see_confidential = models.BooleanField(_("may read confidential journal entries"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=AccessRequestStatus.choices,
                              default=AccessRequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], condition=models.Q(status="pending"),
                                    name="access_request_one_pending"),
        ]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(r, r)) for r in self.roles]


class ApiToken(models.Model):
    """A bearer token for the JSON API; acts with exactly its user's permissions until it expires
    (``KAA_API_TOKEN_DAYS`` after it was issued) or is revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user, name: str = "", days: int | None = None) -> tuple["ApiToken", str]:
        """A new token (the raw value is returned once, only its hash is kept)."""
        raw = "kaa_" + secrets.token_urlsafe(32)
        lifetime = datetime.timedelta(days=settings.KAA_API_TOKEN_DAYS if days is None else days)
        token = cls.objects.create(user=user, name=name, prefix=raw[4:12], key_hash=hash_token(raw),
                                   expires_at=timezone.now() + lifetime)
        return token, raw

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired and self.user.is_active

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class EmergencyAccess(models.Model):
    """Emergency access (*nödåtkomst*, "break the glass"): a caseworker covering for a colleague reads a
    youth of their own municipality outside their scope for a few hours, with a stated reason. Read
    only; shown on the youth page and in the audit log; the coordinator reviews them daily
    (``kaa.accounts.policy``: ``readable_youths``, ``may_open_in_emergency``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="emergency_accesses", verbose_name=_("user"))
    youth_id = models.BigIntegerField(_("youth"))
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT,
                                     related_name="emergency_accesses", verbose_name=_("municipality"))
    reason = models.TextField(_("reason"), max_length=500)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [models.Index(fields=["user", "expires_at"]),
                   models.Index(fields=["municipality", "started_at"])]

    def __str__(self) -> str:
        return f"{self.user} #{self.youth_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.started_at <= timezone.now() < self.expires_at
