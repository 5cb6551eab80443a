"""Who may open what, over every rule of `app.url_map`: anonymous visitors, a déclarant, the
administrator of another firm, a support agent, and requests without a CSRF token.

Rules are classified (public, firm, Gestion, support) and every argument of every rule is mapped to a
row of the demo firm: a new endpoint that is not classified, or that takes an id this file does not
know, fails the first test, so that each future endpoint is checked by the others too. Each test
walks all the rules and lists every misbehaving URL at once."""
import html

from tests.security.conftest import row_counts
from webapp.access import ADMIN_ONLY, FIRM_ONLY, SUPPORT_ONLY
from webapp.navigation import MENU

# Areas open to anyone: the inscription, Mot de passe oublié / identifiant oublié, Besoin d'aide.
# The second factor's login step is public: without a password just checked, it sends back to the login.
PUBLIC_BLUEPRINTS = {"inscription", "registration", "recovery", "assistance", "second_factor"}
PUBLIC_ENDPOINTS = {
    "static", "menu.home", "auth.login", "auth.renew", "auth.resend_validation", "activation.activate",
    "support.login", "outbox.index",  # the Boîte d'envoi exists in demo mode only, for demonstrations
}
# Pages of any logged-in person of a firm (administrator or déclarant).
FIRM_ENDPOINTS = {
    "menu.index", "declarations.tiles", "declarations.tile", "auth.logout",
    "profile.index", "profile.update_contact", "profile.change_password", "profile.change_secret",
    "profile.request_admin", "second_factor_settings.index", "second_factor_settings.confirm",
    "second_factor_settings.new_codes", "second_factor_settings.disable",
    "notifications.index", "notifications.mark_read", "notifications.mark_all_read",
    "notifications.mail_choices",
}
# Support agents may also log out and write to Besoin d'aide.
OPEN_TO_SUPPORT = {"static", "auth.logout"}

# Argument of a rule -> the demo firm's row it names (tests.factories.demo.demo_rows).
FIRM_IDS = {
    "portfolio_id": "portfolio",
    "company_id": "company",
    "establishment_id": "establishment",
    "user_id": "declarant",
    "request_id": "request",
    "import_id": "bulk_import",
    "notice_id": "notification",
    "event_id": "audit_event",
    "change_id": "sirene_change",
}
# The support pages' request_id is an assistance request, not a row of a firm.
SUPPORT_IDS = {"request_id": "assistance_request"}
# Arguments that are not ids of a firm's rows: the only endpoints that may take them, and a value.
OTHER_ARGUMENTS = {
    "token": ({"activation.activate", "inscription.validate_email", "recovery.reset"}, "jeton-inconnu"),
    "code": ({"declarations.tile"}, "DSN"),
    "name": ({"inscription.check_field"}, "siret"),
    "position": ({"registration.remove_declarant"}, 0),
    "filename": ({"static"}, "app.css"),
}
# Pages that name a firm's rows in their query string (GET) or form (POST) rather than in their path.
QUERY_IDS = {
    "habilitation_files.export": lambda rows: {"portfolio": rows.portfolio.id},
    "habilitations.index": lambda rows: {"portfolio": rows.portfolio.id, "search": 1,
                                         "declarant": rows.declarant.id},
    "habilitation_list.index": lambda rows: {"portfolio": rows.portfolio.id, "search": 1},
    "habilitation_ends.index": lambda rows: {"portfolio": rows.portfolio.id, "declarant": rows.declarant.id},
    "habilitation_list.copy": lambda rows: {"portfolio": rows.portfolio.id, "source": rows.declarant.id,
                                            "target": rows.other_declarant.id},
}
METHODS = ("GET", "POST")


def kind(rule):
    """public, firm, admin (the Gestion pages) or support; None for a rule nobody classified."""
    if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS:
        return "public"
    if rule.rule.startswith("/gestion/") or rule.rule == "/gestion":
        return "admin"
    if rule.rule.startswith("/support/"):
        return "support"
    if rule.endpoint in FIRM_ENDPOINTS:
        return "firm"
    return None


def rules(world, *kinds):
    return sorted((r for r in world.app.url_map.iter_rules() if kind(r) in kinds), key=lambda r: r.rule)


def methods(rule):
    return [m for m in METHODS if m in rule.methods]


def url(rule, rows):
    """The rule's URL with each argument taken from rows (a firm's rows or the support's)."""
    values = {}
    for name in rule.arguments:
        if name in OTHER_ARGUMENTS:
            values[name] = OTHER_ARGUMENTS[name][1]
        else:
            ids = SUPPORT_IDS if kind(rule) == "support" else FIRM_IDS
            values[name] = getattr(rows, ids[name]).id
    return rule.build(values)[1]


def with_query(rule, rows):
    """The rule's URL with the query string its page needs (QUERY_IDS)."""
    query = QUERY_IDS.get(rule.endpoint)
    path = url(rule, rows)
    return path + "?" + "&".join(f"{k}={v}" for k, v in query(rows).items()) if query else path


def text(response):
    return html.unescape(response.get_data(as_text=True))


def call(client, method, path, data=None, **kwargs):
    return client.open(path, method=method, data=data if method == "POST" else None, **kwargs)


def posted_values(b):
    """A plausible form, with firm B's own ids: only the URL's id is the other firm's."""
    return {"name": "VOLÉ", "comment": "", "siren": "356000000", "sirens": "356000000",
            "siret": [b.establishment.siret], "declarants": [str(b.declarant.id)], "declarations": ["DSN"],
            "target": str(b.portfolio.id), "confirm": "1", "nom": "VOLEUR", "prenom": "Jean",
            "email": "voleur@voisin.test", "role": "admin"}


def report(failures):
    assert not failures, f"{len(failures)} URL(s) misbehave:\n" + "\n".join(failures)


def test_every_rule_is_classified_and_every_argument_is_known(world):
    """A new endpoint must say who may open it, and which row each of its ids names."""
    problems = []
    for rule in world.app.url_map.iter_rules():
        if kind(rule) is None:
            problems.append(
                f"{rule.rule} ({rule.endpoint}): not classified in tests/security/test_access_matrix.py"
            )
        for name in rule.arguments:
            known = SUPPORT_IDS if kind(rule) == "support" else FIRM_IDS
            allowed = OTHER_ARGUMENTS.get(name, (set(),))[0]
            if name not in known and rule.endpoint not in allowed:
                problems.append(f"{rule.rule} ({rule.endpoint}): argument « {name} » is not mapped to a row")
    admin_entries = {e.endpoint for _, entries in MENU for e in entries if e.admin_only}
    registered = {r.endpoint: r for r in world.app.url_map.iter_rules()}
    for endpoint in admin_entries & set(registered):
        if kind(registered[endpoint]) != "admin":
            problems.append(f"{endpoint}: an admin-only menu entry outside /gestion")
    report(problems)


def test_anonymous_visitors_are_sent_to_the_connexion_page(world):
    client, failures, before = world.clients["anonymous"], [], row_counts()
    for rule in rules(world, "firm", "admin", "support"):
        login_page = "/support/connexion" if kind(rule) == "support" else "/connexion"
        for method in methods(rule):
            path = url(rule, world.a)
            response = call(client, method, path)
            if response.status_code != 302 or not response.location.startswith(login_page):
                failures.append(f"{method} {path}: {response.status_code} {response.location or ''}")
    report(failures)
    assert row_counts() == before


def test_public_pages_open_without_login(world):
    """Public GETs answer a page (or a bad link's page, or a redirect to another public page)."""
    client, failures = world.clients["anonymous"], []
    adapter = world.app.url_map.bind("localhost")
    for rule in rules(world, "public"):
        if "GET" not in rule.methods:
            continue
        path = url(rule, world.a)
        response = client.get(path)
        status = response.status_code
        if status == 302:
            target = adapter.match(response.location.split("?")[0], method="GET")[0]
            if kind(next(world.app.url_map.iter_rules(target))) != "public":
                failures.append(f"GET {path}: redirected to the non-public {response.location}")
        elif status not in (200, 404, 410) or (status != 200 and "token" not in rule.arguments):
            failures.append(f"GET {path}: {status}")
    report(failures)


def test_a_declarant_is_refused_every_gestion_page_with_the_reason(world):
    client, failures, before = world.clients["declarant_a"], [], row_counts()
    for rule in rules(world, "admin"):
        for method in methods(rule):
            path = url(rule, world.a)
            response = call(client, method, path, posted_values(world.b))
            if response.status_code != 403 or ADMIN_ONLY not in text(response):
                failures.append(f"{method} {path}: {response.status_code}")
    report(failures)
    assert row_counts() == before


def test_the_firms_own_people_open_their_pages(world):
    """The ids used by the other tests are real: the firm's administrator opens every Gestion page
    and its déclarant every page of a firm's person (so a 404 elsewhere means "not yours")."""
    failures = []
    for who, kinds in (("admin_a", ("admin",)), ("declarant_a", ("firm",))):
        for rule in rules(world, *kinds):
            if "GET" in rule.methods:
                path = with_query(rule, world.a)
                response = world.clients[who].get(path)
                if response.status_code != 200:
                    failures.append(f"{who} GET {path}: {response.status_code} {response.location or ''}")
    report(failures)


def test_another_firms_administrator_gets_404_on_every_url_with_an_id(world):
    client, failures, before = world.clients["admin_b"], [], row_counts()
    for rule in rules(world, "admin", "firm"):
        if not set(rule.arguments) & set(FIRM_IDS):
            continue
        for method in methods(rule):
            path = url(rule, world.a)
            for headers in ({}, {"HX-Request": "true"}):
                response = call(client, method, path, posted_values(world.b), headers=headers)
                if response.status_code != 404 or "Page introuvable" not in text(response):
                    failures.append(f"{method} {path} {headers or ''}: {response.status_code}")
    report(failures)
    assert row_counts() == before


def test_another_firms_ids_in_the_query_string_or_the_form_are_not_found(world):
    """Pages that take a portfolio or a person in their query string (GET) or their form (POST)."""
    client, failures, before = world.clients["admin_b"], [], row_counts()
    registered = {r.endpoint: r for r in world.app.url_map.iter_rules()}
    for endpoint, query in QUERY_IDS.items():
        rule = registered[endpoint]
        for method in methods(rule):
            path = url(rule, world.a)
            response = client.open(
                path,
                method=method,
                query_string=query(world.a) if method == "GET" else None,
                data=query(world.a) if method == "POST" else None,
            )
            if response.status_code != 404:
                failures.append(f"{method} {path} {query(world.a)}: {response.status_code}")
    report(failures)
    assert row_counts() == before


def test_posts_without_csrf_token_are_refused(world):
    client, failures, before = world.clients["admin_a"], [], row_counts()
    for rule in rules(world, "public", "firm", "admin", "support"):
        if "POST" not in rule.methods:
            continue
        path = url(rule, world.a)
        response = client.post(path, data=posted_values(world.b), with_csrf=False)
        if response.status_code != 400 or "Le formulaire a expiré" not in text(response):
            failures.append(f"POST {path}: {response.status_code}")
    report(failures)
    assert row_counts() == before
    assert client.get("/gestion/portefeuilles").status_code == 200, "the administrator was logged out"


def test_a_support_agent_is_refused_the_firms_pages(world):
    client, failures, before = world.clients["support"], [], row_counts()
    for rule in rules(world, "public", "firm", "admin"):
        if rule.endpoint in OPEN_TO_SUPPORT or rule.endpoint.startswith(("assistance.", "support.")):
            continue
        for method in methods(rule):
            path = url(rule, world.a)
            response = call(client, method, path, posted_values(world.b))
            if rule.endpoint in ("menu.home", "auth.login"):
                ok = response.status_code == 302 and response.location == "/support/"
            else:
                ok = response.status_code == 403 and FIRM_ONLY in text(response)
            if not ok:
                failures.append(f"{method} {path}: {response.status_code} {response.location or ''}")
    report(failures)
    assert row_counts() == before


def test_the_firms_people_are_refused_the_support_pages(world):
    failures, before = [], row_counts()
    for who in ("admin_a", "declarant_a", "admin_b"):
        for rule in rules(world, "support"):
            for method in methods(rule):
                path = url(rule, world.a)
                response = call(world.clients[who], method, path, {"answer": "Réponse", "nom": "X"})
                if response.status_code != 403 or SUPPORT_ONLY not in text(response):
                    failures.append(f"{who} {method} {path}: {response.status_code}")
        response = world.clients[who].get("/support/connexion")
        if response.status_code != 302 or response.location != "/":
            failures.append(f"{who} GET /support/connexion: {response.status_code} {response.location or ''}")
    report(failures)
    assert row_counts() == before
