"""Health and error pages. (The start page is the accounts app's: it is built from the user's permissions.)"""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
