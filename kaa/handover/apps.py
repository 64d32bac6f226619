from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import DashboardSection, NavItem

EVENT_WORDS = {
    "handover.fraktsedel": _("Fraktsedel given"),
    "handover.transfer_offered": _("Offered to another municipality"),
    "handover.transfer_accepted": _("Moved to another municipality (transfer accepted)"),
    "handover.transfer_rejected": _("Transfer to another municipality rejected"),
    "handover.transfer_revoked": _("Transfer to another municipality revoked"),
}


class HandoverConfig(AppConfig):
    name = "kaa.handover"
    label = "handover"
    verbose_name = _("Hand-over and transfers")

    nav_items = [
        NavItem("handover.transfer", "handover:transfer_list", _("Transfers"), order=62, menu="more"),
    ]
    # Both coordinators see a transfer waiting for an answer on their start page.
    dashboard_sections = [
        DashboardSection(
            "handover.transfer",
            "handover/_dashboard_transfers.html",
            "kaa.handover.selectors.transfer_dashboard",
            order=15,
        ),
    ]

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kaa.casework.models import Case
        from kaa.register.sections import YouthSection

        self.youth_sections = [
            YouthSection(
                perm="casework.view",
                template="handover/sections/_fraktsedel.html",
                context="kaa.handover.selectors.fraktsedel_section_context",
                order=36,
            ),
            YouthSection(
                perm="handover.transfer",
                template="handover/sections/_transfers.html",
                context="kaa.handover.selectors.transfer_section_context",
                order=90,
            ),
        ]
        post_save.connect(_pin_owner, sender=Case, dispatch_uid="handover_pin_case_owner")
        # The youth's timeline names hand-over's events in words (the register's table, filled in here).
        from kaa.register.labels import EVENT_LABELS

        EVENT_LABELS.update(EVENT_WORDS)


def _pin_owner(sender: type, instance: object, created: bool, raw: bool = False, **kwargs: object) -> None:
    """A case opened is pinned to the municipality holding the youth then: a later population move does
    not hand the case records to the new municipality (only an accepted transfer does)."""
    if created and not raw:
        from .services import case_ownership_pin

        case_ownership_pin(youth=instance.youth)  # type: ignore[attr-defined]
