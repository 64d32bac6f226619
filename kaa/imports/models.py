"""Import runs (*inläsningar*) of population extracts (*folkbokföringsuttag*) and school data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    POPULATION = "population", _("Population extract")
    SCHOOL = "school", _("School data")


class ImportTrigger(models.TextChoices):
    CLI = "cli", _("Command line")
    WEB = "web", _("Web upload")
    SCHEDULE = "schedule", _("Scheduled pickup")


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    UNCHANGED = "unchanged", _("Nothing changed")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused")


class ImportRun(models.Model):
    """Import run (*inläsning*): one file read into the register, with its counts and errors.

    ``errors`` and ``warnings`` are lists of ``{"row", "column", "message"}``; they never hold a
    personnummer, so a run can be shown and logged safely.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    trigger = models.CharField(_("started by"), max_length=16, choices=ImportTrigger.choices,
                               default=ImportTrigger.CLI)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("user"))
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="import_runs", verbose_name=_("municipality"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("file checksum"), max_length=64, blank=True, db_index=True)
    file_format = models.CharField(_("format"), max_length=16, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    full = models.BooleanField(_("complete extract"), default=False)
    force = models.BooleanField(_("forced"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.RUNNING, db_index=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    removed = models.PositiveIntegerField(_("removed from the population"), default=0)
    already_imported = models.BooleanField(_("same file imported before"), default=False)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def ok(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.UNCHANGED)
