"""`flask --app webapp support …`: the support desk's agents, created from the command line only."""
import click
from flask.cli import AppGroup

from db.database import database
from db.errors import Invalid
from db.support import agents

support_cli = AppGroup("support", help="Comptes du support du portail.")


@support_cli.command("create")
@click.option("--email", prompt="Courriel", help="Adresse de connexion de l'agent.")
@click.option("--nom", prompt="Nom")
@click.option("--prenom", prompt="Prénom")
@click.password_option("--password", prompt="Mot de passe", confirmation_prompt="Confirmation du mot de passe",
                       help="À éviter sur la ligne de commande : il est demandé s'il manque.")
def create(email, nom, prenom, password):
    """Crée un compte du support (connexion sur /support/connexion)."""
    try:
        with database.connection_context():
            agent = agents.create_agent(email, nom, prenom, password)
    except Invalid as exc:
        raise click.ClickException(" ".join(exc.errors.values())) from None
    click.echo(f"Compte du support créé : {agent.full_name} <{agent.email}>. Connexion sur /support/connexion.")


@support_cli.command("list")
def list_agents():
    """Liste les comptes du support."""
    with database.connection_context():
        for agent in agents.agents():
            click.echo(f"{agent.email}\t{agent.full_name}\t{'actif' if agent.is_active else 'désactivé'}")
