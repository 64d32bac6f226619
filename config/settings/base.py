"""Settings shared by every environment. Configuration comes from the environment (INTERFACES.md)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEFAULT_SECRET_KEY = "insecure-demo-key-do-not-use-in-production"  # noqa: S105 - refused by production settings
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

KAA_APPS = [
    "kaa.core",
    "kaa.accounts",
    "kaa.organisations",
    "kaa.register",
    "kaa.imports",
    "kaa.outreach",
    "kaa.messaging",
    "kaa.casework",
    "kaa.meetings",
    "kaa.handover",
    "kaa.prevention",
    "kaa.reporting",
    "kaa.retention",
    "kaa.audit",
    "kaa.portability",
    "kaa.demo",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "csp",
    *KAA_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kaa.core.middleware.RequestIdMiddleware",
    "kaa.audit.middleware.AuditBatchMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kaa.accounts.middleware.RequireAdminOtpMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "kaa.core.middleware.ForbiddenMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "kaa.accounts.context_processors.navigation",
            ],
        },
    }
]

# Plain inputs and selects written in Python, the same HTML as Django's widget templates (kaa/core/form_renderer.py).
FORM_RENDERER = "kaa.core.form_renderer.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'kaa.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and the scheduler share the demo database.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20,
         "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Passwords (refused when KAA_LOCAL_LOGIN is off) and single sign-on (idle unless configured).
    "kaa.accounts.backends.LocalPasswordBackend",
    "kaa.accounts.oidc.KaaOIDCBackend",
]

# Local passwords: an installation that logs in only through its identity provider switches them off.
KAA_LOCAL_LOGIN = env_bool("KAA_LOCAL_LOGIN", True)

# Single sign-on through OpenID Connect (mozilla-django-oidc), off unless a client id and the endpoints
# are set. Users are matched on the stable ``sub`` claim (User.oidc_subject); the first time, optionally
# on KAA_OIDC_MATCH_CLAIM ("email" or "preferred_username") to an existing user. Nobody is created and
# no role comes from a claim. A session whose id_token asserts one of KAA_OIDC_MFA_AMR in ``amr`` (or one
# of KAA_OIDC_MFA_ACR as ``acr``) counts as having verified a second factor.
KAA_OIDC_ISSUER = os.environ.get("KAA_OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.environ.get("KAA_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("KAA_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("KAA_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("KAA_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("KAA_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("KAA_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("KAA_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("KAA_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
KAA_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT)
KAA_OIDC_MATCH_CLAIM = os.environ.get("KAA_OIDC_MATCH_CLAIM", "")
KAA_OIDC_MFA_AMR = env_list("KAA_OIDC_MFA_AMR", "mfa,otp,hwk,swk,sms,fpt,face,iris")
KAA_OIDC_MFA_ACR = env_list("KAA_OIDC_MFA_ACR", "")
KAA_OIDC_PROVIDER_NAME = os.environ.get("KAA_OIDC_PROVIDER_NAME", "")
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username from an address after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("KAA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# The client's address behind our load balancer (kaa/core/client_ip.py), for axes and the reply page.
AXES_CLIENT_IP_CALLABLE = "kaa.core.client_ip.client_ip"
# Single sign-on answers carry no password to guess: axes neither counts nor locks them.
AXES_WHITELIST_CALLABLE = "kaa.accounts.backends.axes_skips_single_sign_on"

# Our own proxies and load balancers (addresses or networks, comma-separated): X-Forwarded-For is
# believed only from them, read from the right. Empty: the socket address is the client.
KAA_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("KAA_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Administrators must use a second factor when this is on (production turns it on).
KAA_REQUIRE_ADMIN_OTP = env_bool("KAA_REQUIRE_ADMIN_OTP", False)
# API tokens stop working this many days after they were issued.
KAA_API_TOKEN_DAYS = int(os.environ.get("KAA_API_TOKEN_DAYS", "90"))
OTP_TOTP_ISSUER = "KAA"

# Sessions end after 30 minutes without activity. Every request moves the expiry; the store writes the
# session row only when that moves it by a minute or more, or the session changed (kaa/accounts/sessions.py).
SESSION_ENGINE = "kaa.accounts.sessions"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("KAA_MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Content-Security-Policy: no inline scripts, everything from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = Path(os.environ.get("KAA_EMAIL_FILE_PATH", BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "kaa@example.invalid")

# SMS: a backend path and the provider's settings (see kaa/outreach).
KAA_SMS_BACKEND = os.environ.get("KAA_SMS_BACKEND", "kaa.messaging.sms.FileSmsBackend")
KAA_SMS_FILE_PATH = Path(os.environ.get("KAA_SMS_FILE_PATH", BASE_DIR / "var" / "sms"))
KAA_SMS_API_URL = os.environ.get("KAA_SMS_API_URL", "https://api.46elks.com/a1/sms")
KAA_SMS_API_USER = os.environ.get("KAA_SMS_API_USER", "")
KAA_SMS_API_PASSWORD = os.environ.get("KAA_SMS_API_PASSWORD", "")
KAA_SMS_SENDER = os.environ.get("KAA_SMS_SENDER", "KAA")

# Where nightly extracts arrive for the scheduled import job.
# A register computation over more youths than this is split into KAA_COMPUTE_PARTS id ranges, one task
# each, so that every task worker takes a share (kaa.register.tasks).
KAA_COMPUTE_SPLIT_AT = int(os.environ.get("KAA_COMPUTE_SPLIT_AT", "20000"))
KAA_COMPUTE_PARTS = int(os.environ.get("KAA_COMPUTE_PARTS", "4"))
KAA_IMPORT_INBOX = Path(os.environ.get("KAA_IMPORT_INBOX", BASE_DIR / "var" / "inbox"))
# An uploaded import file over this size is refused while it arrives, before it is stored or read
# (kaa/imports/uploads.py). The command line and the inbox have no limit.
KAA_MAX_UPLOAD_BYTES = int(os.environ.get("KAA_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# Uploaded files over 2.5 MB are streamed to a temporary file, never held in memory; a request's other
# fields may take at most 2.5 MB (Django's defaults, stated here on purpose).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The public address printed on letters (for the QR code and reply page).
KAA_PUBLIC_BASE_URL = os.environ.get("KAA_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "kaa.core.logging.RedactPersonalDataFilter"},
        "request_id": {"()": "kaa.core.logging.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}",
                          "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "redact"],
            "formatter": "plain",
        },
        # The development server's access log (runserver): Django's own handler, redacted like the rest.
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KAA_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print every django.* line a second time,
        # unredacted: its records go to the root handler above instead.
        "django": {"level": "INFO", "handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The filter sits on the logger too, so every handler (also one added later) gets redacted lines.
        "django.server": {"handlers": ["django.server"], "filters": ["redact"], "level": "INFO",
                          "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
