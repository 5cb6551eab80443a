"""Forms of the inscription's steps. They render the fields and carry the CSRF token; the rules
live in db/ (db.accounts.inscription, db.fields), which the views call on every submit."""
from wtforms import PasswordField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from db.accounts.inscription import FIRM_KINDS
from db.declarations.catalogue import DOMAINS
from webapp.forms import Required
from webapp.forms.base import PortalForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IdentityForm(PortalForm):
    siret = StringField("SIRET", validators=[Required()])
    nom = StringField("Nom", validators=[Required()])
    prenom = StringField("Prénom", validators=[Required()])
    phone = StringField("Téléphone", validators=[Required()])
    mobile = StringField("Téléphone portable")
    email = StringField("Courriel", validators=[Required()])
    email_confirmation = StringField("Confirmation courriel", validators=[Required()])


class CredentialsForm(PortalForm):
    password = PasswordField("Mot de passe", validators=[Required()])
    confirmation = PasswordField("Confirmation du mot de passe", validators=[Required()])
    secret_question = StringField("Question secrète", validators=[Required()])
    secret_answer = StringField("Réponse secrète", validators=[Required()])


class ProfileForm(PortalForm):
    kind = RadioField(
        "Vous êtes…",
        choices=[SelectChoice(v, label) for v, label in FIRM_KINDS.items()],
        validators=[Required()],
        validate_choice=False,
    )
    domains = MultiCheckboxField(
        "Vous souhaitez utiliser les services liés à…",
        choices=[SelectChoice(d, d) for d in DOMAINS],
        validators=[Required()],
        validate_choice=False,
    )


class AccessRequestForm(PortalForm):
    message = TextAreaField("Message aux administrateurs (facultatif)")
