from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection, NavItem


class CaseworkConfig(AppConfig):
    name = "kaa.casework"
    label = "casework"
    verbose_name = _("Mapping, action plans, interventions")

    nav_items = [
        NavItem("casework.view", "casework:activity_list", _("Activity bank"), order=60, menu="more"),
        NavItem("casework.view", "casework:partner_list", _("Partners"), order=61, menu="more"),
    ]
    # The coach's worklist grows with the case's due items (computed, never stored: due.py).
    worklist_sections = [
        DashboardSection("casework.view", "casework/_dashboard_due.html", "kaa.casework.selectors.coach_dashboard",
                         order=10),
    ]
    dashboard_sections = [
        DashboardSection("casework.view", "casework/_dashboard_due.html", "kaa.casework.selectors.coach_dashboard",
                         order=22),
        DashboardSection("reports.view", "casework/_dashboard_aggregates.html", "kaa.casework.selectors.aggregates",
                         order=80),
    ]

    def ready(self) -> None:
        # sections.py reads the access policy, which needs the models: import it once they are loaded.
        from kaa.register.sections import YouthSection

        context = "kaa.casework.selectors.section_context"
        self.youth_sections = [
            YouthSection(perm="casework.view", template="casework/sections/_summary.html", context=context, order=5,
                         top=True),
            YouthSection(perm="casework.view", template="casework/sections/_mapping.html", context=context,
                         order=30),
            YouthSection(perm="casework.view", template="casework/sections/_plan.html", context=context, order=31),
            YouthSection(perm="casework.view", template="casework/sections/_journal.html", context=context,
                         order=32),
            YouthSection(perm="casework.view", template="casework/sections/_consents.html", context=context,
                         order=33),
            YouthSection(perm="casework.view", template="casework/sections/_referrals.html",
                         context="kaa.casework.selectors.referral_section_context", order=34),
            # The youth's extract (GDPR art. 15): the coordinator's buttons, last on the page.
            YouthSection(perm="youth.extract", template="casework/sections/_extract.html",
                         context="kaa.casework.extract_views.extract_section_context", order=95),
        ]
        # A new municipality starts with the default partners (Arbetsförmedlingen, social services …).
        from django.db.models.signals import post_save

        from kaa.organisations.models import Municipality

        post_save.connect(_seed_partners, sender=Municipality, dispatch_uid="casework_seed_partners")


def _seed_partners(sender: type, instance: object, created: bool, raw: bool = False, **kwargs: object) -> None:
    if created and not raw:
        from .services import partners_seed

        partners_seed(municipality=instance)
