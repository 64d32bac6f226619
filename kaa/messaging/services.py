"""Writes of the messaging app: templates and their versions, letters and batches, SMS, e-mail,
and the youth's own reply. Every message sent is recorded as a contact attempt (outreach).
"""

from __future__ import annotations

import datetime
import logging
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.accounts.policy import Perm, has_perm
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record, audit_records
from kaa.register.models import YouthEvent

from . import bridge, gaps
from .codes import VALID_DAYS, hash_code, new_code
from .defaults import DEFAULT_TEMPLATES
from .models import Letter, LetterBatch, LetterTemplate, LetterTemplateVersion, ReplyCode, TemplateCode
from .pdf import LetterItem, render_pdf, render_pdf_with_pages
from .placeholders import template_errors
from .sms import SmsResult, get_sms_backend

logger = logging.getLogger(__name__)

REPLY_EVENT = "outreach.reply"
# The chain presets of outreach name their letters by municipality; they are our default templates.
TEMPLATE_ALIASES = {
    "almhult_letter": TemplateCode.LETTER_INTRO, "nykoping_letter": TemplateCode.LETTER_INTRO,
    "almhult_home_visit": TemplateCode.HOME_VISIT_NOTE, "nykoping_home_visit_note": TemplateCode.HOME_VISIT_NOTE,
    "almhult_concern_notice": TemplateCode.CONCERN_NOTICE,
}
TEXT_FIELDS = ("title", "body", "body_en", "body_ar")


# --- templates -------------------------------------------------------------------------------

@transaction.atomic
def template_install_defaults(*, municipality: Any, user: Any = None) -> list[LetterTemplate]:
    """Create the default templates the municipality does not have yet (idempotent)."""
    installed = []
    for code, texts in DEFAULT_TEMPLATES.items():
        template, _created = LetterTemplate.objects.get_or_create(municipality=municipality, code=code)
        if not template.versions.exists():
            LetterTemplateVersion.objects.create(
                template=template, number=1, created_by=user, title=texts["title"], body=texts["body"],
                body_en=texts.get("body_en", ""), body_ar=texts.get("body_ar", ""))
        installed.append(template)
    return installed


@transaction.atomic
def template_save(*, template: LetterTemplate, user: Any, title: str, body: str, body_en: str = "",
                  body_ar: str = "") -> LetterTemplateVersion:
    """Save the text as a new version; unknown placeholders are refused, naming the field and placeholder."""
    texts = {"title": title, "body": body, "body_en": body_en, "body_ar": body_ar}
    errors = {field: template_errors(text) for field, text in texts.items() if template_errors(text)}
    if not body.strip():
        errors.setdefault("body", []).append(_("The text may not be empty."))
    if errors:
        raise ValidationError(errors)
    locked = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    number = (locked.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    return LetterTemplateVersion.objects.create(template=locked, number=number, created_by=user, **texts)


def current_version(*, municipality: Any, code: str) -> LetterTemplateVersion:
    """The latest version of the municipality's template ``code`` (or a chain step's alias of it)."""
    code = TEMPLATE_ALIASES.get(code, code)
    if code not in TemplateCode.values:
        raise ValidationError(_("Unknown letter template %(code)s.") % {"code": code})
    template = LetterTemplate.objects.filter(municipality=municipality, code=code).first()
    if template is None or not template.versions.exists():
        template_install_defaults(municipality=municipality)
        template = LetterTemplate.objects.get(municipality=municipality, code=code)
    return template.current_version()


# --- letters ---------------------------------------------------------------------------------

def _channel(version: LetterTemplateVersion) -> str:
    return "postcard" if version.template.code == TemplateCode.POSTCARD else "letter"


def _record_letters(*, user: Any, version: LetterTemplateVersion, items: list[LetterItem],
                    batch: LetterBatch | None, now: datetime.datetime,
                    pages: list[tuple[int, int]] | None = None) -> list[Letter]:
    """Codes, letters, one contact attempt per youth and the PRINT audit (inside the caller's transaction)."""
    expires = now + datetime.timedelta(days=VALID_DAYS)
    codes = ReplyCode.objects.bulk_create(
        [ReplyCode(youth=item.youth, code_hash=hash_code(item.code), created_at=now, expires_at=expires)
         for item in items], batch_size=500)
    pages = pages or [(None, None)] * len(items)
    letters = Letter.objects.bulk_create(
        [Letter(youth=item.youth, template_version=version, batch=batch, reply_code=code,
                protected_address=bool(item.youth.protection), created_by=user, created_at=now,
                first_page=first, page_count=count)
         for item, code, (first, count) in zip(items, codes, pages, strict=True)], batch_size=500)
    channel = _channel(version)
    for item in items:
        bridge.record_contact(youth=item.youth, user=user, channel=channel, at=now, outcome="sent",
                              source="letter")
    audit_records(user=user, action=AuditAction.PRINT, object_type=channel,
                  youths=[(item.youth.pk, item.youth.municipality_id) for item in items],
                  detail=f"batch:{batch.pk}" if batch else f"template_version:{version.pk}")
    return letters


def letter_batch_create(*, user: Any, municipality: Any, template_code: str = TemplateCode.LETTER_INTRO,
                        on: datetime.date | None = None, youths: QuerySet | None = None) -> LetterBatch:
    """ONE PDF with a letter for every youth whose letter step is due, recorded on each youth.

    A letter that would lack something (an empty placeholder, an address) is held back: it is neither
    printed nor recorded, and the returned batch lists it in ``held_back``. The PDF is rendered before
    anything is written, so a rendering failure records nothing.
    """
    if not has_perm(user, Perm.LETTERS_PRINT, municipality.pk):
        raise PermissionDenied
    selected = gaps.due_youths(user=user, municipality=municipality, youths=youths, on=on)
    if not selected:
        raise ValidationError(_("No youth has a letter due."))
    version = current_version(municipality=municipality, code=template_code)
    # Without a coach the municipality's KAA team signs, never whoever prints.
    items = [LetterItem(youth=youth, code=new_code(), coach=youth.coach) for youth in selected]
    items, held = gaps.split_by_gaps(version=version, items=items, municipality=municipality)
    if not items:
        if len(held) == 1:
            raise ValidationError(_("The letter that is due cannot be printed: it lacks %(what)s.")
                                  % {"what": ", ".join(held[0].labels)})
        raise ValidationError(_("None of the %(count)s letters that are due can be printed: each lacks something "
                                "(see the list).") % {"count": len(held)})
    pdf, pages = render_pdf_with_pages(version, items, municipality, today=on)
    now = timezone.now()
    with transaction.atomic():
        batch = LetterBatch.objects.create(municipality=municipality, template_version=version, created_by=user,
                                           youth_count=len(items))
        _record_letters(user=user, version=version, items=items, batch=batch, now=now, pages=pages)
        batch.pdf.save(f"batch-{batch.pk}.pdf", ContentFile(pdf), save=True)
    batch.held_back = held
    logger.info("Letter batch %s printed: %s letters, %s held back", batch.pk, len(items), len(held))
    return batch


def letter_print(*, user: Any, youth: Any, template_code: str) -> tuple[Letter, bytes]:
    """One letter or postcard for one youth (from the youth's page), recorded like a batch letter.

    Refused, naming what is missing, when the letter would have a gap.
    """
    if not has_perm(user, Perm.LETTERS_PRINT, youth.municipality_id):
        raise PermissionDenied
    version = current_version(municipality=youth.municipality, code=template_code)
    item = LetterItem(youth=youth, code=new_code(), coach=youth.coach)
    missing = gaps.letter_gaps(version=version, youth=youth, coach=youth.coach, municipality=youth.municipality)
    if missing:
        held = gaps.HeldBack(youth=youth, gaps=tuple(missing))
        raise ValidationError(_("The letter cannot be printed: it lacks %(what)s. %(hint)s") % {
            "what": ", ".join(held.labels), "hint": " ".join(held.hints)})
    pdf = render_pdf(version, [item], youth.municipality)
    with transaction.atomic():
        (letter,) = _record_letters(user=user, version=version, items=[item], batch=None, now=timezone.now())
    return letter, pdf


def template_preview_pdf(*, version: LetterTemplateVersion, user: Any) -> bytes:
    """The version filled with an example youth: nothing is recorded."""
    example = SimpleNamespace(pk=None, given_name="Kim", full_name="Kim Exempelsson", address="Exempelgatan 1",
                              postal_code="123 45", city="Exempelstad", protection="", coach=None)
    coach = SimpleNamespace(get_full_name=lambda: "Alex Exempelcoach", get_username=lambda: "coach",
                            phone="070-174 06 50", email="alex.exempelcoach@example.invalid")
    return render_pdf(version, [LetterItem(youth=example, code="ABCD2345", coach=coach)],
                      version.template.municipality)


# --- SMS and e-mail --------------------------------------------------------------------------

def _guardian_phone(youth: Any) -> str:
    return next((g.phone for g in youth.guardians.all() if g.phone), "")


def sms_send(*, youth: Any, user: Any, to_guardian: bool, text: str) -> SmsResult:
    """Send an SMS to the youth or the guardian and record the attempt (sent or failed)."""
    number = _guardian_phone(youth) if to_guardian else youth.phone
    if not number:
        raise ValidationError({"to_guardian": _("There is no phone number to send the SMS to.")})
    if not text.strip():
        raise ValidationError({"text": _("Write a message.")})
    result = get_sms_backend().send(number, text)
    with transaction.atomic():
        bridge.record_contact(youth=youth, user=user, channel="sms", at=timezone.now(),
                              outcome="sent" if result.ok else "failed", to_guardian=to_guardian, source="ui")
    if not result.ok:
        logger.warning("SMS to youth %s failed: %s", youth.pk, result.error)
    return result


def email_send(*, youth: Any, user: Any, to_guardian: bool, subject: str, body: str) -> bool:
    """Send an e-mail through Django's mail backend and record the attempt (sent or failed)."""
    if to_guardian:
        raise ValidationError({"to_guardian": _("No e-mail address is known for the guardians.")})
    if not youth.email:
        raise ValidationError({"to_guardian": _("There is no e-mail address to send to.")})
    if not subject.strip() or not body.strip():
        raise ValidationError({"body": _("Write a subject and a message.")})
    reply_to = [user.email] if getattr(user, "email", "") else None
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                           to=[youth.email], reply_to=reply_to)
    try:
        ok = message.send() == 1
    except Exception as exc:  # any SMTP or socket error: record a failed delivery
        logger.warning("E-mail to youth %s failed: %s", youth.pk, exc.__class__.__name__)
        ok = False
    with transaction.atomic():
        bridge.record_contact(youth=youth, user=user, channel="email", at=timezone.now(),
                              outcome="sent" if ok else "failed", to_guardian=False, source="ui")
    return ok


# --- the youth's reply -----------------------------------------------------------------------

def reply_codes_issue(*, youths: list[Any], now: datetime.datetime | None = None,
                      codes: list[str] | None = None) -> list[tuple[Any, str]]:
    """New reply codes for youths, outside a letter (demo, SMS). Returns (youth, plain code)."""
    now = now or timezone.now()
    pairs = list(zip(youths, codes or [new_code() for _youth in youths], strict=True))
    ReplyCode.objects.bulk_create(
        [ReplyCode(youth=youth, code_hash=hash_code(code), created_at=now,
                   expires_at=now + datetime.timedelta(days=VALID_DAYS)) for youth, code in pairs])
    return pairs


@transaction.atomic
def reply_submit(*, reply_code: ReplyCode, kind: str, answers: dict[str, str]) -> YouthEvent:
    """The youth's (or a guardian's) answer becomes an ``outreach.reply`` event on the record."""
    if reply_code.is_expired:
        raise ValidationError(_("The code has expired."))
    data = {"code_id": reply_code.pk, "kind": kind, **{k: v for k, v in answers.items() if v}}
    event = YouthEvent.objects.create(youth_id=reply_code.youth_id, kind=REPLY_EVENT, data=data)
    audit_record(user=None, action=AuditAction.CREATE, object_type="reply", object_id=event.pk,
                 youth_id=reply_code.youth_id, municipality_id=reply_code.youth.municipality_id,
                 fields=[k for k in data if k not in ("code_id", "kind")])
    return event
