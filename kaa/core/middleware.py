"""Gives each request an id, carried into log lines, the audit log and the response."""

from collections.abc import Callable

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
