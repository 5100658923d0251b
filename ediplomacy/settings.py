"""ediplomacy settings, read from the environment.

Every variable is documented in `.env.example`. Readers in `ediplomacy.lib.env`
fail loudly on values they cannot parse.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ediplomacy.lib.email import email_settings
from ediplomacy.lib.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)

# Required to serve or run workers with DEBUG off (ediplomacy.lib.env.require_secret_key
# stops gunicorn and Celery at start-up); tools that sign nothing, such as
# makemigrations, run without it.
SECRET_KEY = envstr("SECRET_KEY") or (
    "insecure-development-key-never-used-in-production" if DEBUG else ""
)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.netloc:
    raise ImproperlyConfigured(f"SITE_URL must be an absolute http(s) URL, not {SITE_URL!r}.")
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "accounts",
    "sso",
    "competences",
    "curriculum",
    "progress",
    "reports",
    "credentials",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "sandbox",
    "discussions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ediplomacy.lib.security.ContentSecurityPolicyMiddleware",
    "ediplomacy.lib.health.HealthzMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise and /healthz: it sees the cookies and Vary set below it.
    "ediplomacy.lib.security.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the person's own language comes first.
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "ediplomacy.lib.security.IdleTimeoutMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
]

ROOT_URLCONF = "ediplomacy.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "progress.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "ediplomacy.wsgi.application"
ASGI_APPLICATION = "ediplomacy.asgi.application"

# --- Database ---------------------------------------------------------------
# Persistent connections with health checks: a PostgreSQL restart costs the
# requests in flight, not the process.
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery ------------------------------------------------
REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ediplomacy.lib.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ediplomacy",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# `make run` (ediplomacy/embedded.py) starts a Celery worker and beat beside the
# web server and sets EMBEDDED_PIPELINE. Without Redis, the three then share an
# embedded broker: kombu's filesystem transport, in files under
# EMBEDDED_PIPELINE_DIR. With REDIS_URL set, the settings below apply unchanged.
EMBEDDED_PIPELINE = envbool("EMBEDDED_PIPELINE", False) and not REDIS_URL
if EMBEDDED_PIPELINE and not DEBUG:
    raise ImproperlyConfigured(
        "EMBEDDED_PIPELINE is for development (`make run`, DEBUG=1); set REDIS_URL instead."
    )
EMBEDDED_PIPELINE_DIR = Path(envstr("EMBEDDED_PIPELINE_DIR", str(BASE_DIR / "var"))).resolve()
if EMBEDDED_PIPELINE and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write the same SQLite file. With the
    # write-ahead log, readers never wait for a writer; a transaction takes
    # the write lock when it begins, so two writers queue (up to `timeout`
    # seconds) instead of one failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

# Celery reads every CELERY_* setting (see ediplomacy/celery.py).
CELERY_BROKER_URL = REDIS_URL or ("filesystem://localhost/" if EMBEDDED_PIPELINE else "memory://")
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without a broker, tasks run in the request that queued them.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL and not EMBEDDED_PIPELINE
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
# A task acknowledges after it ran, so a worker that dies mid-task gives it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 120, minimum=1)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 150, minimum=1)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must exceed CELERY_TASK_SOFT_TIME_LIMIT.")
# Redis redelivers an unacknowledged task after this long; it must outlast the
# longest task, or a slow task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 4}
if EMBEDDED_PIPELINE:
    # One folder is every queue, read and written by every process; the control
    # folder holds the exchange bindings. ediplomacy/celery.py creates them.
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(EMBEDDED_PIPELINE_DIR / "broker" / "queue"),
        "data_folder_out": str(EMBEDDED_PIPELINE_DIR / "broker" / "queue"),
        "control_folder": str(EMBEDDED_PIPELINE_DIR / "broker" / "control"),
    }
    # Beat's record of when each entry last ran, beside the broker's files.
    CELERY_BEAT_SCHEDULE_FILENAME = str(EMBEDDED_PIPELINE_DIR / "celerybeat-schedule")
    # Nothing sends the one worker remote-control commands, and the filesystem
    # transport would poll one more queue for them.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task must not hang while Redis is away: fail
# fast, and let the periodic sweeps send what could not be queued.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "UTC"
# Periodic work, each entry with when and why it runs.
# Seconds between two runs of the planner: 15 minutes; a test of the running
# product shortens it to see a nudge planned and delivered within a minute.
NUDGE_PLAN_SECONDS = envint("NUDGE_PLAN_SECONDS", 15 * 60, minimum=1)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Every 15 minutes: find who is due a reminder, then deliver what is due.
    # Planning is idempotent per (recipient, rule, subject, period), so a rerun
    # or an overlap adds nothing.
    "plan-nudges": {"task": "progress.tasks.plan_nudges", "schedule": NUDGE_PLAN_SECONDS},
    # Every 5 minutes: send what is due, including what quiet hours or an
    # organisation pause held back, and requeue claims of a dead worker.
    "deliver-due-nudges": {"task": "progress.tasks.deliver_due_nudges", "schedule": 5 * 60},
    # Every 5 minutes: e-mail invitations whose sending could not be queued
    # (the broker was away) or failed for good.
    "send-unsent-invitations": {
        "task": "progress.tasks.send_unsent_invitations",
        "schedule": 5 * 60,
    },
    # Every 5 minutes: the same for invitations to an organisation, and for
    # those held back by the daily cap on invitation e-mails to one address.
    "send-unsent-organisation-invitations": {
        "task": "accounts.tasks.send_unsent_organisation_invitations",
        "schedule": 5 * 60,
    },
}

# --- Authentication ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# sso's adapter is accounts' own plus the refusal of passwords where an
# organisation requires single sign-on (docs/sso.md).
ACCOUNT_ADAPTER = "sso.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ediplomacy] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _site.scheme
ACCOUNT_PRESERVE_USERNAME_CASING = False
# allauth's own defaults, stated so a reader sees the limits in force.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# Single sign-on (docs/sso.md): each organisation's identity provider is an
# allauth app in the database, set on the organisation's sign-in page.
SOCIALACCOUNT_ADAPTER = "sso.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
# A provider's address in its organisation's verified domains is the same
# person as an existing account with it (the adapter decides which ones).
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# We sign people in; we never call the identity provider's APIs for them.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10


def _pem_file(name: str, path: str) -> str:
    if not path:
        return ""
    try:
        return Path(path).read_text()
    except OSError as error:
        raise ImproperlyConfigured(f"{name}: cannot read {path}: {error}") from None


# The service provider's own key pair for SAML: with both, every SAML log-in
# request is signed and our metadata publishes the certificate, for identity
# providers that accept signed requests only. PEM files, e.g. made with
# `openssl req -x509 -newkey rsa:3072 -nodes -days 730 -keyout sp.key -out sp.crt`.
SAML_SP_CERTIFICATE = _pem_file("SAML_SP_CERTIFICATE_FILE", envstr("SAML_SP_CERTIFICATE_FILE", ""))
SAML_SP_PRIVATE_KEY = _pem_file("SAML_SP_PRIVATE_KEY_FILE", envstr("SAML_SP_PRIVATE_KEY_FILE", ""))
if bool(SAML_SP_CERTIFICATE) != bool(SAML_SP_PRIVATE_KEY):
    raise ImproperlyConfigured(
        "SAML_SP_CERTIFICATE_FILE and SAML_SP_PRIVATE_KEY_FILE go together: set both or neither"
    )

# Days an invitation link stays valid after it was (re-)sent.
INVITATION_DAYS = envint("INVITATION_DAYS", 14, minimum=1)
# Invitations one person may send (including re-sends) in an hour.
INVITATIONS_PER_HOUR = envint("INVITATIONS_PER_HOUR", 300, minimum=1)
# Times one invitation may be e-mailed in all (the first sending included);
# a re-send waits at least a day after the last one.
INVITATION_MAX_SENDS = envint("INVITATION_MAX_SENDS", 3, minimum=1)
# Invitation e-mails one address may receive in 24 hours, whoever sends them;
# the rest wait, and go out as the day's count falls.
INVITATION_EMAILS_PER_ADDRESS_PER_DAY = envint(
    "INVITATION_EMAILS_PER_ADDRESS_PER_DAY", 3, minimum=1
)
# Largest learner CSV a trainer may upload, in bytes.
LEARNER_CSV_MAX_BYTES = envint("LEARNER_CSV_MAX_BYTES", 1_000_000, minimum=1024)
# Other organisations that must take part before an organisation's report
# shows the median of all: with fewer, the median gives their rates away.
REPORT_BENCHMARK_MIN_ORGANISATIONS = envint("REPORT_BENCHMARK_MIN_ORGANISATIONS", 5, minimum=1)
# Days a one-click unsubscribe link in an e-mail keeps working without a log-in.
UNSUBSCRIBE_LINK_DAYS = envint("UNSUBSCRIBE_LINK_DAYS", 90, minimum=1)

# --- Credentials --------------------------------------------------------------
# Ed25519 keys that sign Open Badges credentials and the revocation list, as
# comma-separated `kid=base64` entries (`manage.py credentials_key <kid>` makes
# one). The first signs; the others still verify what they signed (rotation).
# Required with DEBUG off (`check --deploy` fails without it); a fixed,
# public development key otherwise, so that `make run` keeps its demo
# credentials verifiable across restarts.
CREDENTIALS_SIGNING_KEYS = envlist("CREDENTIALS_SIGNING_KEYS", []) or (
    ["development=d8Dvb9cZktkF3jcRSOoNy4F30nZScRxGOgs5OuzCqYo="] if DEBUG else []
)
# Every 10 minutes: issue the credentials that a lost task or a broker outage
# left behind; issuing is once per achievement, so an overlap adds nothing.
CELERY_BEAT_SCHEDULE["issue-missing-credentials"] = {
    "task": "credentials.tasks.issue_missing_credentials",
    "schedule": 10 * 60,
}

# --- The API and webhooks (docs/api.md) -------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ediplomacy API",
    "DESCRIPTION": (
        "Organisations, people, cohorts, enrolments, completions and report figures "
        "for an organisation's HR and learning systems. Authenticate with "
        "`Authorization: Bearer <token>`; errors are application/problem+json (RFC 9457)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.problem_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, where two fields share a name or a set.
    "ENUM_NAME_OVERRIDES": {
        "SnapshotStatusEnum": "api.v1.serializers.SNAPSHOT_CODES",
        "EnrolmentStatusEnum": "progress.models.Enrolment.Status",
        "StandingStateEnum": "competences.models.Standing.State",
    },
}
# Requests one token may make, per minute (DRF throttling on the cache: Redis
# when REDIS_URL is set, so every web process counts together).
API_RATE_LIMIT = envstr("API_RATE_LIMIT", "600/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured(f"API_RATE_LIMIT must read like 600/min, not {API_RATE_LIMIT!r}.")
# Webhook delivery: seconds before the first retry (doubling each time, up to
# the maximum), attempts before giving up, and the time one request may take.
WEBHOOK_RETRY_BASE_SECONDS = float(envint("WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=1))
WEBHOOK_RETRY_MAX_SECONDS = float(envint("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600, minimum=1))
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 10, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# Endpoints on loopback or private addresses are refused unless this is set
# (development against a receiver on this machine; the tests).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = envbool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)
# Every minute: send the deliveries that are due but were never queued or
# whose retry was lost (a broker outage, a worker killed); claiming a
# delivery before sending makes an overlap harmless.
CELERY_BEAT_SCHEDULE["deliver-due-webhooks"] = {
    "task": "api.tasks.deliver_due_webhooks",
    "schedule": 60,
}

# --- E-mail -----------------------------------------------------------------
globals().update(email_settings(envstr("EMAIL_URL", "console:")))
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "ediplomacy <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
# The six official languages of the United Nations, each named in itself (a
# switcher shows a language to those who read it). A person or an organisation
# may choose any of them; the interface speaks those switched on in LANGUAGES,
# whose catalogue in locale/<code>/ is complete (tests/i18n/ checks it).
UN_LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("ru", "Русский"),
    ("zh-hans", "简体中文"),
]
# All six are complete today; a language whose catalogue falls behind is left
# out of this set until it is whole again.
LANGUAGES = [
    (code, name) for code, name in UN_LANGUAGES if code in {"en", "fr", "es", "ar", "ru", "zh-hans"}
]
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ediplomacy.formats"]

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# `make run` and the tests serve files from their folders, without collectstatic.
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", DEBUG)

# --- Security ---------------------------------------------------------------
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of the app that append the client's address to
# X-Forwarded-For: allauth's per-address rate limits read the address that
# many hops back. 0 reads REMOTE_ADDR (behind a proxy: the proxy's, one limit
# for everyone); more than the real number lets clients forge their address.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
# /healthz tells which dependency is down only to a probe on this machine or
# one sending `Authorization: Bearer <token>`; empty: no token opens it.
HEALTHZ_TOKEN = envstr("HEALTHZ_TOKEN", "")
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
# Signed out after this long without a request, however long the cookie lives.
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 60 * 60 * 2, minimum=60)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}
