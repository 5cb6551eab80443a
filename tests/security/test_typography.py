"""French typography of every page of the access matrix, as the person who may open it: no « : ; ? ! »
after an ordinary space, no straight apostrophe in visible text, no known word missing its accent, and
times written "15 h 32". Pages that still fail are listed below with the date and the reason; the list
only shrinks: a listed page that passes fails the test, so that it is taken out."""
import html
import re

from markupsafe import Markup

from tests.security.test_access_matrix import rules, with_query
from webapp.typography import french, time_fr

# Allow-list of 2026-12-01 (issue 10), by endpoint: pages whose templates the habilitations, declarations,
# journal and portfolios lanes are rewriting (corrected when those branches land), and the look lane's own
# remainder (straight apostrophes). Empty it as pages pass: a listed page that passes fails the test.
NOT_YET = {
    # look lane: straight apostrophes left in the portal's own words (« Je m'inscris », « J'ai oublié mon
    # identifiant », « l'entreprise ») that view tests and journeys look up by name: to convert together
    # with those locators once the other lanes have landed; a few colons in hints built in Python.
    **dict.fromkeys([
        "assistance.new", "auth.login", "companies.bulk_add", "companies.establishments",
        "companies.refresh", "companies.remove", "companies.transfer", "declarants.create",
        "declarants.edit", "declarants.index", "inscription.download_conditions", "inscription.start",
        "outbox.index", "profile.index", "recap.firm", "recap.portfolio", "recovery.forgot_login",
        "recovery.start", "requests.accept_access", "support.index", "support.show",
    ], "look lane"),
    # declarations lane (templates/declarations/: « Vos déclarations » tiles being rewritten)
    **dict.fromkeys([
        "declarations.company", "declarations.company_establishments", "declarations.establishment",
        "declarations.portfolio", "declarations.tile",
    ], "declarations lane"),
    # habilitations lane (templates/habilitations/ being rewritten)
    **dict.fromkeys([
        "habilitation_files.history", "habilitation_files.report", "habilitation_files.upload",
    ], "habilitations lane"),
    # habilitations lane (templates/habilitations/ being rewritten: the matrix grid, and the guide's
    # « Vue liste » it keeps one click away)
    **dict.fromkeys([
        "habilitations.copy", "habilitations.index", "habilitation_list.copy", "habilitation_list.index",
    ], "habilitations lane"),
    # journal lane (templates/journal/ being rewritten)
    **dict.fromkeys([
        "journal.index",
    ], "journal lane"),
    # portfolios lane (templates/clients/portfolios/: composition, déclarants of a portfolio)
    **dict.fromkeys([
        "portfolios.compose", "portfolios.declarants", "portfolios.delete", "portfolios.index",
    ], "portfolios lane"),
}

HEAD = re.compile(
    r"<head\b.*?</head>|<script\b.*?</script>|<style\b.*?</style>|<textarea\b.*?</textarea>", re.S)
TAG = re.compile(r"<[^>]+>")
SPACE_BEFORE_SIGN = re.compile(r"\S{0,20}[ \u00a0][:;?!](?=\s|$)")
STRAIGHT_APOSTROPHE = re.compile(r"\S{0,20}\w'\w\S{0,10}")
UNACCENTED = re.compile(
    r"\b(Etablissements?|Elu|Elus|Elue|Etape|Etat|Echeance|Evenement|Electronique|Etes)\b")
CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")


def visible_text(page):
    return html.unescape(TAG.sub(" ", HEAD.sub(" ", page)))


def problems(page):
    text = visible_text(page)
    found = [f"espace ordinaire avant le signe : « {m.group(0)} »" for m in SPACE_BEFORE_SIGN.finditer(text)]
    found += [f"apostrophe droite : « {m.group(0)} »" for m in STRAIGHT_APOSTROPHE.finditer(text)]
    found += [f"accent manquant : « {m.group(0)} »" for m in UNACCENTED.finditer(text)]
    found += [f"heure à l’anglaise : « {m.group(0)} »" for m in CLOCK_TIME.finditer(text)]
    return found


def pages(world):
    for who, kinds in (("anonymous", ("public",)), ("declarant_a", ("firm",)), ("admin_a", ("admin",)),
                       ("support", ("support",))):
        for rule in rules(world, *kinds):
            if "GET" in rule.methods and rule.endpoint != "static":
                yield who, rule.endpoint, with_query(rule, world.a)


def test_every_page_has_french_typography(world):
    failing, fixed = {}, []
    for who, endpoint, path in pages(world):
        response = world.clients[who].get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        found = problems(response.get_data(as_text=True))
        if found and endpoint not in NOT_YET:
            failing[f"{who} {path} ({endpoint})"] = found[:5]
        elif not found and endpoint in NOT_YET:
            fixed.append(endpoint)
    assert not fixed, f"take these pages out of NOT_YET, they pass now: {fixed}"
    assert not failing, f"{len(failing)} page(s):\n" + "\n".join(
        f"{page}\n    " + "\n    ".join(found) for page, found in failing.items())


def test_the_filter_sets_narrow_no_break_spaces_apostrophes_and_identifiers():
    assert french("Besoin d'aide ? « CLIENTS PME » : 977 850 965 00020") == (
        "Besoin d’aide\u202f? «\u202fCLIENTS PME\u202f»\u202f: 977\u202f850\u202f965\u202f00020")
    assert french("Nom: http://x 10:30 l'a") == "Nom\u202f: http://x 10:30 l’a"


def test_the_filter_leaves_tags_attributes_and_scripts_alone():
    markup = Markup(
        '<strong>Démo</strong> : <a href="http://x" title="a : b">l\'aide</a><script>a ? b</script>')
    assert french(markup) == Markup(
        '<strong>Démo</strong>\u202f: <a href="http://x" title="a : b">l’aide</a><script>a ? b</script>')


def test_times_read_h_between_hours_and_minutes():
    from datetime import time

    assert time_fr(time(15, 32)) == "15\u202fh\u202f32" and time_fr(time(9, 5)) == "9\u202fh\u202f05"
