"""Flask's own work on every request, made smaller where it redid the same thing each time.

- `ensure_sync` asked `inspect.iscoroutinefunction` of every hook, context processor and view it
  ran (16 times a page, 4 Python calls each): a function's answer never changes, so it is kept.
- The session cookie's signing serializer (itsdangerous: salt, key derivation, JSON tagger) was
  built again by every request to open the cookie: it depends only on the secret keys, so it is
  built once per keys. The cookie is opened, checked and signed exactly as before.
- Every blueprint brought its own copy of Flask's default context processor (g, request, session),
  run again after the app's on each of its pages: the same three values set twice. Once is kept."""
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.templating import _default_template_ctx_processor

FUNCTIONS_KEPT = 1_000  # hooks, views, error handlers and context processors: ~300


class PortalSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its serializer built once per secret key (and fallbacks)."""

    def __init__(self):
        self._serializers = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer


class PortalFlask(Flask):
    """Flask, with ensure_sync's answer remembered per function."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_interface = PortalSessionInterface()  # its own: serializers per app
        self._synchronous = {}

    def ensure_sync(self, func):
        try:
            return self._synchronous[func]
        except KeyError:
            pass
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)
        if len(self._synchronous) >= FUNCTIONS_KEPT:  # after_this_request makes one per request
            self._synchronous.clear()
        sync = self._synchronous[func] = super().ensure_sync(func)
        return sync

    def register_blueprint(self, blueprint, **options):
        super().register_blueprint(blueprint, **options)
        for name in [name for name in self.template_context_processors if name is not None]:
            processors = [f for f in self.template_context_processors[name]
                          if f is not _default_template_ctx_processor]
            if processors:
                self.template_context_processors[name] = processors
            else:
                del self.template_context_processors[name]
