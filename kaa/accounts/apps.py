from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import NavItem


class AccountsConfig(AppConfig):
    name = "kaa.accounts"
    label = "accounts"
    verbose_name = _("Users, roles, access policy")

    nav_items = [NavItem("api.tokens", "accounts:tokens", _("API tokens"), order=99, menu="user")]
