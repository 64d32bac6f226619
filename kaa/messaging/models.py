"""Letters and messages: letter templates (*brevmallar*) with versions, printed letters and
letter batches (*brevutskick*), and the reply codes (*svarskoder*) a youth uses on the public page.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TemplateCode(models.TextChoices):
    LETTER_INTRO = "letter_intro", _("Introduction letter")
    HOME_VISIT_NOTE = "home_visit_note", _("Home visit note")
    CONCERN_NOTICE = "concern_notice", _("Notice of concern report")
    POSTCARD = "postcard", _("Postcard (Swedish, English, Arabic)")


class LetterTemplate(models.Model):
    """Letter template (*brevmall*) of a municipality. Its text lives in versions."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE,
                                     related_name="letter_templates", verbose_name=_("municipality"))
    code = models.CharField(_("code"), max_length=32, choices=TemplateCode.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["municipality", "code"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="letter_template_unique_code")]

    def __str__(self) -> str:
        return self.get_code_display()

    @property
    def is_postcard(self) -> bool:
        return self.code == TemplateCode.POSTCARD

    def current_version(self) -> "LetterTemplateVersion | None":
        return self.versions.order_by("-number").first()


class LetterTemplateVersion(models.Model):
    """A saved version (*version*) of a letter template. Never changed: a save makes a new one."""

    template = models.ForeignKey(LetterTemplate, on_delete=models.CASCADE, related_name="versions",
                                 verbose_name=_("template"))
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Swedish)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    body_ar = models.TextField(_("text (Arabic)"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("saved by"))
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("letter template version")
        verbose_name_plural = _("letter template versions")
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="letter_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class LetterBatch(models.Model):
    """A letter batch (*brevutskick*): one PDF of letters for every youth whose letter step is due."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT,
                                     related_name="letter_batches", verbose_name=_("municipality"))
    template_version = models.ForeignKey(LetterTemplateVersion, on_delete=models.PROTECT, related_name="batches",
                                         verbose_name=_("template version"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("printed by"))
    created_at = models.DateTimeField(_("printed at"), auto_now_add=True)
    youth_count = models.PositiveIntegerField(_("letters"), default=0)
    pdf = models.FileField(_("PDF"), upload_to="letter_batches/", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("letter batch")
        verbose_name_plural = _("letter batches")

    def __str__(self) -> str:
        return f"{self.template_version} {self.created_at:%Y-%m-%d}"


class ReplyCode(models.Model):
    """Reply code (*svarskod*): the personal short code on a letter or postcard. Stored hashed."""

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="reply_codes",
                              verbose_name=_("youth"))
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reply code")
        verbose_name_plural = _("reply codes")

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Letter(models.Model):
    """A printed letter or postcard (*brev*, *vykort*): which youth, which template version, which code."""

    youth = models.ForeignKey("register.Youth", on_delete=models.CASCADE, related_name="letters",
                              verbose_name=_("youth"))
    template_version = models.ForeignKey(LetterTemplateVersion, on_delete=models.PROTECT, related_name="letters",
                                         verbose_name=_("template version"))
    batch = models.ForeignKey(LetterBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="letters",
                              verbose_name=_("batch"))
    reply_code = models.OneToOneField(ReplyCode, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="letter", verbose_name=_("reply code"))
    protected_address = models.BooleanField(_("sent through Skatteverket"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("printed by"))
    created_at = models.DateTimeField(_("printed at"), default=timezone.now)
    # Where the letter stands in its batch's PDF (first page counted from 0), so that a reader who may
    # not see every youth of the batch gets only the pages of the letters they may see.
    first_page = models.PositiveIntegerField(null=True, blank=True, editable=False)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.template_version} #{self.pk}"


class RateLimitCounter(models.Model):
    """A counter of attempts in a fixed time window, for the public reply page (*försöksräknare*).

    Kept in the database so that every web process behind the load balancer counts the same
    attempts. ``key`` is a keyed hash of what is counted (a client address, a reply code), so the
    table holds neither addresses nor codes. Old counters are deleted by a daily job.
    """

    key = models.CharField(max_length=96, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate limit counter")
        verbose_name_plural = _("rate limit counters")

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count}"
