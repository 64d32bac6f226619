"""API: youths, scoped by the caller's access and audited like the UI.

A personnummer never travels in a URL (it would end up in every access log): searching by one is a
POST with the number in the body, and a query string holding one is refused with 400.
"""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records, audit_youth_view
from kaa.core.api import Limit, Offset, YouthId, line, with_errors
from kaa.core.logging import PERSONNUMMER_PATTERN

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
    q: line(100, description="Part of a name. Never a personnummer: use POST /youths/search.") | None = None
    limit: Limit = 50
    offset: Offset = 0


class YouthSearch(Schema):
    personnummer: line(20, description="Exact personnummer or samordningsnummer (12 digits, or 10 with - or +).") \
        | None = None
    q: line(100, description="Part of a name, when no personnummer is given.") | None = None
    limit: Limit = 50
    offset: Offset = 0


def _out(y) -> dict:
    return {
        "id": y.pk, "personnummer": y.personnummer, "given_name": y.given_name,
        "family_name": y.family_name, "birth_date": y.birth_date, "municipality": y.municipality.code,
        "in_target_group": y.in_target_group, "register_reason": y.register_reason,
        "register_since": y.register_since, "protected": y.is_protected,
    }


def _page(request: HttpRequest, qs, limit: int, offset: int) -> dict:
    items = list(qs[offset: offset + limit])
    audit_records(user=request.user, action=AuditAction.LIST, object_type="youth",
                  youths=[(y.pk, y.municipality_id) for y in items])
    return {"items": [_out(y) for y in items], "count": qs.count()}


def _personnummer_in_query(request: HttpRequest) -> list[str]:
    """Query parameters that hold a personnummer (or are named so): never accepted in a URL."""
    return sorted({key for key, values in request.GET.lists()
                   if key == "personnummer" or any(PERSONNUMMER_PATTERN.search(v) for v in values)})


@router.get("", response=with_errors({200: YouthPage}), summary="List youths visible to the caller",
            description="Name search with `q`. A personnummer in the query string answers 400: search by "
                        "personnummer with `POST /api/v1/youths/search`.")
def list_youths(request: HttpRequest, filters: Query[YouthFilter]):
    refused = _personnummer_in_query(request)
    if refused:
        message = _("A personal identity number must not be sent in a URL. Search with POST "
                    "/api/v1/youths/search and the number in the body.")
        return Status(400, {"detail": message, "errors": [{"field": key, "message": message} for key in refused]})
    qs = selectors.youth_list(user=request.user, search=filters.q or "")
    return Status(200, _page(request, qs, filters.limit, filters.offset))


@router.post("/search", response=with_errors({200: YouthPage}), summary="Search youths by personnummer or name",
             description="The personnummer goes in the body, so it never reaches a URL or an access log. "
                         "An exact match on a valid number only; an invalid number answers 422.")
def search_youths(request: HttpRequest, body: YouthSearch):
    if body.personnummer is not None:
        # Exact match on a valid number only: an invalid one must not fall back to a name search.
        pnr = normalise_personnummer(body.personnummer)
        if not pnr:
            message = _("Personal identity number: enter 12 digits (YYYYMMDDNNNN) or 10 with - or + and a "
                        "correct check digit.")
            return Status(422, {"detail": _("The request has invalid fields."),
                                "errors": [{"field": "personnummer", "message": message}]})
        qs = selectors.youth_list(user=request.user).filter(personnummer=pnr)
    else:
        qs = selectors.youth_list(user=request.user, search=body.q or "")
    return Status(200, _page(request, qs, body.limit, body.offset))


@router.get("/{youth_id}", response=with_errors({200: YouthOut}), summary="One youth")
def get_youth(request: HttpRequest, youth_id: YouthId) -> dict:
    youth = selectors.youth_detail(user=request.user, pk=youth_id)
    audit_youth_view(user=request.user, youth=youth)
    return _out(youth)
