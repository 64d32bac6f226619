"""Health and error pages. (The start page is the accounts app's: it is built from the user's permissions.)"""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import Heartbeat

WORKER_STALE_AFTER_SECONDS = 180


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    body: dict = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except Exception:
        body.update(status="error", database="error")
        return JsonResponse(body, status=503)
    beats = {b.name: b.at for b in Heartbeat.objects.all()}
    now = timezone.now()
    for name in ("worker", "scheduler"):
        at = beats.get(name)
        age = (now - at).total_seconds() if at else None
        ok = age is not None and age <= WORKER_STALE_AFTER_SECONDS
        body[name] = {"last_heartbeat": at.isoformat() if at else None,
                      "age_seconds": round(age) if age is not None else None, "ok": ok}
        if not ok:
            body["status"] = "degraded"
    return JsonResponse(body)


def _error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    """An error page, or under /api/ the API's error format (a client of the API reads JSON, also when
    Django refuses the request before the API sees it, e.g. for a host it does not serve)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": []}, status=status)
    return render(request, f"{status}.html", status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, _("The request could not be read."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("You do not have access to this."))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Not found."))
