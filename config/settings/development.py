"""Development and the demo: SQLite by default, DEBUG off.

The demo shows what a user sees: the product's own error pages (templates/404.html and friends),
static files served by WhiteNoise from STATIC_ROOT (``manage.py demo`` collects them). While
developing, DJANGO_DEBUG=1 gives Django's debug pages and serves static files from static/.
"""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
