from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    """Moving a municipality's data out of one installation and into another (*dataportabilitet*).

    No pages and no UI text: the operator's commands (export_municipality, import_municipality) only,
    so the app has no translation catalogue of its own.
    """

    name = "kaa.portability"
    label = "portability"
    verbose_name = "Data portability"
