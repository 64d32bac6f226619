"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()


def _freeze_startup_objects() -> None:
    """Load every URL's views now and move everything loaded so far out of the garbage collector's sight.

    A worker holds some 150,000 objects after start (Django, the apps, their views and forms); Python's
    full collection walks all of them, about once every 40 pages, which made one page in 40 some 100 ms
    slower (bench/README.md, issue 16). They live as long as the process, so ``gc.freeze()`` keeps them out
    of every collection; what a request creates is collected as before.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views)
    gc.collect()
    gc.freeze()


_freeze_startup_objects()
