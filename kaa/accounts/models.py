"""People who use KAA: users, their roles per municipality (*roller*) and API tokens."""

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

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

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


class ApiToken(models.Model):
    """A bearer token for the JSON API; acts with exactly its user's permissions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user, name: str = "") -> tuple["ApiToken", str]:
        raw = "kaa_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[4:12], key_hash=hash_token(raw))
        return token, raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.user.is_active

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
