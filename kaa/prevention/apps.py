from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection, NavItem


class PreventionConfig(AppConfig):
    name = "kaa.prevention"
    label = "prevention"
    verbose_name = _("Preventive work")

    nav_items = [
        NavItem("prevention.work", "prevention:signals", _("Signals"), order=42, menu="more"),
        NavItem("prevention.work", "prevention:cases", _("Preventive cases"), order=43, menu="more"),
        NavItem("imports.run", "prevention:attendance_upload", _("Import attendance"), order=71, menu="more"),
        NavItem("settings.manage", "prevention:attendance_settings", _("Attendance signals"), order=72, menu="more"),
    ]
    dashboard_sections = [
        DashboardSection(
            "prevention.work", "prevention/_dashboard.html", "kaa.prevention.selectors.dashboard", order=35
        ),
    ]
    # The register computation calls it with the youths that entered (kaa.register.hooks): a pupil with a
    # preventive case brings the mapping into the case work.
    register_entered = "kaa.prevention.services.register_entered"
