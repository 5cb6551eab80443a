"""`flask --app webapp …` commands: setup, db, sirene, demo, support."""
import os
import re

import click
from flask import current_app
from flask.cli import AppGroup

from db import clock, copy_to, counts, demo, schema
from db.database import database
from db.declarations import catalogue
from db.errors import Invalid
from db.sirene import SireneImportError, daily, import_files
from db.sirene.online import OnlineDirectoryError, SireneApi
from db.support import agents

SAMPLE_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "db", "data", "sirene")
SAMPLE_FILES = ["StockUniteLegale_sample.csv", "StockEtablissement_sample.csv"]
STOCK_FILE = re.compile(r"^Stock(UniteLegale|Etablissement)_.*\.(csv|zip)$", re.IGNORECASE)

db_cli = AppGroup("db", help="Schéma de la base de données.")
sirene_cli = AppGroup("sirene", help="Référentiel Sirene local.")
# The support desk's agents are created from the command line only.
support_cli = AppGroup("support", help="Comptes du support du portail.")


@click.command("setup")
def setup_command():
    """Crée ou met à jour le schéma, puis charge le catalogue des déclarations."""
    with database.connection_context():
        applied = schema.upgrade()
        counts = catalogue.load_catalogue()
    click.echo(f"Migrations appliquées : {', '.join(applied) or 'aucune (schéma à jour)'}")
    click.echo(
        "Catalogue des déclarations : {created} créée(s), {updated} mise(s) à jour, "
        "{unchanged} inchangée(s).".format(**counts)
    )


@db_cli.command("upgrade")
def db_upgrade():
    """Applique les migrations en attente."""
    with database.connection_context():
        applied = schema.upgrade()
    click.echo("Migrations appliquées : " + (", ".join(applied) or "aucune"))


@db_cli.command("status")
def db_status():
    """Liste les migrations et leur date d'application."""
    with database.connection_context():
        for name, applied in schema.status():
            click.echo(f"[{'x' if applied else ' '}] {name}  {applied or ''}")


@db_cli.command("copy-to")
@click.argument("target_url")
def db_copy_to(target_url):
    """Copie l'installation SQLite dans une base PostgreSQL vide (schéma par les migrations, données
    par COPY), vérifie chaque table (lignes et somme de contrôle) et dit quoi changer à la configuration."""
    def progress(table):
        click.echo(f"  {table.name} : {_number(table.rows)} ligne(s), somme {table.checksum_hex}")

    click.echo(f"Copie vers {copy_to.masked(target_url)}…")
    try:
        with database.connection_context():
            copies = copy_to.copy_to(target_url, progress)
    except copy_to.CopyError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(c.rows for c in copies)
    click.echo(f"Copie vérifiée : {len(copies)} tables, {_number(rows)} lignes, mêmes nombres de lignes "
               "et mêmes sommes de contrôle des deux côtés.")
    click.echo(copy_to.next_steps(target_url))


def _number(value):
    return f"{value:,}".replace(",", "\u202f")


@db_cli.command("check-counts")
@click.option("--repair", is_flag=True, help="Recompte les compteurs faux (dans une transaction).")
def db_check_counts(repair):
    """Compare chaque compteur entretenu (entreprises et établissements des portefeuilles, demandes
    en attente…) avec un comptage complet des lignes."""
    with database.connection_context():
        wrong = counts.check(repair=repair)
    for counter in counts.COUNTERS:
        rows = wrong.get(counter.name, [])
        click.echo(f"{counter.name} : {'exact' if not rows else f'{len(rows)} ligne(s) fausse(s)'}")
        for key, stored, actual in rows[:20]:
            click.echo(f"  {counter.holder.__name__} {key} : {stored} enregistré(s), {actual} compté(s)")
    if wrong and not repair:
        raise click.ClickException("Compteurs inexacts : relancez avec --repair pour les recompter.")
    if wrong:
        click.echo("Compteurs recomptés.")


@sirene_cli.command("import")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def sirene_import(files):
    """Importe des fichiers stock INSEE (StockUniteLegale / StockEtablissement, CSV ou ZIP) ; sans
    fichier, ceux que contient le dossier SIRENE_STOCK_DIR."""
    _import(files or _stock_files(current_app.config["SIRENE_STOCK_DIR"]))


def _stock_files(folder):
    """The stock files of folder (INSEE's names: StockUniteLegale_utf8.zip, StockEtablissement_utf8.csv…),
    unités légales first; the history and succession files are not stocks of the directory."""
    if not folder:
        raise click.UsageError("Indiquez les fichiers à importer, ou le dossier SIRENE_STOCK_DIR qui les "
                               "contient.")
    if not os.path.isdir(folder):
        raise click.ClickException(f"SIRENE_STOCK_DIR : le dossier {folder} n'existe pas.")
    found = sorted((name.startswith("StockEtablissement"), name) for name in os.listdir(folder)
                   if STOCK_FILE.match(name))
    if not found:
        raise click.ClickException(f"SIRENE_STOCK_DIR : aucun fichier StockUniteLegale_… ou "
                                   f"StockEtablissement_… (.csv ou .zip) dans {folder}.")
    return [os.path.join(folder, name) for _, name in found]


@sirene_cli.command("sample")
def sirene_sample():
    """Importe l'échantillon Sirene fourni (Source : INSEE, base Sirene – Licence Ouverte 2.0)."""
    _import([os.path.join(SAMPLE_DIR, f) for f in SAMPLE_FILES])


def _import(files):
    bars = {}

    def progress(name, amount, total):
        if total is not None:
            if bars:
                bars.popitem()[1].render_finish()
            bars[name] = click.progressbar(length=total, label=name, show_percent=True, show_eta=True)
            bars[name].render_progress()
        else:
            bars[name].update(amount)

    try:
        with database.connection_context():
            counts = import_files(list(files), progress)
    except SireneImportError as exc:
        raise click.ClickException(f"{exc} Aucune donnée n'a été modifiée.") from None
    except KeyboardInterrupt:
        raise click.ClickException("Import interrompu : le référentiel est resté tel qu'il était.") from None
    finally:
        for bar in bars.values():
            bar.render_finish()
    click.echo(
        f"Référentiel Sirene : {counts['unites_legales']} unité(s) légale(s), "
        f"{counts['etablissements']} établissement(s) importé(s)."
    )


@sirene_cli.command("update")
@click.option("--jour", default=None, help="Jour de traitement INSEE (AAAA-MM-JJ) ; aujourd'hui par défaut.")
def sirene_update(jour):
    """Mise à jour quotidienne du référentiel par l'API Sirene de l'INSEE, puis le rapport de la Veille
    Sirene de chaque cabinet. En cas d'échec de l'API, rien n'est modifié."""
    config = current_app.config
    if not (config["SIRENE_API_URL"] and config["SIRENE_API_KEY"]):
        raise click.ClickException("Configurez SIRENE_API_URL et SIRENE_API_KEY (API Sirene de l'INSEE) "
                                   "pour la mise à jour quotidienne.")
    day = jour or clock.to_paris(clock.now()).date().isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise click.UsageError("--jour : une date AAAA-MM-JJ, par exemple 2026-12-01.")
    api = SireneApi(config["SIRENE_API_URL"], config["SIRENE_API_KEY"], timeout=config["SIRENE_API_TIMEOUT"],
                    retries=config["SIRENE_API_RETRIES"], max_wait=config["SIRENE_API_MAX_WAIT"])
    try:
        with database.connection_context():
            done = daily.update_directory(api, day)
    except OnlineDirectoryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Mise à jour Sirene du {day[8:]}/{day[5:7]}/{day[:4]} : {_number(done.establishments)} "
               f"établissement(s) et {_number(done.units)} unité(s) légale(s) mis à jour, "
               f"{_number(done.notices)} avis de la Veille Sirene envoyé(s).")


@click.command("demo")
def demo_command():
    """Crée le cabinet de démonstration et affiche ses identifiants."""
    with database.connection_context():
        firm = demo.create_demo()
    click.echo("Cabinet de démonstration créé." if firm else "Le cabinet de démonstration existe déjà.")
    click.echo("Identifiants de démonstration (SIRET / Nom / Prénom / Mot de passe) :")
    for siret, nom, prenom, password, role in demo.demo_logins():
        click.echo(f"  {role:<15} {siret} / {nom} / {prenom} / {password}")


@support_cli.command("create")
@click.option("--email", prompt="Courriel", help="Adresse de connexion de l'agent.")
@click.option("--nom", prompt="Nom")
@click.option("--prenom", prompt="Prénom")
@click.password_option(
    "--password",
    prompt="Mot de passe",
    confirmation_prompt="Confirmation du mot de passe",
    help="À éviter sur la ligne de commande : il est demandé s'il manque.",
)
def support_create(email, nom, prenom, password):
    """Crée un compte du support (connexion sur /support/connexion)."""
    try:
        with database.connection_context():
            agent = agents.create_agent(email, nom, prenom, password)
    except Invalid as exc:
        raise click.ClickException(" ".join(exc.errors.values())) from None
    click.echo(
        f"Compte du support créé : {agent.full_name} <{agent.email}>. Connexion sur /support/connexion."
    )


@support_cli.command("list")
def support_list():
    """Liste les comptes du support."""
    with database.connection_context():
        for agent in agents.agents():
            click.echo(f"{agent.email}\t{agent.full_name}\t{'actif' if agent.is_active else 'désactivé'}")


def init_app(app):
    for command in (setup_command, demo_command, db_cli, sirene_cli, support_cli):
        app.cli.add_command(command)
