"""bcrypt hashing for passwords and secret answers.

bcrypt reads at most 72 bytes, and a 128-character password with accents is longer than
that: the secret is first reduced with SHA-256 (as passlib's bcrypt_sha256 does), so every
character counts.
"""
import base64
import hashlib

import bcrypt

ROUNDS = 12


def _prepare(secret):
    return base64.b64encode(hashlib.sha256(secret.encode("utf-8")).digest())


def hash_secret(secret, rounds=None):
    return bcrypt.hashpw(_prepare(secret), bcrypt.gensalt(rounds or ROUNDS)).decode("ascii")


def check_secret(secret, hashed):
    if not hashed or secret is None:
        return False
    try:
        return bcrypt.checkpw(_prepare(secret), hashed.encode("ascii"))
    except ValueError:
        return False


def set_rounds(rounds):
    """Tests lower the cost factor (4) so that hashing does not dominate their run time."""
    global ROUNDS
    ROUNDS = rounds


# A hash to compare against when the account does not exist, so that a wrong SIRET or name
# takes as long as a wrong password and timing reveals nothing.
_DUMMY = None


def dummy_check(secret):
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_secret("dummy-password-for-timing")
    check_secret(secret, _DUMMY)
