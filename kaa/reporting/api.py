"""``GET /api/v1/reports/resource-plan?youths=N`` (INTERFACES.md "Reports")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
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
