"""Gives each request an id, carried into log lines, the audit log and the response; logs a refused
page once."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .context import channel_var, new_request_id, request_id_var


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = new_request_id()
        request.request_id = rid  # type: ignore[attr-defined]
        channel = "api" if request.path.startswith("/api/") else "ui"
        t1 = request_id_var.set(rid)
        t2 = channel_var.set(channel)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(t1)
            channel_var.reset(t2)
        response["X-Request-ID"] = rid
        return response


class ForbiddenMiddleware:
    """Answers a PermissionDenied from a view with the 403 page, so that it is logged once, without a
    traceback (by Django's response logging: "Forbidden: /path").

    Left to Django's exception handling, the refusal is logged with the traceback attached, and the
    403 response is not marked as logged; a refused page is an expected event, not an error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PermissionDenied):
            return None
        from .views import forbidden

        return forbidden(request, exception)
