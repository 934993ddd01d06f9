"""Settings for the CQP platform.

Everything comes from environment variables. The defaults make a demo run with no
configuration at all (SQLite under var/, tasks run eagerly, e-mails on the console);
with DEBUG off the application refuses to start on the demo secret key.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cqp.storage import media_storage, media_storage_kind

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}.") from exc


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

DEMO_SECRET_KEY = "demo-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
if not DEBUG and (
    SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DEBUG is off: set SECRET_KEY to a random value of at least 50 characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The host named in the mentions légales (cqp.views.legal): its name, address and telephone,
# on one line, as the operator's contract states them.
HOSTING_PROVIDER = os.environ.get("HOSTING_PROVIDER", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "guardian",
    "axes",
    "cqp",
    "candidates",
    "evaluations",
    "jury",
    "pilotage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cqp.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CommonMiddleware in the response phase: the length it sets is the final one.
    "cqp.middleware.FrenchTypographyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cqp.middleware.PrivatePagesMiddleware",
    "cqp.middleware.ReadMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cqp.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cqp.middleware.ConcurrentChangeMiddleware",
    # Last, as django-axes asks: turns a locked-out answer into a 429 (cqp.limits).
    "axes.middleware.AxesMiddleware",
]

# In production (DEBUG off) WhiteNoise serves the collected static files (run
# `manage.py collectstatic`); in the demo, runserver serves them from static/.
SERVE_STATIC = env_bool("SERVE_STATIC", not DEBUG)
if SERVE_STATIC:
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "cqp.urls"
WSGI_APPLICATION = "cqp.wsgi.application"

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
                "cqp.context_processors.current_roles",
            ],
        },
    },
]

# Django's form renderer, the labels written in Python (cqp.form_rendering).
FORM_RENDERER = "cqp.form_rendering.Renderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the planner's cost estimates of the statistics' aggregates with
    # correlated subqueries pass JIT's thresholds and PostgreSQL then spends seconds
    # compiling a query that runs in milliseconds (measured on /pilotage/ at 100,000
    # candidacies: 2.8 s of JIT for 0.4 s of execution). Web requests are short queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters bound on the server, and a statement run twice on a connection prepared:
    # PostgreSQL plans it once per connection (README « Scale »). Off behind a pooler in
    # transaction mode, which cannot keep prepared statements.
    if env_bool("DATABASE_SERVER_SIDE_BINDING", True):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2

REDIS_URL = os.environ.get("REDIS_URL") or None

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cqp",
        }
    }
    # Sessions read from Redis and written to both: no session query on a page, and a
    # session outlives a flushed cache. Without Redis (the demo), in the database only: a
    # per-process cache would keep a session another process has ended.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "cqp.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every authenticate() while a lock holds (cqp.limits).
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user with their memberships, habilitations and
    # unread count in one query (cqp.user_facts).
    "cqp.backends.FactsModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian anonymous user: anonymous visitors hold no object permission.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Authentication, sessions and limits (README « Authentication, sessions and limits »).
# Passwords (OWASP ASVS 2.1.1, 2.1.7): 12 characters at least, not a common password.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 12)
if PASSWORD_MIN_LENGTH < 8:
    raise ImproperlyConfigured(f"PASSWORD_MIN_LENGTH must be 8 or more, got {PASSWORD_MIN_LENGTH}.")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
# Sessions (ASVS 3.3.2, level 2): a new login after 30 minutes without a request, and 12 hours
# after the login whatever the activity (cqp.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# The client's address (cqp.limits.client_address): REMOTE_ADDR, or behind this many reverse
# proxies of ours, the address the outermost one saw (X-Forwarded-For, read from the right).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
# Every authentication (logins, back-office, signatures, password changes) is limited by
# django-axes with the policy of cqp.limits.LoginLimits: per account whatever the address
# (a lock twice as long at each new one, up to LOGIN_LOCKOUT_MAX), per address.
AXES_HANDLER = "cqp.limits.LoginLimits"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("LOGIN_THROTTLE_ATTEMPTS", 5)
AXES_COOLOFF_TIME = datetime.timedelta(seconds=env_int("LOGIN_THROTTLE_WINDOW", 15 * 60))
LOGIN_LOCKOUT_MAX = datetime.timedelta(seconds=env_int("LOGIN_THROTTLE_MAX", 24 * 60 * 60))
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_THROTTLE_ADDRESS_ATTEMPTS", 20)
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "cqp.limits.client_address"
AXES_LOCKOUT_CALLABLE = "cqp.limits.lockout_response"
# An attempt refused by a lock neither counts nor lengthens it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Counts live in the cache: axes' tables stay empty, so out of the back-office.
AXES_ENABLE_ADMIN = False
# django-ratelimit (password resets, public verifications) keys "ip" on the same address.
RATELIMIT_IP_META_KEY = "cqp.limits.client_address"
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 10)  # an hour
PASSWORD_RESET_EMAIL_LIMIT = env_int("PASSWORD_RESET_EMAIL_LIMIT", 3)  # an hour

INVITATION_VALIDITY_DAYS = env_int("INVITATION_VALIDITY_DAYS", 14)
# A jury session deliberates with both colleges present; by default with as many
# employers' as employees' representatives.
JURY_REQUIRE_PARITY = env_bool("JURY_REQUIRE_PARITY", True)
VERIFY_RATE_LIMIT = env_int("VERIFY_RATE_LIMIT", 30)  # public verifications per client per minute
# The Ed25519 private key (PEM) that signs the verifiable credentials (jury/credentials.py);
# the demo creates it (`manage.py credential_key --create-if-missing`), a missing or
# unreadable one stops the start (system check jury.E001).
CREDENTIAL_KEY_FILE = Path(os.environ.get("CREDENTIAL_KEY_FILE", VAR_DIR / "credential-key.pem"))
# Uploaded PDFs checked on the public page, per client per minute (each is parsed whole).
VERIFY_UPLOAD_RATE_LIMIT = env_int("VERIFY_UPLOAD_RATE_LIMIT", 10)

# The seal of the official PDFs (cqp/seal.py, README « The document seal »). The demo makes
# its own pair under VAR_DIR (`manage.py seal_keys --create-if-missing`); production names
# the CPEF's files, or the start stops.
_DEMO_SEAL_DIR = VAR_DIR / "seal"
SEAL_KEY_FILE = os.environ.get(
    "SEAL_KEY_FILE", str(_DEMO_SEAL_DIR / "seal-key.pem") if DEBUG else ""
)
SEAL_CERT_FILE = os.environ.get(
    "SEAL_CERT_FILE", str(_DEMO_SEAL_DIR / "seal-cert.pem") if DEBUG else ""
)
SEAL_KEY_PASSWORD = os.environ.get("SEAL_KEY_PASSWORD", "")
# Former seal certificates (after a renewal): the documents they sealed still verify.
SEAL_PREVIOUS_CERT_FILES = env_list("SEAL_PREVIOUS_CERT_FILES", [])
# The secretariat is told this many days before the seal's certificate expires.
REMINDER_SEAL_DAYS = env_int("REMINDER_SEAL_DAYS", 60)

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
# The non-breaking spaces of French punctuation in pages, e-mails and documents
# (cqp.typography). The test suite turns it off except where it is the subject
# (tests/conftest.py): the other tests compare texts as typed in the templates.
FRENCH_TYPOGRAPHY = env_bool("FRENCH_TYPOGRAPHY", True)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploaded files live outside the static tree and are only ever served by views that
# check the user's right to them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Where those files are kept: local files or an S3-compatible store (cqp.storage).
MEDIA_STORAGE = media_storage_kind(os.environ)
STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The first handler reads no file past cqp.uploads.MAX_SIZE; the others are Django's.
FILE_UPLOAD_HANDLERS = [
    "cqp.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CPEF - CQP <cqp@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", REDIS_URL is None)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# The letter of each recevabilité decision (« avis de recevabilité »): where it is signed,
# and the means of recourse printed on an avis défavorable, as the CPEF words them.
RECEVABILITE_LETTER_PLACE = os.environ.get("RECEVABILITE_LETTER_PLACE", "Paris")
RECEVABILITE_RECOURSE_TEXT = os.environ.get(
    "RECEVABILITE_RECOURSE_TEXT",
    "Vous pouvez contester cette décision dans un délai de deux mois à compter de sa "
    "réception, par un recours gracieux adressé par écrit au secrétariat de la CPEF, en "
    "joignant tout élément nouveau qui vous paraît utile. Vous pouvez aussi présenter une "
    "nouvelle demande de recevabilité lorsque votre expérience aura évolué.",
)

# Reminders and housekeeping, run by `celery -A cqp beat` (see the README).
REMINDER_WAITING_DAYS = env_int("REMINDER_WAITING_DAYS", 60)
# How long /pilotage/ shows figures already computed (pilotage/figures.py); 0: never kept.
PILOTAGE_CACHE_SECONDS = env_int("PILOTAGE_CACHE_SECONDS", 600)
REMINDER_HABILITATION_DAYS = env_int("REMINDER_HABILITATION_DAYS", 60)
REMINDER_VALIDATION_MONTHS = env_int("REMINDER_VALIDATION_MONTHS", 6)
# The recevabilité of a VAE request: a decision is due this many months after its
# submission; the secretariat is reminded this many days before, and on the day.
VAE_DECISION_MONTHS = env_int("VAE_DECISION_MONTHS", 2)
VAE_DECISION_REMINDER_DAYS = env_int("VAE_DECISION_REMINDER_DAYS", 15)
NOTIFICATION_EMAIL_RESEND_DAYS = env_int("NOTIFICATION_EMAIL_RESEND_DAYS", 7)
CELERY_BEAT_SCHEDULE = {
    "remind-waiting-candidacies": {
        "task": "candidates.tasks.remind_waiting_candidacies",
        "schedule": crontab(hour=7, minute=0),
    },
    "remind-recevabilite-deadlines": {
        "task": "candidates.tasks.remind_recevabilite_deadlines",
        "schedule": crontab(hour=7, minute=5),
    },
    "remind-expiring-validations": {
        "task": "candidates.tasks.remind_expiring_validations",
        "schedule": crontab(hour=7, minute=10),
    },
    "remind-expiring-habilitations": {
        "task": "cqp.tasks.remind_expiring_habilitations",
        "schedule": crontab(hour=7, minute=20),
    },
    "remind-expiring-seal": {
        "task": "cqp.tasks.remind_expiring_seal",
        "schedule": crontab(hour=7, minute=25),
    },
    "resend-unsent-emails": {
        "task": "cqp.tasks.resend_unsent_emails",
        "schedule": crontab(minute="*/15"),
    },
    "warm-pilotage": {
        "task": "pilotage.tasks.warm_pilotage",
        "schedule": crontab(minute="*/10"),
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "cqp.views.helpers.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# The app serves its own scripts and styles, from static/: no inline script or style, no eval,
# nothing from elsewhere (README « Security headers »).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the app never uses, denied to it and to anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
