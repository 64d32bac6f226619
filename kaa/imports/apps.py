from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection, NavItem


class ImportsConfig(AppConfig):
    name = "kaa.imports"
    label = "imports"
    verbose_name = _("Population and school data imports")

    nav_items = [NavItem("imports.run", "imports:runs", _("Imports"), order=80, menu="more")]
    dashboard_sections = [
        DashboardSection("imports.run", "imports/_dashboard.html", "kaa.imports.selectors.dashboard_context",
                         order=30),
    ]
