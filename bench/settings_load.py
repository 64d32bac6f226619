"""Load-test settings: production's, but plain HTTP on loopback (a proxy terminates TLS in production).

Only what TLS needs changes: no redirect to HTTPS and cookies without the ``Secure`` flag and ``__Host-``
prefix, because Locust talks HTTP to gunicorn on 127.0.0.1. Static files are collected into the run's
temporary folder (``STATIC_ROOT`` from ``KAA_STATIC_ROOT``).
"""

import os

from config.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STATIC_ROOT = os.environ["KAA_STATIC_ROOT"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
KAA_SMS_BACKEND = "kaa.messaging.sms.LocmemSmsBackend"
