"""The full list of the youths waiting longest for contact (the start page shows the first few). Thin."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaa.accounts.policy import Perm, municipalities_with, require_perm

from . import leadtimes, selectors

PAGE_SIZE = 50


@require_perm(Perm.ASSIGN)
def waiting(request: HttpRequest) -> HttpResponse:
    municipality = selectors.municipality_for(user=request.user, perm=Perm.ASSIGN, code=request.GET.get("municipality"))
    rows = leadtimes.waiting_longest(user=request.user, municipality=municipality)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    leadtimes.audit_waiting_page(user=request.user, municipality=municipality, rows=list(page.object_list))
    return render(
        request,
        "reporting/leadtimes_waiting.html",
        {
            "municipality": municipality,
            "municipalities": municipalities_with(request.user, Perm.ASSIGN),
            "page_obj": page,
            "total": len(rows),
        },
    )
