"""Forms of the people areas. They carry the fields and the CSRF token; the rules live in db/
(db.person_fields), which answers with a French message per field."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice

from db.people.declarants import ROLES
from db.support.assistance import MOTIFS as ASSISTANCE_MOTIFS


class Marked:
    """Marks a field as mandatory (asterisk, `required` attribute); db/ does the checking."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


class PersonForm(FlaskForm):
    nom = StringField("Nom", [Marked()])
    prenom = StringField("Prénom", [Marked()])
    email = EmailField("Courriel", [Marked()])
    phone = TelField("Téléphone")
    mobile = TelField("Téléphone portable")


class NewPersonForm(PersonForm):
    role = SelectField("Rôle", [Marked()], choices=[SelectChoice(v, label) for v, label in ROLES.items()], default="declarant")


class SecretsForm(FlaskForm):
    """Password and secret question, chosen at activation."""

    password = PasswordField("Mot de passe", [Marked()])
    confirmation = PasswordField("Confirmation du mot de passe", [Marked()])
    secret_question = StringField("Question secrète", [Marked()])
    secret_answer = PasswordField("Réponse à la question secrète", [Marked()])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Rechercher")


class ContactForm(FlaskForm):
    email = EmailField("Courriel", [Marked()])
    phone = TelField("Téléphone")
    mobile = TelField("Téléphone portable")
    current_password = PasswordField("Mot de passe actuel (pour changer de courriel)")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Mot de passe actuel", [Marked()])
    password = PasswordField("Nouveau mot de passe", [Marked()])
    confirmation = PasswordField("Confirmation du nouveau mot de passe", [Marked()])


class SecretChangeForm(FlaskForm):
    current_password = PasswordField("Mot de passe actuel", [Marked()])
    secret_question = StringField("Nouvelle question secrète", [Marked()])
    secret_answer = PasswordField("Réponse à la question secrète", [Marked()])


class MessageForm(FlaskForm):
    message = TextAreaField("Message (facultatif)")


class TemporaryPasswordForm(FlaskForm):
    email = EmailField("Courriel auquel envoyer le mot de passe provisoire", [Marked()])


class AnswerForm(FlaskForm):
    answer = TextAreaField("Réponse", [Marked()])


class AssistanceForm(FlaskForm):
    motif = SelectField("Motif de la demande", [Marked()], choices=[SelectChoice("", "Choisissez un motif")] + [
        SelectChoice(m, m) for m in ASSISTANCE_MOTIFS])
    siret = StringField("Siret")
    nom = StringField("Nom", [Marked()])
    prenom = StringField("Prénom", [Marked()])
    email = EmailField("Courriel", [Marked()])
    message = TextAreaField("Message", [Marked()])


class SupportLoginForm(FlaskForm):
    email = EmailField("Courriel", [Marked()])
    password = PasswordField("Mot de passe", [Marked()])


class HandOverForm(FlaskForm):
    nom = StringField("Nom", [Marked()])
    prenom = StringField("Prénom", [Marked()])
    email = EmailField("Courriel", [Marked()])
    phone = TelField("Téléphone")
    mobile = TelField("Téléphone portable")
