from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import NavItem


class RegisterConfig(AppConfig):
    name = "kaa.register"
    label = "register"
    verbose_name = _("The target-group register")

    nav_items = [NavItem("youth.view", "register:youth_list", _("Youths"), order=10)]
