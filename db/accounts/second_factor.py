"""The optional second factor of a login: a TOTP code (RFC 6238) from an authenticator application,
or one of ten single-use recovery codes shown once at enrolment.

A person turns it on from « Vos informations personnelles » (QR code, then a first code to confirm);
an administrator can require it for everyone of the firm, and can remove a person's second factor
when the phone is lost (the person enrols again at the next login). Wrong codes are throttled like
passwords; a code is never accepted twice. Every step is journaled.
"""
import datetime
import hashlib
import hmac
import secrets

import pyotp
import segno

from db import audit, clock
from db.access import firm_row, require_admin
from db.accounts import throttle
from db.accounts.passwords import check_secret
from db.database import database
from db.errors import Invalid
from db.models import Firm, RecoveryCode, User

ISSUER = "Portail tiers déclarant"
EPOCH = datetime.datetime(1970, 1, 1)
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a phone's clock may be 30 seconds early or late
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
WRONG_CODE = ("Code incorrect ou expiré\u202f: saisissez les 6 chiffres affichés maintenant par votre "
              "application.")
WRONG_PASSWORD = "Mot de passe incorrect."


def is_enrolled(user):
    return user.totp_enabled_at is not None  # set and cleared with the secret, read with the session


def _secrets(user):
    """The person's hashes and second-factor secrets, read afresh: the session's user has none."""
    return User.select(User.password_hash, User.totp_secret, User.totp_pending_secret,
                       User.totp_last_step).where(User.id == user.id).get()


def is_required(user):
    """The person must log in with a second factor: enrolled, or the firm requires it."""
    return is_enrolled(user) or bool(user.firm_id and user.firm.second_factor_required)


def _digest(code):
    return hashlib.sha256(code.encode()).hexdigest()


def _normalised(code):
    return "".join((code or "").split()).replace("-", "").upper()[:20]


def start_enrolment(user):
    """A new secret to enrol (kept aside until a first code confirms it); returns it."""
    secret = pyotp.random_base32()
    User.update(totp_pending_secret=secret).where(User.id == user.id).execute()
    user.totp_pending_secret = secret
    return secret


def provisioning(user):
    """(otpauth URI, the same as an inline SVG QR code, the secret in groups of four) of the
    enrolment in progress, for the authenticator application."""
    secret = _secrets(user).totp_pending_secret or start_enrolment(user)
    label = f"{user.full_name} ({user.firm.siret})" if user.firm_id else user.full_name
    uri = pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, title="Code QR de l’application")
    return uri, svg, " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret, code, after):
    """The time step whose code is `code` (around now, later than `after`), or None."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((clock.now() - EPOCH).total_seconds() // STEP_SECONDS)  # clock.now() is naive UTC
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_enrolment(user, code):
    """The first code proves the application holds the secret: the second factor is on. Returns the
    recovery codes, to show once (only their digests are kept)."""
    code, pending = _normalised(code), _secrets(user).totp_pending_secret
    step = _matching_step(pending or "", code, None)
    if step is None:
        raise Invalid({"code": WRONG_CODE})
    codes, now = _new_codes(), clock.now()
    with database.atomic():
        User.update(totp_secret=pending, totp_pending_secret=None, totp_last_step=step,
                    totp_enabled_at=now).where(User.id == user.id).execute()
        _store_codes(user, codes)
        audit.record(user, "user.second_factor_enabled",
                     f"{user.full_name} active la double authentification", obj=user)
    user.totp_enabled_at = now
    return codes


def _new_codes():
    return ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) + "-"
            + "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) for _ in range(RECOVERY_CODES)]


def _store_codes(user, codes):
    RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()
    rows = [{"user": user.id, "code_hash": _digest(_normalised(code))} for code in codes]
    RecoveryCode.insert_many(rows).execute()


def new_recovery_codes(user, password):
    """Ten new recovery codes (the old ones stop working), with the password; shown once."""
    if not check_secret(password or "", _secrets(user).password_hash):
        raise Invalid({"password": WRONG_PASSWORD})
    codes = _new_codes()
    with database.atomic():
        _store_codes(user, codes)
        audit.record(user, "user.recovery_codes", f"{user.full_name} génère de nouveaux codes de secours",
                     obj=user)
    return codes


def remaining_codes(user):
    unused = (RecoveryCode.user == user.id) & RecoveryCode.used_at.is_null()
    return RecoveryCode.select().where(unused).count()


def verify(user, code, ip=None):
    """Check the code of a login's second step: returns "code" or "recovery" (a recovery code,
    now used up). Raises Throttled while this person's codes from this address must wait, Invalid
    otherwise; wrong codes are journaled."""
    now = clock.now()
    account = throttle.login_key("second-factor", str(user.id))
    throttle.check_address(ip, now)
    throttle.check_account(ip, account, now)
    code, stored = _normalised(code), _secrets(user)
    step = _matching_step(stored.totp_secret or "", code, stored.totp_last_step)
    if step is not None:
        used = User.update(totp_last_step=step).where(
            (User.id == user.id) & (User.totp_last_step.is_null() | (User.totp_last_step < step))).execute()
        if used:  # two submits of one code: the second finds the step taken
            throttle.record(ip, True, account, now)
            return "code"
    elif len(code) == 8 and RecoveryCode.update(used_at=now).where(
            (RecoveryCode.user == user.id) & (RecoveryCode.code_hash == _digest(code))
            & RecoveryCode.used_at.is_null()).execute():
        throttle.record(ip, True, account, now)
        return "recovery"
    until = throttle.record(ip, False, account, now)
    with database.atomic():
        audit.record(user, "login.second_factor_failed", f"Code de double authentification erroné pour "
                     f"{user.full_name}" + (f" depuis l’adresse {ip}" if ip else ""), obj=user)
    if until:
        raise throttle.Throttled(until, "account")
    raise Invalid({"code": WRONG_CODE})


def _turn_off(user, actor, action, summary):
    with database.atomic():
        User.update(totp_secret=None, totp_pending_secret=None, totp_enabled_at=None,
                    totp_last_step=None).where(User.id == user.id).execute()
        RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()
        audit.record(actor, action, summary, obj=user)


def disable(user, password):
    """The person turns the second factor off (with the password), unless the firm requires it."""
    if user.firm_id and user.firm.second_factor_required:
        raise Invalid({"__all__": "Votre cabinet exige la double authentification\u202f: elle ne peut pas "
                                  "être désactivée."})
    if not check_secret(password or "", _secrets(user).password_hash):
        raise Invalid({"password": WRONG_PASSWORD})
    _turn_off(user, user, "user.second_factor_disabled",
              f"{user.full_name} désactive la double authentification")


def reset_by_admin(actor, person_id):
    """A lost phone: an administrator removes the person's second factor (journaled); the person's
    sessions end, and the next login enrols a new phone when the firm requires it."""
    require_admin(actor)
    person = firm_row(actor, User, person_id)
    if not is_enrolled(person):
        raise Invalid({"__all__": f"{person.full_name} n’a pas de double authentification."})
    _turn_off(person, actor, "person.second_factor_reset",
              f"Double authentification de {person.full_name} réinitialisée par {actor.full_name}")
    User.update(session_version=User.session_version + 1).where(User.id == person.id).execute()
    return person


def set_required(actor, required):
    """The firm-level setting: everyone logs in with a second factor (journaled)."""
    require_admin(actor)
    required = bool(required)
    firm = Firm.get_by_id(actor.firm_id)
    if firm.second_factor_required == required:
        return firm
    with database.atomic():
        Firm.update(second_factor_required=required).where(Firm.id == firm.id).execute()
        audit.record(actor, "firm.second_factor_required",
                     ("Double authentification exigée pour tout le cabinet" if required
                      else "Double authentification laissée au choix de chacun"),
                     obj=firm, before={"exigée": firm.second_factor_required}, after={"exigée": required})
    firm.second_factor_required = required
    return firm
