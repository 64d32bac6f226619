"""The JSON API (/api/v1/): routers from each app, bearer tokens, one error format."""

import json
from typing import Any

from csp.decorators import csp
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kaa.accounts.api_auth import BearerToken

# The docs page (/api/v1/docs) is Swagger UI from django-ninja's own static files, never a CDN. Its
# policy allows exactly what that page loads: the script, stylesheet and icons from our origin, the
# icons' data: images inlined in the stylesheet, and requests to this API ("Try it out").
DOCS_POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}


class LocalSwagger(Swagger):
    """Swagger UI rendered from ninja's bundled assets (ninja falls back to a CDN page when it is
    not an installed app: this never does), with no outside validator badge."""

    def __init__(self) -> None:
        super().__init__(settings={"validatorUrl": None})

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        return render(request, self.template, {
            "swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": False})


api = NinjaAPI(
    title="KAA API",
    version="1",
    description="KAA: the municipal activity responsibility. Authenticate with `Authorization: Bearer TOKEN`.",
    auth=BearerToken(),
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_decorator=csp(DOCS_POLICY),
)


def _error(request: HttpRequest, status: int, detail: str, errors: list | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "query", "path", "payload")]
        errors.append({"field": ".".join(loc), "message": err.get("msg", "")})
    return _error(request, 422, _("The request has invalid fields."), errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("A valid bearer token is required."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, _("You do not have permission to do this."))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, _("The request body is too large."))


@api.exception_handler(SuspiciousOperation)
def on_bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return _error(request, 400, _("The request could not be read."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc.message))


api.add_router("/youths", "kaa.register.api.router")
api.add_router("/youths", "kaa.outreach.api.router")
api.add_router("/youths", "kaa.casework.api.youth_router")
api.add_router("/youths", "kaa.casework.extract_api.router")
api.add_router("/measures", "kaa.casework.api.measure_router")
api.add_router("/consents", "kaa.casework.api.consent_router")
api.add_router("/reports", "kaa.reporting.api.router")
api.add_router("/youths", "kaa.handover.api.youth_router")
api.add_router("/transfers", "kaa.handover.api.transfer_router")
