"""The benchmark's floor for pages: a bare Django view reading the rows a list page shows (issue 16).

The site's own URLs plus ``/bench/bare/``: 50 youths of the user's municipality (the register list's page
size), read with one query through the same middleware (session, authentication, CSRF, the audit's request
id) and written as a minimal HTML table, with no access policy, audit, filters or navigation. A list page's
p95 is compared with this view's p95 from the same run.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.html import format_html_join

from config.urls import urlpatterns as site_urlpatterns
from kaa.register.models import Youth


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    rows = (Youth.objects.filter(in_target_group=True).order_by("family_name", "pk")
            .values_list("pk", "given_name", "family_name", "register_since")[:50])
    body = format_html_join("", "<tr><td>{}</td><td>{} {}</td><td>{}</td></tr>", rows)
    return HttpResponse(f"<!doctype html><title>bare</title><table>{body}</table>")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
