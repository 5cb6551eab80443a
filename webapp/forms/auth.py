"""Connexion form: the portal's triplet Siret + Nom + Prénom, and the password."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

REQUIRED = "Ce champ est obligatoire."


class LoginForm(FlaskForm):
    siret = StringField("Siret", validators=[DataRequired(REQUIRED), Length(max=20)])
    nom = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=100)])
    prenom = StringField("Prénom", validators=[DataRequired(REQUIRED), Length(max=100)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED), Length(max=128)])
