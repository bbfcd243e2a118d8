"""The embedded default: SQLite under var/, tasks in-process, e-mail saved as files in var/mail/."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database, mail and media live here


def _local_secret_key() -> str:
    """A key generated once per checkout and kept under var/, never committed."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# Locally staff may try the admin without an authenticator app; production always asks for one.
GCM_STAFF_MFA_REQUIRED = env.bool("GCM_STAFF_MFA_REQUIRED", default=False)
GCM_DEMO_CONTENT_ALLOWED = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
INSTALLED_APPS.insert(0, "whitenoise.runserver_nostatic")  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
