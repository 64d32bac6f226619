"""Production can require administrators to verify a second factor (TOTP) before anything else."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import Role
from .policy import roles

_OPEN_PATHS = ("/accounts/", "/static/", "/healthz", "/i18n/", "/svar/")


class RequireAdminOtpMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.KAA_REQUIRE_ADMIN_OTP
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PATHS)
            and not request.path.startswith("/api/")
            and Role.ADMINISTRATOR in roles(user)
            and not user.is_verified()
        ):
            return redirect("accounts:otp")
        return self.get_response(request)
