"""Development and demo: SQLite by default, debug on unless switched off."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
