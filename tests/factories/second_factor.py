"""The phone of a person with a second factor: the code its authenticator application shows now."""
import re

import pyotp

from db import clock
from db.accounts import second_factor


def code_now(secret, steps_later=0):
    """The 6 digits an application holding secret shows at the portal's now() (+ steps of 30 s)."""
    step = int((clock.now() - second_factor.EPOCH).total_seconds() // second_factor.STEP_SECONDS)
    return pyotp.TOTP(secret.replace(" ", "")).generate_otp(step + steps_later)


def enrolled(user):
    """Turn the second factor on for user (as the enrolment page does); returns (secret, codes)."""
    secret = second_factor.start_enrolment(user)
    codes = second_factor.confirm_enrolment(user, code_now(secret))
    return secret, codes


def secret_on_page(html):
    """The key printed under the QR code of the enrolment page."""
    return re.search(r'saisissant la clé <span class="mono">([A-Z2-7 ]+)</span>', html).group(1)
