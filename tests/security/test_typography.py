"""French typography of every page of the access matrix, as the person who may open it: no « : ; ? ! »
after an ordinary space, no straight apostrophe in visible text, no known word missing its accent, times
written "15 h 32", and « SIRET », « SIREN » in capitals. Every page passes: there is no allow-list, a new
page must pass too."""
import html
import re

from markupsafe import Markup

from tests.security.test_access_matrix import rules, with_query
from webapp.typography import french, time_fr

HEAD = re.compile(
    r"<head\b.*?</head>|<script\b.*?</script>|<style\b.*?</style>|<textarea\b.*?</textarea>", re.S)
TAG = re.compile(r"<[^>]+>")
SPACE_BEFORE_SIGN = re.compile(r"\S{0,20}[ \u00a0][:;?!](?=\s|$)")
STRAIGHT_APOSTROPHE = re.compile(r"\S{0,20}\w'\w\S{0,10}")
UNACCENTED = re.compile(
    r"\b(Etablissements?|Elu|Elus|Elue|Etape|Etat|Echeance|Evenement|Electronique|Etes)\b")
CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
# Texts read by screen readers, shown on hover or in a confirmation dialog: the same rules.
READ_ATTRIBUTE = re.compile(
    r'\s(aria-label|title|placeholder|data-confirm|data-pending-warning|data-long)="([^"]*)"')
BARE_GUILLEMET = re.compile(r"\S{0,20}(?:«(?!\u202f)|(?<!\u202f)»)\S{0,20}")
# INSEE's spelling, in capitals, everywhere a user reads it (input names, ids and URLs are not read).
IDENTIFIER_NAME = re.compile(r"\b(?!SIRE[NT]\b)[Ss][Ii][Rr][Ee][NnTt]s?\b")


def visible_text(page):
    return html.unescape(TAG.sub(" ", HEAD.sub(" ", page)))


def problems(page):
    found = text_problems(visible_text(page))
    for name, value in READ_ATTRIBUTE.findall(HEAD.sub(" ", page)):
        value = html.unescape(value)
        found += [f"{name}=« {value} » : {problem}" for problem in text_problems(value)]
    return found


def text_problems(text):
    found = [f"espace ordinaire avant le signe : « {m.group(0)} »" for m in SPACE_BEFORE_SIGN.finditer(text)]
    found += [f"apostrophe droite : « {m.group(0)} »" for m in STRAIGHT_APOSTROPHE.finditer(text)]
    found += [f"accent manquant : « {m.group(0)} »" for m in UNACCENTED.finditer(text)]
    found += [f"heure à l’anglaise : « {m.group(0)} »" for m in CLOCK_TIME.finditer(text)]
    found += [f"SIRET/SIREN autrement écrit : « {m.group(0)} »" for m in IDENTIFIER_NAME.finditer(text)]
    found += [f"guillemet sans espace fine : {m.group(0)}" for m in BARE_GUILLEMET.finditer(text)]
    return found


def pages(world):
    for who, kinds in (("anonymous", ("public",)), ("declarant_a", ("firm",)), ("admin_a", ("admin",)),
                       ("support", ("support",))):
        for rule in rules(world, *kinds):
            if "GET" in rule.methods and rule.endpoint != "static":
                yield who, rule.endpoint, with_query(rule, world.a)


def test_every_page_has_french_typography(world):
    failing = {}
    for who, endpoint, path in pages(world):
        response = world.clients[who].get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        found = problems(response.get_data(as_text=True))
        if found:
            failing[f"{who} {path} ({endpoint})"] = found[:5]
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


def test_times_read_h_between_hours_and_minutes_the_same_way_everywhere():
    from datetime import datetime, time

    from db import clock

    assert time_fr(time(15, 32)) == "15\u202fh\u202f32" and time_fr(time(9, 5)) == "9\u202fh\u202f05"
    moment = datetime(2026, 11, 23, 13, 5)  # UTC: 14 h 05 in Paris
    assert clock.time_fr(moment) == "14\u202fh\u202f05"
    assert clock.datetime_fr(moment) == clock.moment_fr(moment) == "23/11/2026 à 14\u202fh\u202f05"


def test_siret_and_siren_are_read_in_capitals_only():
    page = '<label for="siret">{}</label><input name="siret" id="siret"> <a href="/siren/1">Sirene</a>'
    assert problems(page.format("SIRET")) == []
    for spelling in ("Siret", "siret", "Siren", "SIRENs", "Sirets"):
        assert problems(page.format(spelling)) == [f"SIRET/SIREN autrement écrit : « {spelling} »"]


def test_attributes_read_aloud_or_shown_follow_the_same_rules():
    good = '<button title="Retirer" aria-label="Retirer l’entreprise «\u202fA\u202f»\u202f?">x</button>'
    assert problems(good) == []
    bad = """<button data-confirm="Retirer l'entreprise « A » ?" placeholder="Nom : ">x</button>"""
    found = " | ".join(problems(bad))
    assert found.count("espace ordinaire avant le signe") == 2 and found.count("apostrophe droite") == 1
    assert found.count("guillemet sans espace fine") == 2


def test_the_filter_is_idempotent():
    once = french("Besoin d'aide ? « CLIENTS PME » : 977 850 965 00020")
    assert french(once) == once
