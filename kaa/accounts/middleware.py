"""Production can require administrators to verify a second factor (TOTP) before anything else."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .oidc import IDP_MFA_SESSION_KEY
from .policy import second_factor_missing

# Only logging in and out and the second-factor page itself are reachable before verifying; every other
# page of the accounts app (API tokens above all) is not.
_OPEN_PATHS = ("/accounts/login/", "/accounts/logout/", "/accounts/otp/", "/accounts/sso/", "/static/", "/healthz",
               "/i18n/", "/svar/")


class RequireAdminOtpMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (user.is_authenticated and getattr(request, "session", None) is not None
                and request.session.get(IDP_MFA_SESSION_KEY) == user.pk):
            # The identity provider asserted a second factor at this session's login (kaa.accounts.oidc).
            user.is_verified = lambda: True
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PATHS)
            and not request.path.startswith("/api/")
            and second_factor_missing(user)
        ):
            return redirect("accounts:otp")
        return self.get_response(request)
