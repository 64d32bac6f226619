"""Top-level URLs. Each app owns its own urls.py under a namespace."""

from django.urls import include, path

from kaa.accounts.views import home
from kaa.core.views import healthz

from .api import api

# The site's own pages keep the "core" namespace: the start page (the accounts app's, as it is made
# of what the user's permissions give) and the health check.
site_urls = ([path("", home, name="home"), path("healthz", healthz, name="healthz")], "core")

urlpatterns = [
    path("", include(site_urls)),
    path("accounts/", include("kaa.accounts.urls")),
    path("register/", include("kaa.register.urls")),
    path("audit/", include("kaa.audit.urls")),
    path("outreach/", include("kaa.outreach.urls")),
    path("organisation/", include("kaa.organisations.urls")),
    path("thinning/", include("kaa.retention.urls")),
    path("imports/", include("kaa.imports.urls")),
    path("casework/", include("kaa.casework.urls")),
    path("meetings/", include("kaa.meetings.urls")),
    path("prevention/", include("kaa.prevention.urls")),
    path("reports/", include("kaa.reporting.urls")),
    path("handover/", include("kaa.handover.urls")),
    path("", include("kaa.messaging.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler400 = "kaa.core.views.bad_request"
handler403 = "kaa.core.views.forbidden"
handler404 = "kaa.core.views.not_found"
# handler500 stays Django's: it renders templates/500.html without a request context.
