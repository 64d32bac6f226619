"""Audit log (*loggning*): who read, changed or exported which youth's record, when. Append-only.

No code path edits or deletes an entry; on PostgreSQL the database itself refuses UPDATE and
DELETE (see the migrations). Entries hold ids and field names, never personal data.

At a region's volume (tens of millions of rows a year) the table is kept cheap: entries are written in
one batch per request (``kaa.audit.services``), it has only the indexes its questions need ("who has
read this youth's record": (youth_id, at); "what has this user looked at": (user, at); the log itself,
newest first: (at)), and on PostgreSQL it is partitioned by month on ``at`` (``partitions.py``), so
thinning by the retention rule drops whole months. There the primary key is (id, at), as PostgreSQL
requires of a partitioned table; Django sees ``id``, which the sequence keeps unique.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    EXPORT = "export", _("Exported")
    PRINT = "print", _("Printed")
    DELETE = "delete", _("Removed")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise RuntimeError("The audit log is append-only")

    def delete(self):  # type: ignore[override]
        raise RuntimeError("The audit log is append-only")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No single-column indexes on user and youth: (user, at) and (youth_id, at) below start with them.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                             db_index=False, null=True, blank=True, related_name="+", verbose_name=_("user"))
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    youth_id = models.BigIntegerField(_("youth"), null=True, blank=True)
    municipality_id = models.BigIntegerField(_("municipality"), null=True, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    channel = models.CharField(_("channel"), max_length=8)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["youth_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("The audit log is append-only")
