from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection, NavItem


class AccountsConfig(AppConfig):
    name = "kaa.accounts"
    label = "accounts"
    verbose_name = _("Users, roles, access policy")

    nav_items = [NavItem("api.tokens", "accounts:tokens", _("API tokens"), order=99, menu="user")]
    # Access to youth data given lately, and by whom: shown to the person who got it.
    dashboard_sections = [
        DashboardSection("youth.view", "accounts/_dashboard_grants.html",
                         "kaa.accounts.selectors.recent_grants", order=1),
        # Emergency accesses of the last day: the coordinator reviews them.
        DashboardSection("youth.emergency_review", "accounts/_dashboard_emergency.html",
                         "kaa.accounts.selectors.emergency_review_section", order=2),
    ]
