"""Forms of the second factor (rules in db.accounts.second_factor)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField

from webapp.forms import Required


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[Required()],
                       render_kw={"maxlength": 20, "spellcheck": "false",
                                  "autocapitalize": "characters"})


class PasswordForm(FlaskForm):
    password = PasswordField("Mot de passe", validators=[Required()])


class RequiredForm(FlaskForm):
    required = BooleanField("Exiger la double authentification pour toutes les personnes du cabinet")
