"""Settings: defaults here, then instance/config.py, then the environment (later wins)."""
import os
import secrets

# Environment variables read by from_environment(), with how to parse them.
ENVIRONMENT = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "MAIL_HOST": str,
    "MAIL_PORT": int,
    "MAIL_SECURITY": str,  # "", "starttls" or "ssl"
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_SENDER": str,
    "MAIL_CA_FILE": str,  # extra certificate authority to trust for the SMTP relay
    "ACCESS_DELAY_HOURS": int,
    "REVIEW_MONTHS": int,
    "SIRENE_STOCK_DIR": str,
    "SIRENE_API_URL": str,
    "SIRENE_API_KEY": str,
    "SIRENE_API_TIMEOUT": int,  # seconds
    "SIRENE_API_RETRIES": int,  # sirene update: tries again after a 429, at most this many times
    "SIRENE_API_MAX_WAIT": int,  # seconds: a longer Retry-After gives up
    "PORTAL_MODE": str,  # "demo" (outbox page, demo logins) or "production"
    "PUBLIC_URL": str,
    "TRUSTED_PROXIES": str,  # "127.0.0.1" or "10.0.0.0/8, 192.0.2.4"
    "SESSION_IDLE_MINUTES": int,
    "SESSION_LIFETIME_HOURS": int,
    "MAX_CONTENT_LENGTH": int,  # bytes
    "UPLOAD_MAX_CONTENT_LENGTH": int,  # bytes
}


def defaults(instance_path):
    """Every setting the portal reads, with its default."""
    return {
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "portal.sqlite3"),
        "PORTAL_MODE": "demo",
        "MAIL_HOST": "",
        "MAIL_PORT": 25,
        "MAIL_SECURITY": "",
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_SENDER": "Portail tiers déclarant <ne-pas-repondre@localhost>",
        "MAIL_CA_FILE": "",
        "ACCESS_DELAY_HOURS": None,  # None: each declaration's own delay (24 h unless stated)
        "REVIEW_MONTHS": 12,  # Revue des habilitations: each person's rights reviewed every N months
        "SIRENE_STOCK_DIR": "",
        "SIRENE_API_URL": "",
        "SIRENE_API_KEY": "",
        "SIRENE_API_TIMEOUT": 10,
        "SIRENE_API_RETRIES": 3,
        "SIRENE_API_MAX_WAIT": 60,
        "PUBLIC_URL": "",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # any form: far above what a person types
        "UPLOAD_MAX_CONTENT_LENGTH": 8 * 1024 * 1024,  # a habilitation file (5 Mo) or a list of SIREN
        "PASSWORD_HASH_ROUNDS": 12,
        "TRUSTED_PROXIES": "",  # the HTTPS proxy's address(es): only they may say who the visitor is
        "SESSION_IDLE_MINUTES": 30,  # a session with no request for this long ends
        "SESSION_LIFETIME_HOURS": 12,  # and any session ends this long after the login
    }


MODES = ("demo", "production")


def check(config):
    """Refuse to start on settings that would make the portal unsafe; the message says what to set."""
    if config["PORTAL_MODE"] not in MODES:
        raise RuntimeError(f"PORTAL_MODE vaut « {config['PORTAL_MODE']} » : choisissez demo ou production.")
    public = config.get("PUBLIC_URL") or ""
    if public and not public.startswith(("http://", "https://")):
        raise RuntimeError(f"PUBLIC_URL « {public} » : une adresse complète est attendue, "
                           "par exemple https://portail.cabinet.fr")
    if config["PORTAL_MODE"] == "production" and not public:
        raise RuntimeError("PORTAL_MODE=production demande PUBLIC_URL, l'adresse publique du portail "
                           "(par exemple https://portail.cabinet.fr) : les liens des courriels ne sont "
                           "jamais tirés de la requête.")


def from_environment(environ=os.environ):
    values = {}
    for name, parse in ENVIRONMENT.items():
        raw = environ.get(name)
        if raw not in (None, ""):
            values[name] = parse(raw)
    return values


def persistent_secret_key(instance_path):
    """The key kept in instance/secret_key, generated on first start, never hard-coded."""
    path = os.path.join(instance_path, "secret_key")
    if os.path.exists(path):
        with open(path) as fh:
            return fh.read().strip()
    os.makedirs(instance_path, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
