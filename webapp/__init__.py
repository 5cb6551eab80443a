"""Flask application factory of the tiers-déclarant portal."""
import os

from flask import Flask

from db.accounts import passwords
from db.database import database, init_database
from webapp import config as settings
from webapp.extensions import csrf, login_manager


def create_app(config=None):
    """Build the app: defaults, then instance/config.py, then the environment, then `config`."""
    # PORTAL_INSTANCE_PATH moves instance/ (database, secret key, config.py) elsewhere.
    app = Flask(
        __name__, instance_relative_config=True, instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or None
    )
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.persistent_secret_key(app.instance_path)
    if str(app.config.get("PUBLIC_URL", "")).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    passwords.set_rounds(app.config["PASSWORD_HASH_ROUNDS"])

    init_database(app.config["DATABASE_URL"])
    _connect_per_request(app)
    csrf.init_app(app)
    login_manager.init_app(app)

    from webapp import cli, errors, templating

    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app):
    """Every area's blueprints, imported here so that the linter and a reader see them all."""
    from webapp.blueprints import declarations, journal, mail, menu
    from webapp.blueprints.accounts import activation, auth, inscription, profile, recovery
    from webapp.blueprints.clients import companies, portfolios, recap
    from webapp.blueprints.habilitations import files, grid, listing
    from webapp.blueprints.people import declarants, requests
    from webapp.blueprints.support import assistance, desk

    for module in (auth, inscription, recovery, mail, menu, declarations, journal, declarants, activation,
                   requests, portfolios, companies, recap, profile, assistance, desk, grid, listing, files):
        app.register_blueprint(module.bp)
    from webapp.blueprints import journal_entries  # an entry of the journal and its lines

    app.register_blueprint(journal_entries.bp)


def _connect_per_request(app):
    @app.before_request
    def _open():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()


__all__ = ["create_app"]
