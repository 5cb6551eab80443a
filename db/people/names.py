"""Telling apart people whose names read alike: the guide's « MOUTIN CLAIRE (00004) ».

Names are unique in a firm once case and accents are ignored, but "DURAND Jean-Paul" and
"DURAND Jean Paul", or "D'ARC" and "D’ARC", still read the same in a list: those get the person's
number after the name, everywhere people are listed; other names stay as they are.
"""
import re

from db.models import User
from db.text import fold

_NOT_LETTERS = re.compile(r"[\W_]+")


def reading(nom, prenom):
    """What a name reads as: letters only, without case or accents."""
    return _NOT_LETTERS.sub("", fold(f"{nom} {prenom}"))


def number(user):
    """ "00004": the person's number, as the guide prints it."""
    return f"{user.id:05d}"


def alike(firm_id):
    """The readings shared by several people of the firm (one query on the names)."""
    seen, repeated = set(), set()
    for nom, prenom in User.select(User.nom, User.prenom).where(User.firm == firm_id).tuples():
        key = reading(nom, prenom)
        (repeated if key in seen else seen).add(key)
    return repeated


def label(user, repeated):
    """ "DURAND Jean-Paul (00012)" when the name reads like another one of the firm, else the name."""
    if reading(user.nom, user.prenom) in repeated:
        return f"{user.full_name} ({number(user)})"
    return user.full_name


def name_people(people, firm_id):
    """Set each person's list_name (see User.list_name) for lists that show them; returns people."""
    repeated = alike(firm_id)
    for person in people:
        person.list_name = label(person, repeated)
    return people
