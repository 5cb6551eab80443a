"""The portal's FlaskForm: its fields render the HTML WTForms writes, with less work per request.

WTForms renders an <input> through its generic machinery: `dir()` of the field's flags, then
`html_params`, which escapes and formats each attribute with `Markup.format` (a Python string
formatter, ~30 calls an attribute). A login page of four fields paid ~0.4 ms for it. The plain
inputs (text, password, e-mail, hidden…) are written here instead, attribute by attribute with the
same rules (sorted by name, `class_` / `data_` / `aria_` names cleaned, True as a bare attribute,
False left out, names and values escaped), so the HTML is byte for byte WTForms' own
(tests/app/test_form_rendering.py compares them). Other widgets (select, textarea, checkboxes,
files) keep WTForms' code.

The CSRF field's token is the pages' one (webapp/extensions.py `csrf_token`): signed once per
session rather than again by each form."""
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from markupsafe import Markup, escape
from wtforms.widgets.core import Input, PasswordInput, clean_key

from webapp.extensions import csrf_token

# The widgets whose rendering is Input.__call__ (PasswordInput only blanks the value first).
_INPUT_CALLS = (Input.__call__, PasswordInput.__call__)


def attributes(params):
    """WTForms' html_params(**params), without its formatter: the same text."""
    out = []
    for key, value in sorted(params.items()):
        if value is True:
            out.append(escape(clean_key(key)))
        elif value is not False:
            out.append(f'{escape(clean_key(key))}="{escape(value)}"')
    return " ".join(out)


def render_input(widget, field, params):
    """What Input.__call__ (and PasswordInput's) writes for field with these attributes."""
    if type(widget).__call__ is PasswordInput.__call__ and widget.hide_value:
        params["value"] = ""
    params.setdefault("id", field.id)
    params.setdefault("type", widget.input_type)
    if "value" not in params:
        params["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in params:
        params["list"] = datalist if isinstance(datalist, str) else datalist.id
    flags = getattr(getattr(field, "flags", None), "__dict__", {})
    for name in widget.validation_attrs:
        if name in flags and name not in params:
            value = flags[name]
            params[name] = value() if callable(value) else value
    return Markup(f"<input {attributes(dict(name=field.name, **params))}>")


class _SessionCSRF(_FlaskFormCSRF):
    """The form's CSRF token: the one the page's other forms and htmx carry (same session token,
    same secret, same salt), not signed again."""

    def generate_csrf_token(self, csrf_token_field):
        # PortalForm keeps Flask-WTF's secret and field name (the app's config): csrf_token()'s.
        return csrf_token()


class PortalForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        csrf_class = _SessionCSRF

        def render_field(self, field, render_kw):
            widget = field.widget
            if type(widget).__call__ not in _INPUT_CALLS:
                return super().render_field(field, render_kw)
            # DefaultMeta.render_field's merge: names cleaned, the call's attributes over the field's.
            params = {clean_key(key): value for key, value in render_kw.items()}
            other = getattr(field, "render_kw", None)
            if other is not None:
                params = dict({clean_key(key): value for key, value in other.items()}, **params)
            return render_input(widget, field, params)
