"""Configuration: defaults here, then ``instance/config.py``, then ``VITRINA_*`` environment
variables, then the test config given to ``create_app``."""
from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Working days a client is given before a wait ends in refusal (2.3, 4.1) and to answer a
# consultation offer. The regulation leaves them to configuration and regional acts, so
# regions may override them: {"regions": {"77": {"originals": 30}}}.
DEFAULT_CLIENT_WAITS = {"remarks": 10, "originals": 20, "consultation_offer": 10}


def defaults(instance_path: str) -> dict:
    return {
        # No default key: app/secret_key.py reads the one `vitrina setup` generated.
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'vitrina.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "VITRINA_BPMN_DIR": str(ROOT / "bpmn"),
        "VITRINA_FORMS_DIR": str(ROOT / "forms"),
        "VITRINA_CLIENT_WAITS": dict(DEFAULT_CLIENT_WAITS),
        "VITRINA_START_SCHEDULER": False,
        # Model code (conditions, timers, scripts, DMN) runs in worker processes with hard limits;
        # VITRINA_MODEL_LIMITS overrides fields of app.engine.sandbox.Limits, e.g. {"worker_seconds": 30}.
        "VITRINA_ENGINE_ISOLATION": True,
        "VITRINA_ENGINE_WORKERS": 2,
        "VITRINA_MODEL_LIMITS": {},
        # The session cookie is not sent on cross-site POSTs: a second line behind the CSRF token.
        "SESSION_COOKIE_SAMESITE": "Lax",
        # No script reads it, so none injected into a page can steal it.
        "SESSION_COOKIE_HTTPONLY": True,
        # Secure on every HTTPS answer anyway (app/views/security.py); True sends it over HTTPS only.
        "SESSION_COOKIE_SECURE": False,
        # How many reverse proxies in front set X-Forwarded-For/-Proto; 0 believes none of them.
        "VITRINA_TRUSTED_PROXIES": 0,
        # A CSRF token lives as long as the session, so a form left open over lunch still posts.
        "WTF_CSRF_TIME_LIMIT": None,
        # Request limits (app/request_limits.py); None: the largest upload a form allows + 5 MB.
        "VITRINA_MAX_UPLOAD_MB": None,
        "VITRINA_MAX_JSON_KB": 1024,
        "VITRINA_MAX_DRAFT_KB": 256,
        # Background jobs (app/jobs/): None picks "procrastinate" on PostgreSQL, "inprocess" on SQLite.
        "VITRINA_JOBS": None,
        # On the job queue: the safety sweep, the e-mail delivery and the recovery of a stopped
        # worker's jobs (cron; a sixth field is seconds), and how long without a heartbeat a
        # worker is taken for stopped.
        "VITRINA_JOBS_SWEEP_CRON": "*/5 * * * *",
        "VITRINA_JOBS_DELIVERY_CRON": "* * * * * */30",
        # The daily digest is due at 09:00 Moscow of a working day (its rows carry that time); the
        # job looks every minute, a single indexed query when nothing is due.
        "VITRINA_JOBS_DIGEST_CRON": "* * * * *",
        "VITRINA_JOBS_RECOVERY_CRON": "* * * * * */15",
        "VITRINA_JOBS_STALLED_SECONDS": 30,
        # Simulation runs are background jobs (app/simulation/runs.py).
        "VITRINA_SIMULATION_RUNS_PER_USER": 1,
        "VITRINA_SIMULATION_RUNS": 2,
        "VITRINA_SIMULATION_STALE_MINUTES": 10,
        # Days the clock runs ahead of the wall clock: 0 in production; a rehearsal installation
        # sets it to see what the deadlines do (app/clock.py ShiftedClock).
        "VITRINA_CLOCK_SHIFT_DAYS": 0,
        # Days an invitation link of a client's representative stays usable (app/accounts/invitations.py).
        "VITRINA_INVITATION_DAYS": 7,
        # /metrics: loopback only without a token; with one, its bearer only (app/views/metrics.py).
        "VITRINA_METRICS_TOKEN": None,
    }


# Texts that an environment variable of the same name may set.
TEXT_KEYS = ("VITRINA_SMTP_URL", "VITRINA_BASE_URL")
# Whole numbers that an environment variable of the same name may set.
INTEGER_KEYS = ("VITRINA_MAX_UPLOAD_MB", "VITRINA_MAX_JSON_KB", "VITRINA_MAX_DRAFT_KB",
                "VITRINA_SIMULATION_RUNS_PER_USER", "VITRINA_SIMULATION_RUNS", "VITRINA_SIMULATION_STALE_MINUTES",
                "VITRINA_ENGINE_WORKERS", "VITRINA_JOBS_STALLED_SECONDS", "VITRINA_CLOCK_SHIFT_DAYS",
                "VITRINA_INVITATION_DAYS")


def from_environment() -> dict:
    config = {}
    if url := os.environ.get("VITRINA_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = _normalise_url(url)
    if secret := os.environ.get("VITRINA_SECRET_KEY"):
        config["SECRET_KEY"] = secret
    if token := os.environ.get("VITRINA_METRICS_TOKEN", "").strip():
        config["VITRINA_METRICS_TOKEN"] = token
    if (secure := os.environ.get("VITRINA_SECURE_COOKIES")) is not None:
        config["SESSION_COOKIE_SECURE"] = secure.strip().lower() in ("1", "true", "yes", "on")
    if proxies := os.environ.get("VITRINA_TRUSTED_PROXIES"):
        config["VITRINA_TRUSTED_PROXIES"] = int(proxies)
    if waits := os.environ.get("VITRINA_CLIENT_WAITS"):
        config["VITRINA_CLIENT_WAITS"] = json.loads(waits)
    for key in TEXT_KEYS:
        if text := os.environ.get(key, "").strip():
            config[key] = text
    for key in INTEGER_KEYS:
        if text := os.environ.get(key, "").strip():
            if not text.isdigit():
                raise ValueError(f"{key} must be a whole number, not {text!r}")
            config[key] = int(text)
    for key in ("VITRINA_JOBS", "VITRINA_JOBS_SWEEP_CRON", "VITRINA_JOBS_DELIVERY_CRON", "VITRINA_JOBS_DIGEST_CRON",
                "VITRINA_JOBS_RECOVERY_CRON"):
        if value := os.environ.get(key, "").strip():
            config[key] = value
    if limits := os.environ.get("VITRINA_MODEL_LIMITS"):
        config["VITRINA_MODEL_LIMITS"] = json.loads(limits)
    return config


def _normalise_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgresql:// URLs would ask for psycopg2.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
