from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection, NavItem


class ReportingConfig(AppConfig):
    name = "kaa.reporting"
    label = "reporting"
    verbose_name = _("Statistics and reports")

    nav_items = [
        NavItem("reports.view", "reporting:index", _("Reports"), order=70),
        NavItem("settings.manage", "reporting:code_list", _("Code table"), order=90, menu="more"),
        NavItem("settings.manage", "reporting:resource_plan", _("Resource planning"), order=91, menu="more"),
    ]
    # Perm.REPORTS_VIEW (a string: the policy imports models). The head's start page, and the
    # coordinator's key figures, until the reports themselves are built.
    dashboard_sections = [
        DashboardSection("reports.view", "reporting/_dashboard_key_figures.html",
                         "kaa.reporting.selectors.dashboard_context", order=50),
    ]
    # The board reports the scheduled job prepared (issue 13, item 5): the coordinator's start page.
    dashboard_sections += [
        DashboardSection("statistics.export", "reporting/board_dashboard.html",
                         "kaa.reporting.board.dashboard_context", order=51),
    ]
    dashboard_sections = [
        *dashboard_sections,
        # Perm.ASSIGN: the coordinator (the per-coach figures and the youths waiting longest).
        DashboardSection("outreach.assign", "reporting/_dashboard_lead_times.html",
                         "kaa.reporting.leadtimes.dashboard_context", order=55),
    ]
    dashboard_sections = [
        *dashboard_sections,
        # Perm.STATISTICS_EXPORT: the coordinator, who keeps the yearly wheel.
        DashboardSection("statistics.export", "reporting/_dashboard_wheel.html",
                         "kaa.reporting.wheel_selectors.dashboard_context", order=56),
    ]
    nav_items = [
        *nav_items,
        NavItem("reports.view", "reporting:wheel", _("Yearly wheel"), order=72, menu="more"),
    ]

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from .signals import municipality_saved

        post_save.connect(municipality_saved, sender="organisations.Municipality",
                          dispatch_uid="reporting.municipality_wheel")
