"""Settings for the party-building platform: one file, driven by environment variables.

Development defaults (SQLite under var/, generated keys) need no configuration; production sets
DANGJIAN_ENV=production and must then provide every secret explicitly.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


# --- Secrets file (security review, finding 8) -----------------------------------------------------------------
# `manage.py generate_secrets --output FILE` writes KEY=value lines (mode 0600); DANGJIAN_SECRETS_FILE names it.
# The environment wins: a variable already set is kept, the file only fills in what is missing.
def _read_secrets_file(path):
    from django.core.exceptions import ImproperlyConfigured

    path = Path(path)
    try:
        mode, text = path.stat().st_mode, path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(f"DANGJIAN_SECRETS_FILE: cannot read {path}: {exc.strerror}") from None
    if os.environ.get("DANGJIAN_ENV") == "production" and mode & 0o077:
        raise ImproperlyConfigured(f"DANGJIAN_SECRETS_FILE: {path} must be readable by its owner only (chmod 600)")
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ImproperlyConfigured(f"DANGJIAN_SECRETS_FILE: {path}, line {number} is not NAME=value")
        os.environ.setdefault(name.strip(), value.strip())


if os.environ.get("DANGJIAN_SECRETS_FILE"):
    _read_secrets_file(os.environ["DANGJIAN_SECRETS_FILE"])

# `generate_secrets` makes the secrets production needs, so it runs before they exist (it does nothing else).
PRODUCTION = os.environ.get("DANGJIAN_ENV", "development") == "production" and sys.argv[1:2] != ["generate_secrets"]
# Under the test runner (pytest sets PYTEST_VERSION before the settings load).
TESTING = bool(os.environ.get("PYTEST_VERSION"))
DEBUG = os.environ.get("DANGJIAN_DEBUG", "0") == "1"


def _local_secret(name, nbytes):
    """A secret generated once into var/ for development; production must pass it in the environment."""
    if PRODUCTION:
        raise RuntimeError(f"DANGJIAN_ENV=production requires the {name} environment variable")
    path = VAR_DIR / f"{name.lower()}.txt"
    if not path.exists():
        path.write_text(secrets.token_hex(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret("DJANGO_SECRET_KEY", 32)
# 32 bytes hex: SM4 data key and HMAC-SM3 index key are derived from it (core.crypto). Its version (default 1) is
# written in every ciphertext ("v2:…"); after a rotation the retired keys stay listed as "version:hex" pairs until
# `manage.py data_key_rotate` has re-encrypted every value (core.datakeys; docs/security.md, "The data key").
DANGJIAN_DATA_KEY = os.environ.get("DANGJIAN_DATA_KEY") or _local_secret("DANGJIAN_DATA_KEY", 32)


def _data_key_ring():
    from django.core.exceptions import ImproperlyConfigured

    from dangjian.core import datakeys

    try:  # a key ring that cannot be read or used is wrong in every environment; production also checks lengths
        version = datakeys.parse_version(os.environ.get("DANGJIAN_DATA_KEY_VERSION", "1"))
        old_keys = datakeys.parse_old_keys(os.environ.get("DANGJIAN_DATA_OLD_KEYS", ""))
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    if problems := datakeys.ring_problems(DANGJIAN_DATA_KEY, version, old_keys):
        raise ImproperlyConfigured("; ".join(problems))
    return version, old_keys


DANGJIAN_DATA_KEY_VERSION, DANGJIAN_DATA_OLD_KEYS = _data_key_ring()
# 32 bytes hex: the HMAC-SM3 key of the audit chain (core.audit), kept outside the database like the data key.
# After a rotation the previous keys stay listed (comma-separated) so older entries still verify.
DANGJIAN_AUDIT_KEY = os.environ.get("DANGJIAN_AUDIT_KEY") or _local_secret("DANGJIAN_AUDIT_KEY", 32)
DANGJIAN_AUDIT_OLD_KEYS = [k for k in os.environ.get("DANGJIAN_AUDIT_OLD_KEYS", "").split(",") if k.strip()]
# Audit entries are kept this long before `manage.py audit_archive` may move them to a signed archive file;
# never less than 183 days (Cybersecurity Law art. 21: six months), refused at start-up (core.checks).
AUDIT_RETENTION_DAYS = int(os.environ.get("DANGJIAN_AUDIT_RETENTION_DAYS", str(3 * 365)))

# --- Production refuses to start with unsafe settings (security review, finding 8) ------------------------------
INSECURE_SECRET_KEYS = {"change-me", "changeme", "secret", "dev", "development", "insecure"}


def _production_refusals():
    """Why this production configuration must not start (empty when it may)."""
    refusals = []
    if DEBUG:
        refusals.append("DANGJIAN_DEBUG=1 is not allowed in production (it shows settings and code to visitors)")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        refusals.append("DJANGO_SECRET_KEY must be at least 50 characters (run `manage.py generate_secrets`)")
    elif SECRET_KEY.lower() in INSECURE_SECRET_KEYS or SECRET_KEY.startswith("django-insecure-"):
        refusals.append("DJANGO_SECRET_KEY is a default or development key (run `manage.py generate_secrets`)")
    from dangjian.core import datakeys

    refusals += datakeys.ring_problems(DANGJIAN_DATA_KEY, DANGJIAN_DATA_KEY_VERSION, DANGJIAN_DATA_OLD_KEYS,
                                       key_length=datakeys.PRODUCTION_KEY_BYTES)
    if os.environ.get("DANGJIAN_OTP_REQUIRED", "1") != "1":
        refusals.append("DANGJIAN_OTP_REQUIRED must stay 1 in production: the roles that reveal personal data sign "
                        "in with a second factor")
    return refusals


# A missing DJANGO_SECRET_KEY, DANGJIAN_DATA_KEY or DANGJIAN_AUDIT_KEY is refused above by _local_secret().
if PRODUCTION and (_refusals := _production_refusals()):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DANGJIAN_ENV=production refuses to start: " + "; ".join(_refusals))

ALLOWED_HOSTS = [h for h in os.environ.get("DANGJIAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DANGJIAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The platform's apps come first: their templates and translations take precedence over third-party ones.
INSTALLED_APPS = [
    "dangjian.core",
    "dangjian.orgs",
    "dangjian.accounts",
    "dangjian.dashboard",
    "dangjian.outreach",
    "dangjian.showcase",
    "dangjian.secretaries",
    "dangjian.demo",
    "dangjian.supervision",
    "dangjian.training",
    "dangjian.stars",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
]
# The suite adds a small app that is only declared (docs/decisions.md: the app contract), to show that an app
# plugs into the menu, home page, metrics and permission matrix without an edit anywhere else.
if TESTING:
    INSTALLED_APPS.append("dangjian.core.tests.contract_app")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangjian.core.middleware.RequestContextMiddleware",
    "dangjian.core.caching.NoStoreMiddleware",
    "dangjian.core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: request.user.is_verified() (the session passed the second factor).
    "django_otp.middleware.OTPMiddleware",
    "dangjian.accounts.middleware.SessionLifetimeMiddleware",
    "dangjian.accounts.middleware.PasswordChangeRequiredMiddleware",
    "dangjian.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangjian.core.middleware.DomainExceptionMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dangjian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangjian.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}"),
        conn_max_age=int(os.environ.get("DANGJIAN_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# SQLite as a server database (issue 11): pages read through the OS page cache (mmap) rather than a read() system
# call each, and each connection keeps 32 MiB of hot pages (2 gunicorn workers x 4 threads: 8 connections).
SQLITE_MMAP_MB = int(os.environ.get("DANGJIAN_SQLITE_MMAP_MB", "1024"))
SQLITE_CACHE_MB = int(os.environ.get("DANGJIAN_SQLITE_CACHE_MB", "32"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the write lock up front, so the audit hash chain
        # (read last entry, append next) cannot interleave with another writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # Every new connection: WAL (readers beside one writer) with synchronous=NORMAL (safe with WAL); mmap and
        # cache_size as above; temporary B-trees (ORDER BY, DISTINCT) in memory. Statistics: core.dbtuning.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            f"PRAGMA mmap_size={SQLITE_MMAP_MB * 1024 * 1024}; PRAGMA cache_size=-{SQLITE_CACHE_MB * 1024}; "
            "PRAGMA temp_store=MEMORY;"
        ),
    }
# Test databases are per process, so test runs started side by side never share (or drop) each other's.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    if TESTING:
        # The audit table refuses TRUNCATE (core migration 0005) unless this session setting is on: the test
        # runner empties every table between transactional tests. Only test runs set it.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c dangjian.audit_allow_truncate=on"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login security (等保 2.0 level 3 baseline) ---------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "dangjian.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "dangjian.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "dangjian.accounts.validators.NoUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# The account is what gets locked (等保: "lock the account"), whatever address the attempts come from.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a locked account stays locked 30 minutes, no more
AXES_LOCKOUT_CALLABLE = "dangjian.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "dangjian.core.middleware.client_ip_for_axes"

SESSION_COOKIE_AGE = 30 * 60  # idle sessions end after 30 minutes
SESSION_SAVE_EVERY_REQUEST = True  # ... measured from the last request, not from login
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
HTTPS = os.environ.get("DANGJIAN_HTTPS", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
# With HTTPS on: HSTS for a year and every plain-HTTP request redirected (docs/deployment.md). Behind a reverse proxy
# that terminates TLS, DANGJIAN_PROXY_SSL_HEADER=1 trusts its X-Forwarded-Proto (the proxy must overwrite it).
if HTTPS:
    SECURE_SSL_REDIRECT = os.environ.get("DANGJIAN_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("DANGJIAN_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DANGJIAN_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("DANGJIAN_HSTS_PRELOAD", "1") == "1"
if os.environ.get("DANGJIAN_PROXY_SSL_HEADER", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
API_TOKEN_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("DANGJIAN_API_TOKEN_IDLE_MINUTES", "30")))
# Absolute lifetime beside the idle timeout: a session or API token ends this long after the login that opened
# it, however busy it has been (等保 2.0: re-authentication).
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=int(os.environ.get("DANGJIAN_SESSION_MAX_HOURS", "12")))
API_TOKEN_MAX_AGE = timedelta(hours=int(os.environ.get("DANGJIAN_API_TOKEN_MAX_HOURS", "12")))
# Password history and maximum age (GB/T 22239 8.1.4.1): the last N passwords cannot be reused; a password
# older than the maximum age must be changed at the next login.
PASSWORD_HISTORY_COUNT = 5
PASSWORD_MAX_AGE = timedelta(days=int(os.environ.get("DANGJIAN_PASSWORD_MAX_AGE_DAYS", "90")))
# Password spraying: failed logins per client address (login page and token endpoint together), beside the
# per-account lockout of django-axes. Counted in the shared cache, so every worker process sees one count.
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("DANGJIAN_LOGIN_IP_FAILURE_LIMIT", "30"))
LOGIN_IP_FAILURE_WINDOW = timedelta(minutes=10)
# ID-number probing: a user whose writes meet more than this many ID numbers registered outside their scope
# within the window is refused further member-record writes with an ID number, and flagged.
ID_DUPLICATE_PROBE_LIMIT = int(os.environ.get("DANGJIAN_ID_DUPLICATE_PROBE_LIMIT", "5"))
ID_DUPLICATE_PROBE_WINDOW = timedelta(hours=1)
# Second factor (TOTP, django-otp; issue 6 finding 1): roles that reveal personal data must sign in with a code
# in production. Development and the demo offer it without requiring it (an account with a device still gives
# its code). Production refuses to start with it off (see _production_refusals above).
OTP_REQUIRED = os.environ.get("DANGJIAN_OTP_REQUIRED", "1" if PRODUCTION else "0") == "1"
OTP_TOTP_ISSUER = os.environ.get("DANGJIAN_OTP_ISSUER", "党建工作平台")
OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp's own back-off after a wrong code (1 s, 2 s, 4 s…), beside the lockout
# How long the code page waits for the code after a correct password (the password step is forgotten after).
OTP_LOGIN_TIMEOUT = timedelta(minutes=5)

# --- Cache: shared by every worker process (throttles, login counters) --------------------------------------
# The database cache by default (its table is created by the accounts migration `cache_table`); Redis when
# DANGJIAN_REDIS_URL names a server. Never the per-process memory cache: each worker would count on its own.
if os.environ.get("DANGJIAN_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["DANGJIAN_REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "dangjian_cache"}}

# --- Security headers -------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Tabler and the API docs set style attributes; no script is ever inline.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
# Oversized requests are refused before a view runs (core.middleware.RequestSizeLimitMiddleware); only the
# attachment upload URL accepts a multipart body up to the attachment limit (core.middleware.request_size_limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# --- Attachments (core.attachments) -------------------------------------------------------------------------
# Stored outside the static files and without any public URL; served only by the attachment view.
ATTACHMENTS_DIR = Path(os.environ.get("DANGJIAN_ATTACHMENTS_DIR", VAR_DIR / "attachments"))
# Types are recognised by their content (core.attachments.TYPES lists the known ones).
ATTACHMENT_TYPES = ["pdf", "jpeg", "png", "webp", "gif", "docx", "xlsx", "pptx", "doc", "xls", "mp4", "mp3", "txt"]
ATTACHMENT_MAX_SIZE = 20 * 1024 * 1024
ATTACHMENT_MAX_SIZES = {"mp4": 200 * 1024 * 1024}  # per type, overriding ATTACHMENT_MAX_SIZE
# Large uploads are spooled to disk beside the data, not to /tmp (often a RAM disk).
FILE_UPLOAD_TEMP_DIR = VAR_DIR / "upload-tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(exist_ok=True)

# --- Internationalisation ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "dangjian" / "locale"]
# One date format on every page: 2026-12-01, 2026-12-01 13:15. The formats modules (dangjian/formats/<lang>/)
# win over Django's locale formats, which would win over the settings below (kept for a language without one).
FORMAT_MODULE_PATH = ["dangjian.formats"]
DATE_FORMAT = SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"

# --- Static files (npm packages are served by the application itself) --------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request until collectstatic has run
STATICFILES_DIRS = [BASE_DIR / "dangjian" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "dangjian.core.staticfinders.NpmFinder",
]
NODE_MODULES_DIR = BASE_DIR / "node_modules"
# static path -> file inside node_modules: only what the pages use is published.
NPM_FILES = {
    "vendor/tabler/tabler.min.css": "@tabler/core/dist/css/tabler.min.css",
    "vendor/tabler/tabler.min.css.map": "@tabler/core/dist/css/tabler.min.css.map",
    "vendor/tabler/tabler.min.js": "@tabler/core/dist/js/tabler.min.js",
    "vendor/tabler/tabler.min.js.map": "@tabler/core/dist/js/tabler.min.js.map",
    "vendor/tabler-icons/tabler-icons.min.css": "@tabler/icons-webfont/dist/tabler-icons.min.css",
    "vendor/tabler-icons/fonts/tabler-icons.woff2": "@tabler/icons-webfont/dist/fonts/tabler-icons.woff2",
    "vendor/tabler-icons/fonts/tabler-icons.woff": "@tabler/icons-webfont/dist/fonts/tabler-icons.woff",
    "vendor/tabler-icons/fonts/tabler-icons.ttf": "@tabler/icons-webfont/dist/fonts/tabler-icons.ttf",
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- API ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dangjian.accounts.api_auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["dangjian.core.drf.IsAuthenticatedAccount"],
    "DEFAULT_PAGINATION_CLASS": "dangjian.core.drf.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "dangjian.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "dangjian.core.drf.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "20/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "党建“三抓三促”工作平台 API",
    "DESCRIPTION": (
        "党建“三抓三促”工作平台的 REST 接口，供各级组织部门、乡镇和基层党组织的业务系统读写本组织及下级组织的数据。\n\n"
        "**登录**：用 `POST /api/v1/auth/token/` 提交用户名和密码换取令牌，之后每个请求带上请求头 "
        "`Authorization: Token <令牌>`；再次获取令牌时旧令牌作废，令牌闲置超时（默认 30 分钟）后失效。"
        "连续输错密码 5 次，该用户名锁定 30 分钟。\n\n"
        "**范围**：每个接口只返回和修改您所在组织及其下级组织的数据，范围之外的对象一律返回 404；"
        "角色没有的权限返回 403。身份证号、手机号等个人信息在接口中同样脱敏。"
    ),
    "VERSION": "1.0.0",
    "TAGS": [
        {"name": "auth", "description": "登录、退出与当前账号"},
        {"name": "orgs", "description": "党组织"},
        {"name": "people", "description": "党员、干部"},
        {"name": "positions", "description": "职务任免"},
        {"name": "users", "description": "账号管理（系统管理员）"},
        {"name": "outreach", "description": "三进三帮：走访、帮扶对象、帮扶事项与统计"},
    ],
    # Choice sets whose field names repeat across apps (kind, status, level, source) get names of their own (else a
    # hash suffix and a warning); the platform's first ones keep the names they had.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "dangjian.orgs.models.Org.Kind",  # the names they had before other apps said kind/status
        "StatusEnum": "dangjian.orgs.choices.Status",
        "VisitKindEnum": "dangjian.outreach.models.Visit.Kind",
        "BeneficiaryKindEnum": "dangjian.outreach.models.Beneficiary.Kind",
        "HelpCaseKindEnum": "dangjian.outreach.models.HelpCase.Kind",
        "HelpCaseStatusEnum": "dangjian.outreach.models.HelpCase.Status",
        "LevelEnum": "dangjian.orgs.models.Level",
        # a demonstration site's and a training class's level: the same three values
        "ActivityLevelEnum": "dangjian.training.models.Level",
        "DemoSiteStatusEnum": "dangjian.showcase.models.DemoSite.Status",
        "MeetingKindEnum": "dangjian.showcase.models.Meeting.Kind",
        "ModelPostKindEnum": "dangjian.showcase.models.ModelPost.Kind",
        "ModelPostStatusEnum": "dangjian.showcase.models.ModelPost.Status",
        "NominationStatusEnum": "dangjian.showcase.models.Nomination.Status",
        "TopicStatusEnum": "dangjian.secretaries.models.Topic.Status",
        "UndertakingStatusEnum": "dangjian.secretaries.models.Undertaking.Status",
        "SecretaryReviewStatusEnum": "dangjian.secretaries.models.SecretaryReview.Status",
        "CommitteeSessionKindEnum": "dangjian.secretaries.models.CommitteeSession.Kind",
        "LessonMethodEnum": "dangjian.training.models.Method",
        "IndicatorMethodEnum": "dangjian.stars.models.Indicator.Method",
        "TrainingClassStatusEnum": "dangjian.training.models.ClassStatus",
        "CourseKindEnum": "dangjian.training.models.CourseKind",
        "SchemeStatusEnum": "dangjian.stars.models.Scheme.Status",
        "AssessmentStatusEnum": "dangjian.stars.models.Assessment.Status",
        "ItemSourceEnum": "dangjian.stars.models.AssessmentItem.Source",
        "SourceEnum": "dangjian.supervision.models.Source",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI's default shows a badge loaded from validator.swagger.io: no outside call on a closed intranet.
    # Tags start collapsed: with every app's operations the expanded page took too long to render.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "docExpansion": "none"},
    # The schema and the docs describe the platform's internals: for signed-in users (session or token) only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Background jobs (core.jobs) ------------------------------------------------------------------------
# Tasks are rows in the database; `manage.py db_worker` runs them (started next to gunicorn by `make run`).
# Tests switch to the immediate backend (dangjian/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Result files of jobs (large exports): private, served only by the download view, never under static.
JOBS_DIR = VAR_DIR / "jobs"
# A finished job's file can be downloaded by its requester for this long; `manage.py jobs_purge` removes it after.
JOB_RESULT_TTL = timedelta(hours=int(os.environ.get("DANGJIAN_JOB_RESULT_HOURS", "24")))
# Exports of more rows than this run as a background job with a progress bar instead of inside the request.
EXPORT_JOB_THRESHOLD = int(os.environ.get("DANGJIAN_EXPORT_JOB_THRESHOLD", "5000"))

# 跟踪督办: an overdue task is escalated to the level above the assignee this many days after its deadline, then
# to the level above that this many days later (`manage.py supervision_escalate`, run daily).
SUPERVISION_ESCALATE_AFTER_DAYS = int(os.environ.get("DANGJIAN_SUPERVISION_ESCALATE_AFTER_DAYS", "1"))
SUPERVISION_ESCALATE_AGAIN_DAYS = int(os.environ.get("DANGJIAN_SUPERVISION_ESCALATE_AGAIN_DAYS", "7"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DANGJIAN_LOG_LEVEL", "WARNING")},
}
