from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo: synthetic data for every app and the ``demo``/``seed_demo`` commands.

    The top floor: the only app that may import every other (see ARCHITECTURE.md, "Layers").
    """

    name = "kaa.demo"
    label = "demo"
    verbose_name = _("Demo data")
