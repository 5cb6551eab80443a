"""Forms of the second factor (rules in db.accounts.second_factor)."""
from wtforms import BooleanField, PasswordField, StringField

from webapp.forms import Required
from webapp.forms.base import PortalForm


class CodeForm(PortalForm):
    code = StringField("Code", validators=[Required()],
                       render_kw={"maxlength": 20, "spellcheck": "false",
                                  "autocapitalize": "characters"})


class PasswordForm(PortalForm):
    password = PasswordField("Mot de passe", validators=[Required()])


class RequiredForm(PortalForm):
    required = BooleanField("Exiger la double authentification pour toutes les personnes du cabinet")
