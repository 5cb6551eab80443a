"""Forms of the people areas. They carry the fields and the CSRF token; the rules live in db/
(db.people.declarants.check_person, db.fields), which answer with a French message per field."""
from wtforms import EmailField, PasswordField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice

from db.people.declarants import ROLES
from db.support.assistance import MOTIFS as ASSISTANCE_MOTIFS
from webapp.forms import Required
from webapp.forms.base import PortalForm


class PersonForm(PortalForm):
    nom = StringField("Nom", [Required()])
    prenom = StringField("Prénom", [Required()])
    email = EmailField("Courriel", [Required()])
    phone = TelField("Téléphone")
    mobile = TelField("Téléphone portable")


class NewPersonForm(PersonForm):
    role = SelectField("Rôle", [Required()], choices=[SelectChoice(v, label) for v, label in ROLES.items()],
                       default="declarant")


class SecretsForm(PortalForm):
    """Password and secret question, chosen at activation."""

    password = PasswordField("Mot de passe", [Required()])
    confirmation = PasswordField("Confirmation du mot de passe", [Required()])
    secret_question = StringField("Question secrète", [Required()])
    secret_answer = PasswordField("Réponse à la question secrète", [Required()])


class SearchForm(PortalForm):
    class Meta:
        csrf = False

    q = StringField("Rechercher")


class ContactForm(PortalForm):
    email = EmailField("Courriel", [Required()])
    phone = TelField("Téléphone")
    mobile = TelField("Téléphone portable")
    current_password = PasswordField("Mot de passe actuel (pour changer de courriel)")


class PasswordChangeForm(PortalForm):
    current_password = PasswordField("Mot de passe actuel", [Required()])
    password = PasswordField("Nouveau mot de passe", [Required()])
    confirmation = PasswordField("Confirmation du nouveau mot de passe", [Required()])


class SecretChangeForm(PortalForm):
    current_password = PasswordField("Mot de passe actuel", [Required()])
    secret_question = StringField("Nouvelle question secrète", [Required()])
    secret_answer = PasswordField("Réponse à la question secrète", [Required()])


class MessageForm(PortalForm):
    message = TextAreaField("Message (facultatif)")


class TemporaryPasswordForm(PortalForm):
    email = EmailField("Courriel auquel envoyer le mot de passe provisoire", [Required()])


class AnswerForm(PortalForm):
    answer = TextAreaField("Réponse", [Required()])


class AssistanceForm(PortalForm):
    motif = SelectField("Motif de la demande", [Required()], choices=[SelectChoice("", "Choisissez un motif")]
                        + [SelectChoice(m, m) for m in ASSISTANCE_MOTIFS])
    siret = StringField("SIRET")
    nom = StringField("Nom", [Required()])
    prenom = StringField("Prénom", [Required()])
    email = EmailField("Courriel", [Required()])
    message = TextAreaField("Message", [Required()])


class SupportLoginForm(PortalForm):
    email = EmailField("Courriel", [Required()])
    password = PasswordField("Mot de passe", [Required()])


class HandOverForm(PersonForm):
    """The person the support desk names administrator of a firm: the fields of any person."""
