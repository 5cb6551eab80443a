"""Flask application factory of the tiers-déclarant portal."""
import datetime
import os

from db.accounts import passwords
from db.database import end_of_request, init_database
from webapp import config as settings
from webapp import proxies, request_limits
from webapp.extensions import csrf, login_manager
from webapp.portal_flask import PortalFlask


def create_app(config=None):
    """Build the app: defaults, then instance/config.py, then the environment, then `config`."""
    # PORTAL_INSTANCE_PATH moves instance/ (database, secret key, config.py) elsewhere.
    app = PortalFlask(
        __name__, instance_relative_config=True, instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or None
    )
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    settings.check(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.persistent_secret_key(app.instance_path)
    # The signed cookie itself expires with the longest session; the server-side session is the real limit.
    app.config["PERMANENT_SESSION_LIFETIME"] = datetime.timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
    if str(app.config.get("PUBLIC_URL", "")).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    passwords.set_rounds(app.config["PASSWORD_HASH_ROUNDS"])

    proxies.init_app(app)
    init_database(app.config["DATABASE_URL"])
    # No connection before a query needs one (db/database.py); after the request, PostgreSQL's goes
    # back to its pool and SQLite's stays with the thread, PRAGMAs already run.
    app.teardown_request(lambda _exc: end_of_request())
    request_limits.init_app(app)
    csrf.init_app(app)
    # No `current_user` in the templates' context (they read `me`, webapp/templating.py): Flask-Login's
    # context processor resolved the proxy again on every page.
    login_manager.init_app(app, add_context_processor=False)

    from webapp import cli, errors, icons, layout, templating, typography

    templating.init_app(app)
    layout.init_app(app)
    icons.init_app(app)
    typography.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app):
    """Every area's blueprints, imported here so that the linter and a reader see them all."""
    from webapp.blueprints import declarations, journal, mail, menu, notifications
    from webapp.blueprints.accounts import (
        activation,
        auth,
        inscription,
        profile,
        recovery,
        registration,
        second_factor,
        second_factor_settings,
    )
    from webapp.blueprints.clients import companies, own, portfolios, recap, watch
    from webapp.blueprints.habilitations import coverage, ends, files, grid, listing, review
    from webapp.blueprints.people import declarants, requests, second_factor_admin
    from webapp.blueprints.support import assistance, desk

    for module in (auth, second_factor, inscription, registration, recovery, mail, menu, declarations,
                   journal, declarants, activation, requests, portfolios, companies, recap, profile,
                   second_factor_settings, second_factor_admin, assistance, desk, grid, listing, files,
                   notifications, own, review, coverage, watch, ends):
        app.register_blueprint(module.bp)
    from webapp.blueprints import journal_entries  # an entry of the journal and its lines

    app.register_blueprint(journal_entries.bp)


__all__ = ["create_app"]
