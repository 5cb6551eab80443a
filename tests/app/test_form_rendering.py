"""Every field of every portal form renders the HTML WTForms itself writes (webapp/forms/base.py writes
the plain inputs without WTForms' html_params machinery), with the attributes the templates pass,
errors, values to escape and the CSRF token; and a form's token is the page's."""
import inspect
import itertools
import re

import pytest
from itsdangerous import TimestampSigner
from wtforms.meta import DefaultMeta
from wtforms.widgets import HiddenInput
from wtforms.widgets.core import Input, PasswordInput, html_params

from webapp.extensions import csrf_token
from webapp.forms import auth, inscription, people, portfolios, recovery, second_factor
from webapp.forms.base import PortalForm, attributes

FORM_MODULES = (auth, inscription, people, portfolios, recovery, second_factor)
HOSTILE = 'a"b<c>&d\'e é'
# What the templates pass (_macros/forms.html `field`, person.html, the pages' own attrs).
ATTRIBUTES = (
    {},
    {"autocomplete": None},
    {"autocomplete": "username", "inputmode": "numeric"},
    {"autocomplete": "off", "aria-invalid": "true", "aria-describedby": "x-error"},
    {"aria_describedby": "x-hint", "data_password_input": "", "class_": "wide", "hx-post": "/a?b=1&c=2"},
    {"required": False, "readonly": True, "maxlength": 5, "placeholder": HOSTILE},
    {"value": HOSTILE},
)


def portal_forms():
    return sorted({cls for module in FORM_MODULES for _, cls in inspect.getmembers(module, inspect.isclass)
                   if issubclass(cls, PortalForm) and cls is not PortalForm}, key=lambda cls: cls.__name__)


def wtforms_html(field, attrs):
    """What WTForms' own DefaultMeta.render_field writes."""
    return str(DefaultMeta.render_field(field.meta, field, dict(attrs)))


@pytest.mark.parametrize("form_class", portal_forms(), ids=lambda cls: cls.__name__)
def test_every_field_renders_as_wtforms_writes_it(app, form_class):
    with app.test_request_context("/", method="POST", data={}):
        form = form_class(formdata=None)
        for field in form:
            if type(field.widget).__call__ in (Input.__call__, PasswordInput.__call__):
                field.data = HOSTILE
            field.errors = ["Ce champ est obligatoire."]
            for attrs in ATTRIBUTES:
                assert str(field(**attrs)) == wtforms_html(field, attrs), (field.name, attrs)
        hidden = [wtforms_html(f, {}) for f in form if isinstance(f.widget, HiddenInput)]
        assert str(form.hidden_tag()) == "\n".join(hidden)


def test_attributes_are_html_params():
    params = {"name": "siret", "id": "siret", "required": True, "readonly": False, "maxlength": 20,
              "value": HOSTILE, "data_x_y": 1, "aria_describedby": "a b", "class_": "c", "autocomplete": None}
    assert attributes(params) == str(html_params(**params))


def test_a_forms_csrf_token_is_the_pages_signed_once_per_session(app, client, monkeypatch):
    seconds = itertools.count(1_800_000_000)  # each signature would carry a new timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: next(seconds))
    page = client.get("/connexion").get_data(as_text=True)
    in_form = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    for_htmx = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    assert in_form == for_htmx
    again = client.get("/connexion").get_data(as_text=True)
    assert in_form in again  # signed once for the session
    with app.test_request_context("/"):
        assert auth.LoginForm().csrf_token.current_token == csrf_token()


def test_a_field_given_no_autocomplete_writes_none(client):
    """The `field` macro passes autocomplete only when a template gives one: « Motif » and « Message »
    of the assistance form have none, and used to be written autocomplete="None"."""
    page = client.get("/besoin-d-aide/").get_data(as_text=True)
    motif = re.search(r'<select[^>]*id="motif"[^>]*>|<input[^>]*id="motif"[^>]*>', page).group(0)
    assert "autocomplete" not in motif
    assert 'autocomplete="None"' not in page
    assert 'autocomplete="family-name"' in page  # a given one is still written
