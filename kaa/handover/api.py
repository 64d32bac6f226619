"""API: transfers between municipalities of one installation (INTERFACES.md "Transfers between
municipalities"). 404 for a youth or transfer outside the caller's scope, 422 with the error format for
bad input (a transfer with the case and no consent names the missing consent), 403 for an answer the
caller may not give. Every call is audited like the UI (the services write the entries).
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.params import P

from kaa.accounts.policy import transfer_youth_or_404
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.core.api import MAX_ID, ErrorOut, Limit, Offset, YouthId, line, text, with_errors
from kaa.organisations.models import Municipality

from . import selectors, services
from .models import Transfer

youth_router = Router(tags=["hand-over"])
transfer_router = Router(tags=["hand-over"])

TransferId = Path[int, P(ge=1, le=MAX_ID, description="The transfer's id.")]
FORBIDDEN = {403: ErrorOut}


def _invalid(exc: DjangoValidationError) -> ValidationError:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return ValidationError(
        [
            {"loc": ["body", "payload"] + ([field] if field != "__all__" else []), "msg": " ".join(map(str, messages))}
            for field, messages in errors.items()
        ]
    )


class TransferIn(Schema):
    to_municipality: line(4, description="The receiving municipality's four-digit SCB code.")
    with_case: bool = Field(
        False, description="Send the case along; needs a valid consent naming the receiving municipality."
    )
    note: text(services.NOTE_LIMIT) = ""


class RejectIn(Schema):
    reason: text(services.NOTE_LIMIT)


class TransferState(Schema):
    id: int
    status: str


class TransferOut(Schema):
    id: int
    youth: int
    from_municipality: str
    to_municipality: str
    status: str
    with_case: bool


class TransferList(Schema):
    items: list[TransferOut]


class TransferFilter(Schema):
    direction: Literal["incoming", "outgoing"] | None = None
    limit: Limit = 100
    offset: Offset = 0


def _state(t: Transfer) -> dict:
    return {"id": t.pk, "status": t.status}


@youth_router.post(
    "/{youth_id}/transfers",
    response=with_errors({201: TransferState, **FORBIDDEN}),
    summary="Offer the youth's case to another municipality of the installation",
)
def create_transfer(request: HttpRequest, youth_id: YouthId, payload: TransferIn):
    youth = transfer_youth_or_404(request.user, youth_id)
    to = Municipality.objects.filter(code=payload.to_municipality).first()
    if to is None:
        raise _invalid(DjangoValidationError({"to_municipality": "No municipality of the installation has this code."}))
    try:
        transfer = services.transfer_offer(
            youth=youth, user=request.user, to_municipality=to, with_case=payload.with_case, note=payload.note
        )
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, _state(transfer))


def _answer(request: HttpRequest, transfer_id: int, act: str, reason: str = "") -> dict:
    transfer = selectors.transfer_or_404(user=request.user, pk=transfer_id)
    try:
        if act == "accept":
            transfer = services.transfer_accept(transfer=transfer, user=request.user)
        elif act == "reject":
            transfer = services.transfer_reject(transfer=transfer, user=request.user, reason=reason)
        else:
            transfer = services.transfer_revoke(transfer=transfer, user=request.user)
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return _state(transfer)


@transfer_router.post(
    "/{transfer_id}/accept",
    response=with_errors({200: TransferState, **FORBIDDEN}),
    summary="Accept a transfer (the receiving municipality's coordinator)",
)
def accept_transfer(request: HttpRequest, transfer_id: TransferId) -> dict:
    return _answer(request, transfer_id, "accept")


@transfer_router.post(
    "/{transfer_id}/reject",
    response=with_errors({200: TransferState, **FORBIDDEN}),
    summary="Reject a transfer with a reason (the receiving municipality's coordinator)",
)
def reject_transfer(request: HttpRequest, transfer_id: TransferId, payload: RejectIn) -> dict:
    return _answer(request, transfer_id, "reject", payload.reason)


@transfer_router.post(
    "/{transfer_id}/revoke",
    response=with_errors({200: TransferState, **FORBIDDEN}),
    summary="Revoke a transfer not yet answered (the sending municipality's coordinator)",
)
def revoke_transfer(request: HttpRequest, transfer_id: TransferId) -> dict:
    return _answer(request, transfer_id, "revoke")


@transfer_router.get(
    "", response=with_errors({200: TransferList}), summary="The transfers to or from the caller's municipalities"
)
def list_transfers(request: HttpRequest, filters: Query[TransferFilter]) -> dict:
    qs = selectors.transfers_for(user=request.user, direction=filters.direction or "")
    page = list(qs[filters.offset : filters.offset + filters.limit])
    audit_records(
        user=request.user,
        action=AuditAction.LIST,
        object_type="transfer",
        youths=[
            (t.youth_id, t.to_municipality_id if filters.direction == "incoming" else t.from_municipality_id)
            for t in page
        ],
        detail="api:transfers",
    )
    return {
        "items": [
            {
                "id": t.pk,
                "youth": t.youth_id,
                "from_municipality": t.from_municipality.code,
                "to_municipality": t.to_municipality.code,
                "status": t.status,
                "with_case": t.with_case,
            }
            for t in page
        ]
    }
