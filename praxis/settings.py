"""Praxis settings, read from the environment.

Development: ``DEBUG=true`` (``make run`` sets it) and nothing else is needed.
Production (``DEBUG`` unset or false): Praxis refuses to start unless ``SECRET_KEY`` and
``ALLOWED_HOSTS`` are set to safe values. See docs/operations.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_DEV_SECRET_KEY = "django-insecure-praxis-development-key-never-use-in-production"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def _refuse_unsafe_production_settings() -> None:
    problems = []
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
        problems.append("SECRET_KEY must be set to a long random value")
    elif len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("SECRET_KEY must be at least 50 characters with varied characters")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the host names Praxis is served on")
    elif "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must not contain '*'")
    if not os.environ.get("SITE_URL", "").startswith(("https://", "http://")):
        # Emails, digests and feeds are written with no request at hand: without it every
        # link in them would point at a development address.
        problems.append("SITE_URL must be the site's public address, such as "
                        "https://praxis.example.org")
    if problems:
        raise ImproperlyConfigured(
            "Praxis will not start in production mode (DEBUG is off): "
            + "; ".join(problems)
            + ". For development, set DEBUG=true."
        )


if not DEBUG:
    _refuse_unsafe_production_settings()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "praxis.core",
    "praxis.accounts",
    "praxis.communities",
    "praxis.library",
    "praxis.topics",
    "praxis.discussions",
    "praxis.interop",
    "praxis.notifications",
    "praxis.practice",
    "praxis.impact",
    "praxis.analytics",
    "praxis.credentials",
    "praxis.research",
    "praxis.site",
    "praxis.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages: compressed after everything else has written the body (static files come
    # compressed from WhiteNoise above). Django adds random padding against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    # 304 Not Modified on the ETag set below, computed before compression.
    "django.middleware.http.ConditionalGetMiddleware",
    # ETag that ignores masked CSRF tokens; personal pages private (praxis/core/middleware.py).
    "praxis.core.middleware.PageCachingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "praxis.accounts.middleware.MemberPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 413 before a too large body is read (praxis/site/uploads.py).
    "praxis.site.uploads.RequestSizeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "praxis.core.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "praxis.urls"
# Form widgets from the site's templates first (praxis/templates/django/forms/): text fields
# follow the direction of what is typed.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CSRF_FAILURE_VIEW = "praxis.site.core.views.csrf_failure"
WSGI_APPLICATION = "praxis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "praxis" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # Plain-text emails and subject lines (core.email.render_text): not HTML, so nothing
        # is escaped; "Trainers' Community" stays as written.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "praxis" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Database: SQLite in WAL mode unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE avoids "database is locked" when a read transaction upgrades to a write.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set (shared by several app servers), else local.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "praxis"),
        }
    }
    # Sessions are read from Redis and written through to the database, so a Redis restart
    # does not sign everyone out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["praxis.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fa", _("Persian"))]
LOCALE_PATHS = [BASE_DIR / "praxis" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "praxis" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Email: real SMTP unless told otherwise; development prints to the console.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# Seconds before a silent mail server counts as failed (the worker then tries again later).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Praxis <praxis@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Where links in emails point (no request at hand in background work).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Behind our own proxy (nginx), the client's address is the last X-Forwarded-For entry; the
# limits on logins, sign-ups and searches count per address (core/throttle.py).
PRAXIS_BEHIND_PROXY = env_bool("PRAXIS_BEHIND_PROXY")
# Where those counts are kept: the shared cache (Redis) when there is one, else the database.
PRAXIS_THROTTLE_STORE = "cache" if REDIS_URL else "database"
# How long the security audit log (logins, role changes, moderation) keeps its events.
PRAXIS_AUDIT_DAYS = int(os.environ.get("PRAXIS_AUDIT_DAYS", "365"))
# How long a proxy in front may keep a page for signed-out visitors (core/middleware.py).
PRAXIS_PUBLIC_CACHE_SECONDS = int(os.environ.get("PRAXIS_PUBLIC_CACHE_SECONDS", "60"))

# Who may create communities: "stewards" (superusers, staff and existing stewards) or "everyone".
PRAXIS_COMMUNITY_CREATORS = os.environ.get("PRAXIS_COMMUNITY_CREATORS", "stewards")
PRAXIS_INVITATION_DAYS = int(os.environ.get("PRAXIS_INVITATION_DAYS", "14"))
PRAXIS_MAX_ATTACHMENT_MB = int(os.environ.get("PRAXIS_MAX_ATTACHMENT_MB", "10"))
# A request body larger than this is refused before it is read: five attachments and a post.
PRAXIS_MAX_REQUEST_MB = int(os.environ.get("PRAXIS_MAX_REQUEST_MB",
                                           str(5 * PRAXIS_MAX_ATTACHMENT_MB + 5)))
# The first handler drops a file while it streams in once it is larger than any form takes.
FILE_UPLOAD_HANDLERS = [
    "praxis.site.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Background work (emails): the database queue, run by `make worker`; Redis (RQ) when
# REDIS_URL is set. PRAXIS_TASKS_BACKEND=immediate runs tasks in the request instead.
TASKS_BACKEND = os.environ.get("PRAXIS_TASKS_BACKEND", "rq" if REDIS_URL else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        # "imports": Moodle imports, which may run for hours (praxis/interop/tasks.py).
        "QUEUES": ["default", "imports"],
    }
}
# The largest Moodle backup the import page takes, and how long its import may run.
PRAXIS_IMPORT_MAX_UPLOAD_MB = int(os.environ.get("PRAXIS_IMPORT_MAX_UPLOAD_MB", "2048"))
PRAXIS_IMPORT_TIMEOUT_MINUTES = int(os.environ.get("PRAXIS_IMPORT_TIMEOUT_MINUTES", "360"))
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300},
        "imports": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": PRAXIS_IMPORT_TIMEOUT_MINUTES * 60},
    }

# Reply by email: replies go to reply+<token>@PRAXIS_REPLY_DOMAIN, which the mail server
# delivers to `manage.py receive_email` or to /inbound/email/ (Bearer PRAXIS_INBOUND_SECRET).
# With no domain set, emails carry no reply address.
PRAXIS_REPLY_DOMAIN = os.environ.get("PRAXIS_REPLY_DOMAIN", "")
PRAXIS_INBOUND_SECRET = os.environ.get("PRAXIS_INBOUND_SECRET", "")
# A reply by email with a phone photo: base64 makes a 10 MB attachment about 13.5 MB.
PRAXIS_MAX_INBOUND_MB = int(os.environ.get("PRAXIS_MAX_INBOUND_MB", "25"))
# How long a reply address works after its email was sent.
PRAXIS_REPLY_DAYS = int(os.environ.get("PRAXIS_REPLY_DAYS", "90"))
# The authserv-id your mail server writes in Authentication-Results (RFC 8601). When set, a
# reply must carry that server's pass for DMARC, DKIM or SPF: a forged From is refused.
PRAXIS_INBOUND_AUTHSERV_ID = os.environ.get("PRAXIS_INBOUND_AUTHSERV_ID", "")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Pages load nothing but this site's stylesheet and pictures, run no script at all, and post
# forms only here (django-csp; decision 33). Views that serve other things (files, an
# email's HTML, the offline download) set their own, stricter policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    },
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_on_one_line": {"()": "praxis.core.logs.ClientErrorsOnOneLine"}},
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line",
                             "filters": ["client_errors_on_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The PDF's font subsetting reports every table it writes at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}, "fpdf": {"level": "WARNING"}},
}
