"""``GET /api/v1/reports/resource-plan?youths=N`` and ``/follow-up`` (INTERFACES.md "Reports")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field

from kaa.accounts.policy import Perm
from kaa.casework.api import Day  # a day within 2000-2099, the one rule for days the API takes
from kaa.core.api import ErrorOut, line, with_errors

from . import selectors

router = Router(tags=["reports"])

# A caller without the reports grant in any municipality gets 403, besides the shared error answers.
FORBIDDEN = {403: ErrorOut}

MunicipalityCode = line(10, description="The municipality's SCB code; the caller's first municipality by default.")


class ResourcePlanQuery(Schema):
    youths: int | None = Field(default=None, ge=0, le=1_000_000,
                               description="How many youths; the municipality's register today by default.")
    municipality: MunicipalityCode | None = None


class ResourcePlanOut(Schema):
    youths: int
    fixed_percent: float
    hours_per_youth: float
    hours_per_year: int
    percent: int


@router.get("/resource-plan", response=with_errors({200: ResourcePlanOut, **FORBIDDEN}),
            url_name="reports_resource_plan")
def resource_plan(request: HttpRequest, query: Query[ResourcePlanQuery]) -> dict:
    """The share of a full-time post that ``youths`` youths need (seed 000), with the municipality's figures."""
    try:
        municipality = selectors.municipality_for(user=request.user, perm=Perm.REPORTS_VIEW,
                                                  code=query.municipality)
    except Http404 as exc:
        if query.municipality:
            raise
        raise PermissionDenied from exc
    youths = query.youths if query.youths is not None else selectors.youths_in_register(municipality=municipality)
    return selectors.resource_plan(municipality=municipality, youths=youths)


class FollowUpQuery(Schema):
    municipality: MunicipalityCode | None = None
    from_: Day = Field(alias="from")
    to: Day


class FollowUpOut(Schema):
    in_register: int
    by_reason: dict[str, int]
    first_time: int
    contacted: int
    by_channel: dict[str, int]
    occupation_at_contact: dict[str, int]
    measures: dict[str, int]
    youths_in_measure: int
    declined_first_measure: int
    occupation_now: dict[str, int]
    median_days_in_register: float | None
    median_days_to_first_attempt: float | None
    median_days_to_contact: float | None
    left: dict[str, int]


@router.get("/follow-up", response=with_errors({200: FollowUpOut, **FORBIDDEN}), url_name="reports_follow_up")
def follow_up(request: HttpRequest, query: Query[FollowUpQuery]) -> dict:
    """The June follow-up (seed 001 §7) for persons in the target group on at least one day of the range."""
    if query.to < query.from_:
        raise ValidationError([{"loc": ["query", "to"], "msg": str(_("The end of the range lies before its start."))}])
    try:
        municipality = selectors.municipality_for(user=request.user, perm=Perm.REPORTS_VIEW,
                                                  code=query.municipality)
    except Http404 as exc:
        if query.municipality:
            raise
        raise PermissionDenied from exc
    return selectors.follow_up(user=request.user, municipality=municipality, start=query.from_, end=query.to)
