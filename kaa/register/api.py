"""API: youths, scoped by the caller's access and audited like the UI."""

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records, audit_youth_view
from kaa.core.api import Limit, Offset, YouthId, line, with_errors

from . import selectors
from .identity import normalise_personnummer

router = Router(tags=["youths"])


class YouthOut(Schema):
    id: int
    personnummer: str
    given_name: str
    family_name: str
    birth_date: datetime.date
    municipality: str
    in_target_group: bool
    register_reason: str
    register_since: datetime.date | None
    protected: bool


class YouthPage(Schema):
    items: list[YouthOut]
    count: int


class YouthFilter(Schema):
    personnummer: line(20) | None = None
    q: line(100) | None = None
    limit: Limit = 50
    offset: Offset = 0


def _out(y) -> dict:
    return {
        "id": y.pk, "personnummer": y.personnummer, "given_name": y.given_name,
        "family_name": y.family_name, "birth_date": y.birth_date, "municipality": y.municipality.code,
        "in_target_group": y.in_target_group, "register_reason": y.register_reason,
        "register_since": y.register_since, "protected": y.is_protected,
    }


@router.get("", response=with_errors({200: YouthPage}), summary="List youths visible to the caller")
def list_youths(request: HttpRequest, filters: Query[YouthFilter]) -> dict:
    if filters.personnummer is not None:
        # Exact match on a valid number only: an invalid one must not fall back to a name search.
        pnr = normalise_personnummer(filters.personnummer)
        qs = selectors.youth_list(user=request.user)
        qs = qs.filter(personnummer=pnr) if pnr else qs.none()
    else:
        qs = selectors.youth_list(user=request.user, search=filters.q or "")
    items = list(qs[filters.offset: filters.offset + filters.limit])
    audit_records(user=request.user, action=AuditAction.LIST, object_type="youth",
                  youths=[(y.pk, y.municipality_id) for y in items])
    return {"items": [_out(y) for y in items], "count": qs.count()}


@router.get("/{youth_id}", response=with_errors({200: YouthOut}), summary="One youth")
def get_youth(request: HttpRequest, youth_id: YouthId) -> dict:
    youth = selectors.youth_detail(user=request.user, pk=youth_id)
    audit_youth_view(user=request.user, youth=youth)
    return _out(youth)
