"""Top-level URLs. Each app owns its own urls.py under a namespace."""

from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("kaa.core.urls")),
    path("accounts/", include("kaa.accounts.urls")),
    path("register/", include("kaa.register.urls")),
    path("audit/", include("kaa.audit.urls")),
    path("outreach/", include("kaa.outreach.urls")),
    path("organisation/", include("kaa.organisations.urls")),
    path("imports/", include("kaa.imports.urls")),
    path("casework/", include("kaa.casework.urls")),
    path("reports/", include("kaa.reporting.urls")),
    path("", include("kaa.messaging.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler403 = "kaa.core.views.forbidden"
handler404 = "kaa.core.views.not_found"
