from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import NavItem


class MessagingConfig(AppConfig):
    name = "kaa.messaging"
    label = "messaging"
    verbose_name = _("Letters and messages")

    # Perm.LETTERS_PRINT and Perm.LETTERS_MANAGE (strings: the policy imports models).
    nav_items = [
        NavItem("outreach.print", "messaging:print_letters", _("Print letters"), order=46, menu="more"),
        NavItem("outreach.letters", "messaging:template_list", _("Letter templates"), order=70, menu="more"),
    ]
