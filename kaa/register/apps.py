from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection, NavItem


class RegisterConfig(AppConfig):
    name = "kaa.register"
    label = "register"
    verbose_name = _("The target-group register")

    nav_items = [
        NavItem("register.view", "register:list", _("Register"), order=10),
        NavItem("youth.view", "register:youth_list", _("Youths"), order=12),
        NavItem("school_report.view", "register:school_reports", _("Incoming school reports"), order=40),
        NavItem("school_report.view", "register:early_signals", _("Early signals"), order=41, menu="more"),
        NavItem("school_report.submit", "register:school_home", _("Report a pupil"), order=45, menu="more"),
    ]
    dashboard_sections = [
        DashboardSection("school_report.view", "register/_dashboard_school_reports.html",
                         "kaa.register.selectors.school_signal_summary", order=30),
        DashboardSection("school_report.submit", "register/_dashboard_school_staff.html",
                         "kaa.register.selectors.school_staff_summary", order=31),
    ]
