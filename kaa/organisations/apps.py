from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection, NavItem


class OrganisationsConfig(AppConfig):
    name = "kaa.organisations"
    label = "organisations"
    verbose_name = _("Municipalities, teams, school units")

    nav_items = [NavItem("settings.manage", "organisations:index", _("Organisation"), order=80, menu="more")]
    dashboard_sections = [
        DashboardSection("settings.manage", "organisations/_dashboard.html",
                         "kaa.organisations.selectors.dashboard_context", order=80),
        DashboardSection("access.approve", "organisations/_dashboard_access.html",
                         "kaa.organisations.selectors.access_requests_summary", order=5),
    ]
