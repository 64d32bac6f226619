from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: synthetic data for every app and the ``demo``/``seed_demo`` commands.

    The top floor: the only app that may import every other (see ARCHITECTURE.md, "Layers"). It has
    no pages and no models, so nothing of it is shown to users.
    """

    name = "kaa.demo"
    label = "demo"
