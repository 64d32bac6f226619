from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kaa.core"
    label = "core"
    verbose_name = _("Shared UI, health, scheduling")

    def ready(self) -> None:
        from . import checks  # noqa: F401
