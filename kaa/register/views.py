"""Register pages: the youth list and the youth's record."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaa.accounts.policy import Perm, require_perm
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records, audit_youth_view

from . import selectors

PAGE_SIZE = 50


@require_perm(Perm.YOUTH_VIEW)
def youth_list(request: HttpRequest) -> HttpResponse:
    # Searches may hold a personnummer, so they are POSTed and never end up in a URL.
    search = request.POST.get("q", "") if request.method == "POST" else ""
    page = Paginator(selectors.youth_list(user=request.user, search=search), PAGE_SIZE).get_page(
        request.GET.get("page"))
    audit_records(user=request.user, action=AuditAction.LIST, object_type="youth",
                  youths=[(y.pk, y.municipality_id) for y in page.object_list])
    template = "register/_youth_rows.html" if request.htmx else "register/youth_list.html"
    return render(request, template, {"page_obj": page, "q": search})


@require_perm(Perm.YOUTH_VIEW)
def youth_detail(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.youth_detail(user=request.user, pk=pk)
    audit_youth_view(user=request.user, youth=youth)
    return render(request, "register/youth_detail.html", {"youth": youth})
