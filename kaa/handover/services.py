"""Writes of the hand-over: the fraktsedel given, transfers offered, accepted, rejected and revoked.

Each service checks the access policy, runs in one transaction, appends a YouthEvent (ids and codes only)
and writes an audit entry.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.accounts.policy import (
    case_may_write,
    case_owner_id,
    forget_case_owner,
    may_answer_transfer,
    may_offer_transfer,
    may_revoke_transfer,
)
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record, audit_youth_view
from kaa.casework import services as casework_services
from kaa.casework.models import Case, Consent, GivenBy
from kaa.organisations.models import Municipality
from kaa.register.models import Youth, YouthEvent

from .models import CaseOwnership, Fraktsedel, FraktsedelSection, Transfer, TransferStatus, Transition
from .selectors import fraktsedel_content, transfer_consent

EV_FRAKTSEDEL = "handover.fraktsedel"
EV_OFFERED, EV_ACCEPTED = "handover.transfer_offered", "handover.transfer_accepted"
EV_REJECTED, EV_REVOKED = "handover.transfer_rejected", "handover.transfer_revoked"
NAME_LIMIT = 200
NOTE_LIMIT = 2000
FRAKTSEDEL_PURPOSE = "Fraktsedel vid övergång"


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _event(youth: Youth, kind: str, user: Any, data: dict) -> None:
    YouthEvent.objects.create(youth=youth, kind=kind, occurred_at=timezone.now(), actor=_actor(user), data=data)


def _audit(
    user: Any,
    action: str,
    object_type: str,
    obj: Any,
    youth: Youth,
    municipality_id: int,
    fields: Iterable[str] = (),
    detail: str = "",
) -> None:
    audit_record(
        user=user,
        action=action,
        object_type=object_type,
        object_id=getattr(obj, "pk", obj),
        youth_id=youth.pk,
        municipality_id=municipality_id,
        fields=list(fields),
        detail=detail,
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _line(value: str | None, field: str, errors: dict, *, required: bool = False, limit: int = NAME_LIMIT) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        errors[field] = _("This field is required.")
    elif len(text) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    return text


# --- Case ownership ----------------------------------------------------------------------------------


def case_ownership_pin(*, youth: Youth, at: datetime.datetime | None = None) -> CaseOwnership:
    """The open ownership row of the youth's case, written (for the municipality that owns it now) when
    there is none: once pinned, a population file moving the youth does not move the case."""
    row = CaseOwnership.objects.filter(youth=youth, until__isnull=True).first()
    if row is None:
        row = CaseOwnership.objects.create(
            youth=youth, municipality_id=case_owner_id(youth), since=at or timezone.now()
        )
    return row


# --- The fraktsedel ------------------------------------------------------------------------------------


def _fraktsedel_consent(
    *,
    youth: Youth,
    user: Any,
    organisation: str,
    consent: Consent | None,
    given_by: str,
    today: datetime.date,
    errors: dict,
) -> Consent | None:
    """The consent the fraktsedel is given with: one chosen (valid today, naming the recipient) or one the
    youth (or a guardian, under 18) gives now, recorded through case work's consent service."""
    if consent is not None:
        if consent.youth_id != youth.pk or not consent.is_valid_on(today):
            errors["consent"] = _("Choose a consent that is valid today.")
        elif " ".join(consent.partner.split()).casefold() != organisation.casefold():
            # The consent names whom the youth agreed to share with (as written, or the partner picked
            # from the list, whose name it keeps): the receiver must be exactly that one.
            errors["consent"] = _("The consent must name the receiving organisation.")
        return consent
    if given_by not in GivenBy.values:
        errors["consent"] = _("Choose a consent, or record the consent given now.")
        return None
    if errors:
        return None
    try:
        return casework_services.consent_record(
            youth=youth,
            user=user,
            partner=organisation,
            purpose=FRAKTSEDEL_PURPOSE,
            valid_from=today,
            given_by=given_by,
        )
    except ValidationError as exc:
        errors["given_by"] = " ".join(m for msgs in exc.message_dict.values() for m in msgs)
        return None


@transaction.atomic
def fraktsedel_give(
    *,
    youth: Youth,
    user: Any,
    sections: Iterable[str],
    transition: str,
    recipient_organisation: str,
    recipient_name: str = "",
    consent: Consent | None = None,
    given_by: str = "",
    given_on: datetime.date | None = None,
) -> Fraktsedel:
    """Give the fraktsedel: the sections chosen with the youth, to a named organisation (and person),
    with the youth's consent (or a guardian's, under 18). The text is kept as given."""
    _require(case_may_write(user, youth))
    today = timezone.localdate()
    errors: dict = {}
    chosen = [s for s in FraktsedelSection.values if s in set(sections)]
    if not chosen or len(chosen) != len(set(sections)):
        errors["sections"] = _("Choose at least one section, together with the youth.")
    if transition not in Transition.values:
        errors["transition"] = _("Choose the transition.")
    organisation = _line(recipient_organisation, "recipient_organisation", errors, required=True)
    person = _line(recipient_name, "recipient_name", errors)
    day = given_on or today
    if day > today:
        errors["given_on"] = _("The date cannot be in the future.")
    used = (
        None
        if errors.get("recipient_organisation")
        else _fraktsedel_consent(
            youth=youth,
            user=user,
            organisation=organisation,
            consent=consent,
            given_by=given_by,
            today=today,
            errors=errors,
        )
    )
    if errors or used is None:
        raise ValidationError(errors or {"consent": _("A consent is needed.")})
    doc = Fraktsedel.objects.create(
        youth=youth,
        municipality_id=case_owner_id(youth),
        transition=transition,
        recipient_organisation=organisation,
        recipient_name=person,
        sections=chosen,
        content=fraktsedel_content(youth=youth, sections=chosen),
        given_on=day,
        consent=used,
        created_by=_actor(user),
    )
    _event(
        youth,
        EV_FRAKTSEDEL,
        user,
        {"fraktsedel_id": doc.pk, "transition": transition, "sections": chosen, "consent_id": used.pk},
    )
    _audit(
        user,
        AuditAction.CREATE,
        "fraktsedel",
        doc,
        youth,
        doc.municipality_id,
        ["transition", "recipient_organisation", "recipient_name", "sections", "consent"],
    )
    return doc


def fraktsedel_pdf_audit(*, fraktsedel: Fraktsedel, user: Any) -> None:
    """The fraktsedel printed as a PDF: a read of the youth's record (one entry, like the plan's PDF)."""
    audit_youth_view(user=user, youth=fraktsedel.youth, detail=f"fraktsedel_pdf:{fraktsedel.pk}")


# --- Transfers between municipalities --------------------------------------------------------------------


def _open_transfer(transfer: Transfer) -> Transfer:
    locked = (
        Transfer.objects.select_for_update()
        .select_related("youth", "from_municipality", "to_municipality")
        .get(pk=transfer.pk)
    )
    if locked.status != TransferStatus.IN_PROGRESS:
        raise ValidationError({"status": _("The transfer has already been answered or revoked.")})
    return locked


@transaction.atomic
def transfer_offer(
    *, youth: Youth, user: Any, to_municipality: Municipality, with_case: bool, note: str = ""
) -> Transfer:
    """Offer the youth's case to another municipality of the installation. ``with_case`` needs a valid
    consent naming the receiving municipality (by its code or name); without it only the register
    facts move on acceptance. Until then the sending municipality keeps responsibility."""
    _require(may_offer_transfer(user, youth))
    errors: dict = {}
    owner_id = case_owner_id(youth)
    if to_municipality.pk == owner_id:
        errors["to_municipality"] = _("Choose another municipality than the one that holds the case.")
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("At most %(n)d characters.") % {"n": NOTE_LIMIT}
    consent = transfer_consent(youth=youth, municipality=to_municipality) if with_case else None
    if with_case and consent is None and "to_municipality" not in errors:
        errors["consent"] = _(
            "There is no valid consent naming %(name)s (%(code)s): record the youth's consent "
            "first, or transfer only the register facts."
        ) % {"name": to_municipality.name, "code": to_municipality.code}
    if Transfer.objects.filter(youth=youth, status=TransferStatus.IN_PROGRESS).exists():
        errors["youth"] = _("A transfer of this youth is already waiting for an answer.")
    if errors:
        raise ValidationError(errors)
    case_ownership_pin(youth=youth)
    transfer = Transfer.objects.create(
        youth=youth,
        from_municipality_id=owner_id,
        to_municipality=to_municipality,
        with_case=with_case,
        consent=consent,
        note=note,
        created_by=_actor(user),
    )
    _event(youth, EV_OFFERED, user, {"transfer_id": transfer.pk, "to": to_municipality.code, "with_case": with_case})
    for mun_id in (owner_id, to_municipality.pk):
        _audit(user, AuditAction.CREATE, "transfer", transfer, youth, mun_id, ["to_municipality", "with_case"])
    return transfer


def _move_register(youth: Youth, to_id: int) -> None:
    """The register facts move: the youth is now the receiving municipality's (its coordinators see them);
    the old coach and team are the sending municipality's, so they are cleared, as a population move does."""
    if youth.municipality_id != to_id:
        youth.municipality_id, youth.coach, youth.team = to_id, None, None
        youth.save(update_fields=["municipality", "coach", "team"])


def _move_case(transfer: Transfer, now: datetime.datetime) -> bool:
    """With the case, or when there is no case yet, ownership passes to the receiving municipality (the
    history is kept: the old row is closed). Otherwise the case records stay with the sender."""
    youth = transfer.youth
    if not transfer.with_case and Case.objects.filter(youth=youth).exists():
        case_ownership_pin(youth=youth)
        return False
    CaseOwnership.objects.filter(youth=youth, until__isnull=True).update(until=now)
    CaseOwnership.objects.create(
        youth=youth,
        municipality_id=transfer.to_municipality_id,
        since=now,
        transfer=transfer if transfer.with_case else None,
    )
    return True


@transaction.atomic
def transfer_accept(*, transfer: Transfer, user: Any) -> Transfer:
    """The receiving coordinator accepts: the register facts move, and the case with its history and
    fraktsedlar when offered with it (confidential journal entries stay behind)."""
    _require(may_answer_transfer(user, transfer.to_municipality_id))
    transfer = _open_transfer(transfer)
    now = timezone.now()
    youth = transfer.youth
    _move_register(youth, transfer.to_municipality_id)
    moved = _move_case(transfer, now)
    forget_case_owner(youth)
    transfer.status, transfer.decided_by, transfer.decided_at = TransferStatus.ACCEPTED, _actor(user), now
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    _event(
        youth,
        EV_ACCEPTED,
        user,
        {
            "transfer_id": transfer.pk,
            "from": transfer.from_municipality.code,
            "to": transfer.to_municipality.code,
            "case_moved": moved,
        },
    )
    for mun_id in (transfer.from_municipality_id, transfer.to_municipality_id):
        _audit(user, AuditAction.UPDATE, "transfer", transfer, youth, mun_id, ["status", "municipality"])
    return transfer


@transaction.atomic
def transfer_reject(*, transfer: Transfer, user: Any, reason: str) -> Transfer:
    """The receiving coordinator rejects, with a reason the sender reads; the youth stays where they are."""
    _require(may_answer_transfer(user, transfer.to_municipality_id))
    errors: dict = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the transfer is rejected.")
    elif len(reason) > NOTE_LIMIT:
        errors["reason"] = _("At most %(n)d characters.") % {"n": NOTE_LIMIT}
    if errors:
        raise ValidationError(errors)
    transfer = _open_transfer(transfer)
    transfer.status, transfer.reason = TransferStatus.REJECTED, reason
    transfer.decided_by, transfer.decided_at = _actor(user), timezone.now()
    transfer.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _event(transfer.youth, EV_REJECTED, user, {"transfer_id": transfer.pk})
    for mun_id in (transfer.from_municipality_id, transfer.to_municipality_id):
        _audit(user, AuditAction.UPDATE, "transfer", transfer, transfer.youth, mun_id, ["status", "reason"])
    return transfer


@transaction.atomic
def transfer_revoke(*, transfer: Transfer, user: Any) -> Transfer:
    """The sender takes the offer back before it is answered."""
    _require(may_revoke_transfer(user, transfer.from_municipality_id))
    transfer = _open_transfer(transfer)
    transfer.status, transfer.decided_by, transfer.decided_at = TransferStatus.REVOKED, _actor(user), timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    _event(transfer.youth, EV_REVOKED, user, {"transfer_id": transfer.pk})
    for mun_id in (transfer.from_municipality_id, transfer.to_municipality_id):
        _audit(user, AuditAction.UPDATE, "transfer", transfer, transfer.youth, mun_id, ["status"])
    return transfer
