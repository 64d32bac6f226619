from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection, NavItem


class OutreachConfig(AppConfig):
    name = "kaa.outreach"
    label = "outreach"
    verbose_name = _("Contact chain, worklist, letters")

    nav_items = [
        NavItem("outreach.worklist", "outreach:worklist", _("Worklist"), order=20),
        NavItem("outreach.assign", "outreach:overview", _("Outreach overview"), order=25),
        NavItem("outreach.chain", "outreach:chain_list", _("Contact chains"), order=70, menu="more"),
    ]
    dashboard_sections = [
        DashboardSection("outreach.assign", "outreach/_dashboard_coordinator.html",
                         "kaa.outreach.selectors.coordinator_dashboard", order=10),
        DashboardSection("outreach.worklist", "outreach/_dashboard_coach.html",
                         "kaa.outreach.selectors.coach_dashboard", order=20),
    ]

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from .signals import municipality_saved

        post_save.connect(municipality_saved, sender="organisations.Municipality",
                          dispatch_uid="outreach.municipality_chain")
        # sections.py reads the access policy, which needs the models: import it once they are loaded.
        from kaa.register.sections import YouthSection

        self.youth_sections = [
            YouthSection(perm="outreach.worklist", template="outreach/_youth_section.html",
                         context="kaa.outreach.selectors.youth_section_context", order=20),
        ]
