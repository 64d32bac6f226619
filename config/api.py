"""The JSON API (/api/v1/): routers from each app, bearer tokens, one error format."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kaa.accounts.api_auth import BearerToken

api = NinjaAPI(
    title="KAA API",
    version="1",
    description="KAA: the municipal activity responsibility. Authenticate with `Authorization: Bearer TOKEN`.",
    auth=BearerToken(),
    urls_namespace="api",
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


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc.message))


api.add_router("/youths", "kaa.register.api.router")
api.add_router("/youths", "kaa.outreach.api.router")
api.add_router("/youths", "kaa.casework.api.youth_router")
api.add_router("/measures", "kaa.casework.api.measure_router")
api.add_router("/consents", "kaa.casework.api.consent_router")
api.add_router("/reports", "kaa.reporting.api.router")
