"""Mot de passe oublié, and J'ai oublié mon identifiant.

The triplet (SIRET, nom, prénom) comes first, then the portal's three ways: (1) the secret
question, 5 wrong answers and it waits 60 minutes; (2) a single-use link by e-mail, valid 60
minutes; (3) a request to the firm's administrators, who generate a temporary password.

No answer says whether a triplet or an address belongs to an account: an unknown triplet gets
a decoy question (db/accounts/decoys.py: one of the questions people write, chosen with a keyed hash
of the triplet, always the same one), whose wrong answers are counted and locked like a real
account's, and the same messages as a real one.
"""
import datetime
import hashlib
import hmac

from peewee import fn

from db import audit, clock, fields
from db.accounts import decoys, tokens
from db.accounts.login import can_log_in, find_login
from db.accounts.passwords import answer_matches, change_password, dummy_check
from db.database import database
from db.errors import Invalid, NotFound
from db.identifiers import clean
from db.mail import account_mails
from db.models import AccountToken, Firm, LoginAttempt, OutgoingMail, PendingRequest, User
from db.models.accounts import ROLE_ADMIN
from db.text import fold

SECRET_MAX_FAILURES = 5
SECRET_LOCK_MINUTES = 60
LINK_MINUTES = 60
RESEND_MINUTES = 1
VERIFIED_MINUTES = 15  # time to choose the new password after a right answer
WRONG_ANSWER = ("Réponse incorrecte. Au-delà de 5 réponses erronées, un délai d'attente de 60 minutes "
                "vous sera demandé.")


class SecretLocked(Invalid):
    """Too many wrong answers: the secret question waits until `until`."""

    def __init__(self, until):
        self.until = until
        super().__init__({"secret_answer": "Question secrète bloquée."})


def check_triplet(data):
    """The typed triplet, cleaned (format only: nothing is looked up), or Invalid."""
    values, errors = fields.collect({
        "siret": fields.siret(data.get("siret")),
        "nom": fields.name(data.get("nom"), "Le nom"),
        "prenom": fields.name(data.get("prenom"), "Le prénom"),
    })
    if errors:
        raise Invalid(errors)
    return values


def account(triplet):
    """The account a triplet names, if it could log in with a password (else None)."""
    user = find_login(triplet["siret"], triplet["nom"], triplet["prenom"])
    return user if can_log_in(user) else None


def _decoy_key(triplet, secret):
    """The LoginAttempt key that counts wrong answers for an unknown triplet ("q:" + digest), the same
    however the triplet is typed (as find_login compares it)."""
    typed = "|".join((clean(triplet["siret"]), fold(triplet["nom"]), fold(triplet["prenom"])))
    return "q:" + hmac.new(secret.encode(), typed.encode(), hashlib.sha256).hexdigest()[:40]


def _decoy_state(key):
    """(failures, locked_until) of an unknown triplet: its rows are wrong answers (success False)
    and, after the fifth, one lock row (success True, at = end of the lock)."""
    failures, locked_until = 0, None
    for row in LoginAttempt.select().where(LoginAttempt.ip == key).order_by(LoginAttempt.id):
        if row.success:
            failures, locked_until = 0, row.at
        else:
            failures += 1
    return failures, locked_until


def options(triplet, secret):
    """What the page of the three ways shows: the question and, when locked, until when."""
    now = clock.now()
    user = account(triplet)
    if user is not None and user.secret_answer_hash:
        locked = (
            user.secret_locked_until if user.secret_locked_until and user.secret_locked_until > now else None
        )
        return {"question": user.secret_question, "locked_until": locked}
    _, locked = _decoy_state(_decoy_key(triplet, secret))
    return {
        "question": decoys.question(triplet, secret),
        "locked_until": locked if locked and locked > now else None,
    }


def answer_question(triplet, answer, secret):
    """The user, when the answer to the secret question is right. Raises SecretLocked (now, or
    at the fifth wrong answer) or Invalid with WRONG_ANSWER."""
    answer, error = fields.text(answer, max_length=fields.ANSWER_MAX, what="La réponse")
    if error:
        raise Invalid({"secret_answer": error})
    now = clock.now()
    until = now + datetime.timedelta(minutes=SECRET_LOCK_MINUTES)
    user = account(triplet)
    if user is None or not user.secret_answer_hash:
        return _decoy_answer(_decoy_key(triplet, secret), answer, now, until)
    if user.secret_locked_until and user.secret_locked_until > now:
        raise SecretLocked(user.secret_locked_until)
    if answer_matches(answer, user.secret_answer_hash):
        User.update(secret_failed_attempts=0, secret_locked_until=None).where(User.id == user.id).execute()
        return user
    failures = user.secret_failed_attempts + 1
    locked = failures >= SECRET_MAX_FAILURES
    User.update(
        secret_failed_attempts=0 if locked else failures, secret_locked_until=until if locked else None
    ).where(User.id == user.id).execute()
    if locked:
        with database.atomic():
            audit.record(
                user,
                "user.secret_locked",
                "Question secrète bloquée 60 minutes après 5 réponses erronées",
                obj=user,
            )
        raise SecretLocked(until)
    raise Invalid({"secret_answer": WRONG_ANSWER})


def _decoy_answer(key, answer, now, until):
    dummy_check(answer)  # as long as checking a real answer
    failures, locked = _decoy_state(key)
    if locked and locked > now:
        raise SecretLocked(locked)
    if failures + 1 >= SECRET_MAX_FAILURES:
        with database.atomic():
            LoginAttempt.delete().where(LoginAttempt.ip == key).execute()
            LoginAttempt.create(ip=key, at=until, success=True)
        raise SecretLocked(until)
    LoginAttempt.create(ip=key, at=now, success=False)
    raise Invalid({"secret_answer": WRONG_ANSWER})


def verified_user(user_id, session_version):
    """The account that answered its question, if nothing changed since (else NotFound)."""
    user = User.get_or_none(User.id == user_id)
    if not can_log_in(user) or user.session_version != session_version:
        raise NotFound()
    return user


def reset_after_answer(user_id, session_version, password, confirmation, login_url):
    """Way 1: the new password after a right answer. Other sessions end; the mailbox is told."""
    user = verified_user(user_id, session_version)
    with database.atomic():
        user = change_password(user, password, confirmation)
        account_mails.password_reset_by_question(user, login_url)
        audit.record(
            user, "user.password_reset", "Mot de passe réinitialisé par la question secrète", obj=user
        )
    return user


def _recently(user, purpose):
    return AccountToken.select().where(
        (AccountToken.user == user.id) & (AccountToken.purpose == purpose)
        & (AccountToken.created_at > clock.now() - datetime.timedelta(minutes=RESEND_MINUTES))
    ).exists()


def send_reset_link(triplet, reset_url):
    """Way 2: mail a single-use link valid LINK_MINUTES. Silent when the triplet is unknown or a
    link was sent less than a minute ago (the page says the same in every case)."""
    user = account(triplet)
    if user is None or _recently(user, tokens.RESET_PASSWORD):
        return None
    with database.atomic():
        token = tokens.issue(user, tokens.RESET_PASSWORD, minutes=LINK_MINUTES)
        account_mails.reset_link(user, reset_url(token))
        audit.record(user, "user.recovery_link", "Lien de réinitialisation du mot de passe envoyé", obj=user)
    return user


def reset_pending(token):
    """The user a reset link is for, if it is still valid (does not consume it)."""
    row = tokens.peek(token, tokens.RESET_PASSWORD)
    if row is None or not can_log_in(row.user):
        return None
    return row.user


def reset_with_token(token, password, confirmation):
    """Way 2: choose the new password through the link; the link is consumed, and following it
    proves the mailbox, so the address counts as validated. NotFound when the link is not valid."""
    user = reset_pending(token)
    if user is None:
        raise NotFound()
    with database.atomic():
        if tokens.consume(token, tokens.RESET_PASSWORD) is None:
            raise NotFound()
        user = change_password(user, password, confirmation, validate_email=True)
        audit.record(user, "user.password_reset", "Mot de passe réinitialisé par le lien reçu par courriel",
                     obj=user)
    return user


def ask_administrators(triplet, requests_url):
    """Way 3: a PendingRequest(kind="password") for the firm's administrators, who generate a
    temporary password. Silent for an unknown triplet; not created twice while one is pending."""
    user = account(triplet)
    if user is None:
        return None
    pending = PendingRequest.select().where(
        (PendingRequest.requester == user.id) & (PendingRequest.kind == "password")
        & (PendingRequest.status == "pending")
    ).exists()
    if pending:
        return None
    admins = list(
        User.select().where((User.firm == user.firm_id) & (User.role == ROLE_ADMIN) & User.is_active)
    )
    with database.atomic():
        request = PendingRequest.create(
            firm=user.firm_id,
            kind="password",
            requester=user.id,
            requester_name=user.full_name,
            requester_email=user.email,
            message="Demande de génération d'un mot de passe (mot de passe oublié).",
        )
        account_mails.password_request_sent(user)
        account_mails.request_waiting(
            admins, user.firm, f"{user.full_name} a oublié son mot de passe et demande la génération d'un "
            "mot de passe temporaire.", requests_url,
        )
        audit.record(
            user, "user.recovery_request", "Demande de mot de passe aux administrateurs", obj=request
        )
    return request


def send_login_reminder(address, login_url):
    """J'ai oublié mon identifiant: mail the triplets of the accounts using the address. Invalid
    only for a malformed address; silent when no account uses it (the page says the same)."""
    address, error = fields.email(address)
    if error:
        raise Invalid({"email": error})
    accounts = list(
        User.select(User, Firm).join(Firm)
        .where((fn.LOWER(User.email) == address.lower()) & User.is_active & Firm.is_active)
        .order_by(Firm.siret, User.nom_key, User.prenom_key)
    )
    if not accounts:
        return None
    recent = (
        OutgoingMail.select()
        .where(
            (fn.LOWER(OutgoingMail.to) == address.lower())
            & (OutgoingMail.subject == account_mails.LOGIN_REMINDER_SUBJECT)
            & (OutgoingMail.created_at > clock.now() - datetime.timedelta(minutes=RESEND_MINUTES))
        )
        .exists()
    )
    if recent:
        return None
    with database.atomic():
        return account_mails.login_reminder(accounts[0].email, accounts, login_url)
