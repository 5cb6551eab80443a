"""Flask's own work on every request, made smaller where it redid the same thing each time.

- `ensure_sync` asked `inspect.iscoroutinefunction` of every hook, context processor and view it
  ran (16 times a page, 4 Python calls each): a function's answer never changes, so it is kept.
- The session cookie's signing serializer (itsdangerous: salt, key derivation, JSON tagger) was
  built again by every request to open the cookie: it depends only on the secret keys, so it is
  built once per keys. The cookie is opened, checked and signed exactly as before.
- Every blueprint brought its own copy of Flask's default context processor (g, request, session),
  run again after the app's on each of its pages: the same three values set twice. Once is kept.
- The session cookie a browser sends back unchanged (every page after its first) was unsigned and
  decoded again on every request (cookie header parsed, HMAC, base64, JSON, tags: ~250 Python calls):
  what its exact bytes opened to is kept, and only its age is checked again (webapp/opened_cookies.py).
- Saving the session when nothing must be written only adds « Vary: Cookie », as Flask does, without
  Flask's HeaderSet round trip; the headers handed to the server are copied from the response's
  without checking each value again (werkzeug checked it when it was added).
- The routing map was bound to each request's environ from scratch (host, port, scheme, upgrade,
  script name, IDNA: ~60 calls); what depends only on the host, scheme and script name is kept per
  such combination, and only the path, query and method are the request's own."""
import itertools
import re

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.templating import _default_template_ctx_processor
from flask.wrappers import Response
from werkzeug._internal import _wsgi_decoding_dance
from werkzeug.datastructures import Headers
from werkzeug.routing import MapAdapter

from webapp import opened_cookies

FUNCTIONS_KEPT = 1_000  # hooks, views, error handlers and context processors: ~300
BINDINGS_KEPT = 1_000  # per worker process: one per Host header, scheme and script name seen


class PortalSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its serializer built once per secret key (and fallbacks), a cookie
    already opened not unsigned again, nothing but « Vary: Cookie » done when nothing is to be saved."""

    def __init__(self):
        self._serializers = {}
        self._opened = opened_cookies.OpenedCookies()

    def open_session(self, app, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        return self._opened.open(serializer, self.get_cookie_name(app), request,
                                 int(app.permanent_session_lifetime.total_seconds()), self.session_class)

    def save_session(self, app, session, response):
        if session.accessed:
            add_vary(response, "Cookie")
        if session.modified or (session and self.should_set_cookie(app, session)):
            super().save_session(app, session, response)  # writes or deletes the cookie as Flask does

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer


def add_vary(response, name):
    """response.vary.add(name) (name an HTTP token), without parsing the header into a HeaderSet and
    writing it back when it is absent or a plain list of tokens: the same value, at the same place, as
    werkzeug writes it; any other value (quoted, empty items, the header twice) goes through werkzeug."""
    headers = response.headers._list
    found = [place for place, (key, _) in enumerate(headers) if key in VARY]
    if not found:
        headers.append(("Vary", name))
        return
    if len(found) > 1:
        response.vary.add(name)  # werkzeug keeps the first one's value and drops the others
        return
    place = found[0]
    current = headers[place][1]
    if not current:
        headers[place] = ("Vary", name)
        return
    items = [item.strip(" \t") for item in current.split(",")]
    if not all(TOKEN.fullmatch(item) for item in items):
        response.vary.add(name)
    elif name.lower() not in {item.lower() for item in items}:
        headers[place] = ("Vary", ", ".join([*items, name]))


# The header's name in any case (Vary, vary, VARY…), to find it without calling lower() on every name.
VARY = frozenset(map("".join, itertools.product(*zip("vary", "VARY", strict=True))))
TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")  # an HTTP token: werkzeug writes it unquoted
NO_BODY_STATUSES = (204, 304)


class PortalResponse(Response):
    """Flask's response, whose headers are copied for the server without checking each value again."""

    def get_wsgi_headers(self, environ):
        headers = self.headers
        names = {name.lower() for name, _ in headers._list}
        status = self.status_code
        if ("content-length" not in names or "location" in names or "content-location" in names
                or status < 200 or status in NO_BODY_STATUSES):
            return super().get_wsgi_headers(environ)
        # What werkzeug returns for such a response: a copy of its headers, unchanged (it would make
        # the copy by adding each header again, each value checked for a newline as when it was added).
        copy = Headers()
        copy._list = list(headers._list)
        return copy


class PortalFlask(Flask):
    """Flask, with ensure_sync's answer remembered per function."""

    response_class = PortalResponse

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_interface = PortalSessionInterface()  # its own: serializers per app
        self._synchronous = {}
        self._bindings = {}

    def create_url_adapter(self, request):
        """Flask's URL adapter of a request: the routing map bound to its host, scheme and script name
        (as werkzeug's bind_to_environ computes them, kept per the environ's values they come from),
        its path, query and method. With SERVER_NAME, TRUSTED_HOSTS, host or subdomain matching
        configured, Flask's own."""
        config = self.config
        if (request is None or config["SERVER_NAME"] is not None or config["TRUSTED_HOSTS"] is not None
                or self.url_map.host_matching or self.subdomain_matching):
            return super().create_url_adapter(request)
        environ = request.environ
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
               environ.get("SERVER_PORT"), environ.get("HTTP_CONNECTION"), environ.get("HTTP_UPGRADE"),
               environ.get("SCRIPT_NAME"))
        bound = self._bindings.get(key)
        if bound is None:
            adapter = super().create_url_adapter(request)
            if len(self._bindings) >= BINDINGS_KEPT:
                self._bindings.clear()
            self._bindings[key] = (request.host, adapter.server_name, adapter.script_name, adapter.subdomain,
                                   adapter.url_scheme)
            return adapter
        request.host, server_name, script_name, subdomain, scheme = bound
        path, query = environ.get("PATH_INFO"), environ.get("QUERY_STRING")
        return MapAdapter(self.url_map, server_name, script_name, subdomain, scheme,
                          "/" if path is None else _wsgi_decoding_dance(path), environ["REQUEST_METHOD"],
                          None if query is None else _wsgi_decoding_dance(query))

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
