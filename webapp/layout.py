"""The layout every page shares (templates/base.html), its markup rendered once per process for each kind
of visitor and cut at the places that hold the request's data.

base.html's layout cost every page ~70 template yields, a dozen URLs, three icons, the messages' include
and the header's escaping: ~700 Python calls, the same markup each time but for a few values. Its markup
now lives in _layout.html, where each such value is a hole (`hole("csrf")`); rendered once per script
root and kind of visitor (logged in or not, support desk, with a firm, demo mode: the template's only
conditions), it is cut at the holes and remembered. A request puts its values back in, escaped as Jinja
would: the CSRF token, the person's name, firm, SIRET and role, the menu (webapp/templating.py
menu_html) and the flashed messages. What the layout holds does not depend on any data: URLs, icons,
words. base.html passes the page's blocks (title, head, content) between the parts."""
from flask import current_app, get_flashed_messages
from flask.globals import _cv_request
from markupsafe import Markup, escape

from webapp.extensions import csrf_token
from webapp.templating import menu_html

FRAMES_KEPT = 100  # per worker process: script roots × the 16 kinds of visitor
BETWEEN_BLOCKS = ("title", "head", "content")  # the holes base.html fills with the page's blocks
MESSAGES = "_macros/messages.html"


def _hole(name):
    return Markup(f"\x00{name}\x00")


def _cut(app, logged_in, support, has_firm, demo_mode):
    """The layout's parts for this kind of visitor: each a tuple of text and, at odd places, hole names."""
    text = app.jinja_env.get_template("_layout.html").render(
        hole=_hole, logged_in=logged_in, support=support, has_firm=has_firm, demo_mode=demo_mode)
    pieces = text.split("\x00")
    parts, current = [], [pieces[0]]
    for name, after in zip(pieces[1::2], pieces[2::2], strict=True):
        if name in BETWEEN_BLOCKS:
            parts.append(tuple(current))
            current = [after]
        else:
            current += [name, after]
    parts.append(tuple(current))
    if len(parts) != 4 or any(len(parts[i]) != 1 for i in (0, 1, 3)):
        raise ValueError("_layout.html: its holes for the request's values are between head and content")
    return tuple(parts)


def _flashed():
    """get_flashed_messages(with_categories=True): the request's messages, taken from the session once a
    request (the template's own call then finds them), read from the request's context variable
    (Flask's reads it and the session through three proxies)."""
    context = _cv_request.get(None)
    if context is None:
        return get_flashed_messages(with_categories=True)
    flashes = context.flashes
    if flashes is None:
        session = context.session
        flashes = context.flashes = session.pop("_flashes") if "_flashes" in session else []
    return flashes


def _messages(app):
    """The live region with the flashed messages (templates/_macros/messages.html): rendered by its
    template when there are some, else its empty markup, kept."""
    if _flashed():  # as the template's own call: read once a request
        return Markup(app.jinja_env.get_template(MESSAGES).render())
    empty = app.extensions.get("portal_layout_messages")
    if empty is None:
        empty = Markup(app.jinja_env.get_template(MESSAGES).render())
        app.extensions["portal_layout_messages"] = empty
    return empty


def _values(app, me, support, firm, menu, counters):
    """The request's values of the holes, escaped as the template's `{{ … }}` escapes them."""
    values = {"csrf": escape(csrf_token()), "messages": _messages(app)}
    if me is not None:
        values["full_name"] = escape(me.full_name)
        values["role_label"] = escape(me.role_label)
        if firm:
            values["firm_name"] = escape(firm.name)
            values["siret"] = escape(app.jinja_env.filters["siret"](firm.siret))
        if not support:
            values["menu"] = menu_html("menu/_nav.html", menu, counters, marks_current=True)
    return values


def _fill(part, values):
    return "".join([piece if i % 2 == 0 else values[piece] for i, piece in enumerate(part)])


def layout_page(me, demo_mode, menu, counters, title, head, content):
    """The whole page (base.html): `me` the person logged in or None, title, head and content the page's
    blocks (rendered here, after the layout's values, in the order the layout shows them)."""
    me = me or None  # the layout's `{% if me %}`
    context = _cv_request.get(None)
    app = context.app if context is not None else current_app._get_current_object()
    support = me is not None and bool(me.is_support)
    firm = me.firm if me is not None else None
    key = (context.request.script_root if context is not None else None,
           me is not None, support, bool(firm), bool(demo_mode))
    frames = app.extensions.setdefault("portal_layout", {})
    parts = frames.get(key)
    if parts is None:
        if len(frames) >= FRAMES_KEPT:
            frames.clear()
        parts = frames[key] = _cut(app, *key[1:])
    top, links, body, foot = parts
    values = _values(app, me, support, firm, menu, counters)
    title = title()
    return Markup("".join([top[0], title, " – " if title else "", links[0], head(), _fill(body, values),
                           content(), foot[0]]))


def init_app(app):
    app.jinja_env.globals.update(layout_page=layout_page)
