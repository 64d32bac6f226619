"""``GET /api/v1/reports/resource-plan?youths=N`` and ``/follow-up`` (INTERFACES.md "Reports")."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from kaa.accounts.policy import Perm

from . import selectors

router = Router(tags=["reports"])


class ResourcePlanQuery(Schema):
    youths: int | None = Field(default=None, ge=0, le=1_000_000)  # default: the register today
    municipality: str | None = None


class ResourcePlanOut(Schema):
    youths: int
    fixed_percent: float
    hours_per_youth: float
    hours_per_year: int
    percent: int


@router.get("/resource-plan", response=ResourcePlanOut, url_name="reports_resource_plan")
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
    municipality: str | None = None
    from_: datetime.date = Field(alias="from")
    to: datetime.date


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


@router.get("/follow-up", response=FollowUpOut, url_name="reports_follow_up")
def follow_up(request: HttpRequest, query: Query[FollowUpQuery]) -> dict:
    """The June follow-up (seed 001 §7) for persons in the target group on at least one day of the range."""
    if query.to < query.from_:
        raise HttpError(422, _("The end of the range lies before its start."))
    try:
        municipality = selectors.municipality_for(user=request.user, perm=Perm.REPORTS_VIEW,
                                                  code=query.municipality)
    except Http404 as exc:
        if query.municipality:
            raise
        raise PermissionDenied from exc
    return selectors.follow_up(user=request.user, municipality=municipality, start=query.from_, end=query.to)
