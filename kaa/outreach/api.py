"""API: a youth's contact attempts and outreach state, scoped by the caller's access and audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import ValidationError

from kaa.accounts.policy import Perm, has_perm, youth_or_404
from kaa.audit.services import audit_youth_view
from kaa.core.api import Moment, YouthId, text, with_errors

from . import selectors, services
from .models import Channel, Outcome

router = Router(tags=["outreach"])


class ContactIn(Schema):
    channel: Channel
    at: Moment
    outcome: Outcome
    to_guardian: bool = False
    note: text(500) = ""


class ContactOut(Schema):
    id: int
    youth_id: int
    channel: Channel
    at: datetime.datetime
    outcome: Outcome
    to_guardian: bool
    note: str


class StepOut(Schema):
    code: str
    due: datetime.date | None
    done: bool


class OutreachOut(Schema):
    chain: str
    status: str
    steps: list[StepOut]


def _youth(request: HttpRequest, youth_id: int):
    youth = youth_or_404(request.user, youth_id)
    if not has_perm(request.user, Perm.WORKLIST, youth.municipality_id):
        raise Http404
    return youth


@router.post("/{youth_id}/contacts", response=with_errors({201: ContactOut}), summary="Record a contact attempt")
def create_contact(request: HttpRequest, youth_id: YouthId, payload: ContactIn):
    youth = _youth(request, youth_id)
    try:
        attempt = services.contact_record(youth=youth, user=request.user, channel=payload.channel, at=payload.at,
                                          outcome=payload.outcome, to_guardian=payload.to_guardian,
                                          note=payload.note, source="api")
    except DjangoValidationError as exc:
        raise ValidationError([
            {"loc": ["body", "payload", field], "msg": " ".join(str(m) for m in messages)}
            for field, messages in exc.message_dict.items()
        ]) from exc
    return Status(201, {"id": attempt.pk, "youth_id": youth.pk, "channel": attempt.channel, "at": attempt.at,
                        "outcome": attempt.outcome, "to_guardian": attempt.to_guardian, "note": attempt.note})


@router.get("/{youth_id}/outreach", response=with_errors({200: OutreachOut}),
            summary="The youth's contact chain and status")
def get_outreach(request: HttpRequest, youth_id: YouthId) -> dict:
    youth = _youth(request, youth_id)
    audit_youth_view(user=request.user, youth=youth, detail="outreach")
    spec = selectors.chain_specs([youth.municipality_id])[youth.municipality_id]
    state = selectors.state_for(youth)
    return {"chain": spec.code, "status": state.status,
            "steps": [{"code": s.code, "due": s.due, "done": s.done} for s in state.steps]}
