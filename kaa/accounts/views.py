"""Each role's start page, log in and out, the second factor, one's own access and one's own API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaa.core.registry import sections_for

from . import selectors, services
from .forms import ApiTokenForm, LoginForm, OtpForm
from .models import ApiToken
from .oidc import IDP_MFA_SESSION_KEY, oidc_enabled
from .policy import Perm, perms_of, primary_role, require_login, require_perm, require_second_factor


@require_login
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: the sections its permissions give, in the role's words."""
    user = request.user
    return render(request, "core/home.html", {
        "role": primary_role(user),
        "sections": sections_for(user, perms_of(user)),
    })


class LoginView(auth_views.LoginView):
    """The password form (unless ``KAA_LOCAL_LOGIN`` is off) and the single sign-on button (when set up)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.KAA_LOCAL_LOGIN:
            messages.error(request, _("Log in with your organisation's account: passwords are switched off here."))
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(IDP_MFA_SESSION_KEY, None)  # a password login asserts no second factor
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"local_login": settings.KAA_LOCAL_LOGIN, "oidc_enabled": oidc_enabled(),
                        "provider_name": settings.KAA_OIDC_PROVIDER_NAME})
        return context


class LogoutView(auth_views.LogoutView):
    pass


@require_login
def otp_verify(request: HttpRequest) -> HttpResponse:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    form = OtpForm(request.POST or None)
    target = request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                    return redirect(target)
                return redirect("core:home")
        form.add_error("token", _("The code is not valid. Try again."))
    return render(request, "accounts/otp.html", {"form": form, "has_device": devices.exists()})


@require_login
def my_access(request: HttpRequest) -> HttpResponse:
    """The user's own roles, who gave them and who approved them, and what waits for approval."""
    return render(request, "accounts/my_access.html", selectors.my_access(request.user))


@require_perm(Perm.API_TOKENS)
@require_second_factor
def tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_issue(actor=request.user, user=request.user,
                                                     name=form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(request, "accounts/tokens.html", {
        "form": form, "new_token": new_token,
        "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True),
        "token_days": settings.KAA_API_TOKEN_DAYS,
    })


@require_POST
@require_perm(Perm.API_TOKENS)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")
