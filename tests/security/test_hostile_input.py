"""Hostile input in every field of every form: HTML and script, SQL fragments, control characters
and 10,000-character values. Each form of each page is submitted once per field and value, the
other fields keeping what the page proposes, so that the hostile value gets as far as it can.

Whatever happens: never a 500, never the script echoed unescaped (in the answer or on the page
after it), and a refusal is a 4xx with a message in French next to the field or on the page."""
import html
import os
import re
import traceback
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from peewee import CharField, TextField, fn

from db.database import database
from db.models import ALL_MODELS, Company
from tests.factories.database import ROOT
from tests.factories.demo import demo_rows, people_in_every_state, waiting_requests
from tests.factories.forms import forms

HOSTILE = {
    "html": '<script>alert("xss")</script>"><img src=x onerror=alert(1)>',
    "sql": "' OR '1'='1'; DROP TABLE \"user\"; --",
    "control": "ab\x1b[31m\u202e\u200bcd\r\n\tef\x7f",
    "nul": "ab\x00cd",  # PostgreSQL refuses it in any text
    "long text": "é" * 10_000,
    "long number": "1234567890" * 1_000,
    "huge id": "9" * 20,  # beyond 64-bit integers
    "odd digits": "²³",  # str.isdigit() says yes, int() says no
}
RAW = ('<script>alert("xss")', "<img src=x onerror")
# A refusal says why: a field's error, the form's error, an error message, or the error page's text.
EXPLAINED = re.compile(
    r'class="(?:field-error|form-error|message message-error|message message-warning|error-text)'
    r'[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*[A-ZÀ-Ýa-zà-ÿ«]'
)

ADMIN_PAGES = [
    "/gestion/portefeuilles",
    "/gestion/portefeuilles/ajouter",
    "/gestion/portefeuilles/{p}/modifier",
    "/gestion/portefeuilles/{p}/declarants",
    "/gestion/portefeuilles/{p}/composition",
    "/gestion/portefeuilles/{p}/entreprises/plusieurs",
    "/gestion/portefeuilles/{p}/declarations",
    "/gestion/portefeuilles/{p}/supprimer",
    "/gestion/entreprises/{c}/etablissements",
    "/gestion/entreprises/{c}/transfert",
    "/gestion/entreprises/{c}/retirer",
    "/gestion/entreprises/{c}/mise-a-jour",
    "/gestion/entreprises/{c}/declarations",
    "/gestion/entreprises/{c}/declarations/etablissements",
    "/gestion/etablissements/{e}/declarations",
    "/gestion/habilitations?portfolio={p}&search=1&declarant={u}",
    "/gestion/habilitations/liste?portfolio={p}&search=1",
    "/gestion/habilitations/import",
    "/gestion/habilitations/imports",
    "/gestion/veille-sirene",
    "/gestion/votre-entreprise/declarations",
    "/gestion/habilitations/memes?portfolio={p}&source={u}&target={u2}",
    "/gestion/habilitations/date-de-fin?portfolio={p}&declarant={u}",
    "/gestion/declarants/",
    "/gestion/declarants/nouveau",
    "/gestion/declarants/{u}",
    "/gestion/declarants/{inactive}",
    "/gestion/declarants/{admin}",
    "/gestion/declarants/{invited}",
    "/gestion/demandes/",
    "/gestion/demandes/{access}/creer-le-compte",
    "/gestion/journal",
    "/gestion/recapitulatif",
    "/gestion/revue",
    "/gestion/couverture",
    "/compte/",
    "/compte/double-authentification/",
    "/besoin-d-aide/",
    "/declarations",
]
PUBLIC_PAGES = [
    "/connexion",
    "/inscription/",
    "/mot-de-passe-oublie",
    "/identifiant-oublie",
    "/besoin-d-aide/",
    "/support/connexion",
]
DECLARANT_PAGES = ["/compte/", "/declarations", "/declarations/DSN", "/notifications"]
# POST endpoints of the Gestion and Votre compte areas whose form is on none of the pages above, and why.
NOT_ON_THESE_PAGES = {
    "auth.logout": "the header's button: logging out takes no field",
    "habilitation_files.apply": "Valider after a file's checked preview "
    "(tests/habilitations/test_files_views.py)",
    "declarant_second_factor.reset": "shown for a person with a second factor only "
    "(tests/accounts/test_second_factor_views.py)",
    "second_factor_settings.new_codes": "shown once the second factor is on "
    "(tests/accounts/test_second_factor_views.py)",
    "second_factor_settings.disable": "shown once the second factor is on "
    "(tests/accounts/test_second_factor_views.py)",
    "portfolios.delete": "offered for an empty portfolio only (tests/clients/test_portfolios_views.py)",
    **dict.fromkeys(("own.declarations", "own.company_declarations", "own.establishments"),
                    "the demo firm is not its own client: its page offers own.add "
                    "(tests/clients/test_own_views.py)"),
}


@pytest.fixture
def ids(app):
    with database.connection_context():
        rows = demo_rows()
        _, access = waiting_requests(rows)
        people = people_in_every_state(rows)
        # A name that differs from the directory's, so that "Mettre à jour" has something to propose.
        Company.update(name="ANCIEN NOM").where(Company.id == rows.company.id).execute()
        return SimpleNamespace(p=rows.portfolio.id, c=rows.company.id, e=rows.establishment.id,
                               u=rows.declarant.id, u2=rows.other_declarant.id, access=access.id,
                               inactive=people.inactive.id, admin=people.admin.id, invited=people.invited.id)


def body(response):
    return response.get_data(as_text=True)


def problems_of(response, what):
    """What is wrong with the answer to a hostile submission (empty when it behaves)."""
    found, page = [], body(response)
    if response.status_code >= 500:
        found.append(f"{what}: {response.status_code}")
    if any(raw in page for raw in RAW):
        found.append(f"{what}: the script comes back unescaped ({response.status_code})")
    if 400 <= response.status_code < 500 and response.mimetype == "text/html" and not EXPLAINED.search(page):
        found.append(f"{what}: refused ({response.status_code}) without a message")
    return found


def submit(client, form, name, value):
    path = urlsplit(form.action)._replace(scheme="", netloc="").geturl()
    headers = {"HX-Request": "true"} if form.htmx else {}
    data = form.data(**{name: value})
    if form.method == "GET":
        return client.get(path, query_string=data, headers=headers)
    return client.post(path, data=data, headers=headers)


def crashed(exc, what):
    """The testing app lets a view's exception through: report it as the 500 a visitor would get."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename.startswith(ROOT) and "/.venv/" not in f.filename]
    where = f" at {os.path.relpath(frames[-1].filename, ROOT)}:{frames[-1].lineno}" if frames else ""
    return [f"{what}: 500 ({type(exc).__name__}: {str(exc)[:100]}{where})"]


def attack(client, page):
    """Submit every hostile value into every field of every form of the page; the problems."""
    found, start = [], client.get(page)
    assert start.status_code == 200, f"{page}: {start.status_code}"
    for form in forms(body(start), "http://localhost" + page):
        if urlsplit(form.action).path == "/deconnexion":
            continue
        for name in form.fields:
            for label, value in HOSTILE.items():
                what = f"{form.method} {urlsplit(form.action).path} « {name} » = {label}"
                try:
                    response = submit(client, form, name, value)
                except Exception as exc:  # noqa: BLE001 - every crash is reported, then the next value
                    found += crashed(exc, what)
                    continue
                found += problems_of(response, what)
                if response.status_code in (302, 303) and response.location:
                    try:
                        found += problems_of(client.get(response.location), what + " → " + response.location)
                    except Exception as exc:  # noqa: BLE001
                        found += crashed(exc, what + " → " + response.location)
    again = client.get(page)
    found += problems_of(again, f"GET {page} afterwards") if again.status_code != 404 else []
    return found + stored_oversized(page)


def stored_oversized(page):
    """Every text the forms store has a length limit checked on the server: no column may now hold
    the 10,000-character values, whatever the page's maxlength said."""
    found = []
    with database.connection_context():
        for model in ALL_MODELS:
            for column in model._meta.sorted_fields:
                if isinstance(column, (CharField, TextField)):
                    if model.select().where(fn.LENGTH(column) >= 10_000).exists():
                        found.append(f"{page}: {model.__name__}.{column.name} stored 10,000 characters")
    return found


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_administrators_forms_withstand_hostile_values(client, auth, ids, path):
    auth.login()
    found = attack(client, path.format(**vars(ids)))
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


@pytest.mark.parametrize("path", DECLARANT_PAGES)
def test_a_declarants_forms_withstand_hostile_values(client, auth, ids, path):
    auth.login_declarant()
    found = attack(client, path)
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_forms_withstand_hostile_values(client, path):
    found = attack(client, path)
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


def test_the_pages_above_hold_every_form_an_administrator_posts(app, client, auth, ids):
    """So that a new form of the Gestion or Votre compte areas gets the hostile values too."""
    adapter = app.url_map.bind("localhost")
    reached = set()
    for login, pages in ((auth.login, ADMIN_PAGES), (auth.login_declarant, DECLARANT_PAGES)):
        login()
        for page in (p.format(**vars(ids)) for p in pages):
            for form in forms(body(client.get(page)), "http://localhost" + page):
                if form.method == "POST":
                    reached.add(adapter.match(urlsplit(form.action).path, method="POST")[0])
        auth.logout()
    expected = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if "POST" in r.methods
        and (r.rule.startswith(("/gestion", "/compte")) or r.endpoint.startswith("auth."))
    }
    missing = (
        expected - reached - set(NOT_ON_THESE_PAGES) - {"auth.login", "auth.renew", "auth.resend_validation"}
    )
    assert not missing, "POST endpoints whose form is on none of ADMIN_PAGES: " + ", ".join(sorted(missing))


def test_stored_values_are_shown_escaped(client, auth, ids):
    """A portfolio named with a script is listed, composed and summed up as text."""
    auth.login()
    name = HOSTILE["html"][:60]
    response = client.post("/gestion/portefeuilles/ajouter", data={"name": name, "comment": HOSTILE["html"]})
    created = response.status_code == 302
    for page in (
        "/gestion/portefeuilles",
        "/gestion/recapitulatif",
        "/gestion/journal",
        "/gestion/habilitations",
    ):
        text = body(client.get(page))
        assert not any(raw in text for raw in RAW), page
        if created and page == "/gestion/portefeuilles":
            assert html.escape(name, quote=False)[:20] in text.replace("&#34;", '"').replace("&#39;", "'")
