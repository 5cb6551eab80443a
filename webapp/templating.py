"""Jinja filters and globals: French formats, the menu, htmx helpers, security headers, URLs built once."""
from collections import ChainMap

from flask import current_app, g, render_template, request, url_for
from flask.globals import _cv_app, _cv_request
from jinja2 import Template
from jinja2.runtime import new_context
from markupsafe import Markup
from werkzeug.datastructures import Headers

from db.clock import datetime_fr, long_moment_fr, to_paris, until_fr, until_long_fr
from db.identifiers import format_siren, format_siret
from db.people import requests
from webapp.access import current_person
from webapp.extensions import csrf_token
from webapp.navigation import cached_menu
from webapp.portal_flask import add_vary

NARROW_NBSP = "\u202f"


def number_fr(value):
    """1282 -> "1 282" with a narrow no-break space, as French typography wants."""
    return f"{int(value or 0):,}".replace(",", NARROW_NBSP)


def is_htmx():
    """True for an htmx request; marks the response as varying on HX-Request."""
    g.vary_on_hx = True
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def page_or_fragment(page, fragment, **context):
    """The full page, or only the partial that the page includes when htmx asks for it."""
    return render_template(fragment if is_htmx() else page, **context)


def endpoint_exists(endpoint):
    # The app from its context variable, not through the current_app proxy: ~15 calls a page.
    context = _cv_app.get(None)
    return endpoint in (context.app if context is not None else current_app).view_functions


URLS_KEPT = 20_000  # per worker process: the menu, the static files, a few pages of rows


def cached_url_for(endpoint, **values):
    """url_for of a relative URL, built once per process and remembered (the templates' url_for): a
    page calls it dozens of times, each ~40 µs of routing-map work for the same few URLs. The URL of
    the same endpoint and values never changes while the app runs (no url_defaults, no subdomains);
    external URLs, anchors and relative endpoints are built each time. The request is read from its
    context variable, not through the `request` proxy: ~35 calls a page."""
    context = _cv_request.get(None)
    if context is None or endpoint.startswith(".") or any(k.startswith("_") for k in values):
        return url_for(endpoint, **values)
    urls = context.app.extensions.get("portal_urls")
    if urls is None:
        urls = context.app.extensions["portal_urls"] = {}
    try:
        key = (context.request.script_root, endpoint, *sorted(values.items())) if values \
            else (context.request.script_root, endpoint)
        return urls[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value (a list of query arguments)
        return url_for(endpoint, **values)
    if len(urls) >= URLS_KEPT:
        urls.clear()
    url = urls[key] = url_for(endpoint, **values)
    return url


def nav_url(endpoint, **values):
    """url_for, or None while an area's blueprint is not registered (the menu hides the entry)."""
    return cached_url_for(endpoint, **values) if endpoint_exists(endpoint) else None


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    ),
    # No page of the portal uses a camera, a microphone, a location or a payment: none may.
    "Permissions-Policy": (
        "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
        "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
    ),
    # A page opened from the portal cannot reach back into its window (and the reverse).
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


# The headers every response gets unless its view set them: (lower-case name, name, value).
SECURITY_ITEMS = tuple((name.lower(), name, value) for name, value in SECURITY_HEADERS.items())
# Pages, fragments and exports hold personal data: no copy in a browser's or a proxy's cache.
PAGE_ITEMS = (*SECURITY_ITEMS, ("cache-control", "Cache-Control", "no-store"))
Headers([(name, value) for _, name, value in PAGE_ITEMS])  # werkzeug's checks of names and values, once


def _counters(menu, user):
    """The counts the menu shows next to some entries: maintained counts read with the session's user
    (db/accounts/sessions.py), so that the menu costs no statement of its own."""
    names = {entry.counter for _, entries in menu for entry in entries if entry.counter}
    return {"notifications": user.unread_notice_count} if "notifications" in names else {}


MENUS_KEPT = 500  # per worker process: a few menus (roles, labels) × counts × the page it marks current


def menu_html(template, menu, counters, marks_current=False):
    """The menu's markup (the header's links on every page, the cards of the Menu personnalisé), rendered
    by its template once per process for the same entries, counts and current page, then remembered:
    on every page it cost ~20 links × (url_for, the typography filter, the count, the comparison with
    the request's path). marks_current: the link of the page requested gets aria-current. The entries
    are known by the key they were chosen by (webapp/navigation.py cached_menu), not hashed again."""
    context = _cv_request.get()
    cache = context.app.extensions.setdefault("portal_menus", {})
    chosen_by = getattr(menu, "key", None)
    sections = menu if chosen_by is not None else tuple((title, tuple(entries)) for title, entries in menu)
    counts = tuple(sorted(counters.items())) if counters else ()
    base = (template, context.request.script_root, sections if chosen_by is None else chosen_by, counts)
    current = None
    if marks_current:
        hrefs = cache.get(base)
        if hrefs is None:
            hrefs = cache[base] = frozenset(cached_url_for(entry.endpoint)
                                            for _, entries in sections for entry in entries)
        current = context.request.path if context.request.path in hrefs else None
    key = (*base, current)
    html = cache.get(key)
    if html is None:
        if len(cache) >= MENUS_KEPT:
            cache.clear()
        html = cache[key] = Markup(context.app.jinja_env.get_template(template).render(
            menu=sections, counters=counters, current_path=current))
    return html


def unbroken(format_identifier):
    """A SIREN or SIRET grouped by narrow no-break spaces: on screen it never breaks across lines."""
    return lambda value: format_identifier(value).replace(" ", "\u202f")


class ImportingTemplate(Template):
    """Jinja's template, its `{% from … import … %}` checked in C. On each import Jinja asks whether the
    importing context has globals the imported template lacks (`set - ChainMap.keys()`): Python's
    KeysView.__rsub__ looks every global up in the ChainMap, ~500 Python calls a page of four imports.
    set.difference does the same in C; only when a global is missing does Jinja's own path run."""

    def _get_default_module(self, ctx=None):
        if ctx is not None and not ctx.globals_keys.difference(self.globals):
            ctx = None  # nothing the imported module lacks: Jinja's own path returns the cached module
        return super()._get_default_module(ctx)

    def new_context(self, vars=None, shared=False, locals=None):
        """Jinja's new_context, given the template's globals as one dict: a template's globals are a
        ChainMap (its own over the environment's), which `dict(globals, **vars)` and the context's
        `set(globals)` walked key by key in Python (~120 calls a render and include). The dict holds
        the same names, values and order (ChainMap iterates its last map first; the first map wins)."""
        globals = self.globals
        if type(globals) is ChainMap:
            flat = {}
            for mapping in reversed(globals.maps):
                flat.update(mapping)
            globals = flat
        return new_context(self.environment, self.name, self.blocks, vars, shared, globals, locals)


def init_app(app):
    app.jinja_env.template_class = ImportingTemplate
    app.jinja_env.filters.update(
        siren=unbroken(format_siren), siret=unbroken(format_siret), datetime_fr=datetime_fr,
        number_fr=number_fr,
        paris=to_paris, soon=lambda moment: long_moment_fr(moment, weekday=True, year=False),
        until_fr=until_fr, until_long_fr=until_long_fr,
    )
    app.jinja_env.globals.update(nav_url=nav_url, endpoint_exists=endpoint_exists, url_for=cached_url_for,
                                 menu_html=menu_html, csrf_token=csrf_token)
    from webapp import pagination  # it builds its links with cached_url_for
    from webapp.tiles_html import tiles_html  # the same

    app.jinja_env.globals.update(tiles_html=tiles_html)

    app.jinja_env.globals.update(pager_links=pagination.pager_links,
                                 pagination_buttons=pagination.pager_buttons)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _identity():
        # The user itself, not the current_user proxy: a page reads `me` ~50 times.
        user = current_person()  # None outside a request (a mail rendered by a command)
        user = user if user is not None and user.is_authenticated else None
        demo_mode = app.config["PORTAL_MODE"] == "demo"
        menu = cached_menu(app, user, demo_mode, requests.pending_count(user)) \
            if user and not user.is_support else ()
        return {"me": user, "demo_mode": demo_mode, "menu": menu, "counters": _counters(menu, user),
                "csrf_token": csrf_token}  # after Flask-WTF's own context processor: this one wins

    @app.after_request
    def _headers(response):
        if _cv_app.get().g.get("vary_on_hx"):  # g and the request from their context variables
            add_vary(response, "HX-Request")
        # The security headers a view did not set itself (one pass over the response's headers).
        headers = response.headers
        present = {name.lower() for name, _ in headers._list}
        wanted = SECURITY_ITEMS if _cv_request.get().request.endpoint == "static" else PAGE_ITEMS
        # Constants checked once by Headers (below): appended as they are, not checked again per request.
        headers._list.extend([(name, value) for lower, name, value in wanted if lower not in present])
        return response
