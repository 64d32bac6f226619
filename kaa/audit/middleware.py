"""One batch of audit entries per request (``kaa.audit.services.batching_entries``)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .services import batching_entries


class AuditBatchMiddleware:
    """Write the request's audit entries in one INSERT when the response is ready. A streamed response
    (an export written while it is sent) writes its own entries as it goes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with batching_entries():
            return self.get_response(request)
