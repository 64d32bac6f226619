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
    personnummer, so a run can be shown and logged safely. Only the first ``MAX_ISSUES`` of each are
    kept; ``error_count`` and ``warning_count`` hold how many there were.

    ``pid`` and ``host`` name the process that runs the import: a run left "running" by a process that
    is gone (killed, out of memory, a restart) is marked failed and ``interrupted`` by the next run or
    the periodic check (``services.import_runs_mark_interrupted``).
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
    skipped = models.PositiveIntegerField(_("skipped rows"), default=0, help_text=_(
        "Rows about persons whose record another municipality holds: not imported."))
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors in all"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings in all"), default=0)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    interrupted = models.BooleanField(_("interrupted"), default=False, help_text=_(
        "The process running the import stopped before it finished; nothing was changed."))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def errors_total(self) -> int:
        return max(self.error_count, len(self.errors))

    @property
    def more_errors(self) -> int:
        """Errors found but not kept (beyond the first ``MAX_ISSUES``)."""
        return self.errors_total - len(self.errors)

    @property
    def warnings_total(self) -> int:
        return max(self.warning_count, len(self.warnings))

    @property
    def more_warnings(self) -> int:
        return self.warnings_total - len(self.warnings)

    @property
    def ok(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.UNCHANGED)
