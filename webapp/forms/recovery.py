"""Forms of "Mot de passe oublié" and "J'ai oublié mon identifiant" (rules in db.accounts.recovery)."""
from wtforms import PasswordField, StringField

from webapp.forms import Required
from webapp.forms.base import PortalForm


class TripletForm(PortalForm):
    siret = StringField("SIRET", validators=[Required()])
    nom = StringField("Nom", validators=[Required()])
    prenom = StringField("Prénom", validators=[Required()])


class AnswerForm(PortalForm):
    secret_answer = PasswordField("Réponse", validators=[Required()])


class NewPasswordForm(PortalForm):
    password = PasswordField("Nouveau mot de passe", validators=[Required()])
    confirmation = PasswordField("Confirmation du nouveau mot de passe", validators=[Required()])


class RenewForm(NewPasswordForm):
    """A temporary password's holder chooses a new password and a new secret question."""

    secret_question = StringField("Nouvelle question secrète", validators=[Required()])
    secret_answer = StringField("Réponse secrète", validators=[Required()])


class ForgotLoginForm(PortalForm):
    email = StringField("Courriel", validators=[Required()])
