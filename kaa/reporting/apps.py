from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import NavItem


class ReportingConfig(AppConfig):
    name = "kaa.reporting"
    label = "reporting"
    verbose_name = _("Statistics and reports")

    nav_items = [
        NavItem("reports.view", "reporting:index", _("Reports"), order=70),
        NavItem("settings.manage", "reporting:code_list", _("Code table"), order=90),
        NavItem("settings.manage", "reporting:resource_plan", _("Resource planning"), order=91),
    ]
