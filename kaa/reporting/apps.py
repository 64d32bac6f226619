from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection


class ReportingConfig(AppConfig):
    name = "kaa.reporting"
    label = "reporting"
    verbose_name = _("Statistics and reports")

    # Perm.REPORTS_VIEW (a string: the policy imports models). The head's start page, and the
    # coordinator's key figures, until the reports themselves are built.
    dashboard_sections = [
        DashboardSection("reports.view", "reporting/_dashboard_key_figures.html",
                         "kaa.reporting.selectors.dashboard_context", order=50),
    ]
